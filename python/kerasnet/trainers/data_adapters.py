"""Turning fit/evaluate/predict inputs into batches.

Accepted: numpy arrays and tensors (or lists / dicts of them), Python
generators yielding batches, and `kerasnet.utils.PyDataset`. Array batches are
slices of the arrays, so a dense array's batches reach the engine without a
copy (when not shuffled).
"""

import math

import numpy as np

from kerasnet.backend import tree
from kerasnet.utils.py_dataset import PyDataset


def unpack_x_y_sample_weight(data):
    """(x, y, sample_weight) from a batch given as x, (x,), (x, y) or (x, y, sw)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
        f"`(x, y, sample_weight)`, found: {data}"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    if y is None:
        return (x,) if not isinstance(x, (list, tuple)) else (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _to_array(x):
    if x is None:
        return None
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):
        return x.numpy()
    return np.asarray(x)


def _is_array_like(x):
    if x is None:
        return True
    flat = tree.flatten(x)
    return all(v is None or isinstance(v, np.ndarray) or hasattr(v, "__array__") or isinstance(v, (list, float, int))
               for v in flat)


def _num_samples(structure):
    sizes = {int(np.shape(v)[0]) for v in tree.flatten(structure) if v is not None and np.ndim(v) > 0}
    return sizes


def class_weight_to_sample_weight(y, class_weight):
    y = _to_array(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = np.round(y.reshape(y.shape[0], -1)[:, 0]).astype(np.int64)
    weights = np.ones(labels.shape, dtype=np.float32)
    for cls, w in class_weight.items():
        weights[labels == int(cls)] = w
    return weights


class ArrayDataAdapter:
    """Batches from in-memory arrays, optionally shuffled each epoch."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False,
                 class_weight=None):
        x = tree.map_structure(_to_array, x) if tree.is_nested(x) else _to_array(x)
        y = tree.map_structure(_to_array, y) if tree.is_nested(y) else _to_array(y)
        sample_weight = _to_array(sample_weight)
        if class_weight is not None:
            if tree.is_nested(y) and len(tree.flatten(y)) > 1:
                raise ValueError("`class_weight` is only supported for models with a single output.")
            cw = class_weight_to_sample_weight(y, class_weight)
            sample_weight = cw if sample_weight is None else sample_weight * cw
        sizes = _num_samples((x, y, sample_weight))
        if len(sizes) > 1:
            parts = {
                "x": sorted(_num_samples(x)),
                "y": sorted(_num_samples(y)) if y is not None else None,
                "sample_weight": sorted(_num_samples(sample_weight)) if sample_weight is not None else None,
            }
            raise ValueError(
                "Data cardinality is ambiguous: make sure all arrays contain "
                "the same number of samples. Received sizes: "
                + ", ".join(f"{k}={v}" for k, v in parts.items() if v is not None)
            )
        self.num_samples = sizes.pop() if sizes else 0
        self.x, self.y, self.sample_weight = x, y, sample_weight
        if batch_size is None:
            batch_size = 32 if steps is None else max(1, math.ceil(self.num_samples / steps))
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self._steps = steps

    @property
    def num_batches(self):
        if self._steps is not None:
            return self._steps
        return math.ceil(self.num_samples / self.batch_size) if self.num_samples else 0

    def _take(self, structure, sl):
        if structure is None:
            return None
        if tree.is_nested(structure):
            return tree.map_structure(lambda a: None if a is None else a[sl], structure)
        return structure[sl]

    def batches(self):
        n = self.num_samples
        order = None
        if self.shuffle == "batch":
            nb = math.ceil(n / self.batch_size)
            blocks = np.random.permutation(nb)
            order = np.concatenate([np.arange(b * self.batch_size, min(n, (b + 1) * self.batch_size)) for b in blocks])
        elif self.shuffle:
            order = np.random.permutation(n)
        produced = 0
        start = 0
        while produced < self.num_batches:
            if start >= n:
                if self._steps is None:
                    return
                start = 0  # steps beyond the data: cycle
            stop = min(n, start + self.batch_size)
            sl = slice(start, stop) if order is None else order[start:stop]
            yield pack_x_y_sample_weight(self._take(self.x, sl), self._take(self.y, sl),
                                         self._take(self.sample_weight, sl))
            produced += 1
            start = stop

    def on_epoch_end(self):
        pass


