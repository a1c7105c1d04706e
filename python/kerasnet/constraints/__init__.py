"""kerasnet.constraints: MaxNorm, NonNeg, UnitNorm, MinMaxNorm (Keras 3 API)."""

from kerasnet.saving.serialization_lib import (
    deserialize_keras_object,
    get_from_identifier,
    serialize_keras_object,
    to_snake_case,
)
from kerasnet.constraints.constraints import (
    Constraint,
    MaxNorm,
    MinMaxNorm,
    NonNeg,
    UnitNorm,
)

ALL_OBJECTS = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(c.__name__): c for c in ALL_OBJECTS})

max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm


def serialize(constraint):
    """The Keras config dict of a constraint."""
    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """A constraint from its config (or name)."""
    return deserialize_keras_object(
        config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier):
    """A constraint from a name, config, class, instance or callable.

    None stays None; anything else raises ValueError.
    """
    if identifier is None:
        return None
    return get_from_identifier(identifier, ALL_OBJECTS_DICT, "constraint")


__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "serialize",
]
