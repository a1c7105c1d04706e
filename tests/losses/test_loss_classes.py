"""Loss classes: reductions, sample weights, masks, dtypes, configs, names."""

import numpy as np
import pytest

import kerasnet
from kerasnet import losses, ops

RNG = np.random.default_rng(11)
T = RNG.normal(size=(4, 3))
P = RNG.normal(size=(4, 3))
PER_SAMPLE = ((T - P) ** 2).mean(-1)  # MSE per sample


@pytest.mark.parametrize(
    "reduction, want",
    [
        ("sum_over_batch_size", PER_SAMPLE.mean()),
        ("mean", PER_SAMPLE.mean()),
        ("sum", PER_SAMPLE.sum()),
        ("mean_with_sample_weight", PER_SAMPLE.mean()),
    ],
)
def test_reductions(reduction, want):
    loss = losses.MeanSquaredError(reduction=reduction)
    out = loss(T, P)
    assert out.shape == () and out.dtype == "float32"
    np.testing.assert_allclose(float(out), want, rtol=1e-5)


@pytest.mark.parametrize("reduction", [None, "none"])
def test_no_reduction(reduction):
    out = losses.MeanSquaredError(reduction=reduction)(T, P)
    np.testing.assert_allclose(out.numpy(), PER_SAMPLE, rtol=1e-5)


def test_sample_weight_shapes_and_reductions():
    w = np.array([0.5, 0.0, 2.0, 1.0])
    weighted = PER_SAMPLE * w
    mse = losses.MeanSquaredError()
    for sw in (w, w[:, None], list(w)):
        np.testing.assert_allclose(
            float(mse(T, P, sample_weight=sw)), weighted.sum() / 4, rtol=1e-5
        )
    np.testing.assert_allclose(
        float(mse(T, P, sample_weight=2.0)), 2 * PER_SAMPLE.mean(), rtol=1e-5
    )
    total = losses.MeanSquaredError(reduction="sum")
    np.testing.assert_allclose(
        float(total(T, P, sample_weight=w)), weighted.sum(), rtol=1e-5
    )
    by_weight = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    np.testing.assert_allclose(
        float(by_weight(T, P, sample_weight=w)),
        weighted.sum() / w.sum(),
        rtol=1e-5,
    )
    zero = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    assert float(zero(T, P, sample_weight=np.zeros(4))) == 0.0
    with pytest.raises(ValueError, match="sample_weight"):
        mse(T, P, sample_weight=np.ones(3))


def test_keras_mask_on_predictions():
    pred = ops.convert_to_tensor(P, dtype="float32")
    mask = np.array([True, False, True, True])
    pred._keras_mask = ops.convert_to_tensor(mask)
    out = losses.MeanSquaredError()(T, pred)
    np.testing.assert_allclose(float(out), PER_SAMPLE[mask].mean(), rtol=1e-5)
    out = losses.MeanSquaredError(reduction="sum")(T, pred)
    np.testing.assert_allclose(float(out), PER_SAMPLE[mask].sum(), rtol=1e-5)
    w = np.array([1.0, 5.0, 2.0, 0.5])
    out = losses.MeanSquaredError()(T, pred, sample_weight=w)
    np.testing.assert_allclose(
        float(out), (PER_SAMPLE * w)[mask].sum() / mask.sum(), rtol=1e-5
    )


def test_dtype_argument():
    loss = losses.MeanAbsoluteError(dtype="float64")
    assert loss.dtype == "float64"
    out = loss(T.astype(np.float32), P.astype(np.float32))
    assert out.dtype == "float64"
    assert losses.Huber().dtype == "float32"


def test_empty_batch_is_returned_unreduced():
    out = losses.MeanSquaredError()(np.zeros((0, 3)), np.zeros((0, 3)))
    assert out.shape == (0,)


def test_three_dimensional_values_mean_over_all_elements():
    t = RNG.normal(size=(2, 5, 3))
    p = RNG.normal(size=(2, 5, 3))
    out = losses.MeanSquaredError()(t, p)
    np.testing.assert_allclose(float(out), ((t - p) ** 2).mean(), rtol=1e-5)


def test_bad_reduction_and_name():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="avg")
    with pytest.raises(TypeError, match="name"):
        losses.Loss(name=3)
    with pytest.raises(TypeError, match="fn"):
        losses.LossFunctionWrapper(fn="mse")
    with pytest.raises(TypeError, match="delta"):
        losses.Huber(delta="1")


def test_custom_subclass_and_wrapper():
    class MyMSE(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.square(y_pred - y_true), axis=-1)

    loss = MyMSE()
    assert loss.name.startswith("my_mse")
    np.testing.assert_allclose(float(loss(T, P)), PER_SAMPLE.mean(), rtol=1e-5)
    assert loss.get_config()["reduction"] == "sum_over_batch_size"

    def scaled(y_true, y_pred, scale=1.0):
        return scale * ops.mean(ops.abs(y_true - y_pred), axis=-1)

    wrapper = losses.LossFunctionWrapper(scaled, name="scaled", scale=3.0)
    np.testing.assert_allclose(
        float(wrapper(T, P)), 3 * np.abs(T - P).mean(), rtol=1e-5
    )
    config = losses.serialize(wrapper)
    clone = losses.deserialize(config, custom_objects={"scaled": scaled})
    np.testing.assert_allclose(float(clone(T, P)), float(wrapper(T, P)))
    with pytest.raises(NotImplementedError):
        losses.Loss()(T, P)


