"""clear_session: forget the global state that names layers and draws unseeded randomness."""

import gc

from kerasnet import _C
from kerasnet.backend import naming


def clear_session(free_memory=True):
    """Resets layer/model auto-naming (the next Dense is `dense` again), as in Keras.

    With free_memory, also runs the garbage collector and hands the engine's cached CPU
    (and GPU) blocks back to the system.
    """
    naming.reset_uids()
    if free_memory:
        gc.collect()
        _C.empty_cache("cpu")
        if _C.cuda_built() and _C.cuda_device_count() > 0:
            _C.empty_cache("cuda")
