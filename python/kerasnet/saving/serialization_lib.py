"""Keras 3's object serialization format: {"module", "class_name", "config",
"registered_name"} (+ "build_config" / "compile_config" for layers and models).

kerasnet writes Keras' public module names ("keras.layers", "keras.losses", ...)
so that files move between kerasnet and Keras, and reads both Keras' and its own.
"""

import importlib
import inspect
import threading

from kerasnet.saving import object_registration

# Our package -> the Keras public namespace it mirrors.
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
}
_SPECIAL = {
    "Functional": "keras.src.models.functional",
    "Sequential": "keras",
    "Model": "keras",
    "Variable": "keras",
    "SeedGenerator": "keras.random",
}

_SAFE_MODE = threading.local()


def in_safe_mode():
    return getattr(_SAFE_MODE, "value", None)


class SafeModeScope:
    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self.prev = in_safe_mode()
        _SAFE_MODE.value = self.safe_mode

    def __exit__(self, *args):
        _SAFE_MODE.value = self.prev


def public_module(cls):
    if cls.__name__ in _SPECIAL and cls.__module__.startswith("kerasnet."):
        return _SPECIAL[cls.__name__]
    parts = cls.__module__.split(".")
    if parts[0] == "kerasnet" and len(parts) > 1:
        if parts[1] == "optimizers" and len(parts) > 2 and parts[2] == "schedules":
            return "keras.optimizers.schedules"
        if parts[1] in _PUBLIC_MODULES:
            return _PUBLIC_MODULES[parts[1]]
    return cls.__module__


