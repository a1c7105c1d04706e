"""LambdaCallback and the hook protocol that fit / evaluate / predict follow."""

import kerasnet as keras
import pytest
from callback_helpers import dense_model
from kerasnet.callbacks import Callback, LambdaCallback


def test_fit_calls_the_hooks_in_order(regression_data):
    x, y = regression_data
    events = []
    cb = LambdaCallback(
        on_train_begin=lambda logs: events.append(("train_begin",)),
        on_epoch_begin=lambda epoch, logs: events.append(
            ("epoch_begin", epoch)
        ),
        on_train_batch_begin=lambda batch, logs: events.append(
            ("batch_begin", batch)
        ),
        on_train_batch_end=lambda batch, logs: events.append(
            ("batch_end", batch, sorted(logs))
        ),
        on_epoch_end=lambda epoch, logs: events.append(
            ("epoch_end", epoch, sorted(logs))
        ),
        on_train_end=lambda logs: events.append(("train_end",)),
    )
    dense_model().fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[cb])
    assert events == [
        ("train_begin",),
        ("epoch_begin", 0),
        ("batch_begin", 0),
        ("batch_end", 0, ["loss"]),
        ("batch_begin", 1),
        ("batch_end", 1, ["loss"]),
        ("epoch_end", 0, ["loss"]),
        ("epoch_begin", 1),
        ("batch_begin", 0),
        ("batch_end", 0, ["loss"]),
        ("batch_begin", 1),
        ("batch_end", 1, ["loss"]),
        ("epoch_end", 1, ["loss"]),
        ("train_end",),
    ]


def test_other_hooks_as_keyword_arguments(regression_data):
    x, y = regression_data
    events = []
    cb = LambdaCallback(
        on_test_begin=lambda logs: events.append("test_begin"),
        on_test_batch_end=lambda batch, logs: events.append(
            f"test_batch_{batch}"
        ),
        on_test_end=lambda logs: events.append("test_end"),
        on_predict_begin=lambda logs: events.append("predict_begin"),
        on_predict_batch_end=lambda batch, logs: events.append(
            ("predict_batch", batch, logs["outputs"].shape)
        ),
        on_predict_end=lambda logs: events.append("predict_end"),
    )
    model = dense_model()
    model.evaluate(x, y, batch_size=16, verbose=0, callbacks=[cb])
    model.predict(x, batch_size=32, verbose=0, callbacks=[cb])
    assert events == [
        "test_begin",
        "test_batch_0",
        "test_batch_1",
        "test_end",
        "predict_begin",
        ("predict_batch", 0, (32, 1)),
        "predict_end",
    ]


def test_epoch_logs_can_be_streamed(tmp_path, regression_data):
    import json

    x, y = regression_data
    path = tmp_path / "log.jsonl"
    json_log = open(path, "w")
    cb = LambdaCallback(
        on_epoch_end=lambda epoch, logs: json_log.write(
            json.dumps({"epoch": epoch, "loss": logs["loss"]}) + "\n"
        ),
        on_train_end=lambda logs: json_log.close(),
    )
    history = dense_model().fit(x, y, epochs=2, verbose=0, callbacks=[cb])
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["loss"] for r in lines] == history.history["loss"]
    assert json_log.closed


def test_stop_training_from_a_lambda(regression_data):
    x, y = regression_data
    model = dense_model()

    def stop(batch, logs):
        if batch == 2:
            model.stop_training = True

    seen = []
    cb = LambdaCallback(
        on_train_batch_end=stop, on_epoch_end=lambda e, logs: seen.append(e)
    )
    history = model.fit(x, y, epochs=4, batch_size=4, verbose=0, callbacks=[cb])
    assert seen == [0] and len(history.history["loss"]) == 1


def test_keras2_on_batch_hooks_still_run(regression_data):
    x, y = regression_data

    class OldStyle(Callback):
        def __init__(self):
            super().__init__()
            self.calls = []

        def on_batch_begin(self, batch, logs=None):
            self.calls.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            self.calls.append(("end", batch))

    cb = OldStyle()
    dense_model().fit(x, y, epochs=1, batch_size=16, verbose=0, callbacks=[cb])
    assert cb.calls == [("begin", 0), ("end", 0), ("begin", 1), ("end", 1)]


def test_bad_arguments():
    with pytest.raises(TypeError, match="on_epoch_ending"):
        LambdaCallback(on_epoch_ending=lambda e, logs: None)
    with pytest.raises(TypeError, match="must be callable"):
        LambdaCallback(on_epoch_end=5)


def test_callbacks_module_exports():
    for name in [
        "Callback",
        "CallbackList",
        "History",
        "ProgbarLogger",
        "EarlyStopping",
        "LearningRateScheduler",
        "ReduceLROnPlateau",
        "CSVLogger",
        "TerminateOnNaN",
        "LambdaCallback",
    ]:
        assert isinstance(getattr(keras.callbacks, name), type), name
