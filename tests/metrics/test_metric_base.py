"""Metric base, Mean, Sum, MeanMetricWrapper, and metric names/configs."""

import numpy as np
import pytest

import kerasnet
from kerasnet import metrics, ops
from kerasnet.metrics.metrics_utils import get_metric

RNG = np.random.default_rng(5)


def test_mean_and_sum_basics():
    m = metrics.Mean()
    assert float(m.result()) == 0.0  # nothing seen yet
    m.update_state([1, 3, 5, 7])
    assert float(m.result()) == 4.0
    m.update_state([10.0])
    assert float(m.result()) == pytest.approx(26 / 5)
    m.reset_state()
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert float(m.result()) == 2.0
    s = metrics.Sum()
    s.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    s.update_state(2.5)
    assert float(s.result()) == 6.5
    assert float(s([1.0, 1.0])) == 8.5  # __call__ updates and returns


def test_mean_reduces_values_to_weight_rank():
    values = RNG.normal(size=(4, 3, 2))
    w = np.array([1.0, 0.0, 2.0, 0.5])
    m = metrics.Mean()
    m.update_state(values, sample_weight=w)
    per_sample = values.mean(axis=(1, 2))
    np.testing.assert_allclose(
        float(m.result()), (per_sample * w).sum() / w.sum(), rtol=1e-5
    )
    w2 = RNG.uniform(size=(4, 3))
    m = metrics.Mean()
    m.update_state(values, sample_weight=w2)
    v = values.mean(-1) * w2
    np.testing.assert_allclose(
        float(m.result()), v.mean(-1).sum() / w2.mean(-1).sum(), rtol=1e-5
    )
    m = metrics.Mean()
    m.update_state(values)
    np.testing.assert_allclose(float(m.result()), values.mean(), rtol=1e-5)
    with pytest.raises(ValueError, match="sample_weight"):
        metrics.Mean().update_state(values, sample_weight=np.ones(3))


def test_variables_are_tracked_non_trainable_and_typed():
    m = metrics.Mean(dtype="float64")
    assert [v.name for v in m.variables] == ["total", "count"]
    assert all(not v.trainable for v in m.variables)
    assert all(v.dtype == "float64" for v in m.variables)
    m.update_state([1.0, 2.0])
    assert m.result().dtype == "float64"
    p = metrics.Precision()
    assert [v.name for v in p.variables] == [
        "true_positives",
        "false_positives",
    ]
    assert all(v.shape == (1,) for v in p.variables)


def test_custom_metric_subclass_and_nested_metrics():
    class BinaryTruePositives(metrics.Metric):
        def __init__(self, name="binary_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(
                shape=(), initializer="zeros", name="true_positives"
            )
            self.inner = metrics.Mean(name="inner")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hits = ops.cast(
                ops.logical_and(
                    ops.cast(y_true, "bool"), ops.cast(y_pred, "bool")
                ),
                self.dtype,
            )
            self.true_positives.assign_add(ops.sum(hits))
            self.inner.update_state(hits)

        def result(self):
            return self.true_positives

    m = BinaryTruePositives()
    m.update_state(np.array([1, 1, 0, 1]), np.array([1, 0, 0, 1]))
    assert float(m.result()) == 2.0
    assert [v.name for v in m.variables] == ["true_positives", "total", "count"]
    m.reset_state()
    assert float(m.result()) == 0.0 and float(m.inner.result()) == 0.0

    class Broken(metrics.Metric):
        def __init__(self):
            pass

        def update_state(self, x):
            pass

        def result(self):
            return 0.0

    with pytest.raises(RuntimeError, match="super"):
        Broken()(1.0)
    with pytest.raises(NotImplementedError):
        metrics.Metric().update_state(1.0)


