"""Fixtures of the callback tests (helpers live in callback_helpers.py)."""

import numpy as np
import pytest
from callback_helpers import FakeModel


@pytest.fixture
def fake_model():
    return FakeModel()


@pytest.fixture
def regression_data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")).astype(
        "float32"
    )
    return x, y


@pytest.fixture
def flat_data():
    """Zero inputs into a bias-free Dense: the loss can never change."""
    return np.zeros((8, 3), dtype="float32"), np.ones((8, 1), dtype="float32")
