"""Activation, Identity, Lambda, Input/InputLayer."""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers, ops
from kerasnet.saving import serialization_lib

RNG = np.random.default_rng(3)


def test_activation_layer():
    x = RNG.standard_normal((3, 4)).astype("float32")
    run_layer_test(layers.Activation, {"activation": "relu"}, input_data=x,
                   expected_output=np.maximum(x, 0), expected_output_shape=(3, 4),
                   expected_num_trainable_weights=0, supports_masking=True)
    out = np.asarray(layers.Activation(kerasnet.activations.sigmoid)(x))
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-x)), rtol=1e-5)
    assert layers.Activation("softmax").get_config()["activation"] == "softmax"
    with pytest.raises(ValueError):
        layers.Activation("not_an_activation")


def test_identity_layer():
    x = RNG.standard_normal((2, 3)).astype("float32")
    run_layer_test(layers.Identity, {}, input_data=x, expected_output=x,
                   expected_output_shape=(2, 3), supports_masking=True)
    y = layers.Embedding(4, 2, mask_zero=True)(np.array([[1, 0]]))
    z = layers.Identity()(y)
    np.testing.assert_array_equal(np.asarray(z._keras_mask), [[True, False]])


def test_lambda_layer_generic_with_a_serializable_function():
    x = RNG.standard_normal((2, 3)).astype("float32")
    run_layer_test(layers.Lambda, {"function": ops.square}, input_data=x,
                   expected_output=x ** 2, expected_output_shape=(2, 3))


def test_lambda_with_arguments_output_shape_and_mask():
    layer = layers.Lambda(lambda x, k: x[:, :k], arguments={"k": 2},
                          output_shape=(2,))
    out = layer(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(np.asarray(out), [[0, 1], [3, 4]])
    assert layer.compute_output_shape((None, 3)) == (None, 2)
    sym = layer(kerasnet.Input((3,)))
    assert sym.shape == (None, 2)
    inferred = layers.Lambda(lambda x: ops.concatenate([x, x], axis=-1))
    assert inferred(kerasnet.Input((3,))).shape == (None, 6)
    masked = layers.Lambda(lambda x: x, mask=lambda x, m: ops.greater(x, 0))
    assert masked.supports_masking
    np.testing.assert_array_equal(
        np.asarray(masked.compute_mask(np.array([1.0, -1.0]))), [True, False])


def test_lambda_of_a_python_lambda_needs_unsafe_mode_to_load():
    layer = layers.Lambda(lambda x: x * 3.0)
    config = layers.serialize(layer)
    with pytest.raises(ValueError, match="lambda"):
        layers.deserialize(config)
    with serialization_lib.SafeModeScope(False):
        clone = layers.deserialize(config)
    np.testing.assert_array_equal(np.asarray(clone(np.ones(2))), [3.0, 3.0])
    with pytest.raises(ValueError, match="callable"):
        layers.Lambda(3)


def test_input_and_input_layer():
    x = kerasnet.Input((4, 3), name="img", dtype="float64")
    assert x.shape == (None, 4, 3) and x.dtype == "float64" and x.name == "img"
    assert kerasnet.Input(shape=5).shape == (None, 5)
    assert kerasnet.Input(batch_shape=(8, 2)).shape == (8, 2)
    assert kerasnet.Input((2,), batch_size=16).shape == (16, 2)
    layer = x._keras_history.operation
    assert isinstance(layer, layers.InputLayer)
    assert layer.batch_shape == (None, 4, 3)
    config = layer.get_config()
    assert config["batch_shape"] == [None, 4, 3] and config["dtype"] == "float64"
    clone = layers.InputLayer.from_config(config)
    assert clone.output.shape == (None, 4, 3)
    with pytest.raises(ValueError, match="both `shape` and `batch_shape`"):
        kerasnet.Input((2,), batch_shape=(1, 2))
    with pytest.raises(ValueError, match="must pass a `shape`"):
        layers.InputLayer()
    with pytest.raises(ValueError, match="sparse"):
        kerasnet.Input((2,), sparse=True)
