"""Keras 3's object serialization: the one serializer of kerasnet.

An object becomes a JSON-compatible dict

    {"module": "keras.layers", "class_name": "Dense", "config": {...},
     "registered_name": None, "build_config": {...}, "compile_config": {...}}

with Keras' public module names ("keras.layers", "keras.losses", "keras",
...), so that configs move between kerasnet and Keras both ways. Plain values
pass through; numpy arrays, tensors, bytes, slices and KerasTensors use
Keras' "__numpy__" / "__tensor__" / "__bytes__" / "__slice__" /
"__keras_tensor__" forms; functions are {"class_name": "function", ...};
lambdas are "__lambda__" and load only outside safe mode.

Deserialization finds a class by, in order: the active custom object scopes,
the registry (`register_keras_serializable`), `custom_objects`, then the
kerasnet namespace mirroring the config's Keras module. It never imports a
module named by a config. A Keras class kerasnet lacks raises an error that
names it.

Also here (used by activations, initializers, regularizers, constraints,
losses and metrics): `get_from_identifier`, `to_snake_case`, `auto_name`.
Not here: the file formats (`saving_lib`, `legacy_h5`).
"""

import importlib
import inspect
import re
import threading
import types

import numpy as np

from kerasnet.backend.keras_tensor import KerasTensor
from kerasnet.backend.tensor import Tensor, as_tensor
from kerasnet.saving import object_registration

PLAIN_TYPES = (str, int, float, bool)

# -- Keras public names ------------------------------------------------------------
# kerasnet package -> the Keras public module its classes and functions
# serialize under.
_PUBLIC_MODULES = {
    "layers": "keras.layers",
    "losses": "keras.losses",
    "metrics": "keras.metrics",
    "optimizers": "keras.optimizers",
    "initializers": "keras.initializers",
    "regularizers": "keras.regularizers",
    "constraints": "keras.constraints",
    "activations": "keras.activations",
    "callbacks": "keras.callbacks",
    "random": "keras.random",
}
# Classes whose Keras module is not their package's.
_SPECIAL_MODULES = {
    "Functional": "keras.src.models.functional",
    "Sequential": "keras",
    "Model": "keras",
    "Variable": "keras",
    "SeedGenerator": "keras.random",
}
# Classes Keras exports (and so serializes) under another name; kerasnet exports both.
_PUBLIC_CLASS_NAMES = {
    "GroupedQueryAttention": "GroupQueryAttention",
}
# Keras module -> the kerasnet modules searched for its names.
_NAMESPACES = {
    "keras.layers": ("kerasnet.layers",),
    "keras.losses": ("kerasnet.losses",),
    "keras.metrics": ("kerasnet.metrics",),
    "keras.optimizers": ("kerasnet.optimizers",),
    "keras.optimizers.schedules": ("kerasnet.optimizers.schedules",),
    "keras.initializers": ("kerasnet.initializers",),
    "keras.regularizers": ("kerasnet.regularizers",),
    "keras.constraints": ("kerasnet.constraints",),
    "keras.activations": ("kerasnet.activations",),
    "keras.callbacks": ("kerasnet.callbacks",),
    "keras.random": ("kerasnet.random",),
    "keras": ("kerasnet.models", "kerasnet"),
    "keras.models": ("kerasnet.models",),
    "keras.saving": ("kerasnet.saving",),
}
# Where a function saved with module "builtins" (or none) may live.
_FUNCTION_NAMESPACES = ("kerasnet.activations", "kerasnet.losses", "kerasnet.metrics")
# Where a class saved without a module (Keras 2) may live.
_DEFAULT_CLASS_NAMESPACES = ("kerasnet.layers", "kerasnet.models")