def test_mean_metric_wrapper():
    def scaled_abs(y_true, y_pred, scale=1.0):
        return scale * ops.mean(ops.abs(y_true - y_pred), axis=-1)

    t = RNG.normal(size=(5, 3))
    p = RNG.normal(size=(5, 3))
    m = metrics.MeanMetricWrapper(scaled_abs, name="sa", scale=2.0)
    m.update_state(t, p, sample_weight=[1, 1, 1, 0, 0])
    want = 2 * np.abs(t - p).mean(-1)[:3].mean()
    np.testing.assert_allclose(float(m.result()), want, rtol=1e-5)
    config = metrics.serialize(m)
    assert config["config"]["fn"]["config"] == "scaled_abs"
    assert config["config"]["scale"] == 2.0
    clone = metrics.deserialize(
        config, custom_objects={"scaled_abs": scaled_abs}
    )
    clone.update_state(t, p, sample_weight=[1, 1, 1, 0, 0])
    np.testing.assert_allclose(float(clone.result()), want, rtol=1e-5)
    wrapped = metrics.MeanMetricWrapper(kerasnet.losses.mean_squared_error)
    assert wrapped._direction == "down"
    clone = metrics.deserialize(metrics.serialize(wrapped))
    assert clone._fn is kerasnet.losses.mean_squared_error
    with pytest.raises(TypeError, match="fn"):
        metrics.MeanMetricWrapper("mse")


def test_mask_on_predictions_weights_the_mean():
    t = np.array([[1.0], [2.0], [3.0]])
    p = ops.convert_to_tensor(np.array([[1.5], [0.0], [3.0]]))
    p._keras_mask = ops.convert_to_tensor(np.array([True, False, True]))
    m = metrics.MeanSquaredError()
    m.update_state(t, p)
    np.testing.assert_allclose(float(m.result()), 0.25 / 2, rtol=1e-6)


DEFAULT_CONFIGS = {
    metrics.Mean: {"name": "mean"},
    metrics.Sum: {"name": "sum"},
    metrics.Accuracy: {"name": "accuracy"},
    metrics.BinaryAccuracy: {"name": "binary_accuracy", "threshold": 0.5},
    metrics.CategoricalAccuracy: {"name": "categorical_accuracy"},
    metrics.SparseCategoricalAccuracy: {"name": "sparse_categorical_accuracy"},
    metrics.TopKCategoricalAccuracy: {
        "name": "top_k_categorical_accuracy",
        "k": 5,
    },
    metrics.SparseTopKCategoricalAccuracy: {
        "name": "sparse_top_k_categorical_accuracy",
        "k": 5,
    },
    metrics.MeanSquaredError: {"name": "mean_squared_error"},
    metrics.MeanAbsoluteError: {"name": "mean_absolute_error"},
    metrics.MeanAbsolutePercentageError: {
        "name": "mean_absolute_percentage_error"
    },
    metrics.MeanSquaredLogarithmicError: {
        "name": "mean_squared_logarithmic_error"
    },
    metrics.RootMeanSquaredError: {"name": "root_mean_squared_error"},
    metrics.LogCoshError: {"name": "logcosh"},
    metrics.CosineSimilarity: {"name": "cosine_similarity", "axis": -1},
    metrics.KLDivergence: {"name": "kl_divergence"},
    metrics.Poisson: {"name": "poisson"},
    metrics.Hinge: {"name": "hinge"},
    metrics.SquaredHinge: {"name": "squared_hinge"},
    metrics.CategoricalHinge: {"name": "categorical_hinge"},
    metrics.BinaryCrossentropy: {
        "name": "binary_crossentropy",
        "from_logits": False,
        "label_smoothing": 0,
    },
    metrics.CategoricalCrossentropy: {
        "name": "categorical_crossentropy",
        "from_logits": False,
        "label_smoothing": 0,
        "axis": -1,
    },
    metrics.SparseCategoricalCrossentropy: {
        "name": "sparse_categorical_crossentropy",
        "from_logits": False,
        "axis": -1,
    },
}


