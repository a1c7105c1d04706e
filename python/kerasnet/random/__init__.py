"""Random ops with Keras' keras.random signatures (see seed_generator.py for seeds)."""

import operator

import numpy as np

from kerasnet.backend.dtypes import standardize_dtype
from kerasnet.backend.tensor import as_tensor
from kerasnet.backend import random as engine_random
from kerasnet.ops.elementwise import divide, greater_equal, where
from kerasnet.ops.index import take
from kerasnet.random.seed_generator import SeedGenerator, draw_seed


def _shape(shape):
    if isinstance(shape, int):
        return (shape,)
    return tuple(operator.index(d) for d in shape)  # TypeError for 2.5, "a", None


def _count(shape):
    return int(np.prod(shape)) if len(shape) else 1


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    shape = _shape(shape)
    s, off = draw_seed(seed, _count(shape))
    return engine_random.normal(shape, float(mean), float(stddev), standardize_dtype(dtype), s, off)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    shape = _shape(shape)
    s, off = draw_seed(seed, _count(shape))
    return engine_random.uniform(shape, float(minval), float(maxval), standardize_dtype(dtype), s, off)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples, redrawn when more than two stddevs from the mean."""
    shape = _shape(shape)
    s, off = draw_seed(seed, _count(shape))
    return engine_random.truncated_normal(
        shape, float(mean), float(stddev), standardize_dtype(dtype), s, off
    )


def randint(shape, minval, maxval, dtype="int32", seed=None):
    shape = _shape(shape)
    s, off = draw_seed(seed, _count(shape))
    return engine_random.randint(shape, int(minval), int(maxval), standardize_dtype(dtype), s, off)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zeroes elements with probability `rate`, scales the rest by 1/(1-rate)."""
    if not 0 <= rate < 1:
        raise ValueError(
            f"Invalid value received for argument `rate`. Expected a float "
            f"value in [0, 1). Received: rate={rate}"
        )
    x = as_tensor(inputs)
    shape = x.shape if noise_shape is None else tuple(
        x.shape[i] if d is None else d for i, d in enumerate(noise_shape)
    )
    keep = greater_equal(uniform(shape, dtype=x.dtype, seed=seed), rate)
    return where(keep, divide(x, 1.0 - rate), 0.0)


def shuffle(x, axis=0, seed=None):
    """A random permutation of x along `axis`."""
    x = as_tensor(x)
    keys = uniform((x.shape[axis],), seed=seed)
    order = np.argsort(keys.numpy(), kind="stable")
    return take(x, order, axis)


__all__ = [
    "SeedGenerator",
    "dropout",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]
