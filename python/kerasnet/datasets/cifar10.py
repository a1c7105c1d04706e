"""CIFAR-10 small images classification dataset (downloaded on first use)."""

import os

import numpy as np

from kerasnet.datasets.cifar import find_folder, load_batch, to_image_format
from kerasnet.utils.file_utils import get_file

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """Loads the CIFAR-10 dataset.

    50,000 32x32 color training images and 10,000 test images, labeled over
    10 categories: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog,
    6 frog, 7 horse, 8 ship, 9 truck. The archive is downloaded once into
    `~/.keras/datasets` (or under `$KERAS_HOME`), checked against its sha256
    hash and extracted there.

    Returns:
        Tuple of numpy arrays: `(x_train, y_train), (x_test, y_test)`.
        `x_train`: uint8 array of shape `(50000, 32, 32, 3)` (channels last;
        `(50000, 3, 32, 32)` when the image data format is channels_first);
        `y_train`: uint8 labels 0-9 of shape `(50000, 1)`; `x_test`,
        `y_test`: the same for the 10,000 test images.

    Raises:
        ConnectionError: the archive is not cached and cannot be downloaded.
    """
    path = get_file(
        fname="cifar-10-batches-py-target",
        origin=_ORIGIN,
        extract=True,
        file_hash=_FILE_HASH,
    )
    folder = find_folder(path, "data_batch_1")
    parts = [
        load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)
    ]
    x_train = np.concatenate([x for x, _ in parts])
    y_train = np.concatenate([y for _, y in parts]).reshape(-1, 1)
    x_test, y_test = load_batch(os.path.join(folder, "test_batch"))
    y_test = y_test.reshape(-1, 1)
    x_train, x_test = to_image_format(x_train, x_test)
    return (x_train, y_train), (x_test, y_test)
