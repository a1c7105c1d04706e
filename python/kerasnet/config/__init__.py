"""kerasnet.config: floatx, epsilon, image data format, engine threads."""

from kerasnet.backend.config import (  # noqa: F401
    backend,
    epsilon,
    floatx,
    get_num_threads,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    set_num_threads,
)
from kerasnet.saving.serialization_lib import (  # noqa: E402,F401
    enable_unsafe_deserialization,
)
