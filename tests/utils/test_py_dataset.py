"""PyDataset: Keras' constructor arguments, and training from one."""

import math

import kerasnet as keras
import numpy as np
import pytest
from kerasnet.utils import PyDataset


class ArrayDataset(PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended = 0
        self.seen = []

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, idx):
        self.seen.append(idx)
        lo = idx * self.batch_size
        hi = min(lo + self.batch_size, len(self.x))
        return self.x[lo:hi], self.y[lo:hi]

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_constructor_arguments_and_defaults():
    ds = ArrayDataset(np.zeros((5, 2)), np.zeros(5), 2)
    assert (ds.workers, ds.use_multiprocessing, ds.max_queue_size) == (
        1,
        False,
        10,
    )
    ds = ArrayDataset(
        np.zeros((5, 2)),
        np.zeros(5),
        2,
        workers=4,
        use_multiprocessing=True,
        max_queue_size=3,
    )
    assert (ds.workers, ds.use_multiprocessing, ds.max_queue_size) == (
        4,
        True,
        3,
    )
    assert ds.num_batches == 3


def test_subclass_without_super_init_gets_defaults():
    class Bare(PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, i):
            return np.zeros((1, 1)), np.zeros((1,))

    ds = Bare()
    assert (ds.workers, ds.use_multiprocessing, ds.max_queue_size) == (
        1,
        False,
        10,
    )


def test_base_class_methods_must_be_implemented():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        PyDataset()[0]
    with pytest.raises(NotImplementedError, match="__len__"):
        len(PyDataset())


def test_sequence_is_an_alias():
    assert keras.utils.Sequence is PyDataset


def test_fit_evaluate_predict_from_a_pydataset():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((10, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    ds = ArrayDataset(x, y, batch_size=4)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(ds, epochs=3, verbose=0, shuffle=False)
    assert len(history.history["loss"]) == 3
    assert ds.epochs_ended == 3
    assert sorted(set(ds.seen)) == [0, 1, 2]
    assert np.isfinite(model.evaluate(ds, verbose=0))
    pred = model.predict(ArrayDataset(x, y, batch_size=4), verbose=0)
    assert pred.shape == (10, 1)
