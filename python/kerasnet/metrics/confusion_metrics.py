"""Confusion-matrix metrics: TruePositives ... FalseNegatives, Precision,
Recall.

A prediction is positive at threshold t when it is strictly above t (see
Note [Confusion counts] in metrics_utils.py).
"""

from kerasnet import initializers, ops
from kerasnet.losses.loss import divide_no_nan
from kerasnet.metrics import metrics_utils
from kerasnet.metrics.metric import Metric

_CM = metrics_utils.ConfusionMatrix


def _check_optional_int(value, name, minimum):
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(
            f"Argument `{name}` must be an integer >= {minimum} or None. "
            f"Received: {name}={value!r}"
        )


class _ConfusionMatrixConditionCount(Metric):
    """The weighted count of one confusion-matrix condition per threshold."""

    _CONDITION = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = metrics_utils.parse_init_thresholds(
            thresholds, default_threshold=0.5
        )
        self._thresholds_distributed_evenly = (
            metrics_utils.is_evenly_distributed_thresholds(self.thresholds)
        )
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),),
            initializer=initializers.Zeros(),
            name="accumulator",
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        metrics_utils.update_confusion_matrix_variables(
            {self._CONDITION: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        value = ops.convert_to_tensor(self.accumulator)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false positives at each threshold.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5); use 0
            for logits.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _CONDITION = _CM.FALSE_POSITIVES


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false negatives at each threshold.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5).
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _CONDITION = _CM.FALSE_NEGATIVES


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true negatives at each threshold.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5).
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _CONDITION = _CM.TRUE_NEGATIVES


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true positives at each threshold.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5).
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _CONDITION = _CM.TRUE_POSITIVES


class _PrecisionRecallBase(Metric):
    """Shared state of Precision and Recall: TP and one error count."""

    _ERROR = None  # ConfusionMatrix member counted against true positives
    _ERROR_NAME = None

    def __init__(
        self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        _check_optional_int(top_k, "top_k", 1)
        _check_optional_int(class_id, "class_id", 0)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else metrics_utils.NEG_INF
        self.thresholds = metrics_utils.parse_init_thresholds(
            thresholds, default_threshold=default
        )
        self._thresholds_distributed_evenly = (
            metrics_utils.is_evenly_distributed_thresholds(self.thresholds)
        )
        n = len(self.thresholds)
        self.true_positives = self.add_variable(
            shape=(n,),
            initializer=initializers.Zeros(),
            name="true_positives",
        )
        setattr(
            self,
            self._ERROR_NAME,
            self.add_variable(
                shape=(n,),
                initializer=initializers.Zeros(),
                name=self._ERROR_NAME,
            ),
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates counts (`y_true` cast to bool, `y_pred` in [0, 1])."""
        metrics_utils.update_confusion_matrix_variables(
            {
                _CM.TRUE_POSITIVES: self.true_positives,
                self._ERROR: getattr(self, self._ERROR_NAME),
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        tp = ops.convert_to_tensor(self.true_positives)
        error = ops.convert_to_tensor(getattr(self, self._ERROR_NAME))
        value = divide_no_nan(tp, ops.add(tp, error))
        return value[0] if len(self.thresholds) == 1 else value

    def reset_state(self):
        n = len(self.thresholds)
        self.true_positives.assign(ops.zeros((n,), dtype=self.dtype))
        getattr(self, self._ERROR_NAME).assign(
            ops.zeros((n,), dtype=self.dtype)
        )

    def get_config(self):
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecallBase):
    """Precision: TP / (TP + FP) of the predictions.

    With `top_k`, only each row's k largest predictions count as positive;
    with `class_id`, only that class column is considered.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5, or no
            threshold when `top_k` is set); one result per threshold.
        top_k: consider only the top-k predictions of each row.
        class_id: the class column, in [0, num_classes).
        name: name of the metric instance.
        dtype: dtype of the result.

    Example:

    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> m.result()  # 2 / 3
    """

    _ERROR = _CM.FALSE_POSITIVES
    _ERROR_NAME = "false_positives"


class Recall(_PrecisionRecallBase):
    """Recall: TP / (TP + FN) of the predictions.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5, or no
            threshold when `top_k` is set); one result per threshold.
        top_k: consider only the top-k predictions of each row.
        class_id: the class column, in [0, num_classes).
        name: name of the metric instance.
        dtype: dtype of the result.

    Example:

    >>> m = Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> m.result()  # 2 / 3
    """

    _ERROR = _CM.FALSE_NEGATIVES
    _ERROR_NAME = "false_negatives"
