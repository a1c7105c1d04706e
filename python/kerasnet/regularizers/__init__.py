"""kerasnet.regularizers: L1, L2, L1L2, OrthogonalRegularizer (Keras 3 API).

`get("l2")` gives `L2()` (factor 0.01); dicts, classes and callables work too.
"""

from kerasnet.saving.serialization_lib import (
    deserialize_keras_object,
    get_from_identifier,
    serialize_keras_object,
    to_snake_case,
)
from kerasnet.regularizers.regularizers import (
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
)

ALL_OBJECTS = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(c.__name__): c for c in ALL_OBJECTS})
# Keras exports `keras.regularizers.l1_l2` as the class too.
ALL_OBJECTS_DICT["l1_l2"] = L1L2

l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer


def serialize(regularizer):
    """The Keras config dict of a regularizer."""
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """A regularizer from its config (or name)."""
    return deserialize_keras_object(
        config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier):
    """A regularizer from a name, config, class, instance or callable.

    None stays None; anything else raises ValueError.
    """
    if identifier is None:
        return None
    return get_from_identifier(identifier, ALL_OBJECTS_DICT, "regularizer")


__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "serialize",
]
