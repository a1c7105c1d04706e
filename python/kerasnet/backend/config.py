"""Global settings: float type, epsilon, image data format, engine threads."""

from kerasnet import _C

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"


def floatx():
    """The default float type ('float32')."""
    return _FLOATX


def set_floatx(value):
    global _FLOATX
    if value not in ("float32", "float64"):
        raise ValueError(
            "Unknown `floatx` value. Expected 'float32' or 'float64'. "
            f"Received: floatx={value!r}"
        )
    _FLOATX = value


def epsilon():
    """The fuzz factor used in numeric expressions (1e-7)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    """'channels_last' (the default) or 'channels_first'."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of "
            "{'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format!r}"
        )
    _IMAGE_DATA_FORMAT = data_format


def backend():
    """The name of the backend: kerasnet's own engine."""
    return "kerasnet"


def set_num_threads(n):
    """Number of threads the engine's kernels use (OpenMP)."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(
            f"`n` must be a positive integer. Received: n={n!r}"
        )
    _C.set_num_threads(n)


def get_num_threads():
    return _C.get_num_threads()