def public_module(cls_or_fn):
    """The Keras module name `cls_or_fn` serializes under."""
    module = getattr(cls_or_fn, "__module__", None) or ""
    parts = module.split(".")
    if parts[0] != "kerasnet" or len(parts) < 2:
        return module
    name = getattr(cls_or_fn, "__name__", "")
    if name in _SPECIAL_MODULES and isinstance(cls_or_fn, type):
        return _SPECIAL_MODULES[name]
    if parts[1] == "optimizers" and len(parts) > 2 and parts[2] == "schedules":
        return "keras.optimizers.schedules"
    if parts[1] == "models":
        return "keras"
    return _PUBLIC_MODULES.get(parts[1], module)


def _is_kerasnet(cls_or_fn):
    module = getattr(cls_or_fn, "__module__", None) or ""
    return module == "kerasnet" or module.startswith("kerasnet.")


def _namespaces_for(module):
    """kerasnet modules that may hold a name saved under Keras `module`."""
    if not module:
        return ()
    if module in _NAMESPACES:
        return _NAMESPACES[module]
    parts = module.split(".")
    if parts[0] == "keras" and len(parts) > 2 and parts[1] == "src":
        # keras.src.layers.core.dense -> kerasnet.layers
        if parts[2] == "optimizers" and len(parts) > 3 and parts[3] == "schedules":
            return _NAMESPACES["keras.optimizers.schedules"]
        if parts[2] in ("models", "trainers", "saving"):
            return ("kerasnet.models",)
        return _NAMESPACES.get(f"keras.{parts[2]}", ())
    if parts[0] == "kerasnet":
        top = ".".join(parts[:2])
        return (top,)
    return ()


# -- safe mode ---------------------------------------------------------------------
_STATE = threading.local()
_UNSAFE_GLOBALLY = [False]


def in_safe_mode():
    """True/False inside a `SafeModeScope`; None outside (or when disabled)."""
    if _UNSAFE_GLOBALLY[0]:
        return False
    return getattr(_STATE, "safe_mode", None)


class SafeModeScope:
    """Sets the safe mode of the deserializations inside the block."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self._previous = getattr(_STATE, "safe_mode", None)
        _STATE.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc):
        _STATE.safe_mode = self._previous
        return False


def enable_unsafe_deserialization():
    """Allows loading lambdas from files for the rest of the process."""
    _UNSAFE_GLOBALLY[0] = True


# -- object sharing -----------------------------------------------------------------
class ObjectSharingScope:
    """Within a load, configs with the same `shared_object_id` give one object."""

    def __enter__(self):
        self._previous = getattr(_STATE, "shared", None)
        _STATE.shared = {}
        return self

    def __exit__(self, *exc):
        _STATE.shared = self._previous
        return False


def _shared_objects():
    return getattr(_STATE, "shared", None)


# -- names ----------------------------------------------------------------------------
def to_snake_case(name):
    """Keras 3's snake_case: "GlorotUniform" -> "glorot_uniform"."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


_NAME_UIDS = {}


def auto_name(class_name):
    """snake_case of `class_name`, made unique with _1, _2, ... (losses, metrics)."""
    prefix = to_snake_case(class_name)
    uid = _NAME_UIDS.get(prefix, 0)
    _NAME_UIDS[prefix] = uid + 1
    return prefix if uid == 0 else f"{prefix}_{uid}"


# -- serialize ------------------------------------------------------------------------
def serialize_keras_object(obj):
    """The Keras 3 config of `obj` (a JSON-compatible structure)."""
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (np.integer, np.floating, np.bool_)):
        return obj.item()
    if isinstance(obj, list):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, tuple):
        return tuple(serialize_keras_object(x) for x in obj)
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {
            "class_name": "__slice__",
            "config": {
                "start": serialize_keras_object(obj.start),
                "stop": serialize_keras_object(obj.stop),
                "step": serialize_keras_object(obj.step),
            },
        }
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    special = _serialize_tensor_like(obj)
    if special is not None:
        return special
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        # Imported here, for start-up time (`import kerasnet` loads this module).
        from kerasnet.utils import python_utils

        return {
            "class_name": "__lambda__",
            "config": {"value": list(python_utils.func_dump(obj))},
        }
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _serialize_function(obj)
    if hasattr(obj, "get_config"):
        return _serialize_instance(obj)
    raise TypeError(
        f"Cannot serialize object {obj!r} of type {type(obj).__name__}: to "
        "be serializable, a class must implement `get_config()`."
    )


