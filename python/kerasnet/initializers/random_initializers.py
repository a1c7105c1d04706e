"""Random initializers: normal, uniform, variance scaling and its named cases,
orthogonal; `compute_fans` (Keras' fan-in/fan-out rule, conv kernels too).

Seeds follow Keras 3: an int seed, or seed=None (a seed drawn once, at
construction, from the global generator that `kerasnet.utils.set_random_seed`
resets), gives the same values on every call; a `kerasnet.random.SeedGenerator`
gives new values on each call.
"""

import math

import numpy as np

from kerasnet import ops
from kerasnet import random
from kerasnet.saving.serialization_lib import serialize_keras_object
from kerasnet.backend import standardize_dtype
from kerasnet.initializers.initializer import Initializer, check_shape

# Stddev of a unit normal truncated to [-2, 2]; VarianceScaling divides by it
# so the truncated samples have the requested variance.
_TRUNCATED_STDDEV = 0.87962566103423978


def make_default_seed():
    """An int seed drawn from the global generator (see set_random_seed)."""
    return int(random.randint((), 1, 1_000_000_000, dtype="int32").numpy())


class RandomInitializer(Initializer):
    """Base of the random initializers: validates and stores `seed`."""

    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:
            seed = make_default_seed()
        elif isinstance(seed, dict):
            seed = random.SeedGenerator.from_config(seed.get("config", seed))
        elif isinstance(seed, bool) or not isinstance(
            seed, (int, random.SeedGenerator)
        ):
            raise ValueError(
                "`seed` argument should be an instance of "
                "`kerasnet.random.SeedGenerator()` or an integer. "
                f"Received: seed={seed!r}"
            )
        self.seed = seed

    def get_config(self):
        return {"seed": serialize_keras_object(self._init_seed)}


class RandomNormal(RandomInitializer):
    """Initializer drawing from a normal distribution.

    Args:
        mean: mean of the values.
        stddev: standard deviation of the values.
        seed: an int, a `kerasnet.random.SeedGenerator`, or None (see the
            module notes: int and None give the same values on every call).

    Example:

    >>> values = RandomNormal(mean=0.0, stddev=1.0, seed=1)(shape=(2, 2))
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.normal(
            check_shape(shape),
            mean=self.mean,
            stddev=self.stddev,
            seed=self.seed,
            dtype=_float_dtype(dtype, self),
        )

    def get_config(self):
        return {
            **super().get_config(),
            "mean": self.mean,
            "stddev": self.stddev,
        }


class TruncatedNormal(RandomInitializer):
    """Initializer drawing from a normal distribution truncated at 2 stddevs.

    Values more than two standard deviations from the mean are redrawn.

    Args:
        mean: mean of the values.
        stddev: standard deviation of the normal before truncation.
        seed: an int, a `kerasnet.random.SeedGenerator`, or None.

    Example:

    >>> values = TruncatedNormal(mean=0.0, stddev=1.0, seed=1)(shape=(2, 2))
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.truncated_normal(
            check_shape(shape),
            mean=self.mean,
            stddev=self.stddev,
            seed=self.seed,
            dtype=_float_dtype(dtype, self),
        )

    def get_config(self):
        return {
            **super().get_config(),
            "mean": self.mean,
            "stddev": self.stddev,
        }


class RandomUniform(RandomInitializer):
    """Initializer drawing from a uniform distribution on [minval, maxval).

    Args:
        minval: lower bound (inclusive).
        maxval: upper bound (exclusive).
        seed: an int, a `kerasnet.random.SeedGenerator`, or None.

    Example:

    >>> values = RandomUniform(minval=0.0, maxval=1.0, seed=1)(shape=(2, 2))
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.uniform(
            check_shape(shape),
            minval=self.minval,
            maxval=self.maxval,
            seed=self.seed,
            dtype=_float_dtype(dtype, self),
        )

    def get_config(self):
        return {
            **super().get_config(),
            "minval": self.minval,
            "maxval": self.maxval,
        }


class VarianceScaling(RandomInitializer):
    """Initializer whose scale adapts to the shape of the weights.

    With n = fan_in, fan_out or their average (per `mode`, see
    `compute_fans`), samples come from:
      - "truncated_normal": a normal truncated at 2 stddevs, with stddev
        (after truncation) sqrt(scale / n);
      - "untruncated_normal": a normal with stddev sqrt(scale / n);
      - "uniform": U[-limit, limit] with limit = sqrt(3 * scale / n).

    Args:
        scale: positive scaling factor.
        mode: "fan_in", "fan_out" or "fan_avg".
        distribution: "truncated_normal", "untruncated_normal" or "uniform"
            ("normal" is read as "truncated_normal").
        seed: an int, a `kerasnet.random.SeedGenerator`, or None.

    Example:

    >>> init = VarianceScaling(scale=0.1, mode="fan_in", distribution="uniform")
    >>> values = init(shape=(2, 2))
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        if not isinstance(scale, (int, float)) or scale <= 0.0:
            raise ValueError(
                "Argument `scale` must be positive float. "
                f"Received: scale={scale}"
            )
        allowed_modes = ("fan_in", "fan_out", "fan_avg")
        if mode not in allowed_modes:
            raise ValueError(
                f"Invalid `mode` argument: {mode!r}. "
                f"Please use one of {allowed_modes}."
            )
        allowed = ("uniform", "truncated_normal", "untruncated_normal")
        if not isinstance(distribution, str) or (
            distribution.lower() not in allowed + ("normal",)
        ):
            raise ValueError(
                f"Invalid `distribution` argument: {distribution!r}. "
                f"Please use one of {allowed}."
            )
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = check_shape(shape)
        dtype = _float_dtype(dtype, self)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        if self.mode == "fan_in":
            n = fan_in
        elif self.mode == "fan_out":
            n = fan_out
        else:
            n = (fan_in + fan_out) / 2.0
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / _TRUNCATED_STDDEV
            return random.truncated_normal(
                shape, mean=0.0, stddev=stddev, dtype=dtype, seed=self.seed
            )
        if self.distribution == "untruncated_normal":
            return random.normal(
                shape,
                mean=0.0,
                stddev=math.sqrt(scale),
                dtype=dtype,
                seed=self.seed,
            )
        limit = math.sqrt(3.0 * scale)
        return random.uniform(
            shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed
        )

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _NamedVarianceScaling(VarianceScaling):
    """A VarianceScaling with fixed arguments; only `seed` is configurable."""

    _ARGS = None  # (scale, mode, distribution)

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, distribution = self._ARGS
        super().__init__(
            scale=scale, mode=mode, distribution=distribution, seed=seed,
            input_axes=input_axes, output_axes=output_axes,
        )

    def get_config(self):
        return {
            "seed": serialize_keras_object(self._init_seed),
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class GlorotUniform(_NamedVarianceScaling):
    """Glorot (Xavier) uniform: U[-limit, limit].

    limit = sqrt(6 / (fan_in + fan_out)).

    Args:
        seed: an int, a `kerasnet.random.SeedGenerator`, or None.
    """

    _ARGS = (1.0, "fan_avg", "uniform")


class GlorotNormal(_NamedVarianceScaling):
    """Glorot (Xavier) normal: a truncated normal.

    stddev = sqrt(2 / (fan_in + fan_out)).

    Args:
        seed: an int, a `kerasnet.random.SeedGenerator`, or None.
    """

    _ARGS = (1.0, "fan_avg", "truncated_normal")


class LecunNormal(_NamedVarianceScaling):
    """Lecun normal: truncated normal with stddev sqrt(1 / fan_in).

    Args:
        seed: an int, a `kerasnet.random.SeedGenerator`, or None.
    """

    _ARGS = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_NamedVarianceScaling):
    """Lecun uniform: U[-limit, limit] with limit = sqrt(3 / fan_in).

    Args:
        seed: an int, a `kerasnet.random.SeedGenerator`, or None.
    """

    _ARGS = (1.0, "fan_in", "uniform")


