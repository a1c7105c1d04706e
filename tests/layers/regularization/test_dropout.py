"""Dropout: inference identity, training statistics and scaling, noise_shape,
seeds, and the training flag inside fit/predict."""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers


def test_dropout_generic():
    run_layer_test(layers.Dropout, {"rate": 0.5, "seed": 3}, input_shape=(2, 3),
                   expected_output_shape=(2, 3), expected_num_trainable_weights=0,
                   supports_masking=True)
    config = layers.Dropout(0.2, noise_shape=(None, 1, 4), seed=7).get_config()
    assert config["rate"] == 0.2 and config["seed"] == 7
    assert config["noise_shape"] == [None, 1, 4]


def test_inference_is_the_identity():
    x = np.random.default_rng(0).standard_normal((8, 16)).astype("float32")
    layer = layers.Dropout(0.7)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    np.testing.assert_array_equal(np.asarray(layers.Dropout(0.0)(x, training=True)), x)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_training_drops_about_rate_and_rescales_the_rest(rate):
    x = np.full((200, 500), 2.0, "float32")
    out = np.asarray(layers.Dropout(rate, seed=1)(x, training=True))
    kept = out != 0
    # 100,000 Bernoulli draws: the kept fraction is within 5 standard deviations.
    sd = np.sqrt(rate * (1 - rate) / x.size)
    assert abs((1 - kept.mean()) - rate) < 5 * sd
    np.testing.assert_allclose(out[kept], 2.0 / (1 - rate), rtol=1e-6)
    # The expected sum is preserved.
    assert abs(out.mean() - 2.0) < 0.05
    assert np.asarray(layers.Dropout(1.0)(x, training=True)).sum() == 0


def test_noise_shape_shares_the_mask_along_axes_of_size_one():
    x = np.ones((4, 6, 5), "float32")
    out = np.asarray(layers.Dropout(0.5, noise_shape=(None, 1, 5), seed=2)(x, training=True))
    # Each (sample, feature) column is dropped at every time step or at none.
    assert np.all(out == out[:, :1, :])
    assert 0 < (out == 0).mean() < 1


def test_seeded_dropout_is_reproducible_and_varies_between_calls():
    x = np.ones((50, 40), "float32")
    a, b = layers.Dropout(0.5, seed=42), layers.Dropout(0.5, seed=42)
    first_a = np.asarray(a(x, training=True))
    np.testing.assert_array_equal(first_a, np.asarray(b(x, training=True)))
    second_a = np.asarray(a(x, training=True))
    assert not np.array_equal(first_a, second_a)
    c = np.asarray(layers.Dropout(0.5, seed=43)(x, training=True))
    assert not np.array_equal(first_a, c)


def test_set_random_seed_makes_unseeded_dropout_reproducible():
    x = np.ones((30, 30), "float32")
    kerasnet.utils.set_random_seed(123)
    first = np.asarray(layers.Dropout(0.5)(x, training=True))
    kerasnet.utils.set_random_seed(123)
    second = np.asarray(layers.Dropout(0.5)(x, training=True))
    np.testing.assert_array_equal(first, second)


def test_rate_is_validated():
    for rate in (-0.1, 1.5):
        with pytest.raises(ValueError, match="rate"):
            layers.Dropout(rate)


def test_fit_trains_with_dropout_and_predict_runs_without():
    x = np.ones((64, 10), "float32")
    model = kerasnet.Sequential([kerasnet.Input((10,)), layers.Dropout(0.5, seed=0),
                                 layers.Dense(1, kernel_initializer="ones", use_bias=False)])
    model.compile(kerasnet.optimizers.SGD(0.0), "mse")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.full((64, 1), 10.0))
    # Training outputs are noisy: a zero-learning-rate epoch has a non-zero loss
    # against the inference output.
    history = model.fit(x, np.full((64, 1), 10.0), batch_size=64, epochs=1, verbose=0)
    assert history.history["loss"][0] > 1.0
    assert model.evaluate(x, np.full((64, 1), 10.0), verbose=0) == pytest.approx(0.0, abs=1e-6)
