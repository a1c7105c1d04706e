"""UpSampling1D/2D/3D, ZeroPadding1D/2D/3D, Cropping1D/2D/3D against numpy."""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers
from kerasnet.layers.reshaping.up_sampling2d import bilinear_matrix

RNG = np.random.default_rng(8)


def cf(x):
    """channels_last -> channels_first."""
    return np.moveaxis(x, -1, 1)


# -- UpSampling ------------------------------------------------------------------------
def test_up_sampling1d():
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    run_layer_test(layers.UpSampling1D, {"size": 3}, input_data=x,
                   expected_output=np.repeat(x, 3, axis=1), expected_output_shape=(2, 9, 4),
                   expected_num_trainable_weights=0)
    assert layers.UpSampling1D().size == 2
    assert layers.UpSampling1D(2)(kerasnet.Input((None, 4))).shape == (None, None, 4)
    with pytest.raises(ValueError, match="size"):
        layers.UpSampling1D(0)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_up_sampling2d_nearest(data_format):
    x = RNG.standard_normal((2, 3, 4, 5)).astype("float32")
    ref = np.repeat(np.repeat(x, 2, axis=1), 3, axis=2)
    if data_format == "channels_first":
        x, ref = cf(x), cf(ref)
    shape = ref.shape
    run_layer_test(layers.UpSampling2D, {"size": (2, 3), "data_format": data_format},
                   input_data=x, expected_output=ref, expected_output_shape=shape)


def test_up_sampling2d_keras_docstring_example():
    x = np.arange(12).reshape((2, 2, 1, 3)).astype("float32")
    y = np.asarray(layers.UpSampling2D(size=(1, 2))(x))
    np.testing.assert_array_equal(y[0], [[[0, 1, 2], [0, 1, 2]], [[3, 4, 5], [3, 4, 5]]])


def bilinear_ref(img, out_h, out_w):
    """TF's bilinear resize (half-pixel centers), written as its kernel is:
    lower = max(floor(c), 0), upper = min(ceil(c), n - 1), lerp = c - floor(c)."""
    def weights(i, n_in, n_out):
        c = (i + 0.5) * n_in / n_out - 0.5
        return max(int(np.floor(c)), 0), min(int(np.ceil(c)), n_in - 1), c - np.floor(c)

    out = np.zeros((out_h, out_w) + img.shape[2:])
    for i in range(out_h):
        y0, y1, fy = weights(i, img.shape[0], out_h)
        for j in range(out_w):
            x0, x1, fx = weights(j, img.shape[1], out_w)
            top = img[y0, x0] * (1 - fx) + img[y0, x1] * fx
            bottom = img[y1, x0] * (1 - fx) + img[y1, x1] * fx
            out[i, j] = top * (1 - fy) + bottom * fy
    return out


def test_up_sampling2d_bilinear_matches_tf_resize():
    # tf.image.resize([[0, 1], [2, 3]], (4, 4), "bilinear"), as printed by TF.
    x = np.array([[0.0, 1.0], [2.0, 3.0]], "float32").reshape(1, 2, 2, 1)
    y = np.asarray(layers.UpSampling2D(2, interpolation="bilinear")(x))[0, :, :, 0]
    np.testing.assert_allclose(y, [[0.0, 0.25, 0.75, 1.0], [0.5, 0.75, 1.25, 1.5],
                                   [1.5, 1.75, 2.25, 2.5], [2.0, 2.25, 2.75, 3.0]])
    img = RNG.standard_normal((2, 3, 5, 2)).astype("float32")
    out = np.asarray(layers.UpSampling2D((3, 2), interpolation="bilinear")(img))
    for b in range(2):
        np.testing.assert_allclose(out[b], bilinear_ref(img[b], 9, 10), rtol=1e-5, atol=1e-6)
    # The weights of every output pixel sum to one.
    np.testing.assert_allclose(bilinear_matrix(3, 7).sum(axis=1), np.ones(7))


