"""fit/evaluate/predict on numpy arrays, lists and dicts of arrays, tensors,
Python generators and PyDataset; batching, shuffling, steps_per_epoch."""

import numpy as np
import pytest
from trainer_helpers import (
    BatchRecorder,
    SeenInputs,
    linear_model,
    sgd_mse_step,
)

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(47)
X = RNG.standard_normal((20, 3)).astype("float32")
Y = RNG.standard_normal((20, 1)).astype("float32")


def test_one_full_batch_epoch_is_one_sgd_step():
    model = linear_model(lr=0.1)
    w, b = model.get_weights()
    history = model.fit(X, Y, batch_size=20, epochs=1, verbose=0, shuffle=False)
    w_ref, b_ref = sgd_mse_step(w, b, X, Y, 0.1)
    np.testing.assert_allclose(model.get_weights()[0], w_ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.get_weights()[1], b_ref, rtol=1e-5, atol=1e-6)
    # The logged loss is the loss before the update.
    np.testing.assert_allclose(history.history["loss"][0], ((X @ w + b - Y) ** 2).mean(), rtol=1e-5)


def test_mini_batches_in_order_without_shuffle():
    model = linear_model(lr=0.05)
    w, b = model.get_weights()
    recorder = BatchRecorder()
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0, shuffle=False, callbacks=[recorder])
    assert recorder.batches == [0, 1, 2]  # 8 + 8 + 4 samples
    for sl in (slice(0, 8), slice(8, 16), slice(16, 20)):
        w, b = sgd_mse_step(w, b, X[sl], Y[sl], 0.05)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-5, atol=1e-6)


def test_default_batch_size_is_32():
    x = np.zeros((70, 3), "float32")
    recorder = BatchRecorder()
    linear_model().fit(x, np.zeros((70, 1), "float32"), epochs=1, verbose=0, callbacks=[recorder])
    assert recorder.batches == [0, 1, 2]


def test_shuffle_permutes_each_epoch_and_is_seedable():
    def run(shuffle, seed=0):
        kerasnet.utils.set_random_seed(seed)
        seen = SeenInputs()
        model = kerasnet.Sequential([kerasnet.Input((3,)), seen, layers.Dense(1)])
        model.compile("sgd", "mse")
        x = np.arange(30, dtype="float32").reshape(10, 3)
        model.fit(x, np.zeros((10, 1), "float32"), batch_size=4, epochs=2, verbose=0, shuffle=shuffle)
        return [np.concatenate(seen.seen[:3]), np.concatenate(seen.seen[3:])]

    ordered = run(False)
    np.testing.assert_array_equal(ordered[0], np.arange(0, 30, 3))
    np.testing.assert_array_equal(ordered[1], np.arange(0, 30, 3))
    shuffled = run(True)
    for epoch in shuffled:
        np.testing.assert_array_equal(np.sort(epoch), np.arange(0, 30, 3))
    assert not np.array_equal(shuffled[0], np.arange(0, 30, 3))
    assert not np.array_equal(shuffled[0], shuffled[1])
    again = run(True)
    np.testing.assert_array_equal(again[0], shuffled[0])


def test_lists_and_dicts_of_arrays():
    a, b = kerasnet.Input((2,), name="a"), kerasnet.Input((1,), name="b")
    out = layers.Dense(1, name="out")(layers.Concatenate()([a, b]))
    model = kerasnet.Model([a, b], out)
    model.compile(kerasnet.optimizers.SGD(0.1), "mse")
    xa, xb = X[:, :2], X[:, 2:]
    w, bias = model.get_weights()
    model.fit([xa, xb], Y, batch_size=20, epochs=1, verbose=0)
    w_ref, _ = sgd_mse_step(w, bias, X, Y, 0.1)
    np.testing.assert_allclose(model.get_weights()[0], w_ref, rtol=1e-5, atol=1e-6)
    loss_list = model.evaluate([xa, xb], Y, verbose=0)
    loss_dict = model.evaluate({"a": xa, "b": xb}, Y, verbose=0)
    assert loss_list == pytest.approx(loss_dict, rel=1e-6)
    np.testing.assert_allclose(model.predict({"a": xa, "b": xb}, verbose=0),
                               model.predict([xa, xb], verbose=0), rtol=1e-6)
    dict_model = kerasnet.Model({"a": a, "b": b}, {"out": out})
    dict_model.compile(kerasnet.optimizers.SGD(0.1), {"out": "mse"})
    h = dict_model.fit({"a": xa, "b": xb}, {"out": Y}, batch_size=5, epochs=2, verbose=0)
    assert len(h.history["loss"]) == 2


