"""kerasnet.utils: seeding and data helpers."""

from kerasnet.utils.seeding import set_random_seed  # noqa: F401
