"""kerasnet.saving: Keras 3's saving API.

`save_model` / `load_model` (the `.keras` zip, and legacy `.h5` to load),
`save_weights` / `load_weights` (`.weights.h5`), the object serializer and
the registry of custom objects. The file formats load lazily (they need h5py).
"""

from kerasnet.saving.object_registration import (  # noqa: F401
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from kerasnet.saving.serialization_lib import (  # noqa: F401
    deserialize_keras_object,
    serialize_keras_object,
)


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves `model` to `filepath` (`.keras`). See `saving_api.save_model`."""
    # Start-up time and mutual dependency: saving_api loads the models (import kerasnet loads this).
    from kerasnet.saving import saving_api

    return saving_api.save_model(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model from a `.keras` (or legacy `.h5`) file. See `saving_api.load_model`."""
    # As above: start-up time and mutual dependency.
    from kerasnet.saving import saving_api

    return saving_api.load_model(filepath, custom_objects=custom_objects, compile=compile,
                                 safe_mode=safe_mode)


def save_weights(model, filepath, overwrite=True, **kwargs):
    # As above: start-up time and mutual dependency.
    from kerasnet.saving import saving_api

    return saving_api.save_weights(model, filepath, overwrite=overwrite, **kwargs)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    # As above: start-up time and mutual dependency.
    from kerasnet.saving import saving_api

    return saving_api.load_weights(model, filepath, skip_mismatch=skip_mismatch, **kwargs)
