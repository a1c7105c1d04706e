"""The engine's Python face: Tensor, Variable, GradientTape, dtypes, devices."""

from kerasnet.backend import config
from kerasnet.backend.device import cuda_available, device, get_device
from kerasnet.backend.dtypes import (
    is_float_dtype,
    is_int_dtype,
    result_type,
    standardize_dtype,
)
from kerasnet.backend.keras_tensor import is_keras_tensor
from kerasnet.backend.session import clear_session
from kerasnet.backend.tape import (
    GradientTape,
    UnconnectedGradients,
    custom_gradient,
    stop_gradient,
)
from kerasnet.backend.tensor import (
    Tensor,
    convert_to_numpy,
    convert_to_tensor,
    is_tensor,
)
from kerasnet.backend.variable import Variable
from kerasnet.backend.config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
