"""Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot."""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(13)


def three(shape=(2, 3, 4)):
    return [RNG.standard_normal(shape).astype("float32") for _ in range(3)]


@pytest.mark.parametrize("cls, ref", [
    (layers.Add, lambda xs: xs[0] + xs[1] + xs[2]),
    (layers.Multiply, lambda xs: xs[0] * xs[1] * xs[2]),
    (layers.Average, lambda xs: (xs[0] + xs[1] + xs[2]) / 3),
    (layers.Maximum, lambda xs: np.maximum(np.maximum(xs[0], xs[1]), xs[2])),
    (layers.Minimum, lambda xs: np.minimum(np.minimum(xs[0], xs[1]), xs[2])),
])
def test_elementwise_merge_layers(cls, ref):
    xs = three()
    run_layer_test(cls, {}, input_data=xs, expected_output=ref(xs),
                   expected_output_shape=(2, 3, 4), expected_num_trainable_weights=0,
                   supports_masking=True, rtol=1e-5, atol=1e-6)


def test_subtract_takes_exactly_two_inputs():
    a, b, c = three()
    run_layer_test(layers.Subtract, {}, input_data=[a, b], expected_output=a - b,
                   expected_output_shape=a.shape)
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([a, b, c])


def test_merge_broadcasting_and_shape_errors():
    a = RNG.standard_normal((2, 3, 4)).astype("float32")
    b = RNG.standard_normal((2, 1, 4)).astype("float32")
    np.testing.assert_allclose(np.asarray(layers.Add()([a, b])), a + b, rtol=1e-6)
    assert layers.Add().compute_output_shape([(None, 3, 4), (None, 1, 4)]) == (None, 3, 4)
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.Add()([kerasnet.Input((3,)), kerasnet.Input((4,))])
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Add()(kerasnet.Input((3,)))


def test_functional_merge_forms():
    a, b = kerasnet.Input((3,)), kerasnet.Input((3,))
    outs = [layers.add([a, b]), layers.subtract([a, b]), layers.multiply([a, b]),
            layers.average([a, b]), layers.maximum([a, b]), layers.minimum([a, b]),
            layers.concatenate([a, b]), layers.dot([a, b], axes=1)]
    model = kerasnet.Model([a, b], outs)
    x, y = RNG.standard_normal((2, 4, 3)).astype("float32")
    got = model.predict([x, y], verbose=0)
    refs = [x + y, x - y, x * y, (x + y) / 2, np.maximum(x, y), np.minimum(x, y),
            np.concatenate([x, y], -1), (x * y).sum(-1, keepdims=True)]
    for g, r in zip(got, refs):
        np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-6)


def test_merge_mask_is_the_and_of_input_masks():
    emb = layers.Embedding(5, 2, mask_zero=True)
    a = emb(np.array([[1, 2, 0]]))
    b = emb(np.array([[3, 0, 0]]))
    out = layers.Add()([a, b])
    np.testing.assert_array_equal(np.asarray(out._keras_mask), [[True, False, False]])
    unmasked = layers.Add()([np.ones((1, 3, 2), "float32")] * 2)
    assert getattr(unmasked, "_keras_mask", None) is None


@pytest.mark.parametrize("axis", [-1, 1, 2])
def test_concatenate(axis):
    a = RNG.standard_normal((2, 3, 4)).astype("float32")
    b = RNG.standard_normal((2, 3, 4)).astype("float32")
    ref = np.concatenate([a, b], axis=axis)
    run_layer_test(layers.Concatenate, {"axis": axis}, input_data=[a, b], expected_output=ref,
                   expected_output_shape=ref.shape, supports_masking=True)


