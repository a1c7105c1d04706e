"""kerasnet.models: Model, Sequential, Functional, and model-level save/load."""

from kerasnet.models.functional import Functional  # noqa: F401
from kerasnet.models.model import Model  # noqa: F401
from kerasnet.models.sequential import Sequential  # noqa: F401
from kerasnet.saving.serialization_lib import deserialize_keras_object as _deserialize_keras_object
from kerasnet.saving.serialization_lib import serialize_keras_object as _serialize_keras_object


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    # Mutual dependency, kept as in Keras: saving_lib walks models (and imports them at its top).
    from kerasnet.saving import saving_api

    return saving_api.load_model(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with the same architecture and fresh weights."""
    return _deserialize_keras_object(_serialize_keras_object(model))
