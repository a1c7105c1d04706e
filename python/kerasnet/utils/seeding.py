"""set_random_seed: one seed for Python, numpy and kerasnet's generators."""

import random

import numpy as np

from kerasnet.backend.random import set_global_seed


def set_random_seed(seed):
    """Seeds Python's `random`, numpy and kerasnet's global generator.

    After this call, initializers, dropout, shuffling and random ops without an
    explicit seed give the same numbers run after run, for any thread count.
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(
            "Expected `seed` argument to be an integer. "
            f"Received: seed={seed} (of type {type(seed)})"
        )
    random.seed(seed)
    np.random.seed(seed % (2**32))
    set_global_seed(seed & 0xFFFFFFFFFFFFFFFF)
