"""BatchNormalization: Keras' weights, training/inference math, moving statistics,
freezing, masks, gradients and its behaviour inside fit/predict."""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers, ops

RNG = np.random.default_rng(17)


def bn_ref(x, axis, gamma, beta, mean, var, eps):
    shape = [1] * x.ndim
    shape[axis] = -1
    def r(v):
        return np.reshape(v, shape)

    return r(gamma) * (x - r(mean)) / np.sqrt(r(var) + eps) + r(beta)


def test_batch_normalization_generic():
    run_layer_test(
        layers.BatchNormalization, {}, input_shape=(4, 3), expected_output_shape=(4, 3),
        expected_num_trainable_weights=2, expected_num_non_trainable_weights=2,
        expected_weights=[("gamma", (3,)), ("beta", (3,)), ("moving_mean", (3,)),
                          ("moving_variance", (3,))],
        supports_masking=True)
    run_layer_test(
        layers.BatchNormalization, {"axis": 1, "center": False, "scale": False},
        input_shape=(2, 5, 3, 3), expected_output_shape=(2, 5, 3, 3),
        expected_num_trainable_weights=0, expected_num_non_trainable_weights=2,
        expected_weights=[("moving_mean", (5,)), ("moving_variance", (5,))])


@pytest.mark.parametrize("shape, axis", [((8, 3), -1), ((4, 5, 5, 3), -1), ((4, 3, 5, 5), 1)])
def test_training_mode_uses_batch_statistics_and_updates_moving_ones(shape, axis):
    x = (RNG.standard_normal(shape) * 2 + 1.5).astype("float32")
    layer = layers.BatchNormalization(axis=axis, momentum=0.9, epsilon=1e-3)
    layer.build(shape)
    c = shape[axis]
    gamma, beta = RNG.uniform(0.5, 2, c).astype("float32"), RNG.standard_normal(c).astype("float32")
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    reduce = tuple(i for i in range(len(shape)) if i != axis % len(shape))
    mean, var = x.mean(axis=reduce), x.var(axis=reduce)  # biased variance
    out = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(out, bn_ref(x, axis, gamma, beta, mean, var, 1e-3),
                               rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.9 * 0 + 0.1 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.9 * 1 + 0.1 * var, rtol=1e-5)
    # A second step compounds the averages.
    layer(x, training=True)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.19 * mean, rtol=1e-5, atol=1e-6)
    # Inference uses the moving statistics and leaves them unchanged.
    mm, mv = layer.moving_mean.numpy(), layer.moving_variance.numpy()
    for kwargs in ({}, {"training": False}):
        out = np.asarray(layer(x, **kwargs))
        np.testing.assert_allclose(out, bn_ref(x, axis, gamma, beta, mm, mv, 1e-3),
                                   rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), mm)


def test_default_initial_state_and_config():
    layer = layers.BatchNormalization()
    assert layer.momentum == 0.99 and layer.epsilon == 1e-3
    x = RNG.standard_normal((4, 2)).astype("float32")
    # Fresh layer in inference: gamma 1, beta 0, mean 0, variance 1.
    np.testing.assert_allclose(np.asarray(layer(x)), x / np.sqrt(1 + 1e-3), rtol=1e-6)
    config = layer.get_config()
    for key in ("axis", "momentum", "epsilon", "center", "scale", "beta_initializer",
                "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
                "synchronized"):
        assert key in config
    assert config["moving_variance_initializer"]["class_name"] == "Ones"


def test_frozen_batch_normalization_runs_in_inference_mode():
    x = (RNG.standard_normal((6, 3)) + 4).astype("float32")
    layer = layers.BatchNormalization()
    layer.build((6, 3))
    layer.trainable = False
    out = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(out, x / np.sqrt(1 + 1e-3), rtol=1e-6)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3))
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


def test_masked_batch_statistics_ignore_masked_steps():
    x = RNG.standard_normal((2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False], [True, True, True, False]])
    layer = layers.BatchNormalization(momentum=0.0)
    out = np.asarray(layer(x, training=True, mask=mask))
    kept = x[mask]
    mean, var = kept.mean(0), kept.var(0)
    np.testing.assert_allclose(layer.moving_mean.numpy(), mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), var, rtol=1e-5)
    np.testing.assert_allclose(out[mask], (kept - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-4)


def test_training_gradient_matches_finite_differences():
    x = RNG.standard_normal((5, 3))
    r = RNG.standard_normal((5, 3))
    layer = layers.BatchNormalization(dtype="float64")
    layer.build((5, 3))
    layer.gamma.assign(RNG.uniform(0.5, 2, 3))

    def f(v):
        out = layer(v, training=True)
        return float(np.sum(np.asarray(out) * r))

    xv = kerasnet.Variable(x, dtype="float64")
    with kerasnet.GradientTape() as tape:
        loss = ops.sum(ops.multiply(layer(xv, training=True), r))
    grad = np.asarray(tape.gradient(loss, xv))
    num = np.zeros_like(x)
    h = 1e-6
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        num[idx] = (f(x + e) - f(x - e)) / (2 * h)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-7)
    # Gradients of gamma and beta: sum(r * x_hat) and sum(r).
    with kerasnet.GradientTape() as tape:
        loss = ops.sum(ops.multiply(layer(x, training=True), r))
    g_gamma, g_beta = tape.gradient(loss, [layer.gamma, layer.beta])
    x_hat = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(np.asarray(g_gamma), (r * x_hat).sum(0), rtol=1e-8)
    np.testing.assert_allclose(np.asarray(g_beta), r.sum(0), rtol=1e-8)


def test_fit_updates_moving_statistics_and_predict_does_not():
    x = (RNG.standard_normal((32, 2)) * 3 + 5).astype("float32")
    model = kerasnet.Sequential([kerasnet.Input((2,)), layers.BatchNormalization(momentum=0.5)])
    model.compile("sgd", "mse")
    bn = model.layers[0]
    model.predict(x, verbose=0)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), [0.0, 0.0])
    model.fit(x, np.zeros_like(x), batch_size=32, epochs=4, verbose=0, shuffle=False)
    # Four steps of momentum 0.5 towards the (fixed) batch mean.
    np.testing.assert_allclose(bn.moving_mean.numpy(), x.mean(0) * (1 - 0.5 ** 4), rtol=1e-4)
    before = bn.moving_mean.numpy().copy()
    model.evaluate(x, np.zeros_like(x), verbose=0)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), before)


def test_errors():
    with pytest.raises(ValueError, match="should have a defined dimension"):
        layers.BatchNormalization()(kerasnet.Input((None,)))
    layer = layers.BatchNormalization()
    layer(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(np.ones((2, 4), "float32"))