def test_tensor_inputs():
    model = linear_model()
    loss_np = model.evaluate(X, Y, verbose=0)
    loss_t = model.evaluate(kerasnet.ops.convert_to_tensor(X), kerasnet.ops.convert_to_tensor(Y),
                            verbose=0)
    assert loss_np == pytest.approx(loss_t, rel=1e-6)


def test_python_generators():
    def batches(n_epochs_worth):
        for _ in range(n_epochs_worth):
            for i in range(0, 20, 5):
                yield X[i:i + 5], Y[i:i + 5]

    model = linear_model(lr=0.05)
    w, b = model.get_weights()
    recorder = BatchRecorder()
    model.fit(batches(2), steps_per_epoch=4, epochs=2, verbose=0, callbacks=[recorder])
    assert recorder.batches == [0, 1, 2, 3] * 2 and recorder.epochs == [0, 1]
    for _ in range(2):
        for i in range(0, 20, 5):
            w, b = sgd_mse_step(w, b, X[i:i + 5], Y[i:i + 5], 0.05)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-4, atol=1e-6)
    # A finite generator without steps runs to its end; evaluate and predict too.
    model.fit(batches(1), epochs=1, verbose=0)
    assert model.evaluate(batches(1), verbose=0) == pytest.approx(model.evaluate(X, Y, verbose=0), rel=1e-5)
    pred = model.predict((x for x, _ in batches(1)), verbose=0)
    np.testing.assert_allclose(pred, model.predict(X, verbose=0), rtol=1e-6)
    with pytest.raises(ValueError, match="do not pass `y`"):
        model.fit(batches(1), Y, verbose=0)


class Batches(kerasnet.utils.PyDataset):
    def __init__(self, x, y, batch_size, sample_weight=None):
        super().__init__()
        self.x, self.y, self.batch_size, self.sw = x, y, batch_size, sample_weight
        self.epoch_ends = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, i):
        sl = slice(i * self.batch_size, (i + 1) * self.batch_size)
        if self.sw is None:
            return self.x[sl], self.y[sl]
        return self.x[sl], self.y[sl], self.sw[sl]

    def on_epoch_end(self):
        self.epoch_ends += 1


def test_py_dataset():
    model = linear_model(lr=0.05)
    w, b = model.get_weights()
    data = Batches(X, Y, 8)
    recorder = BatchRecorder()
    model.fit(data, epochs=2, verbose=0, shuffle=False, callbacks=[recorder])
    assert recorder.batches == [0, 1, 2] * 2 and data.epoch_ends == 2
    for _ in range(2):
        for sl in (slice(0, 8), slice(8, 16), slice(16, 20)):
            w, b = sgd_mse_step(w, b, X[sl], Y[sl], 0.05)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-4, atol=1e-6)
    assert model.evaluate(Batches(X, Y, 7), verbose=0) == pytest.approx(
        model.evaluate(X, Y, verbose=0), rel=1e-5)
    np.testing.assert_allclose(model.predict(Batches(X, Y, 6), verbose=0), model.predict(X, verbose=0),
                               rtol=1e-6)
    with pytest.raises(ValueError, match="PyDataset"):
        model.fit(data, Y, verbose=0)


def test_steps_per_epoch_with_arrays_cycles_through_the_data():
    recorder = BatchRecorder()
    model = linear_model()
    model.fit(X, Y, batch_size=8, steps_per_epoch=5, epochs=2, verbose=0, callbacks=[recorder])
    assert recorder.batches == [0, 1, 2, 3, 4] * 2


def test_predict_batches_and_concatenates():
    model = linear_model()
    w, b = model.get_weights()
    pred = model.predict(X, batch_size=6, verbose=0)
    assert isinstance(pred, np.ndarray) and pred.shape == (20, 1)
    np.testing.assert_allclose(pred, X @ w + b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(model(X)), pred, rtol=1e-6)
