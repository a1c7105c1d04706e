"""split_dataset: split arrays (or tuples / dicts of arrays) in two."""

import numpy as np
from kerasnet.backend import is_tensor


def _to_numpy(x):
    if is_tensor(x):
        return np.asarray(x.numpy())
    return np.asarray(x)


def _flatten(dataset):
    """(leaves, rebuild): the arrays of `dataset` and how to re-nest them."""
    if isinstance(dataset, dict):
        keys = list(dataset)
        leaves = [_to_numpy(dataset[k]) for k in keys]
        return leaves, lambda parts: dict(zip(keys, parts))
    if isinstance(dataset, (tuple, list)):
        if not dataset:
            raise ValueError("`split_dataset` received an empty tuple/list.")
        leaves = [_to_numpy(v) for v in dataset]
        kind = type(dataset)
        return leaves, lambda parts: kind(parts)
    if isinstance(dataset, np.ndarray) or is_tensor(dataset):
        return [_to_numpy(dataset)], lambda parts: parts[0]
    raise TypeError(
        "`split_dataset` supports numpy arrays, kerasnet tensors, and tuples, "
        "lists or dicts of them. Received: dataset of type "
        f"{type(dataset).__name__}"
    )


def _rescale_sizes(left_size, right_size, total):
    """Integer (left, right) sizes from ints, fractions or None (Keras rules)."""
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is not None and type(size) not in (int, float):
            raise TypeError(
                f"Invalid `{name}` type. Expected: int or float or None. "
                f"Received: type({name})={type(size).__name__}"
            )
    if left_size is None and right_size is None:
        raise ValueError(
            "At least one of the `left_size` or `right_size` must be "
            "specified. Received: left_size=None and right_size=None"
        )
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is None:
            continue
        if (type(size) is int and not 0 < size < total) or (
            type(size) is float and not 0 < size < 1
        ):
            raise ValueError(
                f"`{name}` should be either a positive integer smaller than "
                f"{total} (the dataset length), or a float within the range "
                f"(0, 1). Received: {name}={size}"
            )
    both_float = type(left_size) is float and type(right_size) is float
    if both_float and left_size + right_size > 1:
        raise ValueError(
            "The sum of `left_size` and `right_size` is greater than 1. "
            "It must be less than or equal to 1. Received: "
            f"left_size={left_size}, right_size={right_size}"
        )
    left = round(left_size * total) if type(left_size) is float else left_size
    right = (
        round(right_size * total) if type(right_size) is float else right_size
    )
    if left is None:
        left = total - right
    elif right is None:
        right = total - left
    if left + right > total:
        raise ValueError(
            "The sum of `left_size` and `right_size` should be at most the "
            f"dataset length {total}. Received: left_size + right_size = "
            f"{left + right}"
        )
    for side, size in (("left", left), ("right", right)):
        if size == 0:
            raise ValueError(
                f"With a dataset of length {total}, left_size={left_size} and "
                f"right_size={right_size}, the {side} split would be empty. "
                "Adjust the sizes."
            )
    return int(left), int(right)


def split_dataset(
    dataset, left_size=None, right_size=None, shuffle=False, seed=None
):
    """Splits a dataset into a left half and a right half (e.g. train / test).

    Args:
        dataset: a numpy array (or kerasnet tensor), or a tuple, list or dict
            of arrays with the same first dimension (e.g. `(x, y)`); samples
            are indexed along the first axis.
        left_size: if a float in (0, 1), the fraction of samples in the left
            split; if an int, the number of samples. If `None`, the
            complement of `right_size`.
        right_size: as `left_size`, for the right split. If both are given
            and add up to less than the whole, the samples between the left
            split (taken from the start) and the right split (taken from the
            end) are dropped.
        shuffle: whether to shuffle the samples before splitting.
        seed: random seed for the shuffle (a fresh one from numpy's global
            generator when `None`, so `set_random_seed` makes it repeatable).

    Returns:
        A tuple `(left_split, right_split)`, each of the same structure as
        `dataset` (array, tuple, list or dict of numpy arrays).

    Example:

    >>> x = np.random.random((1000, 4))
    >>> left, right = keras.utils.split_dataset(x, left_size=0.8)
    >>> len(left), len(right)
    (800, 200)
    """
    leaves, rebuild = _flatten(dataset)
    for leaf in leaves:
        if leaf.ndim == 0:
            raise ValueError(
                "`split_dataset` expects arrays with a sample axis; received "
                "a scalar."
            )
    total = int(leaves[0].shape[0])
    lengths = sorted({int(leaf.shape[0]) for leaf in leaves})
    if len(lengths) > 1:
        raise ValueError(
            "All arrays of `dataset` must have the same number of samples "
            f"(first dimension). Received lengths {lengths}."
        )
    if total == 0:
        raise ValueError("`split_dataset` received an empty dataset.")
    left, right = _rescale_sizes(left_size, right_size, total)
    if shuffle:
        if seed is None:
            seed = int(np.random.randint(int(1e6)))
        order = np.random.RandomState(seed).permutation(total)
    else:
        order = np.arange(total)
    # As Keras: the right split is taken from the end, so samples between
    # the two (when the sizes add up to less than the total) are dropped.
    left_idx, right_idx = order[:left], order[total - right :]
    return (
        rebuild([leaf[left_idx] for leaf in leaves]),
        rebuild([leaf[right_idx] for leaf in leaves]),
    )