def _serialize_tensor_like(obj):
    if isinstance(obj, KerasTensor):
        history = getattr(obj, "_keras_history", None)
        if history is not None:
            history = [history[0].name, history[1], history[2]]
        return {
            "class_name": "__keras_tensor__",
            "config": {"shape": list(obj.shape), "dtype": obj.dtype, "keras_history": history},
        }
    if isinstance(obj, Tensor):
        value = np.asarray(obj.numpy())
        return {
            "class_name": "__tensor__",
            "config": {"value": value.tolist(), "dtype": str(value.dtype)},
        }
    if isinstance(obj, np.ndarray):
        if obj.ndim == 0:
            return obj.item()
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": str(obj.dtype)},
        }
    return None


def _serialize_function(fn):
    if _is_kerasnet(fn):
        return {
            "module": public_module(fn),
            "class_name": "function",
            "config": fn.__name__,
            "registered_name": fn.__name__,
        }
    registered = object_registration.get_registered_name(fn)
    return {
        "module": fn.__module__,
        "class_name": "function",
        "config": registered,
        "registered_name": registered,
    }


def _serialize_instance(obj):
    cls = obj.__class__
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(
            f"The `get_config()` method of {obj} should return a dict. "
            f"It returned: {config}"
        )
    config = {k: serialize_keras_object(v) for k, v in config.items()}
    registered = object_registration.GLOBAL_CUSTOM_NAMES.get(cls)
    if registered is None and _is_kerasnet(cls):
        out = {
            "module": public_module(cls),
            "class_name": _PUBLIC_CLASS_NAMES.get(cls.__name__, cls.__name__),
            "config": config,
            "registered_name": None,
        }
    else:
        module = cls.__module__
        out = {
            "module": None if module == "__main__" else module,
            "class_name": cls.__name__,
            "config": config,
            "registered_name": registered or cls.__name__,
        }
    if hasattr(obj, "get_build_config"):
        build_config = obj.get_build_config()
        if build_config is not None:
            out["build_config"] = serialize_keras_object(build_config)
    if hasattr(obj, "get_compile_config"):
        compile_config = obj.get_compile_config()
        if compile_config is not None:
            out["compile_config"] = serialize_keras_object(compile_config)
    return out


# -- deserialize ------------------------------------------------------------------------
_LAMBDA_REFUSED = (
    "Requested the deserialization of a Python lambda. This carries a "
    "potential risk of arbitrary code execution and thus it is disallowed by "
    "default. If you trust the source of the saved model, you can pass "
    "`safe_mode=False` to the loading function in order to allow lambda "
    "loading, or call `kerasnet.config.enable_unsafe_deserialization()`."
)


