"""Keras-format (de)serialization for the building-block modules.

Here: `serialize_keras_object` / `deserialize_keras_object` for what
activations, initializers, regularizers, constraints, losses and metrics hold
(primitives, tuples, numpy values, functions, objects with `get_config`), in
the dict layout of Keras 3's `saving/serialization_lib.py`:

    {"module": "keras.losses", "class_name": "Huber",
     "config": {...}, "registered_name": None}

so configs written here load in Keras and the other way round. Not here: the
`.keras` file format, `build_config` / `compile_config`, safe mode and the
custom-object registry; those belong to `kerasnet.saving`, which this module
consults for registered objects when it exists.
"""

import inspect
import re
import threading
import types

import numpy as np

# kerasnet module prefix -> Keras public module of the objects defined there.
_PUBLIC_MODULES = (
    ("kerasnet.activations", "keras.activations"),
    ("kerasnet.constraints", "keras.constraints"),
    ("kerasnet.initializers", "keras.initializers"),
    ("kerasnet.losses", "keras.losses"),
    ("kerasnet.metrics", "keras.metrics"),
    ("kerasnet.regularizers", "keras.regularizers"),
    ("kerasnet.random", "keras.random"),
)

_PRIMITIVES = (str, int, float, bool, type(None))


def to_snake_case(name):
    """Keras 3's snake_case: "GlorotUniform" -> "glorot_uniform"."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


_NAME_UIDS = {}


def auto_name(class_name):
    """snake_case of `class_name`, made unique with _1, _2, ... (as Keras)."""
    prefix = to_snake_case(class_name)
    uid = _NAME_UIDS.get(prefix, 0)
    _NAME_UIDS[prefix] = uid + 1
    return prefix if uid == 0 else f"{prefix}_{uid}"


def _public_module(obj):
    module = getattr(obj, "__module__", "") or ""
    for prefix, public in _PUBLIC_MODULES:
        if module == prefix or module.startswith(prefix + "."):
            return public, True
    return module, False


def serialize_keras_object(obj):
    """The Keras config of `obj` (a JSON-compatible structure)."""
    if isinstance(obj, _PRIMITIVES):
        return obj
    if isinstance(obj, (np.integer, np.floating, np.bool_)):
        return obj.item()
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode()}}
    if isinstance(obj, tuple):
        return {
            "class_name": "__tuple__",
            "config": {"value": [serialize_keras_object(v) for v in obj]},
        }
    if isinstance(obj, list):
        return [serialize_keras_object(v) for v in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray) or _is_tensor(obj):
        value = np.asarray(obj.numpy() if _is_tensor(obj) else obj)
        return {
            "class_name": "__numpy__",
            "config": {"value": value.tolist(), "dtype": str(value.dtype)},
        }
    if isinstance(obj, types.FunctionType):
        return _serialize_function(obj)
    if hasattr(obj, "get_config"):
        module, builtin = _public_module(obj.__class__)
        return {
            "module": module,
            "class_name": obj.__class__.__name__,
            "config": serialize_keras_object(obj.get_config()),
            "registered_name": None if builtin else _registered_name(obj),
        }
    raise TypeError(
        f"Cannot serialize object {obj!r} of type {type(obj).__name__}: it "
        "is not a primitive, a function, or an object with `get_config()`."
    )


def _is_tensor(x):
    from kerasnet.backend import Tensor

    return isinstance(x, Tensor)


def _serialize_function(fn):
    if fn.__name__ == "<lambda>":
        raise ValueError(
            "Cannot serialize a lambda function; define it with `def` and "
            f"register it instead. Received: {fn!r}"
        )
    module, builtin = _public_module(fn)
    return {
        "module": module,
        "class_name": "function",
        "config": fn.__name__,
        "registered_name": "function" if builtin else _registered_name(fn),
    }


def _registered_name(obj):
    target = (
        obj
        if inspect.isclass(obj) or inspect.isfunction(obj)
        else (obj.__class__)
    )
    registry = _saving_registry()
    if registry is not None:
        name = registry[0](target)
        if name:
            return name
    return target.__name__


def _saving_registry():
    """kerasnet.saving's get_registered_name / get_registered_object."""
    try:
        from kerasnet.saving import object_registration as saving
    except ImportError:
        try:
            from kerasnet import saving
        except ImportError:
            return None
    get_name = getattr(saving, "get_registered_name", None)
    get_object = getattr(saving, "get_registered_object", None)
    if get_name is None or get_object is None:
        return None
    return get_name, get_object


