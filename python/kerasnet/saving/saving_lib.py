"""The `.keras` format and `.weights.h5` files, as Keras 3's saving_lib.

A `.keras` file is a zip (members stored, not compressed) of:

    metadata.json      {"keras_version": ..., "date_saved": ...}
    config.json        serialize_keras_object(model): module, class_name,
                       config, registered_name, build_config, compile_config
    model.weights.h5   the variables of every object, by object path

Object paths come from walking the model the way Keras does (Note [Paths]),
so a file written here loads in Keras 3 and the other way round. A
`.weights.h5` file is that same h5 file alone.

Note [Paths]
~~~~~~~~~~~~
From the model (path "") the walk visits, for a Sequential or Functional
model, its `layers` first; then every attribute in `dir(obj)` that a bare
Layer does not have, public names sorted, then private ones sorted. A layer,
optimizer, metric or loss found in an attribute `a` lives at `<path>/a`; a
list, tuple or dict in `a` gives `<path>/a/<snake_case class name>`,
uniquified inside that container (`dense`, `dense_1`, ...), and a nested
container `<path>/a/container`. Each object is saved once, at the first path
that reaches it. So a Sequential's layers are `layers/dense`, `layers/dense_1`,
the optimizer is `optimizer`, a subclassed model's `self.encoder = Dense(4)`
is `encoder`. Each object that saves variables writes `<path>/vars/0..n`.
"""

import datetime
import io
import json
import os
import warnings
import zipfile

from kerasnet._version import __version__
from kerasnet.layers.layer import Layer
from kerasnet.losses.loss import Loss
from kerasnet.metrics.metric import Metric
from kerasnet.models.functional import Functional
from kerasnet.models.sequential import Sequential
from kerasnet.optimizers.optimizer import Optimizer
from kerasnet.saving import file_io
from kerasnet.saving.h5_store import H5Store
from kerasnet.saving.serialization_lib import (
    ObjectSharingScope,
    deserialize_keras_object,
    serialize_keras_object,
    to_snake_case,
)

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
VARS_FNAME_H5 = "model.weights.h5"
# The Keras release whose file format this module writes.
KERAS_FORMAT_VERSION = "3.15.1"


# -- the walk (Note [Paths]) -------------------------------------------------------------
def _classes():
    return Layer, Optimizer, Metric, Loss


def _is_saveable(obj):
    return isinstance(obj, _classes())


def _obj_type(obj):
    if isinstance(obj, Sequential):
        return "Sequential"
    if isinstance(obj, Functional):
        return "Functional"
    if isinstance(obj, _classes()[0]):  # a Layer
        return "Layer"
    return "Leaf"  # optimizers, metrics, losses: no saveable children


# Names a Keras Layer has that kerasnet's does not (so a user attribute with
# one of these names is skipped as in Keras), and kerasnet's own internals of
# models and trainers (never walked: they only repeat `layers`).
_KERAS_LAYER_NAMES = frozenset({
    "_tracker", "_layers", "_metrics", "_seed_generators", "seed_generators",
    "_loss_ids", "_parent_path", "_path", "_call_signature", "_inbound_nodes",
    "_outbound_nodes", "_convert_input_args", "_allow_non_tensor_positional_args",
    "_self_unconditional_dependency_names", "quantization_mode", "input_dtype",
    "_build_shapes_dict", "_called", "_lock", "_losses_override", "metrics",
    "metrics_variables", "_metrics_variables", "_dtype_policy", "_input_spec",
})
_KERASNET_MODEL_INTERNALS = frozenset({
    "_stack", "_functional", "_operations", "_input_layers", "_plan",
    "_nodes_by_depth", "_inputs_struct", "_outputs_struct", "_flat_inputs",
    "_flat_outputs", "_node_ids", "_compile_loss", "_compile_metrics",
    "_loss_tracker", "_compile_config", "history",
})
_SKIPSETS = {}


def _skipset(obj_type):
    skip = _SKIPSETS.get(obj_type)
    if skip is None:
        bare = Layer(name="kerasnet_saving_probe")
        skip = set(dir(bare)) | _KERAS_LAYER_NAMES | _KERASNET_MODEL_INTERNALS
        if obj_type == "Functional":
            skip |= {"operations", "_operations"}
        _SKIPSETS[obj_type] = skip
    return skip


def _name_key(name):
    return "~" + name if name.startswith("_") else name


def _walk(obj):
    obj_type = _obj_type(obj)
    if obj_type == "Leaf":
        return
    skip = _skipset(obj_type)
    if obj_type in ("Sequential", "Functional"):
        yield "layers", obj.layers
    for attr in sorted(dir(obj), key=_name_key):
        if attr.startswith("__") or attr in skip:
            continue
        try:
            value = getattr(obj, attr)
        except Exception:  # properties that need state the object lacks
            continue
        yield attr, value


def _join(path, name):
    return f"{path}/{name}" if path else name


