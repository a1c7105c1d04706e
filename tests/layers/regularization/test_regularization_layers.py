"""SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout and
ActivityRegularization: the generic layer checks, Keras' config keys,
inference identity, training statistics, seeds and argument validation."""

import math

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_BASE_KEYS = {"name", "trainable", "dtype"}


@pytest.mark.parametrize("cls, kwargs, shape, keys", [
    (layers.SpatialDropout1D, {"rate": 0.5, "seed": 3}, (2, 4, 3), {"rate", "seed"}),
    (layers.SpatialDropout2D, {"rate": 0.5, "seed": 3}, (2, 4, 4, 3),
     {"rate", "seed", "data_format"}),
    (layers.SpatialDropout2D, {"rate": 0.3, "data_format": "channels_first"}, (2, 3, 4, 4),
     {"rate", "seed", "data_format"}),
    (layers.SpatialDropout3D, {"rate": 0.5, "seed": 3}, (2, 3, 3, 3, 2),
     {"rate", "seed", "data_format"}),
    (layers.GaussianNoise, {"stddev": 0.2, "seed": 3}, (2, 3), {"stddev", "seed"}),
    (layers.GaussianDropout, {"rate": 0.2, "seed": 3}, (2, 3), {"rate", "seed"}),
    (layers.AlphaDropout, {"rate": 0.2, "noise_shape": (None, 1, 4), "seed": 3}, (2, 3, 4),
     {"rate", "seed", "noise_shape"}),
    (layers.ActivityRegularization, {"l1": 0.01, "l2": 0.02}, (2, 3), {"l1", "l2"}),
])
def test_generic_checks_and_keras_config_keys(cls, kwargs, shape, keys):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=shape,
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   supports_masking=True)
    config = cls(**kwargs).get_config()
    assert set(config) == _BASE_KEYS | keys
    for k, v in kwargs.items():
        assert config[k] == (list(v) if isinstance(v, tuple) else v)


def test_config_defaults_match_keras():
    assert layers.SpatialDropout2D(0.1).get_config()["data_format"] == "channels_last"
    assert layers.SpatialDropout3D(0.1).get_config()["seed"] is None
    assert layers.AlphaDropout(0.1).get_config()["noise_shape"] is None
    config = layers.ActivityRegularization().get_config()
    assert config["l1"] == 0.0 and config["l2"] == 0.0
    # The regularizer is rebuilt from l1/l2, not serialized.
    assert "activity_regularizer" not in config
    revived = layers.ActivityRegularization.from_config(
        layers.ActivityRegularization(l1=0.5, l2=0.25).get_config())
    assert revived.activity_regularizer.l1 == 0.5 and revived.activity_regularizer.l2 == 0.25


def test_data_format_follows_the_global_setting():
    old = kerasnet.config.image_data_format()
    try:
        kerasnet.config.set_image_data_format("channels_first")
        assert layers.SpatialDropout2D(0.1).data_format == "channels_first"
        assert layers.SpatialDropout3D(0.1).data_format == "channels_first"
    finally:
        kerasnet.config.set_image_data_format(old)


_ALL_RANDOM = [
    lambda: layers.SpatialDropout1D(0.5, seed=1),
    lambda: layers.SpatialDropout2D(0.5, seed=1),
    lambda: layers.SpatialDropout3D(0.5, seed=1),
    lambda: layers.GaussianNoise(0.5, seed=1),
    lambda: layers.GaussianDropout(0.5, seed=1),
    lambda: layers.AlphaDropout(0.5, seed=1),
]
_SHAPES = [(4, 5, 6), (4, 5, 5, 6), (4, 3, 3, 3, 6), (4, 5, 6), (4, 5, 6), (4, 5, 6)]


@pytest.mark.parametrize("i", range(len(_ALL_RANDOM)))
def test_inference_is_the_identity(i):
    x = np.random.default_rng(0).standard_normal(_SHAPES[i]).astype("float32")
    layer = _ALL_RANDOM[i]()
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    # Inside predict (inference) too.
    model = kerasnet.Sequential([kerasnet.Input(_SHAPES[i][1:]), _ALL_RANDOM[i]()])
    np.testing.assert_allclose(model.predict(x, verbose=0), x, rtol=0, atol=0)


@pytest.mark.parametrize("i", range(len(_ALL_RANDOM)))
def test_seeded_layers_are_reproducible_and_vary_between_calls(i):
    x = np.random.default_rng(1).standard_normal(_SHAPES[i]).astype("float32") + 3.0
    a, b = _ALL_RANDOM[i](), _ALL_RANDOM[i]()
    first_a = np.asarray(a(x, training=True))
    np.testing.assert_array_equal(first_a, np.asarray(b(x, training=True)))
    assert not np.array_equal(first_a, x)
    assert not np.array_equal(first_a, np.asarray(a(x, training=True)))
    other = type(a).from_config({**a.get_config(), "seed": 2})
    assert not np.array_equal(first_a, np.asarray(other(x, training=True)))


