"""Flatten, Reshape, Permute, RepeatVector against numpy."""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(4)


def test_flatten():
    x = RNG.standard_normal((2, 3, 4, 5)).astype("float32")
    run_layer_test(layers.Flatten, {}, input_data=x, expected_output=x.reshape(2, -1),
                   expected_output_shape=(2, 60), expected_num_trainable_weights=0)
    # channels_first flattens in channels_last order (Keras' ordering).
    run_layer_test(layers.Flatten, {"data_format": "channels_first"}, input_data=x,
                   expected_output=np.moveaxis(x, 1, -1).reshape(2, -1),
                   expected_output_shape=(2, 60))
    # Rank 1 becomes (batch, 1); unknown dimensions give an unknown size.
    np.testing.assert_array_equal(np.asarray(layers.Flatten()(np.arange(3.0))), [[0], [1], [2]])
    assert layers.Flatten().compute_output_shape((None, None, 3)) == (None, None)
    assert layers.Flatten()(kerasnet.Input((3, 4))).shape == (None, 12)


def test_reshape():
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    run_layer_test(layers.Reshape, {"target_shape": (4, 3)}, input_data=x,
                   expected_output=x.reshape(2, 4, 3), expected_output_shape=(2, 4, 3))
    run_layer_test(layers.Reshape, {"target_shape": (-1, 2)}, input_data=x,
                   expected_output=x.reshape(2, 6, 2), expected_output_shape=(2, 6, 2))
    run_layer_test(layers.Reshape, {"target_shape": (2, -1, 3)}, input_data=x,
                   expected_output=x.reshape(2, 2, 2, 3), expected_output_shape=(2, 2, 2, 3))
    assert layers.Reshape((-1, 2)).compute_output_shape((None, None, 4)) == (None, None, 2)
    assert layers.Reshape((3, 4)).get_config()["target_shape"] == [3, 4]


def test_reshape_errors():
    with pytest.raises(ValueError, match="only be one unknown dimension"):
        layers.Reshape((-1, -1))
    with pytest.raises(ValueError, match="must be unchanged"):
        layers.Reshape((5,)).compute_output_shape((None, 2, 3))
    with pytest.raises(ValueError, match="not divisible"):
        layers.Reshape((-1, 4)).compute_output_shape((None, 2, 3))
    with pytest.raises(ValueError):
        layers.Reshape((5,))(np.zeros((2, 6), "float32"))


def test_permute():
    x = RNG.standard_normal((2, 3, 4, 5)).astype("float32")
    run_layer_test(layers.Permute, {"dims": (3, 1, 2)}, input_data=x,
                   expected_output=np.transpose(x, (0, 3, 1, 2)),
                   expected_output_shape=(2, 5, 3, 4))
    assert layers.Permute((2, 1)).compute_output_shape((None, 3, 7)) == (None, 7, 3)
    with pytest.raises(ValueError, match="consecutive and start from 1"):
        layers.Permute((0, 1))
    with pytest.raises(ValueError, match="consecutive and start from 1"):
        layers.Permute((1, 3))


def test_repeat_vector():
    x = RNG.standard_normal((2, 3)).astype("float32")
    ref = np.repeat(x[:, None, :], 4, axis=1)
    run_layer_test(layers.RepeatVector, {"n": 4}, input_data=x, expected_output=ref,
                   expected_output_shape=(2, 4, 3))
    with pytest.raises(ValueError, match="expected ndim=2"):
        layers.RepeatVector(2)(np.zeros((2, 3, 4), "float32"))
    with pytest.raises(TypeError, match="integer"):
        layers.RepeatVector(2.0)
