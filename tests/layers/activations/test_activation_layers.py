"""ReLU, LeakyReLU, ELU, PReLU and Softmax layers against numpy."""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(21)
X = RNG.standard_normal((4, 6)).astype("float32") * 3


def relu_ref(x, max_value=None, negative_slope=0.0, threshold=0.0):
    y = np.where(x >= threshold, x, negative_slope * (x - threshold))
    if max_value is not None:
        y = np.where(x >= max_value, max_value, y)
    return y


@pytest.mark.parametrize("kwargs", [
    {}, {"max_value": 1.5}, {"negative_slope": 0.2}, {"threshold": 0.5},
    {"max_value": 2.0, "negative_slope": 0.1, "threshold": 0.3},
])
def test_relu_layer(kwargs):
    run_layer_test(layers.ReLU, kwargs, input_data=X, expected_output=relu_ref(X, **kwargs),
                   expected_output_shape=X.shape, expected_num_trainable_weights=0,
                   supports_masking=True)


def test_relu_rejects_negative_arguments():
    for kwargs in ({"max_value": -1.0}, {"negative_slope": -0.1}, {"threshold": -0.5}):
        with pytest.raises(ValueError, match="cannot be a negative value"):
            layers.ReLU(**kwargs)


def test_leaky_relu_layer_default_slope_is_keras3_0_3():
    assert layers.LeakyReLU().negative_slope == 0.3
    run_layer_test(layers.LeakyReLU, {}, input_data=X, expected_output=np.where(X > 0, X, 0.3 * X),
                   expected_output_shape=X.shape)
    out = np.asarray(layers.LeakyReLU(negative_slope=0.05)(X))
    np.testing.assert_allclose(out, np.where(X > 0, X, 0.05 * X), rtol=1e-6)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=-1.0)


def test_elu_layer():
    ref = np.where(X > 0, X, 0.7 * (np.exp(X) - 1))
    run_layer_test(layers.ELU, {"alpha": 0.7}, input_data=X, expected_output=ref,
                   expected_output_shape=X.shape, rtol=1e-5, atol=1e-6)
    assert layers.ELU().alpha == 1.0


def test_prelu_generic_and_weight_shapes():
    run_layer_test(layers.PReLU, {}, input_shape=(2, 3, 4), expected_output_shape=(2, 3, 4),
                   expected_weights=[("alpha", (3, 4))], supports_masking=True)
    run_layer_test(layers.PReLU, {"shared_axes": [1, 2]}, input_shape=(2, 3, 4, 5),
                   expected_output_shape=(2, 3, 4, 5), expected_weights=[("alpha", (1, 1, 5))])
    layer = layers.PReLU(shared_axes=2)
    layer(np.ones((1, 3, 4), "float32"))
    assert tuple(layer.alpha.shape) == (3, 1)


def test_prelu_matches_numpy_with_shared_axes():
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    layer = layers.PReLU(shared_axes=[1])
    layer(x)
    assert not layer.alpha.numpy().any()  # Keras initializes alpha with zeros
    alpha = RNG.uniform(0.1, 0.9, size=(1, 4)).astype("float32")
    layer.alpha.assign(alpha)
    out = np.asarray(layer(x))
    np.testing.assert_allclose(out, np.where(x >= 0, x, alpha * x), rtol=1e-6)
    # The slope is learned: its gradient is sum of min(x, 0) over the shared axes.
    with kerasnet.GradientTape() as tape:
        loss = kerasnet.ops.sum(layer(x))
    grad = np.asarray(tape.gradient(loss, layer.alpha))
    np.testing.assert_allclose(grad, np.minimum(x, 0).sum(axis=(0, 1))[None], rtol=1e-5)
    with pytest.raises(ValueError, match="expected axis 2"):
        layer(np.ones((2, 3, 5), "float32"))


def softmax_ref(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 1, (1, 2)])
def test_softmax_layer(axis):
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    ref = softmax_ref(x, axis=axis if isinstance(axis, int) else tuple(axis))
    run_layer_test(layers.Softmax, {"axis": axis}, input_data=x, expected_output=ref,
                   expected_output_shape=x.shape, supports_masking=True)


def test_softmax_with_mask_gives_masked_positions_zero_probability():
    x = RNG.standard_normal((2, 4)).astype("float32")
    mask = np.array([[True, True, False, True], [False, False, False, False]])
    out = np.asarray(layers.Softmax()(x, mask=mask))
    ref = softmax_ref(np.where(mask[:1], x[:1], -np.inf))
    np.testing.assert_allclose(out[:1], ref, rtol=1e-5, atol=1e-7)
    # A fully masked row is all zeros (Keras multiplies by the mask).
    np.testing.assert_array_equal(out[1], np.zeros(4))