class HeNormal(_NamedVarianceScaling):
    """He normal: truncated normal with stddev sqrt(2 / fan_in).

    Args:
        seed: an int, a `kerasnet.random.SeedGenerator`, or None.
    """

    _ARGS = (2.0, "fan_in", "truncated_normal")


class HeUniform(_NamedVarianceScaling):
    """He uniform: U[-limit, limit] with limit = sqrt(6 / fan_in).

    Args:
        seed: an int, a `kerasnet.random.SeedGenerator`, or None.
    """

    _ARGS = (2.0, "fan_in", "uniform")


def compute_fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) of a weight shape, as Keras computes them.

    With `input_axes` and `output_axes` (lists of axes), the fans are the
    products of those dimensions. Otherwise:

    Rank 0: (1, 1); rank 1: (n, n); rank 2 (dense kernels): (rows, cols);
    higher ranks are convolution kernels (..., input_depth, depth): both fans
    are multiplied by the receptive field size, the product of the leading
    dimensions.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (int(math.prod(shape[a] for a in input_axes)),
                int(math.prod(shape[a] for a in output_axes)))
    if len(shape) < 1:
        fan_in = fan_out = 1
    elif len(shape) == 1:
        fan_in = fan_out = shape[0]
    elif len(shape) == 2:
        fan_in, fan_out = shape
    else:
        receptive_field_size = 1
        for dim in shape[:-2]:
            receptive_field_size *= dim
        fan_in = shape[-2] * receptive_field_size
        fan_out = shape[-1] * receptive_field_size
    return int(fan_in), int(fan_out)


class Orthogonal(RandomInitializer):
    """Initializer that generates an orthogonal matrix.

    A matrix of normal samples is QR-decomposed and Q (with the signs of R's
    diagonal folded in, so the result is uniformly distributed) is used. For
    shapes of rank > 2 the matrix is (prod(shape[:-1]), shape[-1]), reshaped
    back. With fewer rows than columns the rows are orthonormal, otherwise
    the columns are.

    Args:
        gain: multiplicative factor applied to the orthogonal matrix.
        seed: an int, a `kerasnet.random.SeedGenerator`, or None.

    Example:

    >>> values = Orthogonal(seed=1)(shape=(3, 3))
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = check_shape(shape)
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        dtype = _float_dtype(dtype, self)
        num_rows = int(np.prod(shape[:-1]))
        num_cols = shape[-1]
        flat_shape = (max(num_rows, num_cols), min(num_rows, num_cols))
        a = random.normal(flat_shape, seed=self.seed, dtype=dtype).numpy()
        # The engine has no QR op yet (see the report): numpy does the
        # factorisation, once per weight, outside any training step.
        q, r = np.linalg.qr(a.astype(np.float64))
        q = q * np.sign(np.diag(r))
        if num_rows < num_cols:
            q = q.T
        q = self.gain * q.reshape(shape)
        return ops.convert_to_tensor(q, dtype=dtype)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


OrthogonalInitializer = Orthogonal


def _float_dtype(dtype, initializer):
    dtype = standardize_dtype(dtype)
    if dtype not in ("float32", "float64"):
        raise ValueError(
            f"{initializer.__class__.__name__} only supports float dtypes. "
            f"Received: dtype={dtype!r}"
        )
    return dtype
