"""Device scope: `with kerasnet.device("gpu:0"): ...` creates tensors there."""

import contextlib

from kerasnet import _C


@contextlib.contextmanager
def device(device_name):
    """Places new tensors (and converted inputs) on `device_name`.

    Accepts "cpu", "cpu:0", "gpu", "gpu:N", "cuda", "cuda:N". Raises
    RuntimeError when the device is not available (no CUDA build or no GPU).
    """
    previous = _C.default_device()
    _C.set_default_device(str(device_name))
    try:
        yield
    finally:
        _C.set_default_device(previous)


def get_device():
    return _C.default_device()


def cuda_available():
    """Whether kerasnet was built with CUDA and a GPU with a driver is present."""
    return _C.cuda_device_count() > 0
