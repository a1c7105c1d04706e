"""Random ops: checked for shape, determinism and statistics (no numpy reference)."""

import math

import kerasnet
import numpy as np

from op_db.core import FLOATS, OpEntry, Sample, _add, dtype_kwarg


# ---------------------------------------------------------------------------------------------
# Random (checked statistically and for determinism; no numpy reference)
# ---------------------------------------------------------------------------------------------
def _random_samples(params, dtypes):
    def make(rng):
        out = []
        for dt in dtypes:
            out.append(Sample(((200, 50),) + params, {"dtype": dt, "seed": 7}, dt))
        out += [
            Sample(((0, 3),) + params, {"dtype": dtypes[0], "seed": 1}, "empty"),
            Sample(((),) + params, {"dtype": dtypes[0], "seed": 2}, "scalar"),
            Sample((3,) + params, {"dtype": dtypes[0], "seed": 3}, "int-shape"),
        ]
        return out

    return make


def _check_random(kind):
    def check(out, sample, call):
        shape = sample.args[0]
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        assert out.shape == shape, (out.shape, shape)
        v = out.numpy()
        again = call().numpy()
        np.testing.assert_array_equal(v, again, err_msg="same seed, different numbers")
        other = call(seed=sample.kwargs["seed"] + 1000).numpy()
        if v.size > 1:
            assert not np.array_equal(v, other), "a different seed gave the same numbers"
        if v.size < 1000:
            return
        p = sample.args[1:]
        if kind == "normal":
            mean, std = p
            assert abs(v.mean() - mean) < 4 * std / math.sqrt(v.size)
            assert abs(v.std() - std) < 0.05 * std
        elif kind == "uniform":
            lo, hi = p
            assert v.min() >= lo and v.max() < hi
            assert abs(v.mean() - (lo + hi) / 2) < 4 * (hi - lo) / math.sqrt(12 * v.size)
            # Every decile of the range gets its share.
            counts = np.histogram(v, bins=10, range=(lo, hi))[0]
            assert counts.min() > 0.8 * v.size / 10, counts
        elif kind == "truncated_normal":
            mean, std = p
            assert np.all(np.abs(v - mean) <= 2 * std + 1e-6)
            # The variance of a normal truncated at 2 sigma is 0.774 sigma^2.
            assert abs(v.std() - 0.8796 * std) < 0.05 * std
            assert abs(v.mean() - mean) < 4 * std / math.sqrt(v.size)
        elif kind == "randint":
            lo, hi = p
            assert v.min() >= lo and v.max() < hi
            assert set(np.unique(v)) == set(range(lo, hi)), "not every value drawn"

    return check


_add(OpEntry("normal", kerasnet.random.normal, _random_samples((1.5, 2.0), FLOATS),
             dtype=dtype_kwarg, check=_check_random("normal"), grad=None,
             nograd="random op: no tensor input"))
_add(OpEntry("uniform", kerasnet.random.uniform, _random_samples((-2.0, 3.0), FLOATS),
             dtype=dtype_kwarg, check=_check_random("uniform"), grad=None,
             nograd="random op: no tensor input"))
_add(OpEntry("truncated_normal", kerasnet.random.truncated_normal,
             _random_samples((0.5, 3.0), FLOATS), dtype=dtype_kwarg,
             check=_check_random("truncated_normal"), grad=None,
             nograd="random op: no tensor input"))
_add(OpEntry("randint", kerasnet.random.randint, _random_samples((-3, 9), ("int32", "int64")),
             dtype=dtype_kwarg, check=_check_random("randint"), grad=None,
             nograd="random op: integer results"))
