"""kerasnet.losses: Keras 3's losses, as `Loss` classes and as functions.

`get("mse")` / `get("categorical_crossentropy")` return the function,
`get("CategoricalCrossentropy")` an instance of the class, as in Keras.
"""

from kerasnet.losses.loss import register_all_objects as _register_all_objects
from kerasnet.saving.serialization_lib import (
    deserialize_keras_object,
    get_from_identifier,
    serialize_keras_object,
)
from kerasnet.losses.hinge import (
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from kerasnet.losses.loss import Loss, LossFunctionWrapper
from kerasnet.losses.probabilistic import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from kerasnet.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)

ALL_OBJECTS = (
    Loss,
    LossFunctionWrapper,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCosh,
    Huber,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    kl_divergence,
    poisson,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    cosine_similarity,
    log_cosh,
    huber,
    hinge,
    squared_hinge,
    categorical_hinge,
)

ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update(
    {
        "bce": binary_crossentropy,
        "BCE": binary_crossentropy,
        "kld": kl_divergence,
        "KLD": kl_divergence,
        "mae": mean_absolute_error,
        "MAE": mean_absolute_error,
        "mse": mean_squared_error,
        "MSE": mean_squared_error,
        "mape": mean_absolute_percentage_error,
        "MAPE": mean_absolute_percentage_error,
        "msle": mean_squared_logarithmic_error,
        "MSLE": mean_squared_logarithmic_error,
        # Keras 2 names that Keras 3 still exports.
        "logcosh": log_cosh,
        "kullback_leibler_divergence": kl_divergence,
    }
)


def serialize(loss):
    """The Keras config dict of a `Loss` instance or a loss function."""
    return serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """A `Loss` instance or loss function from its config (or name)."""
    return deserialize_keras_object(
        name, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier):
    """A loss function or `Loss` from a name, config, class or callable.

    Function names ("mse", "categorical_crossentropy") give the function,
    class names give an instance; None gives None; anything else raises
    ValueError.
    """
    if identifier is None:
        return None
    return get_from_identifier(identifier, ALL_OBJECTS_DICT, "loss")


__all__ = sorted(o.__name__ for o in ALL_OBJECTS) + [
    "deserialize",
    "get",
    "serialize",
]

# LossFunctionWrapper.from_config resolves `fn` through this (see losses/loss.py).
_register_all_objects(ALL_OBJECTS_DICT)
