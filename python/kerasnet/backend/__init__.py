"""The engine's Python face: Tensor, Variable, GradientTape, dtypes, devices."""

from kerasnet.backend import config
from kerasnet.backend.device import cuda_available, device, get_device
from kerasnet.backend.dtypes import result_type, standardize_dtype
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
from kerasnet.backend.config import epsilon, floatx, image_data_format
