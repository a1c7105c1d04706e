"""split_dataset: sizes as fractions or counts, structures, shuffling."""

import kerasnet as keras
import numpy as np
import pytest
from kerasnet.utils import split_dataset


def test_fraction_of_an_array():
    x = np.arange(10)
    left, right = split_dataset(x, left_size=0.8)
    np.testing.assert_array_equal(left, np.arange(8))
    np.testing.assert_array_equal(right, [8, 9])


def test_right_size_only_and_int_sizes():
    x = np.arange(10).reshape(10, 1)
    left, right = split_dataset(x, right_size=3)
    assert left.shape == (7, 1) and right.shape == (3, 1)
    left, right = split_dataset(x, left_size=4)
    assert len(left) == 4 and len(right) == 6


def test_rounding_of_fractions():
    left, right = split_dataset(np.arange(7), left_size=0.5)
    assert len(left) == round(3.5) == 4 and len(right) == 3


def test_both_sizes_drop_the_middle():
    # As Keras: left from the start, right from the end.
    left, right = split_dataset(np.arange(10), left_size=3, right_size=2)
    np.testing.assert_array_equal(left, [0, 1, 2])
    np.testing.assert_array_equal(right, [8, 9])


def test_tuple_structure_is_kept_and_aligned():
    x = np.arange(20).reshape(10, 2)
    y = np.arange(10) * 10
    (xl, yl), (xr, yr) = split_dataset(
        (x, y), left_size=0.6, shuffle=True, seed=3
    )
    assert xl.shape == (6, 2) and yl.shape == (6,) and len(xr) == 4
    np.testing.assert_array_equal(xl[:, 0] * 5, yl)
    np.testing.assert_array_equal(xr[:, 0] * 5, yr)
    np.testing.assert_array_equal(
        np.sort(np.concatenate([yl, yr])), np.arange(10) * 10
    )


def test_list_and_dict_structures():
    left, right = split_dataset([np.arange(4), np.arange(4)], left_size=0.5)
    assert isinstance(left, list) and len(left) == 2
    d = {"a": np.arange(5), "b": np.arange(5) + 100}
    left, right = split_dataset(d, right_size=0.4)
    assert set(left) == {"a", "b"}
    np.testing.assert_array_equal(right["b"], [103, 104])


def test_tensor_input():
    t = keras.ops.convert_to_tensor(np.arange(6, dtype="float32"))
    left, right = split_dataset(t, left_size=0.5)
    np.testing.assert_array_equal(left, [0, 1, 2])
    np.testing.assert_array_equal(right, [3, 4, 5])


def test_shuffle_is_seeded_and_a_permutation():
    x = np.arange(100)
    a = split_dataset(x, left_size=0.7, shuffle=True, seed=42)
    b = split_dataset(x, left_size=0.7, shuffle=True, seed=42)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], np.arange(70))
    np.testing.assert_array_equal(np.sort(np.concatenate(a)), np.arange(100))
    expected = np.random.RandomState(42).permutation(100)
    np.testing.assert_array_equal(a[0], expected[:70])


def test_unseeded_shuffle_follows_set_random_seed():
    x = np.arange(50)
    keras.utils.set_random_seed(7)
    a = split_dataset(x, left_size=0.5, shuffle=True)
    keras.utils.set_random_seed(7)
    b = split_dataset(x, left_size=0.5, shuffle=True)
    np.testing.assert_array_equal(a[0], b[0])


@pytest.mark.parametrize(
    "left, right, match",
    [
        (None, None, "At least one"),
        (0.0, None, "left_size"),
        (1.0, None, "left_size"),
        (10, None, "left_size"),
        (-1, None, "left_size"),
        (None, 1.5, "right_size"),
        (0.7, 0.5, "greater than 1"),
        (6, 5, "at most the dataset length"),
        (0.01, None, "empty"),
    ],
)
def test_bad_sizes(left, right, match):
    with pytest.raises(ValueError, match=match):
        split_dataset(np.arange(10), left_size=left, right_size=right)


def test_bad_types():
    with pytest.raises(TypeError, match="left_size"):
        split_dataset(np.arange(10), left_size="half")
    with pytest.raises(TypeError, match="right_size"):
        split_dataset(np.arange(10), right_size=True)
    with pytest.raises(TypeError, match="supports numpy arrays"):
        split_dataset("abc", left_size=0.5)


def test_mismatched_lengths_and_empty():
    with pytest.raises(ValueError, match="same number of samples"):
        split_dataset((np.arange(4), np.arange(5)), left_size=0.5)
    with pytest.raises(ValueError, match="empty"):
        split_dataset(np.zeros((0, 2)), left_size=0.5)
    with pytest.raises(ValueError, match="scalar"):
        split_dataset(np.array(3.0), left_size=0.5)
