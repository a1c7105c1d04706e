"""SeedGenerator and the seed policy of the random ops.

Every random op draws element i from Philox at counter `offset + i` under a
64-bit seed, so results do not depend on the thread count. The (seed, offset)
pair comes from:
  - an int `seed`: (seed, 0) -- the same numbers on every call, as in Keras;
  - a SeedGenerator: its seed and running offset (advanced by each call);
  - None: the global generator (reset by kerasnet.utils.set_random_seed).
"""

from kerasnet.backend.random import reserve_random


class SeedGenerator:
    """A stateful source of random seeds (Keras' keras.random.SeedGenerator).

    Args:
        seed: initial seed (an int); None draws one from the global generator.
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is None:
            seed, _ = reserve_random(1)
            seed = int(seed) ^ 0x5DEECE66D
        if not isinstance(seed, int):
            raise ValueError(
                f"Argument `seed` must be an integer. Received: seed={seed!r}"
            )
        self._initial_seed = seed
        self.name = name or "seed_generator"
        self._offset = 0

    @property
    def state(self):
        return (self._initial_seed, self._offset)

    def next(self, count=1):
        """Reserves `count` counters; returns (seed, offset)."""
        out = (self._initial_seed & 0xFFFFFFFFFFFFFFFF, self._offset)
        self._offset += max(int(count), 1)
        return out

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def draw_seed(seed, count):
    """(seed, offset) for a call that uses `count` random elements."""
    if seed is None:
        s, off = reserve_random(max(int(count), 1))
        return int(s), int(off)
    if isinstance(seed, SeedGenerator):
        return seed.next(count)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(
            "Argument `seed` must be either an integer or an instance of "
            f"`SeedGenerator`. Received: seed={seed!r} (of type {type(seed)})"
        )
    return seed & 0xFFFFFFFFFFFFFFFF, 0
