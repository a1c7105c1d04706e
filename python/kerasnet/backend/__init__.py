"""The engine's Python face: Tensor, Variable, GradientTape, dtypes, devices."""

from kerasnet import _C
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

# The engine checks itself as it loads: an op of ops.def without its CPU kernel or
# gradient rule (a build defect) fails the import instead of a later call.
_problems = _C.self_check()
if _problems:
    raise ImportError(
        "kerasnet's engine failed its self-check (a build defect):\n  "
        + "\n  ".join(_problems)
    )
