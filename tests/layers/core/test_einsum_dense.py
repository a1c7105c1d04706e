"""EinsumDense: generic checks, weight shapes of Keras 3, numpy references, LoRA, configs, errors."""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(5)

# (equation, output_shape, bias_axes, input_shape, kernel shape, bias shape, output shape);
# the weight and output shapes are what Keras 3.15 builds.
CASES = [
    ("ab,bc->ac", 4, "c", (2, 3), (3, 4), (4,), (2, 4)),
    ("ab,bc->ac", 4, None, (2, 3), (3, 4), None, (2, 4)),
    ("abc,cd->abd", (None, 4), "d", (2, 5, 3), (3, 4), (4,), (2, 5, 4)),
    ("abc,cde->abde", (None, 2, 4), "de", (2, 5, 6), (6, 2, 4), (2, 4), (2, 5, 2, 4)),
    ("abc,cde->abde", (None, 2, 4), "d", (2, 5, 6), (6, 2, 4), (2, 1), (2, 5, 2, 4)),
    ("abcd,cde->abe", (None, 5), "e", (2, 3, 2, 4), (2, 4, 5), (5,), (2, 3, 5)),
    ("abc,dc->abd", (None, 4), "d", (2, 5, 3), (4, 3), (4,), (2, 5, 4)),
    ("abc,cd->abd", (5, 4), "bd", (2, 5, 3), (3, 4), (5, 4), (2, 5, 4)),
    ("...x,xy->...y", 4, "y", (2, 3, 5, 6), (6, 4), (4,), (2, 3, 5, 4)),
    ("...b,bc->...c", 4, "c", (2, 6), (6, 4), (4,), (2, 4)),
    ("ab...,bc->ac...", 4, "c", (2, 6, 3, 5), (6, 4), (4, 1, 1), (2, 4, 3, 5)),
    ("abc,bcd->ad", 3, "d", (2, 4, 5), (4, 5, 3), (3,), (2, 3)),
]


def _ids(cases):
    return [f"{c[0]}|{c[2]}|{'x'.join(map(str, c[3]))}" for c in CASES]


@pytest.mark.parametrize("eq,out,bias_axes,in_shape,kernel,bias,expected", CASES, ids=_ids(CASES))
def test_weights_output_and_numpy_reference(eq, out, bias_axes, in_shape, kernel, bias, expected):
    layer = layers.EinsumDense(eq, output_shape=out, bias_axes=bias_axes,
                               bias_initializer="random_normal")
    x = RNG.standard_normal(in_shape).astype("float32")
    y = layer(x)
    assert tuple(layer.kernel.shape) == kernel
    if bias is None:
        assert layer.bias is None and len(layer.weights) == 1
    else:
        assert tuple(layer.bias.shape) == bias
        assert [w.name for w in layer.weights] == ["kernel", "bias"]
    assert tuple(y.shape) == expected
    ref = np.einsum(eq, x.astype("float64"), layer.kernel.numpy().astype("float64"))
    if bias is not None:
        ref = ref + layer.bias.numpy()
    np.testing.assert_allclose(np.asarray(y), ref, rtol=1e-5, atol=1e-5)
    assert layer.compute_output_shape(in_shape) == expected


def test_generic_dense_form():
    run_layer_test(
        layers.EinsumDense, {"equation": "ab,bc->ac", "output_shape": 3, "bias_axes": "c",
                             "activation": "relu"},
        input_shape=(4, 5), expected_output_shape=(4, 3), expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=0, expected_weights=[("kernel", (5, 3)), ("bias", (3,))])


def test_generic_multi_head_projection():
    run_layer_test(
        layers.EinsumDense, {"equation": "abc,cde->abde", "output_shape": (None, 2, 4),
                             "bias_axes": "de"},
        input_shape=(2, 3, 6), expected_output_shape=(2, 3, 2, 4),
        expected_weights=[("kernel", (6, 2, 4)), ("bias", (2, 4))])


def test_generic_ellipsis_without_bias():
    run_layer_test(
        layers.EinsumDense, {"equation": "...b,bc->...c", "output_shape": 4},
        input_shape=(2, 3, 5), expected_output_shape=(2, 3, 4), expected_weights=[("kernel", (5, 4))])


def test_symbolic_shapes_fill_the_input_dimensions():
    x = kerasnet.Input((7, 16))
    y = layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8), bias_axes="de")(x)
    assert tuple(y.shape) == (None, 7, 4, 8)
    z = layers.EinsumDense("abcd,cde->abe", output_shape=(None, 16), bias_axes="e")(y)
    assert tuple(z.shape) == (None, 7, 16)
    model = kerasnet.Model(x, z)
    data = RNG.standard_normal((3, 7, 16)).astype("float32")
    assert model.predict(data, verbose=0).shape == (3, 7, 16)