def deserialize_keras_object(config, module_objects=None, custom_objects=None):
    """Rebuilds an object (or function, or value) from its Keras config.

    Args:
        config: a dict made by `serialize_keras_object` (or the legacy
            `{"class_name": ..., "config": ...}` layout), a plain value, or a
            string naming an object in `module_objects` / `custom_objects`.
        module_objects: the module's name -> class/function table.
        custom_objects: user-supplied name -> class/function table.
    """
    module_objects = module_objects or {}
    custom_objects = custom_objects or {}
    if config is None or isinstance(config, (int, float, bool)):
        return config
    if isinstance(config, str):
        obj = _lookup(config, module_objects, custom_objects)
        if obj is None:
            raise ValueError(f"Could not interpret identifier: {config!r}")
        return obj
    if isinstance(config, (list, tuple)):
        return [
            deserialize_keras_object(v, module_objects, custom_objects)
            for v in config
        ]
    if not isinstance(config, dict):
        return config  # already a value (e.g. rebuilt by a caller)
    if "class_name" not in config or "config" not in config:
        return {
            k: deserialize_keras_object(v, module_objects, custom_objects)
            for k, v in config.items()
        }
    class_name = config["class_name"]
    inner = config["config"]
    if class_name == "__tuple__":
        return tuple(
            deserialize_keras_object(v, module_objects, custom_objects)
            for v in inner["value"]
        )
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__bytes__":
        return inner["value"].encode()
    if class_name == "function":
        name = config.get("registered_name") or inner
        fn = _module_lookup(config.get("module"), inner)
        if fn is None:
            fn = _lookup(inner, module_objects, custom_objects)
        if fn is None and name != inner:
            fn = _lookup(name, module_objects, custom_objects)
        if fn is None:
            raise ValueError(f"Unknown function: {inner!r}.")
        return fn
    name = config.get("registered_name") or class_name
    cls = _lookup(name, module_objects, custom_objects)
    if cls is None and name != class_name:
        cls = _lookup(class_name, module_objects, custom_objects)
    if cls is None:
        cls = _module_lookup(config.get("module"), class_name)
    if cls is None:
        known = ", ".join(sorted(k for k in module_objects if k[0].isupper()))
        raise ValueError(
            f"Unknown object: class_name={class_name!r}. Known classes: "
            f"{known}. Pass custom classes with `custom_objects`."
        )
    if not inspect.isclass(cls):
        return cls
    if isinstance(inner, dict):
        inner = _deserialize_nested_config(inner, custom_objects)
    # Nested deserialization inside from_config (e.g. a wrapped loss
    # function) sees the same custom objects.
    _custom_scopes().append(custom_objects)
    try:
        return cls.from_config(inner)
    finally:
        _custom_scopes().pop()


def _deserialize_nested_config(inner, custom_objects):
    """Rebuilds nested Keras objects (e.g. a SeedGenerator seed) in a config."""
    out = {}
    for key, value in inner.items():
        if isinstance(value, dict) and value.get("class_name") in (
            "__tuple__",
            "__numpy__",
            "__bytes__",
        ):
            value = deserialize_keras_object(value)
        elif (
            isinstance(value, dict)
            and value.get("class_name") == "SeedGenerator"
            and "config" in value
        ):
            from kerasnet.random import SeedGenerator

            value = SeedGenerator.from_config(value["config"])
        out[key] = value
    return out


def _module_lookup(public_module, name):
    """The object `name` of the kerasnet module mirroring a Keras module."""
    for prefix, public in _PUBLIC_MODULES:
        if public_module == public:
            import importlib

            obj = getattr(importlib.import_module(prefix), name, None)
            return obj if callable(obj) else None
    return None


_SCOPES = threading.local()


def _custom_scopes():
    if not hasattr(_SCOPES, "stack"):
        _SCOPES.stack = []
    return _SCOPES.stack


def _lookup(name, module_objects, custom_objects):
    if name in custom_objects:
        return custom_objects[name]
    for scope in reversed(_custom_scopes()):
        if name in scope:
            return scope[name]
    registry = _saving_registry()
    if registry is not None:
        obj = registry[1](name, custom_objects)
        if obj is not None:
            return obj
    return module_objects.get(name)


def get_from_identifier(identifier, module_objects, kind, instantiate=True):
    """The `get` of a building-block module (Keras' shared logic).

    Strings and dicts are looked up or deserialized; classes are instantiated
    with no arguments when `instantiate`; callables pass through. Anything
    else raises ValueError naming `kind`.
    """
    if isinstance(identifier, dict):
        obj = deserialize_keras_object(identifier, module_objects)
    elif isinstance(identifier, str):
        obj = _lookup(identifier, module_objects, {})
    else:
        obj = identifier
    if callable(obj):
        if instantiate and inspect.isclass(obj):
            obj = obj()
        return obj
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}")
