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


def serialize(schedule):
    from kerasnet.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(schedule)


def deserialize(config, custom_objects=None):
    from kerasnet.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)