class GeneratorDataAdapter:
    """Batches from a Python generator (or any iterator) yielding batches."""

    def __init__(self, generator, steps=None):
        self.generator = generator
        self._steps = steps
        self._iterator = iter(generator)

    @property
    def num_batches(self):
        return self._steps

    def batches(self):
        count = 0
        while self._steps is None or count < self._steps:
            try:
                batch = next(self._iterator)
            except StopIteration:
                return
            yield batch if isinstance(batch, tuple) else (batch,) if not isinstance(batch, list) else tuple(batch)
            count += 1

    def on_epoch_end(self):
        pass


class PyDatasetAdapter:
    """Batches from a kerasnet.utils.PyDataset (indexable by batch)."""

    def __init__(self, dataset, steps=None, shuffle=False):
        self.dataset = dataset
        self._steps = steps
        self.shuffle = shuffle

    @property
    def num_batches(self):
        n = len(self.dataset)
        return n if self._steps is None else min(self._steps, n) if n else self._steps

    def batches(self):
        n = len(self.dataset)
        order = np.random.permutation(n) if self.shuffle else np.arange(n)
        for k in range(self.num_batches):
            batch = self.dataset[int(order[k % n])]
            yield batch if isinstance(batch, tuple) else tuple(batch) if isinstance(batch, list) else (batch,)

    def on_epoch_end(self):
        if hasattr(self.dataset, "on_epoch_end"):
            self.dataset.on_epoch_end()


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False,
                     class_weight=None):
    if isinstance(x, PyDataset):
        if y is not None:
            raise ValueError("When passing a PyDataset as `x`, do not pass `y` (it must yield (x, y) batches).")
        if class_weight is not None:
            raise ValueError("`class_weight` is not supported with a PyDataset.")
        return PyDatasetAdapter(x, steps=steps, shuffle=shuffle)
    if hasattr(x, "__next__") or (hasattr(x, "__iter__") and not hasattr(x, "__len__")
                                  and not isinstance(x, (dict, np.ndarray))):
        if y is not None:
            raise ValueError("When passing a generator as `x`, do not pass `y` (it must yield (x, y) batches).")
        return GeneratorDataAdapter(x, steps=steps)
    if x is None:
        raise ValueError("Expected `x` (the input data) to be provided, got None.")
    return ArrayDataAdapter(x, y, sample_weight, batch_size=batch_size, steps=steps, shuffle=shuffle,
                            class_weight=class_weight)


def train_validation_split(arrays, validation_split):
    """Splits arrays (x, y, sample_weight) keeping the last fraction for validation."""
    if not 0 < validation_split < 1:
        raise ValueError(
            "`validation_split` must be between 0 and 1 (exclusive). "
            f"Received: validation_split={validation_split}"
        )
    flat = [a for a in tree.flatten(arrays) if a is not None]
    for a in flat:
        if not hasattr(a, "shape") and not isinstance(a, (list, tuple)):
            raise ValueError(
                "`validation_split` is only supported for numpy arrays and "
                f"tensors; received {type(a)}"
            )
    n = int(np.shape(_to_array(flat[0]))[0])
    split = int(math.floor(n * (1.0 - validation_split)))
    if split == 0 or split == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to "
            f"split it into a validation and training set as specified by "
            f"`validation_split={validation_split}`."
        )

    def cut(a, sl):
        return None if a is None else _to_array(a)[sl]

    train = tree.map_structure(lambda a: cut(a, slice(0, split)), arrays)
    val = tree.map_structure(lambda a: cut(a, slice(split, n)), arrays)
    return train, val
