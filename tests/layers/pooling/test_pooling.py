"""Max/average pooling (1D/2D/3D, valid/same, strides, channels_first) and global
pooling against numpy."""

import math

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(29)


def pool_ref(x, pool, strides, padding, mode):
    """channels_last pooling; padded cells are ignored (max) or not counted (avg)."""
    spatial = x.shape[1:-1]
    if padding == "same":
        outs = [math.ceil(n / s) for n, s in zip(spatial, strides)]
        before = [max((o - 1) * s + k - n, 0) // 2
                  for o, s, k, n in zip(outs, strides, pool, spatial)]
    else:
        outs = [(n - k) // s + 1 for n, k, s in zip(spatial, pool, strides)]
        before = [0] * len(spatial)
    out = np.zeros((x.shape[0], *outs, x.shape[-1]))
    for pos in np.ndindex(*outs):
        index = [slice(None)]
        for p, s, k, b, n in zip(pos, strides, pool, before, spatial):
            start = p * s - b
            index.append(slice(max(start, 0), min(start + k, n)))
        window = x[tuple(index)]
        axes = tuple(range(1, x.ndim - 1))
        out[(slice(None),) + pos] = window.max(axis=axes) if mode == "max" else window.mean(axis=axes)
    return out


POOLS = {
    (1, "max"): layers.MaxPooling1D, (2, "max"): layers.MaxPooling2D,
    (3, "max"): layers.MaxPooling3D, (1, "avg"): layers.AveragePooling1D,
    (2, "avg"): layers.AveragePooling2D, (3, "avg"): layers.AveragePooling3D,
}


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("rank, shape, pool, strides, padding", [
    (1, (2, 7, 3), 2, None, "valid"),
    (1, (2, 7, 3), 3, 2, "same"),
    (2, (2, 5, 6, 3), 2, None, "valid"),
    (2, (2, 5, 6, 3), (3, 2), (2, 2), "same"),
    (2, (2, 5, 5, 2), 3, 1, "same"),
    (3, (1, 4, 5, 3, 2), 2, None, "valid"),
    (3, (1, 4, 5, 3, 2), 2, (1, 2, 2), "same"),
])
def test_pooling_matches_numpy(mode, rank, shape, pool, strides, padding):
    x = RNG.standard_normal(shape).astype("float32")
    cls = POOLS[(rank, mode)]
    pool_t = (pool,) * rank if isinstance(pool, int) else pool
    strides_t = pool_t if strides is None else (strides,) * rank if isinstance(strides, int) else strides
    ref = pool_ref(x, pool_t, strides_t, padding, mode)
    run_layer_test(cls, {"pool_size": pool, "strides": strides, "padding": padding},
                   input_data=x, expected_output=ref, expected_output_shape=ref.shape,
                   expected_num_trainable_weights=0, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls, mode", [(layers.MaxPooling2D, "max"), (layers.AveragePooling2D, "avg")])
def test_pooling_channels_first(cls, mode):
    x = RNG.standard_normal((2, 5, 5, 3)).astype("float32")
    ref = pool_ref(x, (2, 2), (1, 1), "same", mode)
    out = np.asarray(cls(2, strides=1, padding="same", data_format="channels_first")(
        np.moveaxis(x, -1, 1)))
    np.testing.assert_allclose(out, np.moveaxis(ref, -1, 1), rtol=1e-5, atol=1e-6)


def test_pooling_defaults_config_and_errors():
    layer = layers.MaxPooling2D()
    assert layer.pool_size == (2, 2) and layer.strides == (2, 2) and layer.padding == "valid"
    config = layers.AveragePooling1D(3, strides=1, padding="same").get_config()
    assert config["pool_size"] == (3,) and config["strides"] == (1,)
    assert config["padding"] == "same" and config["data_format"] == "channels_last"
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool1D is layers.AveragePooling1D
    with pytest.raises(ValueError, match="padding"):
        layers.MaxPooling2D(padding="full")
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.MaxPooling2D()(np.zeros((2, 4, 4), "float32"))
    with pytest.raises(ValueError, match="negative"):
        layers.MaxPooling2D(3)(kerasnet.Input((2, 2, 1)))


def test_max_pooling_gradient_goes_to_the_maximum():
    x = np.array([[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 7.0, 1.0]], "float32").reshape(1, 2, 4, 1)
    xv = kerasnet.Variable(x)
    with kerasnet.GradientTape() as tape:
        loss = kerasnet.ops.sum(layers.MaxPooling2D(2)(xv))
    grad = np.asarray(tape.gradient(loss, xv))[0, :, :, 0]
    np.testing.assert_array_equal(grad, [[0, 1, 0, 0], [0, 0, 1, 0]])


@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("mode", ["avg", "max"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling(rank, mode, data_format, keepdims):
    cls = {("avg", 1): layers.GlobalAveragePooling1D, ("avg", 2): layers.GlobalAveragePooling2D,
           ("avg", 3): layers.GlobalAveragePooling3D, ("max", 1): layers.GlobalMaxPooling1D,
           ("max", 2): layers.GlobalMaxPooling2D, ("max", 3): layers.GlobalMaxPooling3D}[(mode, rank)]
    shape = (2,) + (3, 4, 2)[:rank] + (5,)
    x = RNG.standard_normal(shape).astype("float32")
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1)
        axes = tuple(range(2, rank + 2))
    else:
        axes = tuple(range(1, rank + 1))
    ref = x.mean(axis=axes, keepdims=keepdims) if mode == "avg" else x.max(axis=axes, keepdims=keepdims)
    run_layer_test(cls, {"data_format": data_format, "keepdims": keepdims}, input_data=x,
                   expected_output=ref, expected_output_shape=ref.shape, rtol=1e-5, atol=1e-6,
                   run_fit_check=False)


def test_global_average_pooling1d_with_a_mask():
    x = RNG.standard_normal((2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    out = np.asarray(layers.GlobalAveragePooling1D()(x, mask=mask))
    np.testing.assert_allclose(out[0], x[0, :2].mean(0), rtol=1e-6)
    np.testing.assert_allclose(out[1], x[1].mean(0), rtol=1e-6)