def test_unseeded_layers_follow_set_random_seed():
    x = np.ones((8, 4, 6), "float32")
    for make in (lambda: layers.SpatialDropout1D(0.5), lambda: layers.GaussianNoise(0.3),
                 lambda: layers.GaussianDropout(0.3), lambda: layers.AlphaDropout(0.3)):
        kerasnet.utils.set_random_seed(11)
        first = np.asarray(make()(x, training=True))
        kerasnet.utils.set_random_seed(11)
        np.testing.assert_array_equal(first, np.asarray(make()(x, training=True)))


def _assert_whole_channels(out, x, rate, channel_axis):
    """Each (sample, channel) map is all 0 or all x / (1 - rate)."""
    out = np.moveaxis(out, channel_axis, -1).reshape(out.shape[0], -1, out.shape[channel_axis])
    x = np.moveaxis(x, channel_axis, -1).reshape(out.shape)
    dropped = np.all(out == 0, axis=1)
    kept = np.all(np.isclose(out, x / (1 - rate), rtol=1e-6), axis=1)
    assert np.all(dropped ^ kept), "a channel was partly dropped"
    n = dropped.size
    assert abs(dropped.mean() - rate) < 5 * math.sqrt(rate * (1 - rate) / n)


@pytest.mark.parametrize("cls, shape, data_format, channel_axis", [
    (layers.SpatialDropout1D, (100, 7, 40), None, 2),
    (layers.SpatialDropout2D, (100, 4, 5, 40), "channels_last", 3),
    (layers.SpatialDropout2D, (100, 40, 4, 5), "channels_first", 1),
    (layers.SpatialDropout3D, (50, 3, 2, 4, 40), "channels_last", 4),
    (layers.SpatialDropout3D, (50, 40, 3, 2, 4), "channels_first", 1),
])
@pytest.mark.parametrize("rate", [0.2, 0.6])
def test_spatial_dropout_drops_whole_channels(cls, shape, data_format, channel_axis, rate):
    x = np.random.default_rng(2).uniform(1.0, 2.0, shape).astype("float32")
    kwargs = {} if data_format is None else {"data_format": data_format}
    out = np.asarray(cls(rate, seed=5, **kwargs)(x, training=True))
    assert out.shape == x.shape
    _assert_whole_channels(out, x, rate, channel_axis)


def test_spatial_dropout_rate_zero_and_one():
    x = np.ones((2, 3, 4), "float32")
    np.testing.assert_array_equal(np.asarray(layers.SpatialDropout1D(0.0)(x, training=True)), x)
    assert np.asarray(layers.SpatialDropout1D(1.0)(x, training=True)).sum() == 0