class UnknownObjectError(TypeError, ValueError):
    """A config names a class or function that cannot be found (both a
    TypeError, as in Keras, and a ValueError)."""


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """Rebuilds an object (or function, or value) from its Keras config.

    Args:
        config: a dict made by `serialize_keras_object` (or the Keras 2
            `{"class_name", "config"}` layout), a plain value, or, with
            `module_objects`, a string naming an object.
        custom_objects: name -> class or function, for custom objects.
        safe_mode: refuse serialized lambdas (default True).
        module_objects: (keyword) the name -> object table of a building-block
            module (activations, losses, ...): strings are looked up in it.
    """
    module_objects = kwargs.pop("module_objects", None)
    scoped = in_safe_mode()
    safe_mode = scoped if scoped is not None else safe_mode
    custom_objects = custom_objects or {}
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        if module_objects is None:
            obj = object_registration.get_registered_object(config, custom_objects)
            return config if obj is None else obj
        obj = object_registration.get_registered_object(config, custom_objects, module_objects)
        if obj is None:
            raise ValueError(f"Could not interpret identifier: {config!r}")
        return obj
    if isinstance(config, (list, tuple)):
        return [
            deserialize_keras_object(c, custom_objects, safe_mode, module_objects=module_objects)
            for c in config
        ]
    if not isinstance(config, dict):
        return config
    if "class_name" not in config or "config" not in config:
        return {
            k: deserialize_keras_object(v, custom_objects, safe_mode, module_objects=module_objects)
            for k, v in config.items()
        }
    class_name = config["class_name"]
    inner = config["config"] if config["config"] is not None else {}
    special = _deserialize_special(class_name, inner, custom_objects, safe_mode)
    if special is not _NOT_SPECIAL:
        return special
    if class_name == "function":
        return _retrieve_function(config, inner, custom_objects, module_objects)
    shared_id = config.get("shared_object_id")
    shared = _shared_objects()
    if shared is not None and shared_id is not None and shared_id in shared:
        return shared[shared_id]
    cls = _retrieve_class(config, class_name, custom_objects, module_objects)
    if not inspect.isclass(cls):
        return cls  # a function registered under a class name
    if isinstance(inner, dict):
        inner = _deserialize_nested_values(inner, custom_objects, safe_mode)
    obj = _instantiate(cls, inner, config, custom_objects, safe_mode)
    if shared is not None and shared_id is not None:
        shared[shared_id] = obj
    return obj


_NOT_SPECIAL = object()


def _deserialize_special(class_name, inner, custom_objects, safe_mode):
    if class_name == "__tuple__":  # older kerasnet configs
        return tuple(deserialize_keras_object(v, custom_objects, safe_mode) for v in inner["value"])
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner.get("dtype"))
    if class_name == "__tensor__":
        return as_tensor(np.array(inner["value"], dtype=inner.get("dtype")))
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        return slice(*(deserialize_keras_object(inner.get(k), custom_objects, safe_mode)
                       for k in ("start", "stop", "step")))
    if class_name == "__keras_tensor__":
        t = KerasTensor(tuple(inner["shape"]), dtype=inner["dtype"])
        t._pre_serialization_keras_history = inner.get("keras_history")
        return t
    if class_name == "__lambda__":
        if safe_mode is not False:
            raise ValueError(_LAMBDA_REFUSED)
        from kerasnet.utils import python_utils  # start-up time, as above

        if "value" in inner:
            return python_utils.func_load(inner["value"])
        return python_utils.func_load(inner["code"], defaults=inner.get("defaults"),
                                      closure=inner.get("closure"))
    return _NOT_SPECIAL


def _deserialize_nested_values(inner, custom_objects, safe_mode):
    """Rebuilds the special values and seed generators found at the top level
    of a config (e.g. an initializer's `seed`); other nested configs are left
    to the class's `from_config`."""
    out = {}
    for key, value in inner.items():
        if isinstance(value, dict) and (
            str(value.get("class_name", "")).startswith("__")
            or value.get("class_name") == "SeedGenerator"
        ) and "config" in value and value.get("class_name") != "__keras_tensor__":
            value = deserialize_keras_object(value, custom_objects, safe_mode)
        out[key] = value
    return out


def _lookup_in_namespaces(name, namespaces):
    for modname in namespaces:
        try:
            module = importlib.import_module(modname)
        except ImportError:
            continue
        obj = getattr(module, name, None)
        if obj is not None and callable(obj):
            return obj
    return None