def test_up_sampling2d_bilinear_generic_and_channels_first():
    img = RNG.standard_normal((2, 3, 4, 2)).astype("float32")
    ref = np.stack([bilinear_ref(i, 6, 8) for i in img])
    run_layer_test(layers.UpSampling2D, {"interpolation": "bilinear"}, input_data=img,
                   expected_output=ref, expected_output_shape=(2, 6, 8, 2), atol=1e-5)
    out = layers.UpSampling2D(data_format="channels_first", interpolation="bilinear")(cf(img))
    np.testing.assert_allclose(np.asarray(out), cf(ref), rtol=1e-5, atol=1e-5)
    # Gradients flow through the interpolation (the transpose of the matrices).
    x = kerasnet.Variable(img)
    with kerasnet.GradientTape() as tape:
        loss = kerasnet.ops.sum(layers.UpSampling2D(interpolation="bilinear")(x))
    grad = np.asarray(tape.gradient(loss, x))
    col_h = bilinear_matrix(3, 6).sum(axis=0)
    col_w = bilinear_matrix(4, 8).sum(axis=0)
    np.testing.assert_allclose(grad[0, :, :, 0], np.outer(col_h, col_w), rtol=1e-5)


def test_up_sampling2d_config_and_errors():
    config = layers.UpSampling2D(size=3, interpolation="Bilinear").get_config()
    assert config["size"] == (3, 3) and config["interpolation"] == "bilinear"
    assert config["data_format"] == "channels_last"
    with pytest.raises(ValueError, match="interpolation"):
        layers.UpSampling2D(interpolation="bicubic")
    with pytest.raises(ValueError, match="size"):
        layers.UpSampling2D(size=(1, 2, 3))
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.UpSampling2D()(np.zeros((2, 3, 4), "float32"))


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_up_sampling3d(data_format):
    x = RNG.standard_normal((2, 1, 2, 3, 4)).astype("float32")
    ref = np.repeat(np.repeat(np.repeat(x, 2, axis=1), 3, axis=2), 1, axis=3)
    if data_format == "channels_first":
        x, ref = cf(x), cf(ref)
    run_layer_test(layers.UpSampling3D, {"size": (2, 3, 1), "data_format": data_format},
                   input_data=x, expected_output=ref, expected_output_shape=ref.shape)
    assert layers.UpSampling3D().size == (2, 2, 2)


# -- ZeroPadding -----------------------------------------------------------------------
@pytest.mark.parametrize("padding, pads", [(2, (2, 2)), ((1, 3), (1, 3)), ((0, 1), (0, 1))])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_zero_padding1d(padding, pads, data_format):
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    axis = 1 if data_format == "channels_last" else 2
    widths = [(0, 0)] * 3
    widths[axis] = pads
    ref = np.pad(x, widths)
    run_layer_test(layers.ZeroPadding1D, {"padding": padding, "data_format": data_format},
                   input_data=x, expected_output=ref, expected_output_shape=ref.shape)


def test_zero_padding1d_keras_example_and_errors():
    x = np.arange(12).reshape((2, 2, 3)).astype("float32")
    y = np.asarray(layers.ZeroPadding1D(padding=2)(x))
    assert y.shape == (2, 6, 3) and y[:, :2].sum() == 0 and y[:, 4:].sum() == 0
    np.testing.assert_array_equal(y[:, 2:4], x)
    assert layers.ZeroPadding1D().get_config()["padding"] == (1, 1)
    with pytest.raises(ValueError, match="padding"):
        layers.ZeroPadding1D(-1)
    with pytest.raises(ValueError, match="padding"):
        layers.ZeroPadding1D((1, 2, 3))


@pytest.mark.parametrize("padding, pads", [
    (1, ((1, 1), (1, 1))), ((2, 0), ((2, 2), (0, 0))), (((1, 2), (3, 0)), ((1, 2), (3, 0)))])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_zero_padding2d(padding, pads, data_format):
    x = RNG.standard_normal((2, 3, 4, 2)).astype("float32")
    ref = np.pad(x, ((0, 0),) + pads + ((0, 0),))
    if data_format == "channels_first":
        x, ref = cf(x), cf(ref)
    layer = run_layer_test(layers.ZeroPadding2D, {"padding": padding, "data_format": data_format},
                           input_data=x, expected_output=ref, expected_output_shape=ref.shape)
    assert layer.padding == pads