def test_spatial_dropout_in_fit():
    model = kerasnet.Sequential([kerasnet.Input((6, 4)), layers.SpatialDropout1D(0.5, seed=0),
                                 layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((16, 6, 4), "float32"), np.ones((16, 1), "float32"),
                        epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("stddev", [0.1, 0.7])
def test_gaussian_noise_adds_centered_noise_of_stddev(stddev):
    x = np.random.default_rng(3).standard_normal((200, 500)).astype("float32")
    noise = np.asarray(layers.GaussianNoise(stddev, seed=4)(x, training=True)) - x
    n = noise.size
    assert abs(noise.mean()) < 5 * stddev / math.sqrt(n)
    assert abs(noise.std() - stddev) < 0.01 * stddev
    np.testing.assert_array_equal(np.asarray(layers.GaussianNoise(0.0)(x, training=True)), x)


@pytest.mark.parametrize("rate", [0.1, 0.5])
def test_gaussian_dropout_multiplies_by_noise_of_mean_one(rate):
    x = np.random.default_rng(5).uniform(1.0, 2.0, (200, 500)).astype("float32")
    factor = np.asarray(layers.GaussianDropout(rate, seed=6)(x, training=True)) / x
    sd = math.sqrt(rate / (1 - rate))
    assert abs(factor.mean() - 1.0) < 5 * sd / math.sqrt(factor.size)
    assert abs(factor.std() - sd) < 0.01 * sd
    np.testing.assert_array_equal(np.asarray(layers.GaussianDropout(0.0)(x, training=True)), x)


@pytest.mark.parametrize("rate", [0.1, 0.3])
def test_alpha_dropout_keeps_mean_and_variance_and_uses_keras_affine_map(rate):
    x = np.random.default_rng(7).standard_normal((200, 500)).astype("float32")
    out = np.asarray(layers.AlphaDropout(rate, seed=8)(x, training=True))
    assert abs(out.mean()) < 0.02
    assert abs(out.var() - 1.0) < 0.02
    alpha_p = -_SELU_ALPHA * _SELU_SCALE
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * rate
    dropped_value = a * alpha_p + b
    kept = np.isclose(out, a * x + b, rtol=1e-5, atol=1e-6)
    dropped = np.isclose(out, dropped_value, rtol=1e-5, atol=1e-6)
    assert np.all(kept | dropped)
    assert abs(dropped.mean() - rate) < 5 * math.sqrt(rate * (1 - rate) / x.size)


def test_alpha_dropout_noise_shape_shares_the_mask():
    x = np.random.default_rng(9).uniform(1.0, 2.0, (6, 5, 8)).astype("float32")
    rate = 0.5
    out = np.asarray(layers.AlphaDropout(rate, noise_shape=(None, 1, 8), seed=1)(x, training=True))
    alpha_p = -_SELU_ALPHA * _SELU_SCALE
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * rate
    dropped = np.isclose(out, a * alpha_p + b, rtol=1e-5)
    # Each (sample, feature) is dropped at every time step or at none.
    assert np.all(dropped == dropped[:, :1, :])
    assert 0 < dropped.mean() < 1
    np.testing.assert_allclose(out[~dropped], a * x[~dropped] + b, rtol=1e-5)


def test_activity_regularization_adds_the_exact_penalty():
    x = np.array([[1.0, -2.0, 0.5], [-0.25, 3.0, 0.0]], "float32")
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    out = layer(x)
    np.testing.assert_array_equal(np.asarray(out), x)
    assert len(layer.losses) == 1
    expected = 0.1 * np.abs(x).sum() + 0.01 * np.square(x).sum()
    np.testing.assert_allclose(float(layer.losses[0]), expected, rtol=1e-6)
    # Recomputed, not accumulated, on the next call.
    layer(2 * x)
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(layer.losses[0]),
                               0.1 * np.abs(2 * x).sum() + 0.01 * np.square(2 * x).sum(),
                               rtol=1e-6)
    only_l2 = layers.ActivityRegularization(l2=0.5)
    only_l2(x)
    np.testing.assert_allclose(float(only_l2.losses[0]), 0.5 * np.square(x).sum(), rtol=1e-6)


def test_activity_regularization_penalty_reaches_the_model_loss():
    x = np.ones((4, 3), "float32")
    model = kerasnet.Sequential([kerasnet.Input((3,)), layers.ActivityRegularization(l1=1.0)])
    model(x)
    np.testing.assert_allclose(float(sum(model.losses)), 12.0, rtol=1e-6)


@pytest.mark.parametrize("make, arg", [
    (lambda: layers.SpatialDropout1D(-0.1), "rate"),
    (lambda: layers.SpatialDropout2D(1.5), "rate"),
    (lambda: layers.SpatialDropout3D(-1), "rate"),
    (lambda: layers.SpatialDropout2D(0.1, data_format="channels_middle"), "data_format"),
    (lambda: layers.SpatialDropout3D(0.1, data_format="nhwc"), "data_format"),
    (lambda: layers.GaussianNoise(-0.1), "stddev"),
    (lambda: layers.GaussianNoise(1.5), "stddev"),
    (lambda: layers.GaussianDropout(-0.1), "rate"),
    (lambda: layers.GaussianDropout(1.1), "rate"),
    (lambda: layers.AlphaDropout(-0.1), "rate"),
    (lambda: layers.AlphaDropout(2.0), "rate"),
    (lambda: layers.ActivityRegularization(l1=-1.0), "l1"),
    (lambda: layers.ActivityRegularization(l2=-0.5), "l2"),
    (lambda: layers.GaussianNoise(0.1, seed="a"), "seed"),
])
def test_invalid_arguments_raise_value_error_naming_them(make, arg):
    with pytest.raises(ValueError, match=arg):
        make()


def test_rate_one_in_training_raises_where_keras_has_infinite_scale():
    x = np.ones((2, 3), "float32")
    for layer in (layers.GaussianDropout(1.0), layers.AlphaDropout(1.0)):
        np.testing.assert_array_equal(np.asarray(layer(x)), x)  # inference: identity
        with pytest.raises(ValueError, match="rate"):
            layer(x, training=True)


@pytest.mark.parametrize("layer, shape", [
    (layers.SpatialDropout1D(0.5), (2, 3)),
    (layers.SpatialDropout2D(0.5), (2, 3, 4)),
    (layers.SpatialDropout3D(0.5), (2, 3, 4, 5)),
])
def test_spatial_dropout_checks_the_input_rank(layer, shape):
    with pytest.raises(ValueError):
        layer(np.ones(shape, "float32"), training=True)


def test_masks_pass_through_every_layer():
    x = np.array([[[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]]], "float32")
    masked = layers.Masking()(x)
    for layer in (layers.SpatialDropout1D(0.5, seed=0), layers.GaussianNoise(0.1, seed=0),
                  layers.GaussianDropout(0.1, seed=0), layers.AlphaDropout(0.1, seed=0),
                  layers.ActivityRegularization(l1=0.1)):
        out = layer(masked, training=True)
        np.testing.assert_array_equal(np.asarray(out._keras_mask), [[False, True, True]])
