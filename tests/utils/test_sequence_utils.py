"""pad_sequences: Keras' documented examples and edge cases."""

import numpy as np
import pytest
from kerasnet.utils import pad_sequences

SEQ = [[1], [2, 3], [4, 5, 6]]


def test_keras_examples():
    out = pad_sequences(SEQ)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [[0, 0, 1], [0, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(
        pad_sequences(SEQ, value=-1), [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]
    )
    np.testing.assert_array_equal(
        pad_sequences(SEQ, padding="post"), [[1, 0, 0], [2, 3, 0], [4, 5, 6]]
    )
    np.testing.assert_array_equal(
        pad_sequences(SEQ, maxlen=2), [[0, 1], [2, 3], [5, 6]]
    )


def test_truncating_post_and_padding_post():
    out = pad_sequences(SEQ, maxlen=2, truncating="post", padding="post")
    np.testing.assert_array_equal(out, [[1, 0], [2, 3], [4, 5]])


def test_longer_maxlen_pads_all():
    out = pad_sequences(SEQ, maxlen=5)
    assert out.shape == (3, 5)
    np.testing.assert_array_equal(out[2], [0, 0, 4, 5, 6])


def test_float_dtype_and_value():
    out = pad_sequences([[0.5], [1.5, 2.5]], dtype="float32", value=9.0)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[9.0, 0.5], [1.5, 2.5]])


def test_int_dtype_truncates_floats():
    np.testing.assert_array_equal(pad_sequences([[1.7, 2.2]]), [[1, 2]])


def test_strings_with_object_dtype():
    out = pad_sequences([["a"], ["b", "c"]], dtype=object, value="<pad>")
    assert out.tolist() == [["<pad>", "a"], ["b", "c"]]


def test_string_value_needs_object_dtype():
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="x")


def test_multidimensional_steps():
    seqs = [np.ones((1, 2)), np.full((3, 2), 2.0)]
    out = pad_sequences(seqs, dtype="float32")
    assert out.shape == (2, 3, 2)
    np.testing.assert_array_equal(out[0], [[0, 0], [0, 0], [1, 1]])


def test_inconsistent_step_shape():
    with pytest.raises(ValueError, match="different from expected shape"):
        pad_sequences([np.ones((1, 2)), np.ones((2, 3))])


def test_empty_sequences_are_all_padding():
    out = pad_sequences([[], [1, 2]])
    np.testing.assert_array_equal(out, [[0, 0], [1, 2]])
    assert pad_sequences([]).shape == (0, 0)
    assert pad_sequences([[1, 2]], maxlen=0).shape == (1, 0)


def test_numpy_arrays_and_tuples_as_sequences():
    out = pad_sequences((np.array([1, 2]), (3,)), padding="post")
    np.testing.assert_array_equal(out, [[1, 2], [3, 0]])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"padding": "middle"}, "padding"),
        ({"truncating": "both"}, "truncating"),
        ({"maxlen": -1}, "maxlen"),
        ({"maxlen": 2.5}, "maxlen"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pad_sequences(SEQ, **kwargs)


def test_non_iterable_input():
    with pytest.raises(ValueError, match="iterable"):
        pad_sequences(5)
    with pytest.raises(ValueError, match="non-iterable"):
        pad_sequences([1, 2])
