"""H5Store: the HDF5 variable store of `.weights.h5` and `model.weights.h5`.

Layout (Keras 3's `saving_lib.H5IOStore`): each saveable object has a group
`<object path>/vars` (the root object: `vars`) whose datasets are named
"0", "1", ... in the object's variable order, with the attribute
`name` = the object's name. A group is made for every object that saves its
variables, even one without variables.

Reading refuses what Keras refuses (soft and external links, external and
virtual datasets, datasets that declare far more bytes than they store), so a
crafted file raises ValueError instead of reading outside itself or
allocating without bound.
"""

import math

import numpy as np

# A dataset declaring more than this many bytes must store at least
# 1/_H5_MAX_EXPANSION of them (Keras' guard against shape bombs).
_H5_BOMB_FLOOR_BYTES = 1 << 32
_H5_MAX_EXPANSION = 1000


def _h5py():
    try:
        import h5py
    except ImportError as e:  # pragma: no cover - h5py is a dependency
        raise ImportError(
            "h5py is needed to save and load weights: `pip install h5py`."
        ) from e
    return h5py


def _check_link(h5py, parent, name):
    kind = parent.get(name, default=None, getclass=True, getlink=True)
    if kind in (h5py.ExternalLink, h5py.SoftLink):
        raise ValueError(f"Not allowed: H5 file with {kind.__name__} at '{name}'")


def safe_get_group(parent, path):
    """The group at `path` below `parent` (KeyError if absent)."""
    h5py = _h5py()
    current = parent
    for part in path.split("/"):
        if not part:
            raise ValueError(f"Invalid path in H5 file: {path!r}")
        if part not in current:
            raise KeyError(path)
        _check_link(h5py, current, part)
        current = current[part]
        if not isinstance(current, h5py.Group):
            raise ValueError(
                f"Invalid H5 file: expected a group at '{path}', found "
                f"{type(current).__name__}."
            )
    return current


def safe_read_dataset(group, name):
    """The dataset `name` of `group` as a numpy array, after Keras' checks."""
    h5py = _h5py()
    if name not in group:
        raise KeyError(name)
    _check_link(h5py, group, name)
    dataset = group[name]
    if not isinstance(dataset, h5py.Dataset):
        raise ValueError(
            f"Invalid H5 file: expected a dataset at '{name}', found "
            f"{type(dataset).__name__}."
        )
    if dataset.external:
        raise ValueError(f"Not allowed: H5 file with external dataset '{name}'")
    if dataset.is_virtual:
        raise ValueError(f"Not allowed: H5 file with virtual dataset '{name}'")
    declared = math.prod(dataset.shape or ()) * dataset.dtype.itemsize
    stored = dataset.id.get_storage_size()
    if declared > _H5_BOMB_FLOOR_BYTES and declared > _H5_MAX_EXPANSION * stored:
        raise ValueError(
            f"Not allowed: H5 dataset '{name}' declares {declared} bytes but "
            f"stores {stored}; refusing a potential decompression bomb."
        )
    value = dataset[()]
    if "dtype" in dataset.attrs and dataset.attrs["dtype"] == "bfloat16":
        value = np.asarray(value, dtype=np.float32)  # kerasnet computes in float32
    return np.asarray(value)


class H5Store:
    """The store `save_own_variables` / `load_own_variables` write and read.

    Args:
        file: a path or a binary file object (e.g. io.BytesIO).
        mode: "r" or "w".

    `make(path, metadata)` (write) and `get(path)` (read) select the entry
    `path/vars`; the store then acts as a dict of its datasets.
    """

    def __init__(self, file, mode="r"):
        if mode not in ("r", "w"):
            raise ValueError(f"`mode` should be either 'r' or 'w'. Received: {mode}")
        self.mode = mode
        self.h5_file = _h5py().File(file, mode=mode)
        self._entry = {}
        self._entry_path = None

    def make(self, path, metadata=None):
        if self.mode != "w":
            raise ValueError("`make` is only allowed in write mode.")
        self._entry_path = path
        group = self.h5_file.require_group(path) if path else self.h5_file
        self._entry = group.create_group("vars")
        for k, v in (metadata or {}).items():
            self._entry.attrs[k] = v
        return self

    def get(self, path):
        if self.mode != "r":
            raise ValueError("`get` is only allowed in read mode.")
        self._entry_path = path
        self._entry = {}
        full = f"{path}/vars" if path else "vars"
        try:
            self._entry = safe_get_group(self.h5_file, full)
        except KeyError:
            # Keras 2.13 named the layers container differently.
            legacy = full.replace("layers", "_layer_checkpoint_dependencies")
            if legacy != full and "_layer_checkpoint_dependencies" in self.h5_file:
                try:
                    self._entry = safe_get_group(self.h5_file, legacy)
                except KeyError:
                    pass
        return self

    def has_path(self, path):
        return path in self.h5_file

    @property
    def entry_path(self):
        return self._entry_path or "/"

    def close(self):
        self.h5_file.close()

    # The entry as a dict.
    def __len__(self):
        return len(self._entry)

    def keys(self):
        return list(self._entry.keys())

    def __contains__(self, key):
        return key in self._entry

    def __getitem__(self, key):
        if not hasattr(self._entry, "attrs"):
            raise KeyError(key)
        return safe_read_dataset(self._entry, key)

    def __setitem__(self, key, value):
        if self.mode != "w":
            raise ValueError("Setting a value is only allowed in write mode.")
        value = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
        self._entry.create_dataset(key, data=value)
