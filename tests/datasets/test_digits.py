"""The bundled 8x8 digits: content, split and packaging."""

import os

import kerasnet as keras
import numpy as np
from kerasnet.datasets import digits

# The first and last images of scikit-learn's digits.csv.gz (a 0 and an 8).
FIRST = [
    0,
    0,
    5,
    13,
    9,
    1,
    0,
    0,
    0,
    0,
    13,
    15,
    10,
    15,
    5,
    0,
    0,
    3,
    15,
    2,
    0,
    11,
    8,
    0,
    0,
    4,
    12,
    0,
    0,
    8,
    8,
    0,
    0,
    5,
    8,
    0,
    0,
    9,
    8,
    0,
    0,
    4,
    11,
    0,
    1,
    12,
    7,
    0,
    0,
    2,
    14,
    5,
    10,
    12,
    0,
    0,
    0,
    0,
    6,
    13,
    10,
    0,
    0,
    0,
]


def full():
    with np.load(digits._PATH) as f:
        return f["x"], f["y"], f["test_index"]


def test_shapes_dtypes_and_ranges():
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    assert x_train.shape == (1438, 8, 8) and y_train.shape == (1438,)
    assert x_test.shape == (359, 8, 8) and y_test.shape == (359,)
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.uint8
    assert x_train.min() == 0 and x_train.max() == 16
    assert set(np.unique(y_train)) == set(range(10))


def test_known_content():
    x, y, _ = full()
    assert x.shape == (1797, 8, 8)
    np.testing.assert_array_equal(x[0].reshape(-1), FIRST)
    assert y[0] == 0 and y[-1] == 8
    np.testing.assert_array_equal(
        np.bincount(y), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    )
    assert int(x.astype(np.int64).sum()) == 561718  # sum of the CSV's pixels


def test_split_is_stratified_disjoint_and_in_source_order():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x, y, test_index = full()
    counts = np.bincount(y)
    np.testing.assert_array_equal(
        np.bincount(y_test), np.round(0.2 * counts).astype(int)
    )
    np.testing.assert_array_equal(x_test, x[test_index])
    train_index = np.setdiff1d(np.arange(len(y)), test_index)
    np.testing.assert_array_equal(x_train, x[train_index])
    np.testing.assert_array_equal(y_train, y[train_index])


def test_deterministic():
    a = digits.load_data()
    b = digits.load_data()
    for u, v in zip(a, b):
        for p, q in zip(u, v):
            np.testing.assert_array_equal(p, q)


def test_data_file_is_small_and_documented():
    folder = os.path.dirname(digits._PATH)
    assert os.path.getsize(digits._PATH) < 100_000
    with open(os.path.join(folder, "README.md")) as f:
        readme = f.read()
    assert "CC BY 4.0" in readme and "10.24432/C50P49" in readme
