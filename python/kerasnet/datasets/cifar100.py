"""CIFAR-100 small images classification dataset (downloaded on first use)."""

import os

from kerasnet.datasets.cifar import find_folder, load_batch, to_image_format
from kerasnet.utils.file_utils import get_file

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
_FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine"):
    """Loads the CIFAR-100 dataset.

    50,000 32x32 color training images and 10,000 test images, labeled over
    100 fine-grained classes grouped into 20 coarse-grained classes.

    Args:
        label_mode: `"fine"` (100 classes) or `"coarse"` (20 classes).

    Returns:
        Tuple of numpy arrays: `(x_train, y_train), (x_test, y_test)`.
        `x_train`: uint8 array of shape `(50000, 32, 32, 3)` (channels last);
        `y_train`: uint8 labels of shape `(50000, 1)`; `x_test`, `y_test`:
        the same for the 10,000 test images.

    Raises:
        ValueError: an unknown `label_mode`.
        ConnectionError: the archive is not cached and cannot be downloaded.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            '`label_mode` must be one of `"fine"`, `"coarse"`. '
            f"Received: label_mode={label_mode}."
        )
    path = get_file(
        fname="cifar-100-python-target",
        origin=_ORIGIN,
        extract=True,
        file_hash=_FILE_HASH,
    )
    folder = find_folder(path, "train")
    key = label_mode + "_labels"
    x_train, y_train = load_batch(os.path.join(folder, "train"), key)
    x_test, y_test = load_batch(os.path.join(folder, "test"), key)
    x_train, x_test = to_image_format(x_train, x_test)
    # As Keras: CIFAR-100 labels come back as int64.
    y_train = y_train.astype("int64").reshape(-1, 1)
    y_test = y_test.astype("int64").reshape(-1, 1)
    return (x_train, y_train), (x_test, y_test)
