"""Dense: generic checks, x @ W + b against numpy, options and errors."""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(11)


def test_dense_generic():
    run_layer_test(
        layers.Dense, {"units": 3, "activation": "relu"}, input_shape=(4, 5),
        expected_output_shape=(4, 3), expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=0,
        expected_weights=[("kernel", (5, 3)), ("bias", (3,))],
        supports_masking=True)
    run_layer_test(
        layers.Dense, {"units": 2, "use_bias": False}, input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 2), expected_weights=[("kernel", (4, 2))])


def test_dense_matches_numpy():
    x = RNG.standard_normal((6, 4)).astype("float32")
    layer = layers.Dense(3, activation="tanh")
    out = np.asarray(layer(x))
    w, b = layer.kernel.numpy(), RNG.standard_normal(3).astype("float32")
    layer.bias.assign(b)
    out = np.asarray(layer(x))
    np.testing.assert_allclose(out, np.tanh(x @ w + b), rtol=1e-5, atol=1e-6)


def test_dense_on_rank_3_applies_the_kernel_to_the_last_axis():
    x = RNG.standard_normal((2, 5, 4)).astype("float32")
    layer = layers.Dense(3, kernel_initializer="glorot_normal", bias_initializer="ones")
    out = np.asarray(layer(x))
    ref = np.einsum("btk,ku->btu", x, layer.kernel.numpy()) + 1.0
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)


def test_dense_gradients_match_the_hand_derivation():
    x = RNG.standard_normal((5, 3)).astype("float32")
    layer = layers.Dense(2)
    with kerasnet.GradientTape() as tape:
        y = layer(x)
        loss = kerasnet.ops.sum(kerasnet.ops.square(y))
    gk, gb = tape.gradient(loss, [layer.kernel, layer.bias])
    y = x @ layer.kernel.numpy() + layer.bias.numpy()
    np.testing.assert_allclose(np.asarray(gk), x.T @ (2 * y), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(gb), (2 * y).sum(0), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("activation", ["relu", None, "linear"])
def test_dense_fused_path_matches_numpy_forward_and_backward(activation):
    # ReLU and linear Dense layers run as one fused op (bias and ReLU in the GEMM's epilogue);
    # rank 3 inputs, a batch large enough for the blocked GEMM, and the input's gradient too.
    x = kerasnet.Variable(RNG.standard_normal((3, 70, 40)).astype("float32"))
    layer = layers.Dense(90, activation=activation, bias_initializer="random_normal")
    with kerasnet.GradientTape() as tape:
        y = layer(x)
        loss = kerasnet.ops.sum(kerasnet.ops.square(y))
    gx, gk, gb = tape.gradient(loss, [x, layer.kernel, layer.bias])
    xn, k, b = x.numpy(), layer.kernel.numpy(), layer.bias.numpy()
    z = xn @ k + b
    ref = np.maximum(z, 0) if activation == "relu" else z
    np.testing.assert_allclose(np.asarray(y), ref, rtol=1e-5, atol=1e-5)
    dz = 2 * ref * (z > 0) if activation == "relu" else 2 * ref
    np.testing.assert_allclose(np.asarray(gx), dz @ k.T, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(gk), xn.reshape(-1, 40).T @ dz.reshape(-1, 90), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(np.asarray(gb), dz.reshape(-1, 90).sum(0), rtol=1e-4, atol=1e-3)


def test_dense_initializers_constraints_and_config():
    layer = layers.Dense(4, kernel_initializer="zeros", bias_initializer="ones",
                         kernel_constraint="non_neg")
    layer(np.ones((1, 2), "float32"))
    assert not layer.kernel.numpy().any()
    np.testing.assert_array_equal(layer.bias.numpy(), np.ones(4))
    config = layer.get_config()
    assert config["units"] == 4 and config["use_bias"] is True
    assert config["kernel_initializer"]["class_name"] == "Zeros"
    assert config["kernel_constraint"]["class_name"] == "NonNeg"
    assert config["activation"] == "linear"
    # The constraint is applied after an optimizer step.
    layer.kernel.assign(-np.ones((2, 4), "float32"))
    grads = [np.ones((2, 4), "float32"), np.zeros(4, "float32")]
    kerasnet.optimizers.SGD(0.1).apply(grads, layer.trainable_weights)
    assert (layer.kernel.numpy() >= 0).all()


@pytest.mark.parametrize("units", [0, -1, 2.5, None, True])
def test_dense_rejects_bad_units(units):
    with pytest.raises(ValueError, match="Received an invalid value for `units`"):
        layers.Dense(units)


def test_dense_needs_a_defined_last_dimension():
    with pytest.raises(ValueError, match="last dimension of the inputs to a Dense"):
        layers.Dense(2)(kerasnet.Input((None,)))