def test_structures_of_outputs():
    # A list of tensors is a structure; a nested list of numbers is a value.
    out = losses.mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]])
    np.testing.assert_allclose(out.numpy(), [0.5])

    class PairLoss(losses.Loss):
        def call(self, y_true, y_pred):
            return losses.mean_squared_error(
                y_true[0], y_pred[0]
            ) + losses.mean_squared_error(y_true[1], y_pred[1])

    out = PairLoss()([T, T], [P, T])
    np.testing.assert_allclose(float(out), PER_SAMPLE.mean(), rtol=1e-5)


DEFAULTS = {
    losses.MeanSquaredError: ("mean_squared_error", {}),
    losses.MeanAbsoluteError: ("mean_absolute_error", {}),
    losses.MeanAbsolutePercentageError: ("mean_absolute_percentage_error", {}),
    losses.MeanSquaredLogarithmicError: ("mean_squared_logarithmic_error", {}),
    losses.Huber: ("huber_loss", {"delta": 1.0}),
    losses.LogCosh: ("log_cosh", {}),
    losses.CosineSimilarity: ("cosine_similarity", {"axis": -1}),
    losses.Hinge: ("hinge", {}),
    losses.SquaredHinge: ("squared_hinge", {}),
    losses.CategoricalHinge: ("categorical_hinge", {}),
    losses.KLDivergence: ("kl_divergence", {}),
    losses.Poisson: ("poisson", {}),
    losses.BinaryCrossentropy: (
        "binary_crossentropy",
        {"from_logits": False, "label_smoothing": 0.0, "axis": -1},
    ),
    losses.BinaryFocalCrossentropy: (
        "binary_focal_crossentropy",
        {
            "from_logits": False,
            "label_smoothing": 0.0,
            "axis": -1,
            "apply_class_balancing": False,
            "alpha": 0.25,
            "gamma": 2.0,
        },
    ),
    losses.CategoricalCrossentropy: (
        "categorical_crossentropy",
        {"from_logits": False, "label_smoothing": 0.0, "axis": -1},
    ),
    losses.CategoricalFocalCrossentropy: (
        "categorical_focal_crossentropy",
        {
            "from_logits": False,
            "label_smoothing": 0.0,
            "axis": -1,
            "alpha": 0.25,
            "gamma": 2.0,
        },
    ),
    losses.SparseCategoricalCrossentropy: (
        "sparse_categorical_crossentropy",
        {"from_logits": False, "ignore_class": None},
    ),
}


@pytest.mark.parametrize("cls", list(DEFAULTS), ids=lambda c: c.__name__)
def test_defaults_config_and_round_trip(cls):
    name, extra = DEFAULTS[cls]
    loss = cls()
    assert loss.name == name and loss.reduction == "sum_over_batch_size"
    assert loss.get_config() == {
        "name": name,
        "reduction": "sum_over_batch_size",
        **extra,
    }
    config = losses.serialize(loss)
    assert config["module"] == "keras.losses"
    assert config["class_name"] == cls.__name__
    clone = losses.deserialize(config)
    assert type(clone) is cls and clone.get_config() == loss.get_config()
    custom = cls(reduction="sum", name="custom")
    clone = cls.from_config(custom.get_config())
    assert (clone.name, clone.reduction) == ("custom", "sum")


def test_config_values_survive_round_trip():
    loss = losses.Huber(delta=0.25, reduction="sum")
    clone = losses.deserialize(losses.serialize(loss))
    np.testing.assert_allclose(float(clone(T, P)), float(loss(T, P)))
    loss = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)
    clone = losses.get(losses.serialize(loss))
    assert clone.from_logits and clone.label_smoothing == 0.1


@pytest.mark.parametrize(
    "name, fn",
    [
        ("mse", losses.mean_squared_error),
        ("MSE", losses.mean_squared_error),
        ("mae", losses.mean_absolute_error),
        ("mape", losses.mean_absolute_percentage_error),
        ("msle", losses.mean_squared_logarithmic_error),
        ("kld", losses.kl_divergence),
        ("bce", losses.binary_crossentropy),
        ("categorical_crossentropy", losses.categorical_crossentropy),
        (
            "sparse_categorical_crossentropy",
            losses.sparse_categorical_crossentropy,
        ),
        ("binary_crossentropy", losses.binary_crossentropy),
        ("huber", losses.huber),
        ("log_cosh", losses.log_cosh),
        ("logcosh", losses.log_cosh),
        ("hinge", losses.hinge),
        ("poisson", losses.poisson),
        ("cosine_similarity", losses.cosine_similarity),
    ],
)
def test_get_function_names(name, fn):
    assert losses.get(name) is fn
    assert losses.deserialize(losses.serialize(fn)) is fn


def test_get_class_names_and_errors():
    assert isinstance(
        losses.get("CategoricalCrossentropy"), losses.CategoricalCrossentropy
    )
    got = losses.get(
        {
            "class_name": "CategoricalCrossentropy",
            "config": {"from_logits": True},
        }
    )
    assert got.from_logits
    assert losses.get(None) is None
    inst = losses.Huber()
    assert losses.get(inst) is inst
    with pytest.raises(ValueError, match="loss"):
        losses.get("not_a_loss")
    with pytest.raises(ValueError, match="loss"):
        losses.get(42)


def test_training_gradient_through_loss():
    w = kerasnet.Variable(np.zeros((3, 1), dtype=np.float32))
    x = RNG.normal(size=(8, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32)
    loss = losses.MeanSquaredError()
    with kerasnet.GradientTape() as tape:
        value = loss(y, ops.matmul(x, w))
    grad = tape.gradient(value, w).numpy()
    np.testing.assert_allclose(grad, -2 * x.T @ y / 8, rtol=1e-5)
