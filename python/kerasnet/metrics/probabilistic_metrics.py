"""Probabilistic and hinge metrics: running means of those losses."""

from kerasnet.losses.hinge import categorical_hinge, hinge, squared_hinge
from kerasnet.losses.probabilistic import (
    binary_crossentropy,
    categorical_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from kerasnet.metrics.reduction_metrics import _LossMean


class KLDivergence(_LossMean):
    """Running mean of the KL divergence `y_true * log(y_true / y_pred)`.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _FN = staticmethod(kl_divergence)

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(name=name, dtype=dtype)


class Poisson(_LossMean):
    """Running mean of the Poisson loss `y_pred - y_true * log(y_pred)`.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _FN = staticmethod(poisson)

    def __init__(self, name="poisson", dtype=None):
        super().__init__(name=name, dtype=dtype)


class BinaryCrossentropy(_LossMean):
    """Running mean of the binary cross-entropy.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        from_logits: whether predictions are logits.
        label_smoothing: in [0, 1]; squeezes targets towards 0.5.
    """

    _FN = staticmethod(binary_crossentropy)

    def __init__(
        self,
        name="binary_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
    ):
        super().__init__(
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing


class CategoricalCrossentropy(_LossMean):
    """Running mean of the categorical cross-entropy (one-hot labels).

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        from_logits: whether predictions are logits.
        label_smoothing: in [0, 1].
        axis: the class axis (default -1).
    """

    _FN = staticmethod(categorical_crossentropy)

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(_LossMean):
    """Running mean of the sparse categorical cross-entropy (integer labels).

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        from_logits: whether predictions are logits.
        axis: the class axis (default -1).
    """

    _FN = staticmethod(sparse_categorical_crossentropy)

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        axis=-1,
    ):
        super().__init__(
            name=name, dtype=dtype, from_logits=from_logits, axis=axis
        )
        self.from_logits = from_logits
        self.axis = axis


class Hinge(_LossMean):
    """Running mean of the hinge loss.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _FN = staticmethod(hinge)

    def __init__(self, name="hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class SquaredHinge(_LossMean):
    """Running mean of the squared hinge loss.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _FN = staticmethod(squared_hinge)

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class CategoricalHinge(_LossMean):
    """Running mean of the categorical hinge loss.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _FN = staticmethod(categorical_hinge)

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)
