"""The thread pool under back-to-back jobs: every chunk runs exactly once, results stay exact.

A worker still holding the previous job's state must never claim a chunk of the next job
(Note [Publishing a job] in csrc/core/thread_pool.cpp); when it did, a chunk ran twice or after
its caller had returned, which showed up as wrong sums or a crash within a few thousand jobs.
"""

import numpy as np
import pytest

from kerasnet import _C, ops
from kerasnet.backend import config


@pytest.fixture
def two_threads():
    before = config.get_num_threads()
    config.set_num_threads(2)
    yield
    config.set_num_threads(before)


def test_many_small_parallel_jobs_are_exact(two_threads):
    rng = np.random.default_rng(0)
    # Integer-valued floats: every partial sum is exact, so any chunk run twice or skipped shows.
    a = rng.integers(-4, 5, size=(64, 96)).astype(np.float32)
    b = rng.integers(-4, 5, size=(96, 80)).astype(np.float32)
    x = rng.integers(-4, 5, size=(1 << 16,)).astype(np.float32)
    expected_mm = a @ b
    expected_add = x + x
    ta, tb, tx = ops.convert_to_tensor(a), ops.convert_to_tensor(b), ops.convert_to_tensor(x)
    for _ in range(1500):
        np.testing.assert_array_equal(ops.convert_to_numpy(ops.matmul(ta, tb)), expected_mm)
        np.testing.assert_array_equal(ops.convert_to_numpy(ops.add(tx, tx)), expected_add)


@pytest.mark.parametrize("nthreads", [2, 3])
def test_back_to_back_jobs_run_each_chunk_once(nthreads):
    # Chunk counts alternate between 2 and 9, so a worker late from a 2-chunk job would find
    # chunks 2.. of the next 9-chunk job and run them a second time.
    assert _C._pool_stress(jobs=20000, max_chunks=9, nthreads=nthreads) == 0
