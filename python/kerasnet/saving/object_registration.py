"""Registration of custom classes and functions for (de)serialization."""

import contextlib
import threading

_GLOBAL_CUSTOM_OBJECTS = {}
_GLOBAL_CUSTOM_NAMES = {}
_SCOPE = threading.local()


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a class or function under "package>name"."""

    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = package + ">" + class_name
        if isinstance(arg, type) and not hasattr(arg, "get_config"):
            raise ValueError(
                "Cannot register a class that does not have a get_config() method."
            )
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj):
    if obj in _GLOBAL_CUSTOM_NAMES:
        return _GLOBAL_CUSTOM_NAMES[obj]
    return obj.__name__


def _scope_stack():
    if not hasattr(_SCOPE, "stack"):
        _SCOPE.stack = []
    return _SCOPE.stack


def get_registered_object(name, custom_objects=None, module_objects=None):
    """Looks `name` up in custom_objects, the active scopes, the global registry."""
    for scope in reversed(_scope_stack()):
        if name in scope:
            return scope[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


@contextlib.contextmanager
def custom_object_scope(custom_objects):
    """`with custom_object_scope({"MyLayer": MyLayer}): load_model(...)`"""
    _scope_stack().append(dict(custom_objects or {}))
    try:
        yield
    finally:
        _scope_stack().pop()


CustomObjectScope = custom_object_scope


def get_custom_objects():
    return _GLOBAL_CUSTOM_OBJECTS
