"""Registration of custom classes and functions for (de)serialization.

`register_keras_serializable` files an object under "package>name";
`custom_object_scope` makes a dict of objects visible to every
deserialization inside a `with` block (per thread); `get_registered_object`
looks a name up in the scopes, the registry, then the given dicts (Keras 3's
order).
"""

import inspect
import threading

GLOBAL_CUSTOM_OBJECTS = {}
GLOBAL_CUSTOM_NAMES = {}
_SCOPE = threading.local()

# Older kerasnet names of the two tables.
_GLOBAL_CUSTOM_OBJECTS = GLOBAL_CUSTOM_OBJECTS
_GLOBAL_CUSTOM_NAMES = GLOBAL_CUSTOM_NAMES


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a class or function under "package>name".

    Args:
        package: the package part of the key (default "Custom").
        name: the name part (default: the object's `__name__`).

    Example:

    >>> @kerasnet.saving.register_keras_serializable(package="my_pkg")
    ... class MyLayer(kerasnet.layers.Layer):
    ...     ...
    >>> kerasnet.saving.get_registered_name(MyLayer)
    'my_pkg>MyLayer'
    """

    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError(
                "Cannot register a class that does not have a get_config() "
                "method."
            )
        GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj):
    """The registered "package>name" of `obj`, else its `__name__`."""
    try:
        if obj in GLOBAL_CUSTOM_NAMES:
            return GLOBAL_CUSTOM_NAMES[obj]
    except TypeError:  # unhashable
        pass
    return obj.__name__


def _scope_stack():
    if not hasattr(_SCOPE, "stack"):
        _SCOPE.stack = []
    return _SCOPE.stack


def scope_objects():
    """The objects of the active `custom_object_scope`s (innermost wins)."""
    merged = {}
    for scope in _scope_stack():
        merged.update(scope)
    return merged


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered as `name`, or None.

    Looks in the active custom object scopes, the global registry,
    `custom_objects`, then `module_objects`.
    """
    if not isinstance(name, str):
        return None
    for scope in reversed(_scope_stack()):
        if name in scope:
            return scope[name]
    if name in GLOBAL_CUSTOM_OBJECTS:
        return GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


class CustomObjectScope:
    """`with custom_object_scope({"MyLayer": MyLayer}): load_model(...)`.

    Inside the block, deserialization finds the given objects by name.
    """

    def __init__(self, custom_objects=None, *more):
        merged = {}
        for objects in (custom_objects,) + more:
            merged.update(objects or {})
        self.custom_objects = merged

    def __enter__(self):
        _scope_stack().append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scope_stack().pop()
        return False


custom_object_scope = CustomObjectScope


def get_custom_objects():
    """The global registry (name -> object), writable as in Keras."""
    return GLOBAL_CUSTOM_OBJECTS
