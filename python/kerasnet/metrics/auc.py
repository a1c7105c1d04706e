"""AUC: area under the ROC or precision-recall curve, by Riemann sum."""

import numpy as np

from kerasnet import initializers, ops
from kerasnet.backend import epsilon
from kerasnet.losses.loss import divide_no_nan
from kerasnet.metrics import metrics_utils
from kerasnet.metrics.metric import Metric

_CM = metrics_utils.ConfusionMatrix


class AUC(Metric):
    """Approximates the AUC of the ROC (default) or PR curve.

    Predictions are counted at `num_thresholds` thresholds (linearly spaced
    in [0, 1], plus -epsilon and 1 + epsilon endpoints so that 0 and 1 are
    counted), giving TP/FP/TN/FN per threshold; the area is a Riemann sum
    over consecutive thresholds. "interpolation" uses the mid-point rule for
    ROC and, for PR, interpolates TP and FP linearly (Davis & Goadrich 2006)
    rather than precision; "minoring" and "majoring" give lower and upper
    bounds.

    Args:
        num_thresholds: number of thresholds (> 1; default 200).
        curve: "ROC" or "PR".
        summation_method: "interpolation", "minoring" or "majoring".
        name: name of the metric instance.
        dtype: dtype of the result.
        thresholds: explicit thresholds in [0, 1] (then `num_thresholds` is
            ignored; the endpoints are added).
        multi_label: compute one AUC per label (last axis of rank-2 data) and
            average them, instead of flattening all labels together.
        num_labels: number of labels with `multi_label` (else found on the
            first update).
        label_weights: non-negative weights per label: used to average the
            per-label AUCs with `multi_label`, else to weight the flattened
            predictions.
        from_logits: whether predictions are logits (sigmoid is applied).

    Example:

    >>> m = AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> m.result()  # thresholds [-eps, 0.5, 1 + eps]: 0.75
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        self._direction = "up"
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            thresholds = sorted(metrics_utils.to_list(thresholds))
            metrics_utils.assert_thresholds_range(thresholds)
            self.num_thresholds = len(thresholds) + 2
            self._thresholds_distributed_evenly = (
                metrics_utils.is_evenly_distributed_thresholds(
                    np.array([0.0] + thresholds + [1.0])
                )
            )
        else:
            if (
                isinstance(num_thresholds, bool)
                or not isinstance(num_thresholds, int)
                or num_thresholds <= 1
            ):
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds!r}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [
                (i + 1) * 1.0 / (num_thresholds - 1)
                for i in range(num_thresholds - 2)
            ]
            self._thresholds_distributed_evenly = True
        self._thresholds = np.array(
            [0.0 - epsilon()] + list(thresholds) + [1.0 + epsilon()]
        )
        self.curve = (
            curve
            if isinstance(curve, metrics_utils.AUCCurve)
            else metrics_utils.AUCCurve.from_str(curve)
        )
        self.summation_method = (
            summation_method
            if isinstance(summation_method, metrics_utils.AUCSummationMethod)
            else metrics_utils.AUCSummationMethod.from_str(summation_method)
        )
        super().__init__(name=name, dtype=dtype)
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        if label_weights is not None:
            weights = np.asarray(label_weights, dtype=np.float64)
            if weights.ndim != 1 or (weights < 0).any():
                raise ValueError(
                    "Argument `label_weights` must be a list of non-negative "
                    f"weights. Received: label_weights={label_weights!r}"
                )
            self.label_weights = ops.convert_to_tensor(
                weights, dtype=self.dtype
            )
        else:
            self.label_weights = None
        self._from_logits = from_logits
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError(
                    "`num_labels` is needed only when `multi_label` is True."
                )
            self._build(None)

    @property
    def thresholds(self):
        """The thresholds, endpoints included."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. "
                    f"Found rank {len(shape)}. Full shape received for "
                    f"`y_pred`: {tuple(shape)}"
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        for name in (
            "true_positives",
            "false_positives",
            "true_negatives",
            "false_negatives",
        ):
            setattr(
                self,
                name,
                self.add_variable(
                    shape=variable_shape,
                    initializer=initializers.Zeros(),
                    name=name,
                ),
            )
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates the confusion counts at every threshold."""
        y_pred = ops.convert_to_tensor(y_pred)
        if not self._built:
            self._build(tuple(y_pred.shape))
        if self._from_logits:
            y_pred = ops.sigmoid(ops.cast(y_pred, self.dtype))
        label_weights = None if self.multi_label else self.label_weights
        metrics_utils.update_confusion_matrix_variables(
            {
                _CM.TRUE_POSITIVES: self.true_positives,
                _CM.TRUE_NEGATIVES: self.true_negatives,
                _CM.FALSE_POSITIVES: self.false_positives,
                _CM.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=label_weights,
        )

    def _counts(self):
        return tuple(
            ops.convert_to_tensor(v)
            for v in (
                self.true_positives,
                self.false_positives,
                self.true_negatives,
                self.false_negatives,
            )
        )

    def _average_labels(self, per_threshold):
        if not self.multi_label:
            return ops.sum(per_threshold)
        by_label = ops.sum(per_threshold, axis=0)
        if self.label_weights is None:
            return ops.mean(by_label)
        return divide_no_nan(
            ops.sum(ops.multiply(by_label, self.label_weights)),
            ops.sum(self.label_weights),
        )

    def interpolate_pr_auc(self):
        """PR-AUC with TP and P = TP + FP linear within each interval.

        Over an interval [A, B] precision is (TP_A + slope * (P - P_A)) / P
        with slope = dTP / dP, whose integral over recall is
        slope * (dTP + intercept * log(P_B / P_A)) / (TP + FN), intercept =
        TP_B - slope * P_B; when P_A is 0 the log term drops.
        """
        tp, fp, _, fn = self._counts()
        n = self.num_thresholds
        dtp = ops.subtract(tp[: n - 1], tp[1:])
        p = ops.add(tp, fp)
        dp = ops.subtract(p[: n - 1], p[1:])
        prec_slope = divide_no_nan(dtp, ops.maximum(dp, 0.0))
        intercept = ops.subtract(tp[1:], ops.multiply(prec_slope, p[1:]))
        both_positive = ops.logical_and(
            ops.greater(p[: n - 1], 0), ops.greater(p[1:], 0)
        )
        safe_p_ratio = ops.where(
            both_positive,
            divide_no_nan(p[: n - 1], ops.maximum(p[1:], 0.0)),
            ops.ones_like(p[1:]),
        )
        increments = divide_no_nan(
            ops.multiply(
                prec_slope,
                ops.add(dtp, ops.multiply(intercept, ops.log(safe_p_ratio))),
            ),
            ops.maximum(ops.add(tp[1:], fn[1:]), 0.0),
        )
        return self._average_labels(increments)

    def result(self):
        if (
            self.curve == metrics_utils.AUCCurve.PR
            and self.summation_method
            == metrics_utils.AUCSummationMethod.INTERPOLATION
        ):
            return self.interpolate_pr_auc()
        tp, fp, tn, fn = self._counts()
        n = self.num_thresholds
        recall = divide_no_nan(tp, ops.add(tp, fn))
        if self.curve == metrics_utils.AUCCurve.ROC:
            x = divide_no_nan(fp, ops.add(fp, tn))
            y = recall
        else:
            x = recall
            y = divide_no_nan(tp, ops.add(tp, fp))
        method = self.summation_method
        if method == metrics_utils.AUCSummationMethod.INTERPOLATION:
            heights = ops.divide(ops.add(y[: n - 1], y[1:]), 2.0)
        elif method == metrics_utils.AUCSummationMethod.MINORING:
            heights = ops.minimum(y[: n - 1], y[1:])
        else:
            heights = ops.maximum(y[: n - 1], y[1:])
        riemann = ops.multiply(ops.subtract(x[: n - 1], x[1:]), heights)
        return self._average_labels(riemann)

    def reset_state(self):
        if not self._built:
            return
        for v in (
            self.true_positives,
            self.false_positives,
            self.true_negatives,
            self.false_negatives,
        ):
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def get_config(self):
        label_weights = self.label_weights
        if label_weights is not None:
            label_weights = [float(w) for w in label_weights.numpy()]
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve.value,
            "summation_method": self.summation_method.value,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = [float(t) for t in self.thresholds[1:-1]]
        return {**super().get_config(), **config}
