"""The engine's random numbers: the draws (the random family's ops) and the global stream.

Every draw takes an explicit (seed, offset): element i comes from Philox at
counter `offset + i` under `seed`, so results do not depend on the thread count.
`kerasnet.random` puts Keras' signatures and seed policy (ints, SeedGenerator,
the global stream) on top. The global stream is engine state, like the thread
count and the default device, hence here rather than in kerasnet.ops.

    normal(shape, mean, stddev, dtype, seed, offset)
    uniform(shape, minval, maxval, dtype, seed, offset)
    truncated_normal(shape, mean, stddev, dtype, seed, offset)
    randint(shape, minval, maxval, dtype, seed, offset)
    reserve_random(count) -> (seed, offset): `count` counters of the global stream
    set_global_seed(seed): restarts the global stream
"""

from kerasnet import _C

normal = _C.normal
uniform = _C.uniform
truncated_normal = _C.truncated_normal
randint = _C.randint

reserve_random = _C.reserve_random
set_global_seed = _C.set_global_seed