def _unique_name(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _container_items(container):
    return list(container.values()) if isinstance(container, dict) else list(container)


def _save_state(obj, store, path, visited):
    if id(obj) in visited:
        return
    if hasattr(obj, "save_own_variables") and store is not None:
        name = getattr(obj, "name", None)
        obj.save_own_variables(store.make(path, {"name": name} if isinstance(name, str) else None))
    visited.add(id(obj))
    for attr, child in _walk(obj):
        if _is_saveable(child):
            _save_state(child, store, _join(path, attr), visited)
        elif isinstance(child, (list, tuple, dict)):
            _save_container(child, store, _join(path, attr), visited, set())


def _save_container(container, store, path, visited, seen):
    if id(container) in seen:
        return
    seen.add(id(container))
    used = {}
    for item in _container_items(container):
        if _is_saveable(item):
            name = _unique_name(to_snake_case(type(item).__name__), used)
            _save_state(item, store, _join(path, name), visited)
        elif isinstance(item, (list, tuple, dict)):
            name = _unique_name("container", used)
            _save_container(item, store, _join(path, name), visited, seen)


class _LoadContext:
    def __init__(self, store, skip_mismatch):
        self.store = store
        self.skip_mismatch = skip_mismatch
        self.visited = set()
        self.failed = set()
        self.errors = {}


def _load_state(obj, ctx, path):
    if id(obj) in ctx.visited:
        return
    failure = False
    if hasattr(obj, "load_own_variables") and ctx.store is not None:
        try:
            obj.load_own_variables(ctx.store.get(path))
        except Exception as e:  # collected, reported together below
            ctx.failed.add(id(obj))
            ctx.errors[id(obj)] = (obj, path, e)
            failure = True
    failed_before = len(ctx.failed)
    for attr, child in _walk(obj):
        if _is_saveable(child):
            _load_state(child, ctx, _join(path, attr))
        elif isinstance(child, (list, tuple, dict)):
            _load_container(child, ctx, _join(path, attr), set())
    if not failure:
        if len(ctx.failed) - failed_before <= 0:
            ctx.visited.add(id(obj))
        if id(obj) in ctx.failed:  # loaded at a later path after all
            ctx.failed.discard(id(obj))
            ctx.errors.pop(id(obj), None)


def _load_container(container, ctx, path, seen):
    if id(container) in seen:
        return
    seen.add(id(container))
    used = {}
    for item in _container_items(container):
        if _is_saveable(item):
            name = _unique_name(to_snake_case(type(item).__name__), used)
            _load_state(item, ctx, _join(path, name))
        elif isinstance(item, (list, tuple, dict)):
            name = _unique_name("container", used)
            _load_container(item, ctx, _join(path, name), seen)


def _loading_failure(ctx, source):
    obj, path, error = next(iter(ctx.errors.values()))
    where = [f"{getattr(o, 'name', o)} (at '{p or '/'}')" for o, p, _ in ctx.errors.values()]
    return (
        f"A total of {len(ctx.errors)} objects could not be loaded from "
        f"'{source}'. Example error message for object "
        f"{getattr(obj, 'name', obj)} (at '{path or '/'}'):\n\n{error}\n\n"
        f"List of objects that could not be loaded:\n{where}"
    )


def save_state(obj, store):
    """Writes the variables of `obj` and everything it holds into `store`."""
    _save_state(obj, store, "", set())


def load_state(obj, store, source, skip_mismatch=False):
    """Reads what `save_state` wrote; raises ValueError (or warns with
    `skip_mismatch`) naming every object that could not be loaded."""
    ctx = _LoadContext(store, skip_mismatch)
    _load_state(obj, ctx, "")
    if ctx.failed:
        message = _loading_failure(ctx, source)
        if skip_mismatch:
            warnings.warn(message, stacklevel=3)
        else:
            raise ValueError(message)


# -- .keras ------------------------------------------------------------------------------
def _config_json(model):
    with ObjectSharingScope():
        config = serialize_keras_object(model)
    return json.dumps(config)


def _metadata_json():
    return json.dumps({
        "keras_version": KERAS_FORMAT_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        "saved_by": f"kerasnet {__version__}",
    })


def _weights_bytes(model):
    buffer = io.BytesIO()
    store = H5Store(buffer, mode="w")
    try:
        save_state(model, store)
    finally:
        store.close()
    return buffer.getvalue()


def save_model_to_fileobj(model, fileobj):
    """Writes the `.keras` zip of `model` to a binary file object."""
    config_json = _config_json(model)  # fails before anything is written
    weights = _weights_bytes(model)
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(METADATA_FILENAME, _metadata_json())
        zf.writestr(CONFIG_FILENAME, config_json)
        zf.writestr(VARS_FNAME_H5, weights)


def save_model(model, filepath):
    """Saves `model` as a `.keras` file, atomically."""
    if not getattr(model, "built", True):
        warnings.warn(
            "You are saving a model that has not yet been built. It might not "
            "contain any weights yet. Consider building the model first by "
            "calling it on some data.",
            stacklevel=3,
        )
    if isinstance(filepath, io.IOBase):
        save_model_to_fileobj(model, filepath)
        return
    filepath = os.fspath(filepath)
    if not str(filepath).endswith(".keras"):
        raise ValueError(
            "Invalid `filepath` argument: expected a `.keras` extension. "
            f"Received: filepath={filepath}"
        )
    with file_io.atomic_path(filepath) as tmp, open(tmp, "wb") as f:
        save_model_to_fileobj(model, f)


def _open_zip(fileobj, source):
    try:
        return zipfile.ZipFile(fileobj, "r")
    except (zipfile.BadZipFile, EOFError, ValueError) as e:
        raise ValueError(
            f"'{source}' is not a valid .keras file: it is not a readable zip "
            f"archive (empty, truncated or corrupted?): {e}"
        ) from None


def _model_from_config(config_bytes, source, custom_objects, compile, safe_mode):
    try:
        config = json.loads(config_bytes)
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"'{source}': config.json is not valid JSON: {e}") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"'{source}': config.json does not describe a model (expected a "
            "dict with 'class_name' and 'config')."
        )
    if not compile:
        config["compile_config"] = None
    try:
        with ObjectSharingScope():
            return deserialize_keras_object(config, custom_objects, safe_mode=safe_mode)
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        raise _with_source(e, source) from e


