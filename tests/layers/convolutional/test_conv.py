"""Conv1D/2D/3D and DepthwiseConv1D/2D against a numpy loop: padding valid /
same / causal, strides, dilation, groups, channels_first; weights and errors."""

import math

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(23)


def pad_spatial(x, kernel, strides, dilation, padding):
    """x (N, *spatial, C) padded as Keras/TF do for `padding`."""
    widths = [(0, 0)]
    for n, k, s, d in zip(x.shape[1:-1], kernel, strides, dilation):
        eff = (k - 1) * d + 1
        if padding == "same":
            total = max((math.ceil(n / s) - 1) * s + eff - n, 0)
            widths.append((total // 2, total - total // 2))
        elif padding == "causal":
            widths.append((eff - 1, 0))
        else:
            widths.append((0, 0))
    return np.pad(x, widths + [(0, 0)])


def conv_ref(x, w, strides, padding="valid", dilation=None, groups=1):
    """Direct convolution, channels_last; w (*kernel, C // groups, F)."""
    rank = x.ndim - 2
    kernel = w.shape[:rank]
    dilation = dilation or (1,) * rank
    xp = pad_spatial(x, kernel, strides, dilation, padding)
    out_sizes = [(n - ((k - 1) * d + 1)) // s + 1
                 for n, k, s, d in zip(xp.shape[1:-1], kernel, strides, dilation)]
    cin, filters = w.shape[-2], w.shape[-1]
    fg = filters // groups
    out = np.zeros((x.shape[0], *out_sizes, filters))
    for pos in np.ndindex(*out_sizes):
        for kpos in np.ndindex(*kernel):
            idx = tuple(p * s + q * d for p, q, s, d in zip(pos, kpos, strides, dilation))
            patch = xp[(slice(None),) + idx]  # (N, C)
            for g in range(groups):
                out[(slice(None),) + pos + (slice(g * fg, (g + 1) * fg),)] += (
                    patch[:, g * cin:(g + 1) * cin] @ w[kpos][:, g * fg:(g + 1) * fg])
    return out


def depthwise_ref(x, w, strides, padding="valid", dilation=None):
    """w (*kernel, C, M): channel c feeds outputs c * M ... c * M + M - 1."""
    c, m = w.shape[-2], w.shape[-1]
    outs = [conv_ref(x[..., ch:ch + 1], w[..., ch:ch + 1, :], strides, padding, dilation)
            for ch in range(c)]
    out = np.stack(outs, axis=-2)  # (..., C, M)
    return out.reshape(out.shape[:-2] + (c * m,))


CASES_2D = [
    {"kernel_size": 3, "strides": 1, "padding": "valid"},
    {"kernel_size": (3, 2), "strides": (2, 1), "padding": "same"},
    {"kernel_size": 3, "strides": 2, "padding": "same"},
    {"kernel_size": 2, "dilation_rate": 2, "padding": "valid"},
    {"kernel_size": 3, "dilation_rate": (2, 1), "padding": "same"},
    {"kernel_size": 1, "groups": 2, "padding": "valid"},
    {"kernel_size": 3, "groups": 2, "padding": "same", "strides": 2},
]


@pytest.mark.parametrize("kwargs", CASES_2D)
def test_conv2d_matches_numpy(kwargs):
    x = RNG.standard_normal((2, 7, 6, 4)).astype("float32")
    layer = layers.Conv2D(6, bias_initializer="random_normal", **kwargs)
    out = np.asarray(layer(x))
    w, b = layer.kernel.numpy(), layer.bias.numpy()
    ref = conv_ref(x, w, layer.strides, layer.padding, layer.dilation_rate, layer.groups) + b
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)
    assert layer.compute_output_shape((None,) + x.shape[1:]) == (None,) + ref.shape[1:]


def test_conv2d_channels_first_matches_channels_last():
    x = RNG.standard_normal((2, 6, 5, 3)).astype("float32")
    last = layers.Conv2D(4, 3, padding="same", strides=(2, 1))
    y_last = np.asarray(last(x))
    first = layers.Conv2D(4, 3, padding="same", strides=(2, 1), data_format="channels_first")
    first.build((2, 3, 6, 5))
    first.set_weights(last.get_weights())
    y_first = np.asarray(first(np.moveaxis(x, -1, 1)))
    np.testing.assert_allclose(y_first, np.moveaxis(y_last, -1, 1), rtol=1e-5, atol=1e-5)
    assert first.compute_output_shape((None, 3, 6, 5)) == (None, 4, 3, 5)


@pytest.mark.parametrize("padding, strides, dilation", [
    ("valid", 1, 1), ("same", 2, 1), ("causal", 1, 2), ("causal", 2, 1)])
def test_conv1d_matches_numpy(padding, strides, dilation):
    x = RNG.standard_normal((3, 9, 2)).astype("float32")
    layer = layers.Conv1D(5, 3, strides=strides, padding=padding, dilation_rate=dilation,
                          activation="relu")
    out = np.asarray(layer(x))
    ref = conv_ref(x, layer.kernel.numpy(), (strides,), padding, (dilation,)) + layer.bias.numpy()
    np.testing.assert_allclose(out, np.maximum(ref, 0), rtol=1e-4, atol=1e-5)


def test_conv1d_causal_output_does_not_see_the_future():
    x = RNG.standard_normal((1, 8, 1)).astype("float32")
    layer = layers.Conv1D(1, 3, padding="causal")
    y1 = np.asarray(layer(x))
    x2 = x.copy()
    x2[0, 5:] += 10.0
    y2 = np.asarray(layer(x2))
    np.testing.assert_array_equal(y1[0, :5], y2[0, :5])
    assert not np.allclose(y1[0, 5:], y2[0, 5:])


@pytest.mark.parametrize("padding, strides", [("valid", 1), ("same", (1, 2, 2))])
def test_conv3d_matches_numpy(padding, strides):
    x = RNG.standard_normal((1, 4, 5, 5, 2)).astype("float32")
    layer = layers.Conv3D(3, (2, 3, 3), strides=strides, padding=padding)
    out = np.asarray(layer(x))
    ref = conv_ref(x, layer.kernel.numpy(), layer.strides, padding) + layer.bias.numpy()
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)