def test_zero_padding2d_errors():
    with pytest.raises(ValueError, match="`padding` should have two elements"):
        layers.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match="cannot be negative"):
        layers.ZeroPadding2D(-2)
    with pytest.raises(ValueError, match="1st entry of padding"):
        layers.ZeroPadding2D(((1, -1), (0, 0)))
    with pytest.raises(ValueError, match="data_format"):
        layers.ZeroPadding2D(data_format="nhwc")


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_zero_padding3d(data_format):
    x = RNG.standard_normal((1, 2, 3, 2, 2)).astype("float32")
    pads = ((1, 0), (0, 2), (1, 1))
    ref = np.pad(x, ((0, 0),) + pads + ((0, 0),))
    if data_format == "channels_first":
        x, ref = cf(x), cf(ref)
    run_layer_test(layers.ZeroPadding3D, {"padding": pads, "data_format": data_format},
                   input_data=x, expected_output=ref, expected_output_shape=ref.shape)
    assert layers.ZeroPadding3D().padding == ((1, 1),) * 3
    assert layers.ZeroPadding3D((1, 2, 3)).padding == ((1, 1), (2, 2), (3, 3))
    assert layers.ZeroPadding3D()(kerasnet.Input((None, 2, 2, 1))).shape == (None, None, 4, 4, 1)


# -- Cropping --------------------------------------------------------------------------
def test_cropping1d():
    x = RNG.standard_normal((2, 6, 3)).astype("float32")
    run_layer_test(layers.Cropping1D, {"cropping": (1, 2)}, input_data=x,
                   expected_output=x[:, 1:4], expected_output_shape=(2, 3, 3))
    run_layer_test(layers.Cropping1D, {"cropping": (2, 0)}, input_data=x,
                   expected_output=x[:, 2:], expected_output_shape=(2, 4, 3))
    assert layers.Cropping1D().cropping == (1, 1)
    assert layers.Cropping1D(2).cropping == (2, 2)
    with pytest.raises(ValueError, match="must be smaller than the input length"):
        layers.Cropping1D(3)(x)
    with pytest.raises(ValueError, match="must be smaller than the input length"):
        layers.Cropping1D(3)(kerasnet.Input((6, 3)))
    assert layers.Cropping1D(3)(kerasnet.Input((None, 3))).shape == (None, None, 3)


@pytest.mark.parametrize("cropping, crops", [
    (1, ((1, 1), (1, 1))), ((2, 0), ((2, 2), (0, 0))), (((0, 1), (2, 1)), ((0, 1), (2, 1)))])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_cropping2d(cropping, crops, data_format):
    x = RNG.standard_normal((2, 5, 6, 3)).astype("float32")
    (t, b), (left, r) = crops
    ref = x[:, t:5 - b, left:6 - r]
    if data_format == "channels_first":
        x, ref = cf(x), cf(ref)
    layer = run_layer_test(layers.Cropping2D, {"cropping": cropping, "data_format": data_format},
                           input_data=x, expected_output=ref, expected_output_shape=ref.shape)
    assert layer.cropping == crops


def test_cropping2d_keras_example_and_errors():
    x = np.zeros((2, 28, 28, 3), "float32")
    assert layers.Cropping2D(cropping=((2, 2), (4, 4)))(x).shape == (2, 24, 20, 3)
    assert layers.Cropping2D().cropping == ((0, 0), (0, 0))
    with pytest.raises(ValueError, match="should be smaller than the corresponding"):
        layers.Cropping2D(((14, 14), (0, 0)))(x)
    with pytest.raises(ValueError, match="`cropping` should have two elements"):
        layers.Cropping2D((1, 2, 3))
    with pytest.raises(ValueError, match="cannot be negative"):
        layers.Cropping2D(-1)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_cropping3d(data_format):
    x = RNG.standard_normal((2, 4, 5, 6, 2)).astype("float32")
    ref = x[:, 1:3, 0:3, 2:5]
    if data_format == "channels_first":
        x, ref = cf(x), cf(ref)
    run_layer_test(layers.Cropping3D, {"cropping": ((1, 1), (0, 2), (2, 1)),
                                       "data_format": data_format},
                   input_data=x, expected_output=ref, expected_output_shape=ref.shape)
    assert layers.Cropping3D().cropping == ((1, 1),) * 3
    assert layers.Cropping3D((2, 4, 2))(np.zeros((1, 28, 28, 10, 3))).shape == (1, 24, 20, 6, 3)
    with pytest.raises(ValueError, match="`cropping` should have 3 elements"):
        layers.Cropping3D((1, 1))


def test_padding_and_cropping_undo_each_other_in_a_model():
    inputs = kerasnet.Input((4, 4, 1))
    x = layers.ZeroPadding2D(((1, 2), (3, 0)))(inputs)
    x = layers.Cropping2D(((1, 2), (3, 0)))(x)
    model = kerasnet.Model(inputs, x)
    data = RNG.standard_normal((3, 4, 4, 1)).astype("float32")
    np.testing.assert_array_equal(model.predict(data, verbose=0), data)
