"""float32 exp/log/tanh against float64 numpy over their whole range, on every ISA level: at
most a couple of ulp, including the denormal outputs of exp and the special values."""

import numpy as np
import pytest
from kerasnet import ops


def _ulp_distance(a, b):
    ia = a.view(np.int32).astype(np.int64)
    ib = b.view(np.int32).astype(np.int64)
    # Map the sign-magnitude float order onto a monotonic integer line.
    ia = np.where(ia < 0, -(ia & 0x7FFFFFFF), ia)
    ib = np.where(ib < 0, -(ib & 0x7FFFFFFF), ib)
    return np.abs(ia - ib)


CASES = {
    "exp": (ops.exp, np.exp, np.linspace(-110, 90, 400_001)),
    "log": (ops.log, np.log, np.geomspace(1e-44, 3e38, 400_001)),
    "tanh": (ops.tanh, np.tanh, np.linspace(-12, 12, 400_001)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_float32_accuracy_over_the_range(name, isa_level):
    fn, ref_fn, xs = CASES[name]
    x = xs.astype(np.float32)
    with np.errstate(over="ignore", under="ignore"):
        ref = ref_fn(x.astype(np.float64)).astype(np.float32)
    got = ops.convert_to_numpy(fn(ops.convert_to_tensor(x)))
    finite = np.isfinite(ref)
    assert _ulp_distance(got[finite], ref[finite]).max() <= 2
    np.testing.assert_array_equal(got[~finite], ref[~finite])


@pytest.mark.parametrize("name", sorted(CASES))
def test_special_values(name, isa_level):
    fn, ref_fn, _ = CASES[name]
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0], np.float32)
    with np.errstate(all="ignore"):
        ref = ref_fn(x.astype(np.float64)).astype(np.float32)
    got = ops.convert_to_numpy(fn(ops.convert_to_tensor(x)))
    np.testing.assert_array_equal(got, ref)