def _with_source(error, source):
    message = f"Could not load the model in '{source}': {error}"
    try:
        return type(error)(message)
    except Exception:
        return ValueError(message)


def _open_weights(archive, source):
    data = file_io.read_zip_member(archive, VARS_FNAME_H5, source)
    try:
        return H5Store(io.BytesIO(data), mode="r")
    except OSError as e:
        raise ValueError(f"'{source}': {VARS_FNAME_H5} is not a readable HDF5 file: {e}") from None


def load_model_from_fileobj(fileobj, source, custom_objects=None, compile=True, safe_mode=True):
    with _open_zip(fileobj, source) as zf:
        config_bytes = file_io.read_zip_member(zf, CONFIG_FILENAME, source)
        model = _model_from_config(config_bytes, source, custom_objects, compile, safe_mode)
        store = _open_weights(zf, source)
        try:
            load_state(model, store, source)
        finally:
            store.close()
    return model


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a `.keras` file (a path or a binary file object)."""
    if isinstance(filepath, io.IOBase):
        return load_model_from_fileobj(filepath, "<file object>", custom_objects, compile, safe_mode)
    filepath = os.fspath(filepath)
    if not str(filepath).endswith(".keras"):
        raise ValueError(
            f"Invalid filename: expected a `.keras` extension. Received: filepath={filepath}"
        )
    with open(filepath, "rb") as f:
        return load_model_from_fileobj(f, filepath, custom_objects, compile, safe_mode)


# -- weights only ---------------------------------------------------------------------------
def save_weights_only(model, filepath):
    """Writes `model.weights.h5`'s layout to a `.weights.h5` file, atomically."""
    filepath = os.fspath(filepath)
    if not str(filepath).endswith(".weights.h5"):
        raise ValueError(
            "The filename must end in `.weights.h5`. Received: "
            f"filepath={filepath}"
        )
    if not getattr(model, "built", True):
        raise ValueError(
            "You are saving a model that has not yet been built. Try building "
            "the model first by calling it on some data or by using `build()`."
        )
    with file_io.atomic_path(filepath) as tmp:
        store = H5Store(tmp, mode="w")
        try:
            save_state(model, store)
        finally:
            store.close()


def load_weights_only(model, filepath, skip_mismatch=False):
    """Loads weights from a `.weights.h5` or `.keras` file into a built model."""
    filepath = os.fspath(filepath)
    if not getattr(model, "built", True):
        raise ValueError(
            "You are loading weights into a model that has not yet been "
            "built. Try building the model first by calling it on some data "
            "or by using `build()`."
        )
    if str(filepath).endswith(".keras"):
        with open(filepath, "rb") as f, _open_zip(f, filepath) as zf:
            store = _open_weights(zf, filepath)
            try:
                load_state(model, store, filepath, skip_mismatch)
            finally:
                store.close()
        return
    try:
        store = H5Store(filepath, mode="r")
    except OSError as e:
        if not os.path.exists(filepath):
            raise
        raise ValueError(f"'{filepath}' is not a readable HDF5 weights file: {e}") from None
    try:
        load_state(model, store, filepath, skip_mismatch)
    finally:
        store.close()


# -- pickling -------------------------------------------------------------------------------
def model_to_bytes(model):
    buffer = io.BytesIO()
    save_model_to_fileobj(model, buffer)
    return buffer.getvalue()


def model_from_bytes(data):
    """Rebuilds a model pickled through `.keras` bytes (trusted data only)."""
    return load_model_from_fileobj(io.BytesIO(data), "<pickled model>", None, True, False)