@pytest.mark.parametrize("cls", list(DEFAULT_CONFIGS), ids=lambda c: c.__name__)
def test_default_config_and_round_trip(cls):
    m = cls()
    assert m.get_config() == {"dtype": "float32", **DEFAULT_CONFIGS[cls]}
    config = metrics.serialize(m)
    assert config["module"] == "keras.metrics"
    assert config["class_name"] == cls.__name__
    clone = metrics.deserialize(config)
    assert type(clone) is cls and clone.get_config() == m.get_config()


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        (metrics.Precision, {"thresholds": [0.3, 0.6], "class_id": 1}),
        (metrics.Recall, {"top_k": 2}),
        (metrics.TruePositives, {"thresholds": 0.2}),
        (metrics.FalseNegatives, {}),
        (
            metrics.AUC,
            {
                "num_thresholds": 7,
                "curve": "PR",
                "summation_method": "minoring",
            },
        ),
        (
            metrics.AUC,
            {
                "thresholds": [0.2, 0.8],
                "multi_label": True,
                "num_labels": 2,
                "label_weights": [1.0, 3.0],
                "from_logits": True,
            },
        ),
        (metrics.BinaryAccuracy, {"threshold": 0.7, "dtype": "float64"}),
    ],
)
def test_round_trip_with_arguments(cls, kwargs):
    m = cls(name="custom", **kwargs)
    clone = metrics.deserialize(metrics.serialize(m))
    assert type(clone) is cls
    assert clone.get_config() == m.get_config()
    assert clone.name == "custom"


@pytest.mark.parametrize(
    "name, cls",
    [
        ("mse", metrics.MeanSquaredError),
        ("MSE", metrics.MeanSquaredError),
        ("mean_squared_error", metrics.MeanSquaredError),
        ("mae", metrics.MeanAbsoluteError),
        ("mape", metrics.MeanAbsolutePercentageError),
        ("msle", metrics.MeanSquaredLogarithmicError),
        ("bce", metrics.BinaryCrossentropy),
        ("accuracy", metrics.Accuracy),
        ("binary_accuracy", metrics.BinaryAccuracy),
        ("categorical_accuracy", metrics.CategoricalAccuracy),
        ("sparse_categorical_accuracy", metrics.SparseCategoricalAccuracy),
        ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
        ("auc", metrics.AUC),
        ("AUC", metrics.AUC),
        ("precision", metrics.Precision),
        ("recall", metrics.Recall),
        ("root_mean_squared_error", metrics.RootMeanSquaredError),
        ("categorical_crossentropy", metrics.CategoricalCrossentropy),
        ("RootMeanSquaredError", metrics.RootMeanSquaredError),
    ],
)
def test_get_by_name(name, cls):
    assert type(metrics.get(name)) is cls


def test_get_other_identifiers():
    assert metrics.get(None) is None
    m = metrics.Mean()
    assert metrics.get(m) is m
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    got = metrics.get(
        {"class_name": "BinaryAccuracy", "config": {"threshold": 0.3}}
    )
    assert got.threshold == 0.3
    with pytest.raises(ValueError, match="metric"):
        metrics.get("acc")  # resolved by the trainer, as in Keras
    with pytest.raises(ValueError, match="metric"):
        metrics.get(1.5)


@pytest.mark.parametrize(
    "y_true_shape, y_pred_shape, cls",
    [
        ((8, 1), (8, 1), metrics.BinaryAccuracy),
        ((8,), (8, 1), metrics.BinaryAccuracy),
        ((8,), (8, 5), metrics.SparseCategoricalAccuracy),
        ((8, 1), (8, 5), metrics.SparseCategoricalAccuracy),
        ((8, 5), (8, 5), metrics.CategoricalAccuracy),
        ((8, 4, 1), (8, 4, 6), metrics.SparseCategoricalAccuracy),
    ],
)
def test_compile_accuracy_resolution(y_true_shape, y_pred_shape, cls):
    for name in ("accuracy", "acc", "Accuracy"):
        m = get_metric(name, np.zeros(y_true_shape), np.zeros(y_pred_shape))
        assert type(m) is cls and m.name == name


def test_compile_metric_names_and_wrapping():
    t, p = np.zeros((4, 3)), np.zeros((4, 3))
    m = get_metric("mse", t, p)
    assert type(m) is metrics.MeanSquaredError and m.name == "mse"
    m = get_metric(kerasnet.losses.mean_absolute_error, t, p)
    assert isinstance(m, metrics.MeanMetricWrapper)
    assert m.name == "mean_absolute_error"
    inst = metrics.AUC(name="my_auc")
    assert get_metric(inst, t, p) is inst and inst.name == "my_auc"
    assert get_metric(None, t, p) is None