def serialize_keras_object(obj):
    """The Keras 3 dict of `obj` (or a plain value unchanged)."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        registered = object_registration._GLOBAL_CUSTOM_NAMES.get(obj)
        module = obj.__module__ or ""
        if registered is None and module.startswith("kerasnet."):
            parts = module.split(".")
            module = _PUBLIC_MODULES.get(parts[1], module)
        return {
            "module": module,
            "class_name": "function",
            "config": registered.split(">")[-1] if registered else obj.__name__,
            "registered_name": registered or obj.__name__,
        }
    if hasattr(obj, "get_config"):
        cls = obj.__class__
        registered = object_registration._GLOBAL_CUSTOM_NAMES.get(cls)
        config = obj.get_config()
        out = {
            "module": public_module(cls) if registered is None else cls.__module__,
            "class_name": cls.__name__,
            "config": _serialize_config(config),
            "registered_name": registered,
        }
        if hasattr(obj, "get_build_config"):
            build_config = obj.get_build_config()
            if build_config is not None:
                out["build_config"] = build_config
        if hasattr(obj, "get_compile_config"):
            compile_config = obj.get_compile_config()
            if compile_config is not None:
                out["compile_config"] = compile_config
        return out
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"Cannot serialize object {obj!r} of type {type(obj)}")


def _serialize_config(config):
    if isinstance(config, dict):
        return {k: _serialize_config(v) for k, v in config.items()}
    if isinstance(config, (list, tuple)):
        return [_serialize_config(v) for v in config]
    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    return serialize_keras_object(config)


# Modules searched for built-in class names, by Keras namespace.
_NAMESPACES = {
    "keras.layers": "kerasnet.layers",
    "keras.losses": "kerasnet.losses",
    "keras.metrics": "kerasnet.metrics",
    "keras.optimizers": "kerasnet.optimizers",
    "keras.optimizers.schedules": "kerasnet.optimizers.schedules",
    "keras.initializers": "kerasnet.initializers",
    "keras.regularizers": "kerasnet.regularizers",
    "keras.constraints": "kerasnet.constraints",
    "keras.activations": "kerasnet.activations",
    "keras.callbacks": "kerasnet.callbacks",
    "keras": "kerasnet.models",
    "keras.models": "kerasnet.models",
    "keras.src.models.functional": "kerasnet.models",
    "keras.src.models.sequential": "kerasnet.models",
    "keras.src.models.model": "kerasnet.models",
    "keras.random": "kerasnet.random",
}


def _lookup_builtin(module, class_name):
    candidates = []
    if module in _NAMESPACES:
        candidates.append(_NAMESPACES[module])
    elif module and module.startswith("keras.src."):
        # keras.src.layers.core.dense -> kerasnet.layers
        part = module.split(".")[2] if len(module.split(".")) > 2 else ""
        if f"keras.{part}" in _NAMESPACES:
            candidates.append(_NAMESPACES[f"keras.{part}"])
    elif module and module.startswith("kerasnet"):
        candidates.append(module)
    candidates += ["kerasnet.layers", "kerasnet.models"]
    for modname in candidates:
        try:
            mod = importlib.import_module(modname)
        except ImportError:
            continue
        obj = getattr(mod, class_name, None)
        if obj is not None:
            return obj
    return None


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """Rebuilds an object from its Keras 3 dict (or passes plain values through)."""
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, safe_mode) for c in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config}")
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode) for k, v in config.items()}
    class_name = config["class_name"]
    inner = config["config"]
    module = config.get("module")
    registered_name = config.get("registered_name") or class_name
    if class_name == "__tensor__" or class_name == "__numpy__":
        import numpy as np

        return np.array(inner["value"], dtype=inner.get("dtype"))
    if class_name == "__lambda__":
        safe = in_safe_mode()
        safe = safe_mode if safe is None else safe
        if safe:
            raise ValueError(
                "Requested the deserialization of a `lambda` object. This "
                "carries a potential risk of arbitrary code execution and thus "
                "it is disallowed by default. If you trust the source of the "
                "saved model, you can pass `safe_mode=False` to the loading "
                "function in order to allow `lambda` loading, or call "
                "`kerasnet.config.enable_unsafe_deserialization()`."
            )
        from kerasnet.utils import python_utils

        return python_utils.func_load(inner["code"], defaults=inner.get("defaults"), closure=inner.get("closure"))
    if class_name == "function":
        fn = object_registration.get_registered_object(registered_name, custom_objects)
        if fn is None:
            fn = object_registration.get_registered_object(inner, custom_objects)
        if fn is None and module:
            ns = _NAMESPACES.get(module)
            if ns:
                fn = getattr(importlib.import_module(ns), inner, None)
        if fn is None:
            raise TypeError(
                f"Could not locate function '{inner}'. Make sure custom classes "
                "and functions are decorated with "
                "`@kerasnet.saving.register_keras_serializable()` or passed in "
                "`custom_objects`."
            )
        return fn
    cls = object_registration.get_registered_object(registered_name, custom_objects)
    if cls is None:
        cls = object_registration.get_registered_object(class_name, custom_objects)
    if cls is None:
        cls = _lookup_builtin(module, class_name)
    if cls is None:
        raise TypeError(
            f"Could not locate class '{class_name}' (module {module!r}). Make "
            "sure custom classes are decorated with "
            "`@kerasnet.saving.register_keras_serializable()` or passed in "
            "`custom_objects`; if it is a Keras class, kerasnet does not have "
            "it yet."
        )
    with SafeModeScope(safe_mode):
        if hasattr(cls, "from_config"):
            custom = dict(custom_objects or {})
            try:
                sig = inspect.signature(cls.from_config)
                takes_custom = "custom_objects" in sig.parameters
            except (TypeError, ValueError):
                takes_custom = False
            obj = cls.from_config(inner, custom_objects=custom) if takes_custom else cls.from_config(inner)
        else:
            obj = cls(**inner)
    build_config = config.get("build_config")
    if build_config and hasattr(obj, "build_from_config") and not getattr(obj, "built", True):
        obj.build_from_config(build_config)
    compile_config = config.get("compile_config")
    if compile_config and hasattr(obj, "compile_from_config"):
        obj.compile_from_config(compile_config)
    return obj