def test_activation_and_gradients():
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d", activation="tanh",
                               bias_initializer="random_normal")
    x = RNG.standard_normal((2, 4, 5)).astype("float32")
    with kerasnet.GradientTape() as tape:
        y = layer(x)
        loss = kerasnet.ops.sum(kerasnet.ops.square(y))
    gk, gb = tape.gradient(loss, [layer.kernel, layer.bias])
    k, b = layer.kernel.numpy(), layer.bias.numpy()
    z = np.einsum("abc,cd->abd", x, k) + b
    ref = np.tanh(z)
    np.testing.assert_allclose(np.asarray(y), ref, rtol=1e-5, atol=1e-5)
    dz = 2 * ref * (1 - ref ** 2)
    np.testing.assert_allclose(np.asarray(gk), np.einsum("abc,abd->cd", x, dz), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(gb), dz.sum((0, 1)), rtol=1e-4, atol=1e-4)


def test_variance_scaling_fans_follow_the_equation():
    # Keras 3: the kernel (16, 4, 8) of "abc,cde->abde" has fan_in 16 and fan_out 32,
    # so glorot_uniform's limit is sqrt(6 / 48).
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8), kernel_initializer="glorot_uniform")
    layer.build((None, 5, 16))
    limit = np.sqrt(6 / 48)
    k = layer.kernel.numpy()
    assert np.abs(k).max() <= limit
    assert np.abs(k).max() > 0.9 * limit
    assert layer.get_config()["kernel_initializer"]["config"]["input_axes"] is None


def test_config_round_trip_and_keys():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de",
                               activation="gelu", kernel_regularizer="l2", name="proj")
    config = layer.get_config()
    assert list(config) == [
        "name", "trainable", "dtype", "output_shape", "equation", "activation", "bias_axes",
        "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "bias_constraint", "quantization_config"]
    assert config["output_shape"] == (None, 2, 4)
    revived = layers.EinsumDense.from_config(config)
    assert revived.get_config() == config
    # A config read back from JSON has lists.
    revived = layers.deserialize({"class_name": "EinsumDense", "module": "keras.layers",
                                  "config": {**config, "output_shape": [None, 2, 4]}})
    assert revived.partial_output_shape == (None, 2, 4)


def test_lora():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de", lora_rank=2)
    x = RNG.standard_normal((2, 3, 6)).astype("float32")
    y0 = np.asarray(layer(x))
    assert [w.name for w in layer.weights] == ["kernel", "bias", "lora_kernel_a", "lora_kernel_b"]
    assert tuple(layer.lora_kernel_a.shape) == (6, 2, 2)
    assert tuple(layer.lora_kernel_b.shape) == (2, 4)
    assert [w.name for w in layer.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    layer.lora_kernel_b.assign(RNG.standard_normal((2, 4)).astype("float32"))
    merged = layer._kernel.numpy() + np.einsum("cdr,re->cde", layer.lora_kernel_a.numpy(),
                                               layer.lora_kernel_b.numpy())
    np.testing.assert_allclose(layer.kernel.numpy(), merged, rtol=1e-5, atol=1e-6)
    assert not np.allclose(np.asarray(layer(x)), y0)
    store = {}
    layer.save_own_variables(store)
    assert sorted(store) == ["0", "1"]
    np.testing.assert_allclose(store["0"], merged, rtol=1e-5, atol=1e-6)
    config = layer.get_config()
    assert config["lora_rank"] == 2 and config["lora_alpha"] == 2
    with pytest.raises(ValueError, match="already enabled"):
        layer.enable_lora(2)


@pytest.mark.parametrize("kwargs,shape,match", [
    ({"equation": "ab,bc", "output_shape": 3}, None, r"Invalid einsum equation 'ab,bc'"),
    ({"equation": "ab,bc,cd->ad", "output_shape": 3}, None, r"Invalid einsum equation"),
    ({"equation": "abc,cd->abd", "output_shape": (None, 4)}, (2, 3), r"expects inputs of rank 3.*\(2, 3\)"),
    ({"equation": "abc,cd->abd", "output_shape": 4}, (2, 3, 5), r"`output_shape` must have 2 entries"),
    ({"equation": "abc,cd->abd", "output_shape": (6, 4)}, (2, 3, 5),
     r"do not match at shared dimension 'b'. Input shape is 3, and output shape is 6"),
    ({"equation": "ab,bc->ad", "output_shape": 4}, (2, 3), r"dimension 'd' was specified in the output"),
    ({"equation": "ab,bcx->ac", "output_shape": 4}, (2, 3), r"weight dimension 'x' did not have a match"),
    ({"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "x"}, (2, 3),
     r"bias dimension 'x' was requested"),
    ({"equation": "ab,bc->ac", "output_shape": None}, None, r"`output_shape` must be an int or a tuple"),
    ({"equation": "ab,bc->ac", "output_shape": 4, "quantization_config": {"mode": "int8"}}, None,
     r"does not support quantized"),
])
def test_errors_name_the_layer_and_shapes(kwargs, shape, match):
    with pytest.raises((ValueError, TypeError), match=match):
        layer = layers.EinsumDense(**kwargs, name="proj")
        layer.build(shape)
