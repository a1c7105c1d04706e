"""Gradient conventions where central differences cannot decide: ties, kinks,
bounds, singular points and non-float inputs (TensorFlow's choices, which
Keras users rely on). Values are hand-computed."""

import kerasnet
import numpy as np
import pytest
from kerasnet import _C, ops

T = ops.convert_to_tensor


def grad(fn, *xs, upstream=None, unconnected="none"):
    xs = [T(np.asarray(x, np.float64)) if not isinstance(x, _C.Tensor) else x for x in xs]
    with kerasnet.GradientTape() as tape:
        tape.watch(xs)
        y = fn(*xs)
    og = None if upstream is None else [T(np.asarray(upstream, np.float64))]
    g = tape.gradient(y, xs, output_gradients=og, unconnected_gradients=unconnected)
    return [None if v is None else v.numpy() for v in g]


def check(got, expected):
    np.testing.assert_allclose(got, np.asarray(expected, np.float64), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,x,expected", [
    ("relu", [-1.0, 0.0, 2.0], [0, 0, 1]),
    ("relu6", [-1.0, 0.0, 3.0, 6.0, 7.0], [0, 0, 1, 0, 0]),
    ("abs", [-2.0, 0.0, 3.0], [-1, 0, 1]),
    ("sign", [-2.0, 0.0, 3.0], [0, 0, 0]),
    ("floor", [-1.5, 0.0, 2.0], [0, 0, 0]),
    ("ceil", [-1.5, 0.0, 2.0], [0, 0, 0]),
    ("round", [-1.5, 0.5, 2.0], [0, 0, 0]),
    ("hard_sigmoid", [-4.0, 0.0, 4.0], [0, 1 / 6, 0]),
])
def test_kinks(name, x, expected, isa_level):
    check(grad(getattr(ops, name), x)[0], expected)


def test_leaky_relu_and_elu_at_zero_take_the_negative_branch():
    check(grad(lambda x: ops.leaky_relu(x, 0.1), [0.0, 1.0, -1.0])[0], [0.1, 1.0, 0.1])
    e = np.exp(-1.0)
    check(grad(lambda x: ops.elu(x, 0.5), [0.0, 1.0, -1.0])[0], [0.5, 1.0, 0.5 * e])


def test_clip_passes_the_gradient_at_its_bounds():
    check(grad(lambda x: ops.clip(x, -1.0, 1.0), [-2.0, -1.0, 0.0, 1.0, 2.0])[0],
          [0, 1, 1, 1, 0])


def test_maximum_and_minimum_ties_go_to_the_first_operand():
    ga, gb = grad(ops.maximum, [1.0, 2.0, 3.0], [1.0, 1.0, 4.0])
    check(ga, [1, 1, 0])
    check(gb, [0, 0, 1])
    ga, gb = grad(ops.minimum, [1.0, 2.0, 3.0], [1.0, 1.0, 4.0])
    check(ga, [1, 0, 1])
    check(gb, [0, 1, 0])


@pytest.mark.parametrize("name", ["max", "min"])
def test_reduction_ties_share_the_gradient(name, isa_level):
    x = np.array([[3.0, 1.0, 3.0, 3.0], [0.0, 5.0, 5.0, -1.0]])
    if name == "min":
        x = -x
    check(grad(lambda t: getattr(ops, name)(t, axis=1), x, upstream=[6.0, 2.0])[0],
          [[2, 0, 2, 2], [0, 1, 1, 0]])
    check(grad(lambda t: getattr(ops, name)(t), x)[0], (x == getattr(np, name)(x)) / 2.0)


def test_max_pool_gives_the_gradient_to_the_first_maximum():
    x = np.array([[3.0, 3.0], [1.0, 3.0]]).reshape(1, 2, 2, 1)
    g = grad(lambda t: _C.max_pool(t, [2, 2], [1, 1], [0, 0, 0, 0]), x)[0]
    check(g.reshape(2, 2), [[1, 0], [0, 0]])


def test_argmax_takes_the_first_maximum_under_a_tape():
    x = T(np.array([1.0, 3.0, 3.0]))
    with kerasnet.GradientTape() as tape:
        tape.watch(x)
        i = ops.argmax(x)
    assert int(i) == 1
    assert tape.gradient(i, x) is None


def test_singular_points():
    check(grad(ops.sqrt, [0.0, 4.0])[0], [np.inf, 0.25])
    check(grad(ops.log, [0.0])[0], [np.inf])
    check(grad(lambda x: ops.power(x, 2.0), [0.0, 3.0])[0], [0.0, 6.0])
    # d(a ** b)/db is 0 where a <= 0 (no log of a non-positive number), as in TensorFlow.
    _, gb = grad(ops.power, [-2.0, 0.0, 2.0], [2.0, 3.0, 3.0])
    check(gb, [0.0, 0.0, 8.0 * np.log(2.0)])


