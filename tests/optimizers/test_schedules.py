"""Learning rate schedules against Keras 3's formulas, their configs and errors."""

import math

import numpy as np
import pytest

from kerasnet.optimizers import schedules

STEPS = [0, 1, 2, 5, 9, 10, 11, 19, 20, 37, 100]


def value(schedule, step):
    out = schedule(np.int64(step))
    assert np.asarray(out).dtype == np.float32
    return float(np.asarray(out))


def check(schedule, formula):
    got = [value(schedule, s) for s in STEPS]
    want = [formula(s) for s in STEPS]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def test_exponential_decay():
    check(schedules.ExponentialDecay(0.1, 10, 0.5), lambda s: 0.1 * 0.5 ** (s / 10))
    check(schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True),
          lambda s: 0.1 * 0.5 ** math.floor(s / 10))
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, 0, 0.5)


def test_piecewise_constant_decay():
    schedule = schedules.PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1])
    # values[0] up to and including boundaries[0], and so on.
    check(schedule, lambda s: 1.0 if s <= 5 else 0.5 if s <= 10 else 0.1)
    with pytest.raises(ValueError, match="1 less than the length of values"):
        schedules.PiecewiseConstantDecay([5, 10], [1.0, 0.5])


def test_inverse_time_decay():
    check(schedules.InverseTimeDecay(0.2, 10, 0.5), lambda s: 0.2 / (1 + 0.5 * s / 10))
    check(schedules.InverseTimeDecay(0.2, 10, 0.5, staircase=True),
          lambda s: 0.2 / (1 + 0.5 * math.floor(s / 10)))


def test_polynomial_decay():
    def formula(s, power=1.0, end=0.0001, cycle=False):
        steps = 20.0
        if cycle:
            steps = steps * (1.0 if s == 0 else math.ceil(s / steps))
        else:
            s = min(s, steps)
        return (0.1 - end) * (1 - s / steps) ** power + end

    check(schedules.PolynomialDecay(0.1, 20), formula)
    check(schedules.PolynomialDecay(0.1, 20, end_learning_rate=0.01, power=2.0),
          lambda s: formula(s, 2.0, 0.01))
    check(schedules.PolynomialDecay(0.1, 20, power=0.5, cycle=True),
          lambda s: formula(s, 0.5, cycle=True))


def test_cosine_decay_without_and_with_warmup():
    def decay(s, start, steps=20, alpha=0.0):
        s = min(s, steps)
        return start * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / steps)) + alpha)

    check(schedules.CosineDecay(0.1, 20), lambda s: decay(s, 0.1))
    check(schedules.CosineDecay(0.1, 20, alpha=0.1), lambda s: decay(s, 0.1, alpha=0.1))

    def warm(s):
        s = min(s, 20 + 10)
        if s < 10:
            return 0.0 + (1.0 - 0.0) * s / 10  # linear from initial to warmup_target
        return decay(s - 10, 1.0)

    schedule = schedules.CosineDecay(0.0, 20, warmup_target=1.0, warmup_steps=10)
    check(schedule, warm)
    assert value(schedule, 10) == pytest.approx(1.0)  # the peak right after warmup
    assert value(schedule, 30) == pytest.approx(0.0, abs=1e-7)


def test_cosine_decay_restarts():
    def formula(s, first=10, t_mul=2.0, m_mul=1.0, alpha=0.0):
        frac = s / first
        if t_mul == 1.0:
            i = math.floor(frac)
            frac -= i
        else:
            i = math.floor(math.log(1 - frac * (1 - t_mul)) / math.log(t_mul))
            frac = (frac - (1 - t_mul ** i) / (1 - t_mul)) / t_mul ** i
        return 0.1 * ((1 - alpha) * 0.5 * m_mul ** i * (1 + math.cos(math.pi * frac)) + alpha)

    check(schedules.CosineDecayRestarts(0.1, 10), formula)
    check(schedules.CosineDecayRestarts(0.1, 10, t_mul=1.0, m_mul=0.5, alpha=0.1),
          lambda s: formula(s, t_mul=1.0, m_mul=0.5, alpha=0.1))
    # Restarts happen at 10 and 10 + 20 steps with t_mul=2.
    schedule = schedules.CosineDecayRestarts(0.1, 10)
    assert value(schedule, 10) == pytest.approx(0.1) and value(schedule, 30) == pytest.approx(0.1)


@pytest.mark.parametrize("schedule", [
    schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True),
    schedules.PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1]),
    schedules.InverseTimeDecay(0.2, 10, 0.5),
    schedules.PolynomialDecay(0.1, 20, end_learning_rate=0.01, power=2.0, cycle=True),
    schedules.CosineDecay(0.1, 20, alpha=0.1, warmup_target=0.5, warmup_steps=5),
    schedules.CosineDecayRestarts(0.1, 10, t_mul=1.5, m_mul=0.9, alpha=0.01),
])
def test_schedule_configs_round_trip(schedule):
    config = schedule.get_config()
    clone = type(schedule).from_config(config)
    assert clone.get_config() == config
    for s in STEPS:
        assert value(clone, s) == value(schedule, s)
    revived = schedules.deserialize(schedules.serialize(schedule))
    assert type(revived) is type(schedule) and revived.get_config() == config


def test_custom_schedule_subclass():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 1.0 / (2.0 ** float(np.asarray(step)))

        def get_config(self):
            return {}

    assert Halving()(3) == 0.125
    with pytest.raises(NotImplementedError):
        schedules.LearningRateSchedule()(1)
