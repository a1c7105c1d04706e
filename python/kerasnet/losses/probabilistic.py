"""Probabilistic losses: the cross-entropies (binary, focal, categorical,
sparse), KL divergence and Poisson. The cross-entropy math itself is in
_crossentropy.py (see Note [Stable cross-entropy] there).
"""

import warnings

from kerasnet import ops
from kerasnet.backend import epsilon
from kerasnet.losses import _crossentropy
from kerasnet.losses.loss import LossFunctionWrapper
from kerasnet.losses.regression import prepare


def _check_axis(axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(
            "`axis` must be of type `int`. "
            f"Received: axis={axis!r} of type {type(axis)}"
        )


def _check_label_smoothing(label_smoothing):
    if (
        isinstance(label_smoothing, bool)
        or not isinstance(label_smoothing, (int, float))
        or not 0 <= label_smoothing <= 1
    ):
        raise ValueError(
            "Argument `label_smoothing` must be a float in [0, 1]. "
            f"Received: label_smoothing={label_smoothing!r}"
        )


def _warn_one_class(y_pred, loss_name):
    if len(y_pred.shape) and y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {loss_name}, expected y_pred.shape to be "
            "(batch_size, num_classes) with num_classes > 1. Received: "
            f"y_pred.shape={tuple(y_pred.shape)}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def _keep_logits(y_pred, converted):
    """Carries activation logits over a dtype conversion."""
    logits = getattr(y_pred, "_keras_logits", None)
    if logits is not None and converted is not y_pred:
        converted._keras_logits = logits
    return converted


def _prepare(y_true, y_pred):
    true, pred = prepare(y_true, y_pred)
    return true, _keep_logits(y_pred, pred)


def binary_crossentropy(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Binary cross-entropy, averaged over `axis`.

    Args:
        y_true: targets in {0, 1} (or soft targets in [0, 1]).
        y_pred: probabilities, or logits with `from_logits=True`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; targets become
            `y_true * (1 - label_smoothing) + 0.5 * label_smoothing`.
        axis: the axis the mean is taken over.
    """
    _check_label_smoothing(label_smoothing)
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        y_true = ops.add(
            ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing
        )
    bce = _crossentropy.binary_crossentropy(y_true, y_pred, from_logits)
    return ops.mean(bce, axis=axis)


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary focal cross-entropy (Lin et al., 2018), averaged over `axis`.

    The binary cross-entropy is multiplied by `(1 - p_t) ** gamma`, where p_t
    is the predicted probability of the true class, and with
    `apply_class_balancing` by `alpha` for class 1 and `1 - alpha` for class 0.
    """
    _check_label_smoothing(label_smoothing)
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        y_true = ops.add(
            ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing
        )
    # As Keras: from logits, the probabilities (not the logits) feed the
    # clipped cross-entropy, so both branches agree on saturated inputs.
    probs = ops.sigmoid(y_pred) if from_logits else y_pred
    bce = _crossentropy.binary_crossentropy(y_true, probs, False)
    one_minus_true = ops.subtract(1.0, y_true)
    p_t = ops.add(
        ops.multiply(y_true, probs),
        ops.multiply(one_minus_true, ops.subtract(1.0, probs)),
    )
    focal = ops.multiply(ops.power(ops.subtract(1.0, p_t), gamma), bce)
    if apply_class_balancing:
        weight = ops.add(
            ops.multiply(y_true, alpha),
            ops.multiply(one_minus_true, 1.0 - alpha),
        )
        focal = ops.multiply(weight, focal)
    return ops.mean(focal, axis=axis)


def categorical_crossentropy(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Categorical cross-entropy for one-hot targets.

    Args:
        y_true: one-hot (or soft) targets.
        y_pred: probabilities, or logits with `from_logits=True`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; targets become
            `y_true * (1 - label_smoothing) + label_smoothing / num_classes`.
        axis: the class axis.
    """
    _check_axis(axis)
    _check_label_smoothing(label_smoothing)
    y_true, y_pred = _prepare(y_true, y_pred)
    _warn_one_class(y_pred, "categorical_crossentropy")
    if label_smoothing:
        num_classes = y_true.shape[-1]
        y_true = ops.add(
            ops.multiply(y_true, 1.0 - label_smoothing),
            label_smoothing / num_classes,
        )
    return _crossentropy.categorical_crossentropy(
        y_true, y_pred, from_logits, axis
    )


def categorical_focal_crossentropy(
    y_true,
    y_pred,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Categorical focal cross-entropy: `sum(alpha * (1 - p) ** gamma * CE)`."""
    _check_axis(axis)
    _check_label_smoothing(label_smoothing)
    y_true, y_pred = _prepare(y_true, y_pred)
    _warn_one_class(y_pred, "categorical_focal_crossentropy")
    if label_smoothing:
        num_classes = y_true.shape[-1]
        y_true = ops.add(
            ops.multiply(y_true, 1.0 - label_smoothing),
            label_smoothing / num_classes,
        )
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    output = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
    output = ops.clip(output, epsilon(), 1.0 - epsilon())
    cce = ops.negative(ops.multiply(y_true, ops.log(output)))
    modulating = ops.power(ops.subtract(1.0, output), gamma)
    weighting = ops.multiply(
        modulating, ops.convert_to_tensor(alpha, dtype=output.dtype)
    )
    return ops.sum(ops.multiply(weighting, cce), axis=axis)


def sparse_categorical_crossentropy(
    y_true, y_pred, from_logits=False, ignore_class=None, axis=-1
):
    """Cross-entropy for integer class targets.

    Args:
        y_true: class indices, shape `y_pred.shape[:-1]` (or with a trailing 1).
        y_pred: probabilities, or logits with `from_logits=True`.
        from_logits: whether `y_pred` holds logits.
        ignore_class: a class id whose targets contribute 0 (and are masked
            out of the mean when used through the `Loss` class).
        axis: the class axis.
    """
    y_pred = _keep_logits(y_pred, _float(y_pred))
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    valid_mask = None
    if ignore_class is not None:
        valid_mask = ops.not_equal(
            y_true, ops.cast(ops.convert_to_tensor(ignore_class), y_true.dtype)
        )
        y_true = ops.where(valid_mask, y_true, ops.zeros((), y_true.dtype))
    res = _crossentropy.sparse_categorical_crossentropy(
        y_true, y_pred, from_logits=from_logits, axis=axis
    )
    if valid_mask is not None:
        valid_mask = ops.reshape(valid_mask, res.shape)
        res = ops.where(valid_mask, res, ops.zeros((), dtype=res.dtype))
        res._keras_mask = valid_mask
    return res


def _float(x):
    x = ops.convert_to_tensor(x)
    if x.dtype not in ("float32", "float64"):
        x = ops.cast(x, "float32")
    return x


def kl_divergence(y_true, y_pred):
    """`sum(y_true * log(y_true / y_pred), axis=-1)`, inputs in [epsilon, 1]."""
    y_true, y_pred = prepare(y_true, y_pred)
    y_true = ops.clip(y_true, epsilon(), 1.0)
    y_pred = ops.clip(y_pred, epsilon(), 1.0)
    return ops.sum(
        ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1
    )


def poisson(y_true, y_pred):
    """`mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`."""
    y_true, y_pred = prepare(y_true, y_pred)
    log_pred = ops.log(ops.add(y_pred, epsilon()))
    return ops.mean(
        ops.subtract(y_pred, ops.multiply(y_true, log_pred)), axis=-1
    )


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy for binary (0 or 1) targets.

    Args:
        from_logits: whether `y_pred` holds logits (default: probabilities).
        label_smoothing: in [0, 1]; squeezes targets towards 0.5.
        axis: the axis the mean is taken over (default -1).
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        _check_label_smoothing(label_smoothing)
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal cross-entropy: easy examples weigh `(1 - p_t) ** gamma`.

    Args:
        apply_class_balancing: weight class 1 by `alpha`, 0 by `1 - alpha`.
        alpha: balancing factor for class 1 (default 0.25).
        gamma: focusing parameter (default 2.0; 0 gives binary cross-entropy).
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; squeezes targets towards 0.5.
        axis: the axis the mean is taken over.
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        _check_label_smoothing(label_smoothing)
        super().__init__(
            binary_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot targets over two or more classes.

    Args:
        from_logits: whether `y_pred` holds logits (default: probabilities).
        label_smoothing: in [0, 1]; e.g. 0.1 gives targets 0.1 / num_classes
            and 0.9 + 0.1 / num_classes.
        axis: the class axis (default -1).
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        _check_axis(axis)
        _check_label_smoothing(label_smoothing)
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Alpha-balanced focal cross-entropy for one-hot targets.

    Args:
        alpha: weight factor (a float or one per class; default 0.25).
        gamma: focusing parameter (default 2.0).
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1].
        axis: the class axis.
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        _check_axis(axis)
        _check_label_smoothing(label_smoothing)
        super().__init__(
            categorical_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.alpha = alpha
        self.gamma = gamma


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer class targets.

    Args:
        from_logits: whether `y_pred` holds logits (default: probabilities).
        ignore_class: optional class id to ignore (e.g. a "void" class in
            segmentation): its targets give 0 and are left out of the mean.
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        if ignore_class is not None and (
            isinstance(ignore_class, bool) or not isinstance(ignore_class, int)
        ):
            raise TypeError(
                "Argument `ignore_class` must be an int or None. "
                f"Received: ignore_class={ignore_class!r}"
            )
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence: `y_true * log(y_true / y_pred)`.

    Args:
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None
    ):
        super().__init__(
            kl_divergence, name=name, reduction=reduction, dtype=dtype
        )


class Poisson(LossFunctionWrapper):
    """Poisson loss: `y_pred - y_true * log(y_pred)`.

    Args:
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="poisson", dtype=None
    ):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)

