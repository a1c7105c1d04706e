"""Random draws: a pure function of (seed, offset, element index), independent of the CPU kernel
level (generic / AVX2 / AVX-512 builds must not round differently) and of the thread count."""

import os

import numpy as np
import pytest
from kerasnet import _C

_ORDER = ["generic", "avx2", "avx512"]


def _isa_levels():
    top = _ORDER.index(_C.cpu_isa_level())
    cap = os.environ.get("KERASNET_CPU_ISA")
    if cap in _ORDER:
        top = min(top, _ORDER.index(cap))
    return _ORDER[: top + 1]

SHAPE = (257, 131)  # odd sizes: batched paths with a partial last batch


def _draw(fn, args, dtype, seed, offset):
    return fn(SHAPE, *args, dtype, seed, offset).numpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn, args", [(_C.uniform, (-2.0, 3.0)), (_C.uniform, (0.0, 1.0)),
                                      (_C.normal, (1.5, 2.0))])
def test_draws_are_identical_on_every_isa_level(fn, args, dtype):
    previous = _C.isa_level()
    try:
        draws = {}
        for level in _isa_levels():
            _C.set_isa_level(level)
            draws[level] = _draw(fn, args, dtype, 12345, 1 << 33)
    finally:
        _C.set_isa_level(previous)
    for level, d in draws.items():
        np.testing.assert_array_equal(d, draws["generic"], err_msg=level)


def test_uniform_matches_a_scalar_philox_reference():
    # Philox4x32-10 written out in Python for a few counters: the batched, vectorised kernel
    # must give these exact words, mapped to [0, 1) with 53 bits.
    def philox(ctr, seed):
        m = 0xFFFFFFFF
        c = [ctr & m, ctr >> 32, 0x9E3779B9, 0x85EBCA6B]
        k0, k1 = seed & m, seed >> 32
        for _ in range(10):
            p0, p1 = 0xD2511F53 * c[0], 0xCD9E8D57 * c[2]
            c = [(p1 >> 32) ^ c[1] ^ k0, p1 & m, (p0 >> 32) ^ c[3] ^ k1, p0 & m]
            k0, k1 = (k0 + 0x9E3779B9) & m, (k1 + 0xBB67AE85) & m
        return c

    seed, offset, n = 987654321, 5, 37
    got = _C.uniform((n,), 0.0, 1.0, "float64", seed, offset).numpy()
    for i in range(n):
        w = philox(offset + i, seed)
        expected = ((w[0] << 21) ^ (w[1] >> 11)) / 2.0**53
        assert got[i] == expected, i


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_uniform_does_not_depend_on_the_thread_count(threads):
    before = _C.get_num_threads()
    try:
        _C.set_num_threads(1)
        ref = _C.uniform((100003,), 0.0, 1.0, "float32", 7, 11).numpy()
        _C.set_num_threads(threads)
        np.testing.assert_array_equal(_C.uniform((100003,), 0.0, 1.0, "float32", 7, 11).numpy(), ref)
    finally:
        _C.set_num_threads(before)
