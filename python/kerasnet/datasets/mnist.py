"""MNIST handwritten digits dataset (downloaded on first use)."""

from kerasnet.datasets import _npz
from kerasnet.utils.file_utils import get_file

_ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Loads the MNIST dataset.

    60,000 28x28 grayscale images of the 10 digits, and a test set of 10,000
    images. The file is downloaded once into the Keras cache
    (`~/.keras/datasets`, or `$KERAS_HOME/datasets`) and checked against its
    sha256 hash.

    Args:
        path: where to cache the dataset locally (relative to
            `~/.keras/datasets`).

    Returns:
        Tuple of numpy arrays: `(x_train, y_train), (x_test, y_test)`.
        `x_train`: uint8 array of shape `(60000, 28, 28)`, pixel values 0 to
        255; `y_train`: uint8 labels 0-9 of shape `(60000,)`; `x_test`,
        `y_test`: the same for the 10,000 test images.

    Raises:
        ConnectionError: the file is not cached and cannot be downloaded.

    License:
        Yann LeCun and Corinna Cortes hold the copyright of MNIST dataset,
        which is a derivative work from original NIST datasets. MNIST dataset
        is made available under the terms of the Creative Commons
        Attribution-Share Alike 3.0 license.

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    assert x_train.shape == (60000, 28, 28)
    ```
    """
    path = get_file(
        fname=path, origin=_ORIGIN_FOLDER + "mnist.npz", file_hash=_FILE_HASH
    )
    arrays = _npz.load_npz(path)
    x_train, y_train, x_test, y_test = _npz.require(
        arrays, ("x_train", "y_train", "x_test", "y_test"), path
    )
    return (x_train, y_train), (x_test, y_test)
