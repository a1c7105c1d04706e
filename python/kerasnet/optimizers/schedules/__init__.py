"""kerasnet.optimizers.schedules: learning rate schedules."""

from kerasnet.optimizers.schedules.learning_rate_schedule import (  # noqa: F401
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
    PolynomialDecay,
)
from kerasnet.saving.serialization_lib import deserialize_keras_object as _deserialize_keras_object
from kerasnet.saving.serialization_lib import serialize_keras_object as _serialize_keras_object


def serialize(schedule):
    return _serialize_keras_object(schedule)


def deserialize(config, custom_objects=None):
    return _deserialize_keras_object(config, custom_objects=custom_objects)
