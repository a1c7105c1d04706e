"""Model-level weights API: get/set_weights checks, freezing in fit, count_params."""

import numpy as np
import pytest

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(43)


def two_layer_model():
    return kerasnet.Sequential([kerasnet.Input((3,)), layers.Dense(4, name="base"),
                                layers.Dense(1, name="head")], name="two")


def test_get_and_set_weights_in_keras_order_with_checks():
    model = two_layer_model()
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(3, 4), (4,), (4, 1), (1,)]
    new = [RNG.standard_normal(w.shape).astype("float32") for w in weights]
    model.set_weights(new)
    for got, want in zip(model.get_weights(), new):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="layer 'two' with a weight list of length 3"):
        model.set_weights(new[:3])
    with pytest.raises(ValueError, match=r"\(4, 1\) is not compatible with provided weight shape \(1, 4\)"):
        model.set_weights(new[:2] + [np.zeros((1, 4)), np.zeros(1)])


def test_frozen_layer_is_not_trained_by_fit():
    model = two_layer_model()
    model.get_layer("base").trainable = False
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
    before = model.get_weights()
    model.compile(kerasnet.optimizers.SGD(0.1), "mse")
    x = RNG.standard_normal((32, 3)).astype("float32")
    model.fit(x, RNG.standard_normal((32, 1)).astype("float32"), epochs=2, verbose=0)
    after = model.get_weights()
    np.testing.assert_array_equal(after[0], before[0])
    np.testing.assert_array_equal(after[1], before[1])
    assert not np.array_equal(after[2], before[2])


def test_freezing_the_whole_model():
    model = two_layer_model()
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 4
    assert all(not layer.trainable for layer in model.layers)
    model.trainable = True
    assert len(model.trainable_weights) == 4


def test_model_called_on_numpy_returns_a_tensor():
    model = two_layer_model()
    out = model(np.ones((2, 3)))
    assert isinstance(out, kerasnet.Tensor) and out.dtype == "float32"
    assert model.predict_on_batch(np.ones((2, 3))).shape == (2, 1)
