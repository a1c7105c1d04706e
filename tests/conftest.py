"""Shared test fixtures.

Tests import the installed kerasnet (CI) or, in a development checkout, the
package under python/ with the engine module built beside it.
"""

import os
import sys

import numpy as np
import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
_DEV = os.path.join(os.path.dirname(_HERE), "python")
try:  # installed package first
    import kerasnet  # noqa: F401
except ImportError:
    sys.path.insert(0, _DEV)
    import kerasnet  # noqa: F401

from kerasnet import _C  # noqa: E402


def _levels():
    order = ["generic", "avx2", "avx512"]
    cpu = _C.cpu_isa_level()
    cap = os.environ.get("KERASNET_CPU_ISA")
    top = order.index(cpu)
    if cap in order:
        top = min(top, order.index(cap))
    return order[: top + 1]


ISA_LEVELS = _levels()


@pytest.fixture(params=ISA_LEVELS)
def isa_level(request):
    """Runs the test once per CPU kernel level this machine (and the cap) allows."""
    previous = _C.isa_level()
    _C.set_isa_level(request.param)
    yield request.param
    _C.set_isa_level(previous)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def gpu_available():
    return _C.cuda_device_count() > 0


requires_gpu = pytest.mark.skipif(
    not gpu_available(),
    reason="no CUDA GPU available (kerasnet built without CUDA, or no GPU/driver here)",
)


# The local file server of the download tests (tests/utils, tests/datasets).
from file_server import dead_url, keras_home, local_server  # noqa: E402,F401
