"""kerasnet.activations: Keras 3's activations, by function and by name.

`get("relu")` returns the function; `get(None)` returns `linear`;
`serialize(relu)` returns "relu" as Keras does for built-in activations.
"""

import types

from kerasnet.saving.serialization_lib import (
    deserialize_keras_object,
    get_from_identifier,
    serialize_keras_object,
)
from kerasnet.activations.activations import (
    celu,
    crelu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,  # noqa: F401 (alias, listed in __all__ via the dict)
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    squareplus,
    swish,  # noqa: F401 (alias, listed in __all__ via the dict)
    tanh,
    tanh_shrink,
    threshold,
)

ALL_OBJECTS = (
    relu,
    leaky_relu,
    relu6,
    softmax,
    elu,
    selu,
    softplus,
    softsign,
    silu,
    gelu,
    tanh,
    sigmoid,
    exponential,
    hard_sigmoid,
    hard_silu,
    linear,
    mish,
    log_softmax,
    crelu,
    celu,
    glu,
    hard_tanh,
    hard_shrink,
    soft_shrink,
    tanh_shrink,
    squareplus,
    sparse_plus,
    threshold,
    log_sigmoid,
)

ALL_OBJECTS_DICT = {fn.__name__: fn for fn in ALL_OBJECTS}
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu


def serialize(activation):
    """The name of a built-in activation, else its Keras config dict."""
    if getattr(activation, "__name__", None) == "<lambda>":
        raise ValueError(
            f"Cannot serialize the lambda activation {activation!r}: define "
            "it with `def` and register it instead."
        )
    config = serialize_keras_object(activation)
    if not isinstance(config, dict) or "config" not in config:
        raise ValueError(
            f"Unknown activation function {activation!r} cannot be "
            "serialized. Use a built-in activation name or register it."
        )
    if not isinstance(activation, types.FunctionType):
        return config
    if ALL_OBJECTS_DICT.get(config["config"]) is activation:
        return config["config"]
    return config


def deserialize(config, custom_objects=None):
    """An activation function from its name or config."""
    return deserialize_keras_object(
        config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier):
    """An activation function from a name, config, or callable.

    None gives `linear`; an unknown name raises ValueError.
    """
    if identifier is None:
        return linear
    return get_from_identifier(
        identifier, ALL_OBJECTS_DICT, "activation function", instantiate=False
    )


__all__ = sorted(ALL_OBJECTS_DICT) + ["deserialize", "get", "serialize"]
