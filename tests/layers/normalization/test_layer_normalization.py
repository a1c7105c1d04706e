"""LayerNormalization against numpy (axes, center/scale, rms_scaling)."""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(19)


def ln_ref(x, axes, gamma=None, beta=None, eps=1e-3):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps)
    if gamma is not None:
        y = y * gamma
    if beta is not None:
        y = y + beta
    return y


def test_layer_normalization_generic():
    run_layer_test(layers.LayerNormalization, {}, input_shape=(3, 4), expected_output_shape=(3, 4),
                   expected_weights=[("gamma", (4,)), ("beta", (4,))], supports_masking=True)
    run_layer_test(layers.LayerNormalization, {"axis": [1, 2]}, input_shape=(2, 3, 4),
                   expected_output_shape=(2, 3, 4),
                   expected_weights=[("gamma", (3, 4)), ("beta", (3, 4))])
    run_layer_test(layers.LayerNormalization, {"center": False, "scale": False},
                   input_shape=(2, 3), expected_output_shape=(2, 3), expected_weights=[])
    with pytest.warns(UserWarning, match="rms_scaling"):  # deprecated, as in Keras 3
        run_layer_test(layers.LayerNormalization, {"rms_scaling": True}, input_shape=(2, 3),
                       expected_output_shape=(2, 3), expected_weights=[("gamma", (3,))])


def test_last_axis_matches_numpy():
    x = (RNG.standard_normal((4, 6)) * 3 + 2).astype("float32")
    layer = layers.LayerNormalization(epsilon=1e-5)
    layer.build(x.shape)
    gamma = RNG.uniform(0.5, 1.5, 6).astype("float32")
    beta = RNG.standard_normal(6).astype("float32")
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    np.testing.assert_allclose(np.asarray(layer(x)), ln_ref(x, -1, gamma, beta, 1e-5),
                               rtol=1e-4, atol=1e-5)


def test_several_axes_and_a_middle_axis():
    x = RNG.standard_normal((2, 3, 4, 5)).astype("float32")
    layer = layers.LayerNormalization(axis=[1, 3])
    layer.build(x.shape)
    gamma = RNG.uniform(0.5, 1.5, (3, 5)).astype("float32")
    layer.gamma.assign(gamma)
    ref = ln_ref(x, (1, 3), gamma.reshape(1, 3, 1, 5), None)
    np.testing.assert_allclose(np.asarray(layer(x)), ref, rtol=1e-4, atol=1e-5)
    mid = layers.LayerNormalization(axis=1, center=False)
    np.testing.assert_allclose(np.asarray(mid(x)), ln_ref(x, 1), rtol=1e-4, atol=1e-5)


def test_rms_scaling_divides_by_the_standard_deviation_as_keras():
    # Keras 3.15 deprecates rms_scaling: it scales x by rsqrt(var + epsilon), uncentered.
    x = (RNG.standard_normal((3, 5)) + 1).astype("float32")
    with pytest.warns(UserWarning, match="rms_scaling"):
        layer = layers.LayerNormalization(rms_scaling=True, epsilon=1e-6)
    layer.build(x.shape)
    gamma = RNG.uniform(0.5, 1.5, 5).astype("float32")
    layer.gamma.assign(gamma)
    xd = x.astype("float64")
    ref = xd / np.sqrt(xd.var(-1, keepdims=True) + 1e-6) * gamma
    np.testing.assert_allclose(np.asarray(layer(x)), ref, rtol=1e-5, atol=1e-6)


def test_statistics_are_per_sample_not_per_batch():
    x = RNG.standard_normal((4, 8)).astype("float32")
    single = np.asarray(layers.LayerNormalization()(x[:1]))
    full = np.asarray(layers.LayerNormalization()(x))
    np.testing.assert_allclose(single[0], full[0], rtol=1e-6)


def test_gradient_of_the_input():
    x = RNG.standard_normal((2, 4))
    layer = layers.LayerNormalization(dtype="float64")
    r = RNG.standard_normal((2, 4))
    xv = kerasnet.Variable(x, dtype="float64")
    with kerasnet.GradientTape() as tape:
        loss = kerasnet.ops.sum(kerasnet.ops.multiply(layer(xv), r))
    grad = np.asarray(tape.gradient(loss, xv))
    # d/dx of sum(r * x_hat): (r - mean(r) - x_hat * mean(r * x_hat)) / sigma.
    sigma = np.sqrt(x.var(-1, keepdims=True) + 1e-3)
    x_hat = (x - x.mean(-1, keepdims=True)) / sigma
    ref = (r - r.mean(-1, keepdims=True) - x_hat * (r * x_hat).mean(-1, keepdims=True)) / sigma
    np.testing.assert_allclose(grad, ref, rtol=1e-6, atol=1e-8)


def test_bad_axis_type():
    with pytest.raises(TypeError, match="axis"):
        layers.LayerNormalization(axis="last")