def _retrieve_function(config, name, custom_objects, module_objects):
    if not isinstance(name, str):
        raise TypeError(
            "Expected 'config' to be a non-null str for a function class "
            f"name, instead got {type(name)}. Full config: {config}"
        )
    registered = config.get("registered_name") or name
    for key in (registered, name):
        fn = object_registration.get_registered_object(key, custom_objects)
        if fn is not None:
            return fn
    fn = _lookup_in_namespaces(name, _namespaces_for(config.get("module")))
    if fn is None and module_objects:
        fn = module_objects.get(name)
    if fn is not None:
        return fn
    if ">" in name:  # "package>fn" registered elsewhere under its bare name
        fn = object_registration.get_registered_object(name.split(">")[-1], custom_objects)
        if fn is not None:
            return fn
    module = config.get("module")
    namespaces = _namespaces_for(module)
    if not namespaces and (module in (None, "builtins") or str(module).startswith("keras")):
        namespaces = _FUNCTION_NAMESPACES
    fn = _lookup_in_namespaces(name, namespaces)
    if fn is None:
        raise UnknownObjectError(
            f"Could not locate function '{name}' (module {module!r}). Make "
            "sure custom functions are decorated with "
            "`@kerasnet.saving.register_keras_serializable()` or passed in "
            "`custom_objects`."
        )
    return fn


def _retrieve_class(config, class_name, custom_objects, module_objects):
    registered = config.get("registered_name") or class_name
    for key in (registered, class_name):
        cls = object_registration.get_registered_object(key, custom_objects, module_objects)
        if cls is not None:
            return cls
    module = config.get("module")
    namespaces = _namespaces_for(module) if module else _DEFAULT_CLASS_NAMESPACES
    cls = _lookup_in_namespaces(class_name, namespaces)
    if cls is not None:
        return cls
    if module and str(module).split(".")[0] == "keras":
        raise UnknownObjectError(
            f"Keras class '{class_name}' (module '{module}') is not available "
            "in kerasnet. kerasnet does not implement it yet; if it is a "
            "custom class, register it with "
            "`@kerasnet.saving.register_keras_serializable()` or pass it in "
            "`custom_objects`."
        )
    raise UnknownObjectError(
        f"Could not locate class '{class_name}' (module {module!r}). Make sure "
        "custom classes are decorated with "
        "`@kerasnet.saving.register_keras_serializable()` or passed in "
        "`custom_objects`, and that they are imported before loading."
    )


def _from_config_takes_custom_objects(cls):
    try:
        return "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        return False


def _instantiate(cls, inner, config, custom_objects, safe_mode):
    if not hasattr(cls, "from_config"):
        raise TypeError(
            f"Unable to reconstruct an instance of '{cls.__name__}' because "
            "the class is missing a `from_config()` method."
        )
    with object_registration.CustomObjectScope(custom_objects), SafeModeScope(safe_mode):
        try:
            if _from_config_takes_custom_objects(cls):
                obj = cls.from_config(inner, custom_objects=dict(custom_objects))
            else:
                obj = cls.from_config(inner)
        except TypeError as e:
            if isinstance(e, UnknownObjectError):
                raise
            raise TypeError(
                f"{cls} could not be deserialized properly: {e}. Make sure "
                "that objects returned by `get_config()` (layers, models, "
                "...) are deserialized in the class's `from_config()`."
            ) from e
        build_config = config.get("build_config")
        if build_config and hasattr(obj, "build_from_config") and not getattr(obj, "built", True):
            obj.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(obj, "compile_from_config"):
            obj.compile_from_config(compile_config)
    return obj


# -- building-block helper ---------------------------------------------------------------
def get_from_identifier(identifier, module_objects, kind, instantiate=True):
    """The `get` of a building-block module (Keras' shared logic).

    Strings and dicts are looked up or deserialized; classes are instantiated
    with no arguments when `instantiate`; callables pass through. Anything
    else raises ValueError naming `kind`.
    """
    if isinstance(identifier, dict):
        obj = deserialize_keras_object(identifier, module_objects=module_objects)
    elif isinstance(identifier, str):
        obj = object_registration.get_registered_object(identifier, None, module_objects)
    else:
        obj = identifier
    if callable(obj):
        if instantiate and inspect.isclass(obj):
            obj = obj()
        return obj
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}")

