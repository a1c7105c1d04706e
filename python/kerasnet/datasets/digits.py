"""The 8x8 handwritten digits (UCI optical digits), shipped in the package.

No download: the 1,797 images live in `data/digits.npz` beside this file
(about 46 KB), as scikit-learn ships them. See `data/README.md` for the
source, licence (CC BY 4.0) and citation.
"""

import os

import numpy as np

_PATH = os.path.join(os.path.dirname(__file__), "data", "digits.npz")


def load_data():
    """Loads the 8x8 handwritten digits dataset bundled with kerasnet.

    1,797 grayscale images of the digits 0-9, each 8x8 pixels with integer
    values 0..16 (the number of ink pixels in a 4x4 block of the original
    32x32 bitmap). The split is fixed: 1,438 training and 359 test images,
    stratified (20% of each digit, rounded, is test data; the test indexes
    were drawn once with `np.random.RandomState(1337)` and are stored in the
    file, so the split never changes with the numpy version). Images keep
    the order of the source file within each split.

    Returns:
        Tuple of numpy arrays: `(x_train, y_train), (x_test, y_test)`.
        `x_train`: uint8 array of shape `(1438, 8, 8)`, values 0..16;
        `y_train`: uint8 labels 0-9 of shape `(1438,)`; `x_test`, `y_test`:
        the same for the 359 test images.

    License:
        The UCI "Optical Recognition of Handwritten Digits" dataset by
        E. Alpaydin and C. Kaynak (1998) is licensed under CC BY 4.0
        (https://doi.org/10.24432/C50P49).

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    x_train = x_train[..., None].astype("float32") / 16.0  # (1438, 8, 8, 1)
    ```
    """
    with np.load(_PATH, allow_pickle=False) as f:
        x, y, test_index = f["x"], f["y"], f["test_index"]
    is_test = np.zeros(len(y), dtype=bool)
    is_test[test_index] = True
    return (x[~is_test], y[~is_test]), (x[is_test], y[is_test])
