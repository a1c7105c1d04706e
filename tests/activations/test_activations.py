"""kerasnet.activations vs numpy formulas written from Keras' docstrings."""

import math

import numpy as np
import pytest

import kerasnet
from kerasnet import activations

X = np.array(
    [[-7.5, -3.0, -1.0, -0.4, 0.0], [0.3, 1.0, 2.5, 3.0, 9.0]], dtype=np.float64
)


def _erf(x):
    return np.vectorize(math.erf)(x)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

REFERENCES = {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "softplus": _softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "gelu": lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)),
    "exponential": np.exp,
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "hard_silu": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "hard_swish": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "linear": lambda x: x,
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "softmax": _softmax,
    "log_softmax": lambda x: np.log(_softmax(x)),
    "log_sigmoid": lambda x: -_softplus(-x),
    "celu": lambda x: np.maximum(x, 0) + np.minimum(0, np.expm1(x)),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0),
    "soft_shrink": lambda x: np.where(
        x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)
    ),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "squareplus": lambda x: (x + np.sqrt(x * x + 4)) / 2,
    "sparse_plus": lambda x: np.where(
        x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)
    ),
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_against_numpy(name):
    fn = activations.get(name)
    for dtype, tol in (("float32", 2e-6), ("float64", 1e-12)):
        out = fn(kerasnet.ops.convert_to_tensor(X, dtype=dtype))
        if name != "linear":
            assert out.dtype == dtype
        np.testing.assert_allclose(
            np.asarray(out), REFERENCES[name](X), rtol=tol, atol=tol
        )


def test_relu_variants():
    x = np.array([-10.0, -5.0, 0.0, 5.0, 10.0])
    relu = activations.relu
    np.testing.assert_allclose(relu(x).numpy(), [0, 0, 0, 5, 10])
    np.testing.assert_allclose(
        relu(x, negative_slope=0.5).numpy(), [-5, -2.5, 0, 5, 10]
    )
    np.testing.assert_allclose(relu(x, max_value=5.0).numpy(), [0, 0, 0, 5, 5])
    np.testing.assert_allclose(relu(x, threshold=5.0).numpy(), [0, 0, 0, 0, 10])
    np.testing.assert_allclose(relu(x, max_value=6).numpy(), [0, 0, 0, 5, 6])
    # All three: slope below the threshold, identity above, capped.
    got = relu(x, negative_slope=0.1, max_value=8.0, threshold=2.0).numpy()
    want = np.where(x > 2.0, np.minimum(x, 8.0), 0.0) - 0.1 * np.maximum(
        2.0 - x, 0
    )
    np.testing.assert_allclose(got, want)


def test_relu_bad_args():
    with pytest.raises(TypeError, match="negative_slope"):
        activations.relu([1.0], negative_slope="a")
    with pytest.raises(TypeError, match="max_value"):
        activations.relu([1.0], max_value="6")


def test_gelu_default_is_exact_and_approximate_option():
    x = np.linspace(-4, 4, 17)
    exact = 0.5 * x * (1 + _erf(x / np.sqrt(2)))
    tanh_form = (
        0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    )
    np.testing.assert_allclose(activations.gelu(x).numpy(), exact, atol=1e-12)
    np.testing.assert_allclose(
        activations.gelu(x, approximate=True).numpy(), tanh_form, atol=1e-12
    )
    with pytest.raises(TypeError, match="approximate"):
        activations.gelu(x, approximate="yes")


def test_parametrised_activations():
    x = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(
        activations.elu(x, alpha=0.5).numpy(),
        np.where(x > 0, x, 0.5 * np.expm1(x)),
    )
    np.testing.assert_allclose(
        activations.leaky_relu(x, negative_slope=0.01).numpy(),
        np.where(x > 0, x, 0.01 * x),
    )
    np.testing.assert_allclose(
        activations.threshold(x, 1.0, -2.0).numpy(), np.where(x > 1.0, x, -2.0)
    )
    np.testing.assert_allclose(
        activations.celu(x, alpha=2.0).numpy(),
        np.maximum(x, 0) + np.minimum(0, 2.0 * np.expm1(x / 2.0)),
    )