def test_concatenate_shapes_and_errors():
    layer = layers.Concatenate(axis=1)
    assert layer.compute_output_shape([(None, 2, 3), (None, 5, 3)]) == (None, 7, 3)
    assert layer.compute_output_shape([(None, None, 3), (None, 5, 3)]) == (None, None, 3)
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        layers.Concatenate()([kerasnet.Input((2, 3)), kerasnet.Input((4, 3))])
    with pytest.raises(ValueError, match="at least 1 input"):
        layers.Concatenate()(kerasnet.Input((2, 3)))


def test_concatenate_masks_as_keras():
    emb = layers.Embedding(5, 2, mask_zero=True)
    a = emb(np.array([[1, 2, 0]]))
    b = emb(np.array([[3, 0, 0]]))
    # Features axis: a step is kept when any input keeps it.
    out = layers.Concatenate()([a, b])
    np.testing.assert_array_equal(np.asarray(out._keras_mask), [[True, True, False]])
    # Time axis: the masks are concatenated; an unmasked input counts as all True.
    out = layers.Concatenate(axis=1)([a, np.ones((1, 2, 2), "float32")])
    np.testing.assert_array_equal(np.asarray(out._keras_mask),
                                  [[True, True, False, True, True]])


def test_dot_generic_and_values():
    a = RNG.standard_normal((4, 3)).astype("float32")
    b = RNG.standard_normal((4, 3)).astype("float32")
    run_layer_test(layers.Dot, {"axes": 1}, input_data=[a, b],
                   expected_output=(a * b).sum(1, keepdims=True), expected_output_shape=(4, 1))
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    run_layer_test(layers.Dot, {"axes": -1, "normalize": True}, input_data=[a, b],
                   expected_output=cos[:, None], expected_output_shape=(4, 1), rtol=1e-5)


@pytest.mark.parametrize("shapes, axes, ref", [
    (((2, 3, 4), (2, 5, 4)), 2, lambda x, y: np.einsum("bik,bjk->bij", x, y)),
    (((2, 3, 4), (2, 4, 5)), (2, 1), lambda x, y: np.einsum("bik,bkj->bij", x, y)),
    (((2, 3, 4), (2, 3, 5)), 1, lambda x, y: np.einsum("bki,bkj->bij", x, y)),
    (((2, 3, 4), (2, 5, 3)), (1, 2), lambda x, y: np.einsum("bki,bjk->bij", x, y)),
    (((2, 4), (2, 3, 4)), (1, 2), lambda x, y: np.einsum("bk,bjk->bj", x, y)),
])
def test_dot_axes_against_einsum(shapes, axes, ref):
    x = RNG.standard_normal(shapes[0]).astype("float32")
    y = RNG.standard_normal(shapes[1]).astype("float32")
    expected = ref(x, y)
    run_layer_test(layers.Dot, {"axes": axes}, input_data=[x, y], expected_output=expected,
                   expected_output_shape=expected.shape, rtol=1e-5, atol=1e-5)


def test_dot_normalize_on_3d_is_cosine_along_the_axes():
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    y = RNG.standard_normal((2, 5, 4)).astype("float32")
    out = np.asarray(layers.Dot(axes=2, normalize=True)([x, y]))
    xn = x / np.linalg.norm(x, axis=2, keepdims=True)
    yn = y / np.linalg.norm(y, axis=2, keepdims=True)
    np.testing.assert_allclose(out, np.einsum("bik,bjk->bij", xn, yn), rtol=1e-5, atol=1e-6)
    assert np.all(np.abs(out) <= 1 + 1e-6)


def test_dot_errors_and_config():
    with pytest.raises(ValueError, match="Incompatible input shapes"):
        layers.Dot(axes=1)([kerasnet.Input((3,)), kerasnet.Input((4,))])
    with pytest.raises(ValueError, match="list of 2 inputs"):
        layers.Dot(axes=1)([kerasnet.Input((3,))] * 3)
    with pytest.raises(ValueError, match="axes"):
        layers.Dot(axes=(1, 2, 3))
    config = layers.Dot(axes=(1, 2), normalize=True).get_config()
    assert config["axes"] == (1, 2) and config["normalize"] is True
