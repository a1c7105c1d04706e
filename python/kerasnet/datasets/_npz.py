"""Safe readers for the downloaded dataset files.

The IMDB file stores ragged sequences as numpy object arrays and the CIFAR
batches are Python pickles; both can only be read through pickle. A pickle
may call any importable function, so these readers only let pickle rebuild
numpy arrays: a tampered file raises instead of running code.
"""

import io
import pickle
import zipfile

import numpy as np

# The globals pickle needs to rebuild numpy arrays (numpy < 2 and >= 2 names).
_ALLOWED = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        # Protocol-2 pickles written by Python 3 spell bytes this way; it only
        # encodes a string.
        ("_codecs", "encode"),
    }
)


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that can only build numpy arrays and plain containers."""

    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to load `{module}.{name}` while reading a dataset file: "
            "the file may be corrupted or malicious."
        )


def load_pickle(fileobj, encoding="ASCII"):
    return RestrictedUnpickler(fileobj, encoding=encoding).load()


def _read_npy(fp):
    try:
        return np.lib.format.read_array(fp, allow_pickle=False)
    except ValueError:
        # An object array: skip the header, then unpickle restrictedly.
        fp.seek(0)
        version = np.lib.format.read_magic(fp)
        if version == (1, 0):
            np.lib.format.read_array_header_1_0(fp)
        elif version[0] in (2, 3):
            np.lib.format.read_array_header_2_0(fp)
        else:
            raise ValueError(f"Unsupported .npy format version {version}.")
        return load_pickle(fp, encoding="latin1")


def load_npz(path):
    """The arrays of an .npz file as a dict (object arrays read safely)."""
    arrays = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.filename.endswith(".npy"):
                    continue
                with archive.open(info) as raw:
                    buffer = io.BytesIO(raw.read())
                arrays[info.filename[: -len(".npy")]] = _read_npy(buffer)
    except zipfile.BadZipFile as e:
        raise ValueError(f"{path} is not a valid .npz file: {e}") from None
    return arrays


def require(arrays, keys, path):
    missing = [k for k in keys if k not in arrays]
    if missing:
        raise ValueError(
            f"The dataset file {path} lacks the arrays {missing} "
            f"(found: {sorted(arrays)})."
        )
    return [arrays[k] for k in keys]