def test_conv_generic_weights_and_shapes():
    run_layer_test(layers.Conv2D, {"filters": 4, "kernel_size": 3, "padding": "same"},
                   input_shape=(2, 5, 5, 3), expected_output_shape=(2, 5, 5, 4),
                   expected_weights=[("kernel", (3, 3, 3, 4)), ("bias", (4,))])
    run_layer_test(layers.Conv2D, {"filters": 4, "kernel_size": 2, "groups": 2,
                                   "use_bias": False, "data_format": "channels_first"},
                   input_shape=(2, 6, 4, 4), expected_output_shape=(2, 4, 3, 3),
                   expected_weights=[("kernel", (2, 2, 3, 4))])
    run_layer_test(layers.Conv1D, {"filters": 2, "kernel_size": 3, "strides": 2},
                   input_shape=(2, 7, 3), expected_output_shape=(2, 3, 2),
                   expected_weights=[("kernel", (3, 3, 2)), ("bias", (2,))])
    run_layer_test(layers.Conv3D, {"filters": 2, "kernel_size": 2},
                   input_shape=(1, 3, 3, 3, 2), expected_output_shape=(1, 2, 2, 2, 2),
                   expected_weights=[("kernel", (2, 2, 2, 2, 2)), ("bias", (2,))])
    assert layers.Convolution2D is layers.Conv2D


def test_conv2d_gradient_of_the_kernel():
    x = RNG.standard_normal((2, 5, 5, 2)).astype("float64")
    layer = layers.Conv2D(3, 3, dtype="float64")
    with kerasnet.GradientTape() as tape:
        loss = kerasnet.ops.sum(layer(x))
    grad = np.asarray(tape.gradient(loss, layer.kernel))
    # d sum(out) / d w[i, j, c, f] = sum of x over the window positions.
    ref = np.zeros((3, 3, 2))
    for i in range(3):
        for j in range(3):
            ref[i, j] = x[:, i:i + 3, j:j + 3].sum(axis=(0, 1, 2))
    np.testing.assert_allclose(grad, np.repeat(ref[..., None], 3, -1), rtol=1e-10)


