"""kerasnet.optimizers: Keras 3's optimizers, updating all variables in one fused engine call."""

from kerasnet.optimizers import schedules  # noqa: F401
from kerasnet.optimizers.adadelta import Adadelta
from kerasnet.optimizers.adagrad import Adagrad
from kerasnet.optimizers.adam import Adam
from kerasnet.optimizers.adamax import Adamax
from kerasnet.optimizers.adamw import AdamW
from kerasnet.optimizers.lion import Lion
from kerasnet.optimizers.nadam import Nadam
from kerasnet.optimizers.optimizer import Optimizer
from kerasnet.optimizers.rmsprop import RMSprop
from kerasnet.optimizers.sgd import SGD
from kerasnet.saving.serialization_lib import deserialize_keras_object as _deserialize_keras_object
from kerasnet.saving.serialization_lib import serialize_keras_object as _serialize_keras_object

_BY_NAME = {
    "sgd": SGD,
    "adam": Adam,
    "adamw": AdamW,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
    "adadelta": Adadelta,
    "adamax": Adamax,
    "nadam": Nadam,
    "lion": Lion,
}


def serialize(optimizer):
    return _serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    if isinstance(config, dict) and config.get("class_name", "").lower() in _BY_NAME and "module" not in config:
        config = dict(config)
        config["class_name"] = _BY_NAME[config["class_name"].lower()].__name__
    # Built-in names resolve without a module (Keras 2 style configs), as in Keras.
    module_objects = {cls.__name__: cls for cls in _BY_NAME.values()}
    return _deserialize_keras_object(config, custom_objects=custom_objects, module_objects=module_objects)


def get(identifier):
    """An optimizer from an instance, a name ("adam"), or a config dict."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise ValueError(
                f"Could not interpret optimizer identifier: {identifier!r}. "
                f"Known names: {sorted(_BY_NAME)}"
            )
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
