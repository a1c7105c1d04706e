"""to_categorical and normalize against numpy / hand computation."""

import kerasnet as keras
import numpy as np
import pytest
from kerasnet.utils import normalize, to_categorical


def test_to_categorical_keras_example():
    out = to_categorical([0, 1, 2, 3], num_classes=4)
    np.testing.assert_array_equal(out, np.eye(4))
    assert out.dtype == np.float64  # as Keras (np.zeros' default)


def test_to_categorical_infers_num_classes():
    out = to_categorical(np.array([2, 0]))
    np.testing.assert_array_equal(out, [[0, 0, 1], [1, 0, 0]])


def test_to_categorical_drops_trailing_unit_axis():
    y = np.array([[1], [0], [2]])
    out = to_categorical(y, 3)
    assert out.shape == (3, 3)
    np.testing.assert_array_equal(out.argmax(-1), [1, 0, 2])


def test_to_categorical_keeps_other_axes():
    y = np.array([[0, 1], [2, 1]])
    out = to_categorical(y, 4)
    assert out.shape == (2, 2, 4)
    np.testing.assert_array_equal(out.argmax(-1), y)
    np.testing.assert_array_equal(out.sum(-1), np.ones((2, 2)))


def test_to_categorical_accepts_integral_floats_and_uint8():
    np.testing.assert_array_equal(
        to_categorical(np.array([1.0, 0.0]), 2), [[0, 1], [1, 0]]
    )
    np.testing.assert_array_equal(
        to_categorical(np.array([1, 0], dtype=np.uint8)), [[0, 1], [1, 0]]
    )


def test_to_categorical_tensor_in_tensor_out():
    t = keras.ops.convert_to_tensor(np.array([0, 2], dtype="int32"))
    out = to_categorical(t, 3)
    assert isinstance(out, keras.Tensor)
    np.testing.assert_array_equal(out.numpy(), [[1, 0, 0], [0, 0, 1]])


@pytest.mark.parametrize(
    "labels, num_classes, match",
    [
        ([0, 3], 3, "out of range"),
        ([-1, 0], None, ">= 0"),
        ([0.5, 1], None, "non-integer"),
        ([0, 1], 0, "positive integer"),
        ([0, 1], 2.5, "positive integer"),
    ],
)
def test_to_categorical_bad_labels(labels, num_classes, match):
    with pytest.raises(ValueError, match=match):
        to_categorical(labels, num_classes)


def test_to_categorical_rejects_strings():
    with pytest.raises(TypeError, match="integer class labels"):
        to_categorical(["a", "b"])


def _reference(x, axis, order):
    norm = np.sum(np.abs(x) ** order, axis=axis, keepdims=True) ** (1 / order)
    if order == np.inf:
        norm = np.max(np.abs(x), axis=axis, keepdims=True)
    norm = np.where(norm == 0, 1, norm)
    return x / norm


@pytest.mark.parametrize("order", [1, 2, 3, np.inf])
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_normalize_numpy(rng, order, axis):
    x = rng.standard_normal((3, 4, 5))
    x[1, 2] = 0.0  # a zero slice stays zero
    out = normalize(x, axis=axis, order=order)
    assert isinstance(out, np.ndarray) and out.shape == x.shape
    np.testing.assert_allclose(out, _reference(x, axis, order), rtol=1e-12)


def test_normalize_hand_values():
    out = normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(
        normalize(np.array([1.0, -3.0]), order=1), [0.25, -0.75]
    )


@pytest.mark.parametrize("order", [1, 2, 3, np.inf])
@pytest.mark.parametrize("axis", [-1, 0])
def test_normalize_tensor_matches_numpy(rng, order, axis):
    x = rng.standard_normal((4, 6)).astype("float32")
    x[2] = 0.0
    x[:, 3] = 0.0
    out = normalize(keras.ops.convert_to_tensor(x), axis=axis, order=order)
    assert isinstance(out, keras.Tensor)
    np.testing.assert_allclose(
        out.numpy(), _reference(x, axis, order), rtol=1e-5, atol=1e-7
    )


def test_normalize_bad_order():
    with pytest.raises(ValueError, match="order"):
        normalize(np.ones((2, 2)), order=0)
    with pytest.raises(ValueError, match="order"):
        normalize(np.ones((2, 2)), order="fro")