def test_divide_by_zero_gradients_are_infinite_not_errors():
    ga, gb = grad(ops.divide, [1.0, 0.0], [0.0, 2.0])
    assert np.isinf(ga[0]) and ga[1] == 0.5
    assert np.isinf(gb[0]) or np.isnan(gb[0])


@pytest.mark.parametrize("dtype", ["int32", "int64", "bool", "uint8"])
def test_non_float_sources_get_no_gradient(dtype):
    x = T(np.array([1, 0, 1]).astype(dtype))
    with kerasnet.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.multiply(ops.cast(x, "float32"), 2.0))
    assert tape.gradient(y, x) is None


@pytest.mark.parametrize("fn", [
    lambda x: ops.cast(x, "int32"),
    lambda x: ops.greater(x, 0.0),
    lambda x: ops.argmax(x),
    lambda x: ops.isnan(x),
    lambda x: ops.one_hot(ops.cast(x, "int32"), 3),
    lambda x: _C.nonzero(x),
    lambda x: ops.floor_divide(x, 2.0),
], ids=["cast-int", "greater", "argmax", "isnan", "one_hot", "nonzero", "floor_divide"])
def test_index_and_integer_results_are_unconnected(fn):
    x = T(np.array([0.5, 1.5, 2.5]))
    with kerasnet.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = fn(x)
    assert tape.gradient(y, x) is None
    z = tape.gradient(y, x, unconnected_gradients="zero")
    np.testing.assert_array_equal(z.numpy(), np.zeros(3))


def test_cast_between_floats_passes_the_gradient():
    x = T(np.array([1.0, 2.0]))
    with kerasnet.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.multiply(ops.cast(x, "float32"), 3.0))
    g = tape.gradient(y, x)
    assert g.dtype == "float64"
    check(g.numpy(), [3.0, 3.0])


def test_gradients_flow_through_mixed_float_dtypes():
    a = T(np.array([1.0, 2.0], "float32"))
    b = T(np.array([3.0, 4.0], "float64"))
    with kerasnet.GradientTape() as tape:
        tape.watch([a, b])
        y = ops.sum(ops.multiply(a, b))  # float64 result
    ga, gb = tape.gradient(y, [a, b])
    assert ga.dtype == "float32" and gb.dtype == "float64"
    check(ga.numpy(), [3.0, 4.0])
    check(gb.numpy(), [1.0, 2.0])


def test_integer_operand_of_a_float_op_gets_no_gradient():
    x = T(np.array([1.0, 2.0]))
    k = T(np.array([3, 4], "int32"))
    with kerasnet.GradientTape() as tape:
        tape.watch([x, k])
        y = ops.sum(ops.multiply(x, k))
    gx, gk = tape.gradient(y, [x, k])
    check(gx.numpy(), [3.0, 4.0])
    assert gk is None


def test_softmax_and_log_softmax_gradients_at_extreme_values():
    x = np.array([[1000.0, 0.0, -1000.0]])
    g = grad(lambda t: ops.log_softmax(t), x, upstream=[[1.0, 0.0, 0.0]])[0]
    check(g, [[0.0, 0.0, 0.0]])
    g = grad(lambda t: ops.softmax(t), x, upstream=[[1.0, 0.0, 0.0]])[0]
    assert np.all(np.isfinite(g))
    g = grad(lambda t: ops.logsumexp(t, axis=1), x)[0]
    check(g, [[1.0, 0.0, 0.0]])
    g = grad(lambda t: ops.logsumexp(t), np.array([-np.inf, 0.0]))[0]
    check(g, [0.0, 1.0])


def test_take_with_repeated_indices_accumulates():
    g = grad(lambda t: ops.take(t, np.array([0, 2, 2, 2, -1]), axis=0), [1.0, 2.0, 3.0, 4.0])[0]
    check(g, [1, 0, 3, 1])
    g = grad(lambda t: t[np.array([1, 1])], [[1.0, 2.0], [3.0, 4.0]])[0]
    check(g, [[0, 0], [2, 2]])


def test_prod_gradient_with_zeros():
    x = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]])
    g = grad(lambda t: ops.prod(t, axis=1), x)[0]
    check(g, [[0, 6, 0], [0, 0, 0], [8, 4, 2]])
    g = grad(lambda t: ops.cumprod(t, axis=1), np.array([[2.0, 0.0, 3.0]]))[0]
    # d/dx of [x0, x0 x1, x0 x1 x2] summed: [1 + x1 + x1 x2, x0 + x0 x2, x0 x1]
    check(g, [[1.0, 2.0 + 6.0, 0.0]])


def test_std_and_var_gradients():
    x = np.array([1.0, 2.0, 4.0])
    m = x.mean()
    check(grad(ops.var, x)[0], 2 * (x - m) / 3)
    check(grad(ops.std, x)[0], (x - m) / (3 * np.std(x)))