def test_softmax_axes_and_logits_cache():
    x = np.arange(24.0).reshape(2, 3, 4) / 7.0
    for axis in (-1, 0, 1):
        np.testing.assert_allclose(
            activations.softmax(x, axis=axis).numpy(), _softmax(x, axis)
        )
        np.testing.assert_allclose(
            activations.log_softmax(x, axis=axis).numpy(),
            np.log(_softmax(x, axis)),
        )
    both = activations.softmax(x, axis=(1, 2)).numpy()
    e = np.exp(x)
    np.testing.assert_allclose(both, e / e.sum(axis=(1, 2), keepdims=True))
    out = activations.softmax(x)
    np.testing.assert_array_equal(out._keras_logits.numpy(), x)
    assert not hasattr(activations.softmax(x, axis=0), "_keras_logits")
    assert hasattr(activations.sigmoid(x), "_keras_logits")


def test_crelu_and_glu():
    x = np.array([[-1.0, 2.0, -3.0, 4.0]])
    np.testing.assert_array_equal(
        activations.crelu(x).numpy(), [[0, 2, 0, 4, 1, 0, 3, 0]]
    )
    np.testing.assert_allclose(
        activations.glu(x).numpy(), [[-1 * _sigmoid(-3.0), 2 * _sigmoid(4.0)]]
    )
    with pytest.raises(ValueError, match="even"):
        activations.glu(np.ones((2, 3)))


def test_integer_input_promotes_to_float():
    out = activations.sigmoid([0, 1])
    assert out.dtype == "float32"


def test_stable_extremes():
    x = np.array([-1000.0, 1000.0], dtype=np.float32)
    np.testing.assert_allclose(activations.softplus(x).numpy(), [0, 1000])
    np.testing.assert_allclose(activations.sigmoid(x).numpy(), [0, 1])
    np.testing.assert_allclose(activations.log_softmax(x).numpy(), [-2000, 0])


def test_gradients_match_finite_differences():
    x = kerasnet.ops.convert_to_tensor(
        np.array([-2.3, -0.7, 0.4, 1.9], dtype=np.float64)
    )
    for name in (
        "mish",
        "celu",
        "squareplus",
        "tanh_shrink",
        "gelu",
        "softplus",
        "selu",
    ):
        fn = activations.get(name)
        with kerasnet.GradientTape() as tape:
            tape.watch(x)
            y = kerasnet.ops.sum(fn(x))
        grad = tape.gradient(y, x).numpy()
        h = 1e-6
        xn = x.numpy()
        fd = (np.asarray(fn(xn + h)) - np.asarray(fn(xn - h))) / (2 * h)
        np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-7, err_msg=name)


def test_get_serialize_deserialize():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu
    assert activations.get(np.tanh) is np.tanh
    for name in activations.ALL_OBJECTS_DICT:
        fn = activations.get(name)
        assert activations.deserialize(activations.serialize(fn)) is fn
    assert activations.serialize(activations.relu) == "relu"
    assert activations.serialize(activations.swish) == "silu"
    config = {
        "module": "keras.activations",
        "class_name": "function",
        "config": "gelu",
        "registered_name": "function",
    }
    assert activations.deserialize(config) is activations.gelu
    assert activations.get(config) is activations.gelu
    with pytest.raises(ValueError, match="nope"):
        activations.get("nope")
    with pytest.raises(ValueError, match="activation"):
        activations.get(12)


def test_custom_function_serialization():
    def my_act(x):
        return x * 2

    config = activations.serialize(my_act)
    assert isinstance(config, dict) and config["config"] == "my_act"
    assert (
        activations.deserialize(config, custom_objects={"my_act": my_act})
        is my_act
    )
    with pytest.raises(ValueError, match="lambda"):
        activations.serialize(lambda x: x)
