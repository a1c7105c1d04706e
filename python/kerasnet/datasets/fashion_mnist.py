"""Fashion-MNIST dataset (downloaded on first use)."""

import gzip
import os

import numpy as np

from kerasnet.utils.file_utils import get_file

_ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
# sha256 of each file, so that a corrupted transfer or a planted cache entry
# is rejected instead of being read as training data.
_FILE_HASHES = {
    "train-labels-idx1-ubyte.gz": (
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"
    ),
    "train-images-idx3-ubyte.gz": (
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"
    ),
}


def _read_idx(path, magic, offset):
    """The payload of a gzipped IDX file (MNIST's format), checked."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < offset or int.from_bytes(data[:4], "big") != magic:
        raise ValueError(
            f"{path} is not an IDX file of the expected kind "
            f"(magic number {magic:#06x})."
        )
    count = int.from_bytes(data[4:8], "big")
    return np.frombuffer(data, np.uint8, offset=offset), count


def _labels(path):
    labels, count = _read_idx(path, 0x0801, 8)
    if labels.size != count:
        raise ValueError(
            f"{path}: expected {count} labels, found {labels.size}"
        )
    return labels


def _images(path, count):
    pixels, n = _read_idx(path, 0x0803, 16)
    if n != count or pixels.size != count * 28 * 28:
        raise ValueError(
            f"{path}: expected {count} images of 28x28 pixels, found "
            f"{n} images and {pixels.size} bytes."
        )
    return pixels.reshape(count, 28, 28)


def load_data():
    """Loads the Fashion-MNIST dataset.

    60,000 28x28 grayscale images of 10 fashion categories, and a test set of
    10,000 images: a drop-in replacement for MNIST. The classes are 0
    T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
    7 Sneaker, 8 Bag, 9 Ankle boot. The four files are downloaded once into
    `~/.keras/datasets/fashion-mnist` (or under `$KERAS_HOME`) and checked
    against their sha256 hashes.

    Returns:
        Tuple of numpy arrays: `(x_train, y_train), (x_test, y_test)`.
        `x_train`: uint8 array of shape `(60000, 28, 28)`; `y_train`: uint8
        labels 0-9 of shape `(60000,)`; `x_test`, `y_test`: the same for the
        10,000 test images.

    Raises:
        ConnectionError: the files are not cached and cannot be downloaded.

    License:
        The copyright for Fashion-MNIST is held by Zalando SE. Fashion-MNIST
        is licensed under the MIT license.
    """
    dirname = os.path.join("datasets", "fashion-mnist")
    paths = {
        fname: get_file(
            fname,
            origin=_ORIGIN_FOLDER + fname,
            cache_subdir=dirname,
            file_hash=file_hash,
        )
        for fname, file_hash in _FILE_HASHES.items()
    }
    y_train = _labels(paths["train-labels-idx1-ubyte.gz"])
    x_train = _images(paths["train-images-idx3-ubyte.gz"], len(y_train))
    y_test = _labels(paths["t10k-labels-idx1-ubyte.gz"])
    x_test = _images(paths["t10k-images-idx3-ubyte.gz"], len(y_test))
    return (x_train, y_train), (x_test, y_test)
