"""Reading the CIFAR-10 / CIFAR-100 python batches (shared by both)."""

import os

import numpy as np

from kerasnet.datasets import _npz
from kerasnet.backend import image_data_format


def load_batch(fpath, label_key="labels"):
    """(data, labels) of one CIFAR batch file: uint8 (n, 3, 32, 32), uint8 (n,).

    The batches are Python pickles; they are read with an unpickler that can
    only rebuild numpy arrays and plain containers.
    """
    with open(fpath, "rb") as f:
        d = _npz.load_pickle(f, encoding="bytes")
    if not isinstance(d, dict):
        raise ValueError(f"{fpath} is not a CIFAR batch (a pickled dict).")
    d = {
        k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()
    }
    if "data" not in d or label_key not in d:
        raise ValueError(
            f"{fpath} is not a CIFAR batch with `data` and `{label_key}` "
            f"entries (found: {sorted(d)})."
        )
    data = np.asarray(d["data"], dtype=np.uint8)
    labels = np.asarray(d[label_key], dtype=np.uint8)
    if data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise ValueError(
            f"{fpath}: expected `data` of shape (n, 3072), got {data.shape}."
        )
    if labels.shape != (data.shape[0],):
        raise ValueError(
            f"{fpath}: {data.shape[0]} images but labels of shape "
            f"{labels.shape}."
        )
    return data.reshape(data.shape[0], 3, 32, 32), labels


def find_folder(root, marker):
    """The folder under `root` (an extraction folder) holding `marker`."""
    for folder, _, files in os.walk(root):
        if marker in files:
            return folder
    raise ValueError(
        f"No `{marker}` found under {root}: the downloaded archive is not the "
        "expected dataset. Delete the folder and try again."
    )


def to_image_format(x_train, x_test):
    """Channels-first batches to the configured image data format."""
    if image_data_format() == "channels_last":
        return x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return x_train, x_test
