"""kerasnet.metrics: Keras 3's stateful metrics, by class and by name.

`get("mse")` / `get("accuracy")` / `get("AUC")` return metric instances;
metric functions (`binary_accuracy`, the loss functions) are exported too.
"accuracy" / "acc" resolve per output in the trainer: see
`metrics_utils.get_metric(identifier, y_true, y_pred)`.
"""

import sys as _sys

from kerasnet.metrics.metrics_utils import register_metrics_package as _register_metrics_package
from kerasnet.metrics.reduction_metrics import register_all_objects as _register_all_objects
from kerasnet.saving.serialization_lib import (
    deserialize_keras_object,
    get_from_identifier,
    serialize_keras_object,
    to_snake_case,
)
from kerasnet.losses import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from kerasnet.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from kerasnet.metrics.auc import AUC
from kerasnet.metrics.confusion_metrics import (
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from kerasnet.metrics.metric import Metric
from kerasnet.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from kerasnet.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from kerasnet.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
)

ALL_OBJECTS = (
    Metric,
    Mean,
    Sum,
    MeanMetricWrapper,
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
)

# Metric functions, found by name when a config names one (e.g. the `fn` of
# a MeanMetricWrapper); class names win for `get`, as in Keras.
_FUNCTIONS = (
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
    kl_divergence,
    poisson,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    log_cosh,
    huber,
    hinge,
    squared_hinge,
    categorical_hinge,
)

ALL_OBJECTS_DICT = {fn.__name__: fn for fn in _FUNCTIONS}
ALL_OBJECTS_DICT.update({cls.__name__: cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update({to_snake_case(c.__name__): c for c in ALL_OBJECTS})
ALL_OBJECTS_DICT.update(
    {
        "bce": BinaryCrossentropy,
        "BCE": BinaryCrossentropy,
        "mse": MeanSquaredError,
        "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError,
        "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError,
        "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError,
        "MSLE": MeanSquaredLogarithmicError,
    }
)


def serialize(metric):
    """The Keras config dict of a `Metric` instance or a metric function."""
    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """A `Metric` instance or metric function from its config (or name)."""
    return deserialize_keras_object(
        config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier):
    """A metric from a name, config, class, instance or function.

    Class names and their snake_case ("mean_squared_error", "auc") give
    instances; "mse", "mae", "mape", "msle", "bce" too. None gives None;
    anything else raises ValueError. ("acc" is resolved by the trainer.)
    """
    if identifier is None:
        return None
    return get_from_identifier(identifier, ALL_OBJECTS_DICT, "metric")


__all__ = sorted(
    [c.__name__ for c in ALL_OBJECTS] + [f.__name__ for f in _FUNCTIONS]
) + ["deserialize", "get", "serialize"]

# Lower modules of this package resolve names through these (no import back up; see
# reduction_metrics.register_all_objects and metrics_utils.register_metrics_package).
_register_all_objects(ALL_OBJECTS_DICT)
_register_metrics_package(_sys.modules[__name__])