@pytest.mark.parametrize("layer_cls, kwargs, shape", [
    (layers.Conv2D, {"kernel_size": 3, "padding": "same", "activation": "relu"}, (2, 9, 8, 16)),
    (layers.Conv2D, {"kernel_size": 1, "activation": "relu"}, (2, 5, 6, 20)),
    (layers.Conv2D, {"kernel_size": 3, "strides": 2, "use_bias": False, "activation": "relu"}, (1, 9, 9, 3)),
    (layers.Conv1D, {"kernel_size": 3, "padding": "causal", "dilation_rate": 2}, (3, 10, 4)),
])
def test_conv_fused_bias_and_relu_match_the_separate_ops(layer_cls, kwargs, shape):
    # Conv layers with a linear or ReLU activation run conv_bias_act (bias and ReLU applied per
    # output tile); the reference is conv + add + relu as separate, separately tested ops.
    x = kerasnet.Variable(RNG.standard_normal(shape).astype("float32"))
    layer = layer_cls(33, bias_initializer="random_normal", **kwargs)
    with kerasnet.GradientTape() as tape:
        y = layer(x)
        loss = kerasnet.ops.sum(kerasnet.ops.square(y))
    sources = [x, layer.kernel] + ([layer.bias] if layer.bias is not None else [])
    grads = tape.gradient(loss, sources)
    with kerasnet.GradientTape() as tape:
        z = kerasnet.ops.conv(x, layer.kernel, strides=layer.strides, padding=layer.padding,
                              dilation_rate=layer.dilation_rate)
        if layer.bias is not None:
            z = kerasnet.ops.add(z, layer.bias)
        ref = kerasnet.ops.relu(z) if kwargs.get("activation") == "relu" else z
        ref_loss = kerasnet.ops.sum(kerasnet.ops.square(ref))
    ref_grads = tape.gradient(ref_loss, sources)
    np.testing.assert_allclose(np.asarray(y), np.asarray(ref), rtol=1e-5, atol=1e-5)
    for g, r in zip(grads, ref_grads):
        np.testing.assert_allclose(np.asarray(g), np.asarray(r), rtol=1e-4, atol=1e-4)


def test_depthwise_conv2d_matches_numpy_and_weights():
    x = RNG.standard_normal((2, 6, 6, 3)).astype("float32")
    layer = layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same", strides=2,
                                   bias_initializer="ones")
    out = np.asarray(layer(x))
    ref = depthwise_ref(x, layer.kernel.numpy(), (2, 2), "same") + 1.0
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)
    run_layer_test(layers.DepthwiseConv2D, {"kernel_size": 2, "depth_multiplier": 2},
                   input_shape=(2, 4, 4, 3), expected_output_shape=(2, 3, 3, 6),
                   expected_weights=[("kernel", (2, 2, 3, 2)), ("bias", (6,))])


def test_depthwise_conv1d_matches_numpy():
    x = RNG.standard_normal((2, 7, 2)).astype("float32")
    layer = layers.DepthwiseConv1D(3, dilation_rate=2)
    out = np.asarray(layer(x))
    ref = depthwise_ref(x, layer.kernel.numpy(), (1,), "valid", (2,)) + layer.bias.numpy()
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)


def test_conv_argument_errors():
    with pytest.raises(ValueError, match="filters"):
        layers.Conv2D(0, 3)
    with pytest.raises(ValueError, match="filters"):
        layers.Conv2D(-2, 3)
    with pytest.raises(ValueError, match="evenly divisible by the number of groups"):
        layers.Conv2D(5, 3, groups=2)
    with pytest.raises(ValueError, match="kernel_size"):
        layers.Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match="padding"):
        layers.Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.Conv2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="input channels must be evenly divisible"):
        layers.Conv2D(4, 3, groups=2)(np.zeros((1, 5, 5, 3), "float32"))


def test_conv_input_errors_name_the_layer_and_the_shapes():
    with pytest.raises(ValueError, match=r'layer "c2".*expected min_ndim=4, found ndim=2. '
                       r"Full shape received: \(4, 9\)"):
        layers.Conv2D(2, 3, name="c2")(np.zeros((4, 9), "float32"))
    layer = layers.Conv2D(2, 3, name="c3")
    layer(np.zeros((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r'layer "c3".*expected axis -1 of input shape to '
                       r"have value 3.*\(1, 5, 5, 1\)"):
        layer(np.zeros((1, 5, 5, 1), "float32"))
    with pytest.raises(ValueError, match="negative"):
        layers.Conv2D(2, 5)(kerasnet.Input((3, 3, 1)))
