"""kerasnet.initializers: Keras 3's weight initializers, by class and by name.

`get("glorot_uniform")`, `get("GlorotUniform")`, `get({"class_name": ...,
"config": ...})`, a class, or an instance all give an initializer instance.
"""

from kerasnet.saving.serialization_lib import (
    deserialize_keras_object,
    get_from_identifier,
    serialize_keras_object,
    to_snake_case,
)
from kerasnet.initializers.constant_initializers import (
    Constant,
    Identity,
    IdentityInitializer,
    Ones,
    Zeros,
)
from kerasnet.initializers.initializer import Initializer
from kerasnet.initializers.random_initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    OrthogonalInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    compute_fans,
)

ALL_OBJECTS = (
    Initializer,
    Constant,
    Identity,
    Ones,
    Zeros,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    RandomNormal,
    TruncatedNormal,
    RandomUniform,
    VarianceScaling,
    Orthogonal,
)

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(c.__name__): c for c in ALL_OBJECTS})
ALL_OBJECTS_DICT.update(
    {
        "uniform": RandomUniform,
        "normal": RandomNormal,
        "orthogonal": Orthogonal,
        "OrthogonalInitializer": Orthogonal,
        "orthogonal_initializer": Orthogonal,
        "IdentityInitializer": Identity,
        "identity_initializer": Identity,
        "one": Ones,
        "zero": Zeros,
    }
)

# Keras' lower-case aliases (keras.initializers.glorot_uniform is the class).
constant = Constant
zeros = Zeros
ones = Ones
identity = Identity
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
orthogonal = Orthogonal


def serialize(initializer):
    """The Keras config dict of an initializer."""
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """An initializer from its config (or name)."""
    return deserialize_keras_object(
        config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier):
    """An initializer instance from a name, config dict, class or instance.

    Returns None for None. Raises ValueError for anything else.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        identifier = {"class_name": identifier, "config": {}}
    return get_from_identifier(identifier, ALL_OBJECTS_DICT, "initializer")


__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "IdentityInitializer",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "OrthogonalInitializer",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "deserialize",
    "get",
    "serialize",
]
