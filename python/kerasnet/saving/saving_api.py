"""The saving entry points: `save_model`, `load_model`, `save_weights`,
`load_weights` (what `Model.save`, `kerasnet.models.load_model` and
`kerasnet.saving` call). They pick the format from the file name, as Keras 3:

- `.keras`: the zip format (saving_lib), written and read;
- `.weights.h5`: weights only (saving_lib), written and read;
- `.h5` / `.hdf5`: Keras 2 / tf.keras legacy files (legacy_h5), read only.
"""

import os
import warnings
import zipfile

from kerasnet.saving import file_io, legacy_h5, saving_lib


def _path_str(filepath):
    return str(os.fspath(filepath)) if isinstance(filepath, (str, os.PathLike)) else None


def _proceed(filepath, overwrite):
    if overwrite or not os.path.exists(filepath):
        return True
    return file_io.ask_to_proceed_with_overwrite(filepath)


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves a model as a `.keras` file (atomically: a crash leaves any
    previous file intact).

    Args:
        model: the model.
        filepath: a path ending in `.keras`, or a binary file object.
        overwrite: when False, asks before replacing an existing file.
        zipped: must be True or None (kerasnet writes the zip format).
    """
    include_optimizer = kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", False)
    path = _path_str(filepath)
    if save_format:
        if path is not None and path.endswith((".keras", ".h5", ".hdf5")):
            warnings.warn(
                "The `save_format` argument is deprecated in Keras 3. We "
                "recommend removing this argument as it can be inferred from "
                f"the file path. Received: save_format={save_format}",
                stacklevel=2,
            )
        else:
            raise ValueError(
                "The `save_format` argument is deprecated in Keras 3. Please "
                "remove this argument and pass a file path with either `.keras` "
                f"or `.h5` extension. Received: save_format={save_format}"
            )
    if kwargs:
        raise ValueError(
            "The following argument(s) are not supported: "
            f"{list(kwargs.keys())}"
        )
    if not include_optimizer:
        raise ValueError(
            "`include_optimizer=False` is only supported by the legacy `.h5` "
            "format, which kerasnet does not write."
        )
    if zipped is False:
        raise ValueError("kerasnet writes only the zipped `.keras` format (zipped=True).")
    if path is None:
        return saving_lib.save_model(model, filepath)
    if path.endswith((".h5", ".hdf5")):
        raise ValueError(
            "kerasnet does not write the legacy `.h5` format (it loads it). "
            "Save with a `.keras` extension instead (it loads in Keras 3 too). "
            f"Received: filepath={path}"
        )
    if not path.endswith(".keras"):
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a "
            "`.keras` extension for the native Keras format (recommended) or "
            "a `.h5` extension. Use `model.export(filepath)` if you want to "
            f"export a SavedModel for use with TFLite/TFServing/etc. Received: filepath={path}."
        )
    if not _proceed(path, overwrite):
        return
    saving_lib.save_model(model, path)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved by `save_model` (or by Keras 3, or a Keras 2 `.h5`).

    Args:
        filepath: a `.keras` or legacy `.h5` path, or a binary file object.
        custom_objects: name -> class or function, for custom objects.
        compile: compile the model as it was when saved.
        safe_mode: refuse to load Python lambdas (default True).
    """
    path = _path_str(filepath)
    if path is None:
        return saving_lib.load_model(filepath, custom_objects, compile, safe_mode)
    if path.endswith(".keras"):
        if not os.path.exists(path):
            raise ValueError(
                f"File not found: filepath={path}. Please ensure the file is an "
                "accessible `.keras` zip file."
            )
        if os.path.isdir(path):
            raise ValueError(f"'{path}' is a folder, not a `.keras` zip file.")
        return saving_lib.load_model(path, custom_objects, compile, safe_mode)
    if path.endswith((".h5", ".hdf5")):
        return legacy_h5.load_model(path, custom_objects, compile, safe_mode)
    if os.path.isfile(path) and zipfile.is_zipfile(path):
        raise ValueError(
            f"Invalid filename: expected a `.keras` extension. Received: filepath={path}"
        )
    raise ValueError(
        f"File format not supported: filepath={path}. kerasnet (like Keras 3) "
        "loads `.keras` files and legacy H5 files (`.h5` extension); the "
        "legacy SavedModel format is not supported."
    )


def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    """Saves the weights of `model` to a `.weights.h5` file (atomically)."""
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {list(kwargs)}")
    if max_shard_size is not None:
        raise ValueError("Sharded weights (`max_shard_size`) are not supported by kerasnet.")
    path = _path_str(filepath)
    if path is None or not path.endswith(".weights.h5"):
        raise ValueError(
            f"The filename must end in `.weights.h5`. Received: filepath={filepath}"
        )
    if not _proceed(path, overwrite):
        return
    saving_lib.save_weights_only(model, path)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads weights from `.weights.h5`, `.keras` or legacy `.h5` files.

    Args:
        model: a built model.
        filepath: the file.
        skip_mismatch: warn about and skip objects whose weights do not fit.
        by_name: (legacy `.h5` only) match layers by name, not by order.
    """
    path = _path_str(filepath)
    if path is None:
        raise ValueError(f"`load_weights` needs a file path. Received: {filepath!r}")
    if path.endswith((".keras", ".weights.h5")):
        if kwargs:
            raise ValueError(f"Invalid keyword arguments: {kwargs}")
        return saving_lib.load_weights_only(model, path, skip_mismatch=skip_mismatch)
    if path.endswith((".h5", ".hdf5")):
        by_name = kwargs.pop("by_name", False)
        if kwargs:
            raise ValueError(f"Invalid keyword arguments: {kwargs}")
        return legacy_h5.load_weights(model, path, by_name=by_name, skip_mismatch=skip_mismatch)
    raise ValueError(
        f"File format not supported: filepath={path}. kerasnet (like Keras 3) "
        "supports `.keras` and `.weights.h5` files, or legacy `.h5` files."
    )
