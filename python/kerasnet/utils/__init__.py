"""kerasnet.utils: data helpers, downloads, progress bar and seeding.

Everything here is light (numpy and the standard library); the network and
archive modules used by `get_file` load on first use.
"""

from kerasnet.utils.dataset_utils import split_dataset  # noqa: F401
from kerasnet.utils.file_utils import get_file  # noqa: F401
from kerasnet.utils.numerical_utils import normalize, to_categorical  # noqa: F401
from kerasnet.utils.progbar import Progbar  # noqa: F401
from kerasnet.utils.py_dataset import PyDataset
from kerasnet.utils.seeding import set_random_seed  # noqa: F401
from kerasnet.utils.sequence_utils import pad_sequences  # noqa: F401

# Keras' older name of PyDataset.
Sequence = PyDataset

# Keras re-exports these from keras.utils; they load on first use.
_LAZY_ATTRS = {
    "pack_x_y_sample_weight": "kerasnet.trainers.data_adapters",
    "unpack_x_y_sample_weight": "kerasnet.trainers.data_adapters",
    "CustomObjectScope": "kerasnet.saving",
    "custom_object_scope": "kerasnet.saving",
    "get_custom_objects": "kerasnet.saving",
    "get_registered_name": "kerasnet.saving",
    "get_registered_object": "kerasnet.saving",
    "register_keras_serializable": "kerasnet.saving",
    "serialize_keras_object": "kerasnet.saving",
    "deserialize_keras_object": "kerasnet.saving",
    "is_keras_tensor": "kerasnet.backend.keras_tensor",
    "clear_session": "kerasnet.backend.session",
}


def __getattr__(name):
    if name in _LAZY_ATTRS:
        import importlib

        value = getattr(importlib.import_module(_LAZY_ATTRS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kerasnet.utils' has no attribute '{name}'")
