"""GradientTape semantics (TensorFlow's): reuse, branches, structures,
unconnected sources, watching, persistence, nesting, stop_recording,
custom_gradient, in-place updates, memory, and a small training loop."""

import gc
import weakref

import kerasnet
import numpy as np
import pytest
from kerasnet import _C, ops

T = ops.convert_to_tensor


def f64(*v):
    return T(np.array(v, np.float64))


def test_repeated_use_and_branches_accumulate():
    x = f64(1.0, 2.0, 3.0)
    with kerasnet.GradientTape() as tape:
        tape.watch(x)
        a = ops.multiply(x, x)  # x used twice by one op
        b = ops.sin(x)
        y = ops.add(ops.multiply(a, x), ops.multiply(b, a))  # a used by two branches
    g = tape.gradient(y, x).numpy()
    xv = x.numpy()
    expected = 3 * xv**2 + np.cos(xv) * xv**2 + np.sin(xv) * 2 * xv
    np.testing.assert_allclose(g, expected, rtol=1e-12)


def test_non_scalar_targets_are_summed_and_lists_of_targets_add():
    x = f64(1.0, 2.0)
    with kerasnet.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = ops.multiply(x, 3.0)
        z = ops.square(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [3.0, 3.0])
    np.testing.assert_allclose(tape.gradient([y, z], x).numpy(), [5.0, 7.0])
    np.testing.assert_allclose(tape.gradient({"a": y, "b": [z]}, x).numpy(), [5.0, 7.0])


def test_output_gradients_weight_the_targets():
    x = f64(1.0, 2.0)
    with kerasnet.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = ops.square(x)
        z = ops.multiply(x, 10.0)
    g = tape.gradient(y, x, output_gradients=f64(1.0, -1.0))
    np.testing.assert_allclose(g.numpy(), [2.0, -4.0])
    g = tape.gradient([y, z], x, output_gradients=[f64(1.0, 1.0), f64(0.0, 2.0)])
    np.testing.assert_allclose(g.numpy(), [2.0, 24.0])


def test_gradients_come_back_in_the_structure_of_sources():
    a, b = f64(1.0), f64(2.0, 3.0)
    with kerasnet.GradientTape() as tape:
        tape.watch([a, b])
        y = ops.sum(ops.multiply(a, b))
    g = tape.gradient(y, {"a": a, "rest": [b, (a,)]})
    assert set(g) == {"a", "rest"} and isinstance(g["rest"], list)
    assert isinstance(g["rest"][1], tuple)
    np.testing.assert_allclose(g["a"].numpy(), [5.0])
    np.testing.assert_allclose(g["rest"][0].numpy(), [1.0, 1.0])
    np.testing.assert_allclose(g["rest"][1][0].numpy(), [5.0])


def test_broadcast_sources_get_their_own_shape():
    a = f64(1.0, 2.0, 3.0)
    b = T(np.ones((4, 1, 3)))
    s = f64(2.0)
    with kerasnet.GradientTape() as tape:
        tape.watch([a, b, s])
        y = ops.multiply(ops.add(a, b), T(np.array(2.0)) + ops.reshape(s, ()))
    ga, gb, gs = tape.gradient(y, [a, b, s])
    assert ga.shape == (3,) and gb.shape == (4, 1, 3) and gs.shape == (1,)
    np.testing.assert_allclose(ga.numpy(), [16.0] * 3)
    np.testing.assert_allclose(gb.numpy(), np.full((4, 1, 3), 4.0))
    np.testing.assert_allclose(gs.numpy(), [np.sum(np.ones((4, 1, 3)) + [1.0, 2.0, 3.0])])


def test_unconnected_sources():
    a, b = f64(1.0), f64(2.0)
    with kerasnet.GradientTape(persistent=True) as tape:
        tape.watch([a, b])
        y = ops.multiply(a, 3.0)
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_allclose(ga.numpy(), [3.0])
    assert gb is None
    ga, gb = tape.gradient(y, [a, b], unconnected_gradients="zero")
    np.testing.assert_array_equal(gb.numpy(), [0.0])
    _, gb = tape.gradient(y, [a, b], unconnected_gradients=kerasnet.UnconnectedGradients.ZERO)
    assert gb is not None
    with pytest.raises(ValueError):
        tape.gradient(y, a, unconnected_gradients="ones")


def test_only_watched_tensors_are_differentiated():
    x = f64(1.0)
    with kerasnet.GradientTape() as tape:
        y = ops.multiply(x, 2.0)
    assert tape.gradient(y, x) is None
    with kerasnet.GradientTape() as tape:
        tape.watch(x)
    np.testing.assert_array_equal(tape.gradient(x, x).numpy(), [1.0])  # d x / d x


def test_watch_rejects_non_tensors():
    with kerasnet.GradientTape() as tape:
        with pytest.raises(ValueError):
            tape.watch(np.ones(2))
        with pytest.raises(ValueError):
            tape.watch([f64(1.0), 3.0])
    with pytest.raises(ValueError):
        tape.gradient(f64(1.0), [np.ones(1)])


def test_variables_are_watched_on_read():
    v = kerasnet.Variable(np.array([1.0, 2.0]))
    frozen = kerasnet.Variable(np.array([3.0]), trainable=False)
    with kerasnet.GradientTape() as tape:
        y = ops.add(ops.sum(ops.square(v)), ops.sum(frozen))
    assert tape.watched_variables() == (v,)
    gv, gf = tape.gradient(y, [v, frozen])
    np.testing.assert_allclose(gv.numpy(), [2.0, 4.0])
    assert gf is None
    assert tape.watched_variables() == (v,)  # still listed after a non-persistent gradient


def test_watch_accessed_variables_false():
    v = kerasnet.Variable(np.array([1.0, 2.0]))
    w = kerasnet.Variable(np.array([3.0, 4.0]))
    with kerasnet.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = ops.sum(ops.multiply(v, w))
    assert tape.watched_variables() == (w,)
    gv, gw = tape.gradient(y, [v, w])
    assert gv is None
    np.testing.assert_allclose(gw.numpy(), [1.0, 2.0])


def test_a_non_persistent_tape_allows_one_gradient_call():
    x = f64(1.0)
    with kerasnet.GradientTape() as tape:
        tape.watch(x)
        y = ops.square(x)
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, x)


def test_persistent_tape_allows_many_calls():
    x = f64(1.0, 2.0)
    with kerasnet.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = ops.square(x)
        z = ops.exp(x)
    for _ in range(3):
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0])
        np.testing.assert_allclose(tape.gradient(z, x).numpy(), np.exp([1.0, 2.0]))
    assert tape.persistent


def test_stop_recording_and_stop_gradient():
    x = f64(1.0, 2.0)
    with kerasnet.GradientTape() as tape:
        tape.watch(x)
        a = ops.multiply(x, 2.0)
        with tape.stop_recording():
            b = ops.multiply(x, 5.0)
        c = ops.stop_gradient(ops.multiply(x, 7.0))
        y = ops.add(ops.add(a, b), ops.multiply(c, x))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 2.0 + 7.0 * x.numpy())
    with pytest.raises(ValueError), tape.stop_recording():
        pass


def test_reset_drops_the_record():
    x = f64(1.0)
    with kerasnet.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = ops.square(x)
        tape.reset()
        tape.watch(x)
        z = ops.multiply(x, 3.0)
    assert tape.gradient(y, x) is None
    np.testing.assert_allclose(tape.gradient(z, x).numpy(), [3.0])


@pytest.mark.parametrize("name,fn,second", [
    ("tanh", ops.tanh, lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)),
    ("sigmoid", ops.sigmoid,
     lambda x: (s := 1 / (1 + np.exp(-x))) * (1 - s) * (1 - 2 * s)),
    ("exp", ops.exp, np.exp),
    ("sin", ops.sin, lambda x: -np.sin(x)),
    ("square", ops.square, lambda x: 2 * np.ones_like(x)),
    ("reciprocal", ops.reciprocal, lambda x: 2 / x**3),
    ("log", ops.log, lambda x: -1 / x**2),
    ("softplus", ops.softplus, lambda x: (s := 1 / (1 + np.exp(-x))) * (1 - s)),
])
def test_second_derivatives_of_elementwise_ops(name, fn, second):
    xv = np.array([0.3, 0.7, 1.9])
    x = T(xv)
    with kerasnet.GradientTape() as outer:
        outer.watch(x)
        with kerasnet.GradientTape() as inner:
            inner.watch(x)
            y = fn(x)
        g = inner.gradient(y, x)
    np.testing.assert_allclose(outer.gradient(g, x).numpy(), second(xv), rtol=1e-10)


def _hvp(f, w, v):
    with kerasnet.GradientTape() as outer:
        outer.watch(w)
        with kerasnet.GradientTape() as inner:
            inner.watch(w)
            y = f(w)
        g = inner.gradient(y, w)
        gv = ops.sum(ops.multiply(g, v))
    return outer.gradient(gv, w).numpy()


def test_hessian_vector_products():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4))
    w = rng.standard_normal(4)
    v = rng.standard_normal(4)
    # 0.5 |A w|^2: H = A^T A
    hv = _hvp(lambda t: ops.multiply(ops.sum(ops.square(ops.matmul(T(a), t))), 0.5), T(w), T(v))
    np.testing.assert_allclose(hv, a.T @ a @ v, rtol=1e-10)
    # sum(w * w * w): H = diag(6 w)
    hv = _hvp(lambda t: ops.sum(ops.multiply(ops.multiply(t, t), t)), T(w), T(v))
    np.testing.assert_allclose(hv, 6 * w * v, rtol=1e-10)
    # logsumexp: H = diag(p) - p p^T
    p = np.exp(w - np.max(w))
    p /= p.sum()
    hv = _hvp(lambda t: ops.logsumexp(t), T(w), T(v))
    np.testing.assert_allclose(hv, (np.diag(p) - np.outer(p, p)) @ v, rtol=1e-10, atol=1e-12)
    # softmax(w)[0]: H = p0 ((e0 - p)(e0 - p)^T - (diag(p) - p p^T))
    e0 = np.eye(4)[0]
    h = p[0] * (np.outer(e0 - p, e0 - p) - (np.diag(p) - np.outer(p, p)))
    hv = _hvp(lambda t: ops.softmax(t)[0], T(w), T(v))
    np.testing.assert_allclose(hv, h @ v, rtol=1e-10, atol=1e-12)
    # tanh(A w) summed: H = A^T diag(-2 t (1 - t^2)) A
    t_ = np.tanh(a @ w)
    hv = _hvp(lambda t: ops.sum(ops.tanh(ops.matmul(T(a), t))), T(w), T(v))
    np.testing.assert_allclose(hv, a.T @ np.diag(-2 * t_ * (1 - t_**2)) @ a @ v, rtol=1e-10)


def test_gradient_inside_a_non_persistent_tape_stops_its_recording():
    x = f64(2.0)
    with kerasnet.GradientTape() as tape:
        tape.watch(x)
        y = ops.square(x)
        g = tape.gradient(y, x)
        ops.multiply(y, 3.0)  # not recorded any more
    np.testing.assert_allclose(g.numpy(), [4.0])


def test_custom_gradient():
    @kerasnet.custom_gradient
    def clipped_identity(x):
        def grad(upstream):
            return ops.clip(upstream, -1.0, 1.0)

        return ops.multiply(x, 1.0), grad

    @kerasnet.custom_gradient
    def two_inputs(a, b):
        def grad(upstream):
            return ops.multiply(upstream, 10.0), None

        return ops.add(a, b), grad

    x = f64(1.0, 2.0)
    with kerasnet.GradientTape() as tape:
        tape.watch(x)
        y = ops.multiply(clipped_identity(x), 5.0)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [1.0, 1.0])
    a, b = f64(1.0), f64(2.0)
    with kerasnet.GradientTape() as tape:
        tape.watch([a, b])
        y = two_inputs(a, b)
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_allclose(ga.numpy(), [10.0])
    assert gb is None
    np.testing.assert_allclose(two_inputs(a, b).numpy(), [3.0])  # outside a tape: forward only


def test_custom_gradient_with_a_wrong_number_of_gradients_raises():
    @kerasnet.custom_gradient
    def f(a, b):
        def grad(upstream):
            return upstream

        return ops.add(a, b), grad

    a, b = f64(1.0), f64(2.0)
    with kerasnet.GradientTape() as tape:
        tape.watch([a, b])
        y = f(a, b)
    with pytest.raises(ValueError, match="gradients"):
        tape.gradient(y, [a, b])


def test_in_place_update_of_a_saved_tensor_raises():
    v = kerasnet.Variable(np.array([1.0, 2.0]))
    with kerasnet.GradientTape() as tape:
        y = ops.sum(ops.multiply(ops.exp(v), v))
    v.assign(np.array([5.0, 5.0]))
    with pytest.raises(RuntimeError, match="multiply|exp"):
        tape.gradient(y, v)


def test_in_place_update_of_an_unsaved_input_is_fine():
    v = kerasnet.Variable(np.array([1.0, 2.0]))
    with kerasnet.GradientTape() as tape:
        y = ops.sum(ops.multiply(v, 3.0))  # the rule needs the constant, not v
    v.assign_add(np.array([1.0, 1.0]))
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [3.0, 3.0])


def test_tapes_free_what_they_hold():
    x = f64(1.0, 2.0)
    tape = kerasnet.GradientTape()
    with tape:
        tape.watch(x)
        y = ops.exp(x)
    ref = weakref.ref(y)
    tape.gradient(y, x)
    del y
    gc.collect()
    assert ref() is None, "a used non-persistent tape keeps a saved tensor alive"

    with kerasnet.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = ops.exp(x)
        z = ops.multiply(y, y)
    refs = [weakref.ref(y), weakref.ref(z), weakref.ref(tape)]
    del tape, y, z
    gc.collect()
    assert all(r() is None for r in refs), "a deleted persistent tape leaks"


def test_memory_is_stable_over_many_steps():
    w = kerasnet.Variable(np.ones((8, 8), "float32"))
    x = T(np.ones((4, 8), "float32"))

    def step():
        with kerasnet.GradientTape() as tape:
            y = ops.sum(ops.tanh(ops.matmul(x, w)))
        return tape.gradient(y, w)

    for _ in range(200):
        step()
    gc.collect()
    before = _C.allocator_stats()["allocated_bytes"]
    for _ in range(10000):
        step()
    gc.collect()
    after = _C.allocator_stats()["allocated_bytes"]
    assert after <= before + 4096, f"allocated bytes grew from {before} to {after}"


def test_jacobian():
    x = f64(1.0, 2.0, 3.0)
    with kerasnet.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = ops.multiply(x, x)
    np.testing.assert_allclose(tape.jacobian(y, x).numpy(), np.diag([2.0, 4.0, 6.0]))


def test_training_loop_recovers_a_line():
    rng = np.random.default_rng(0)
    xs = rng.uniform(-1, 1, size=(256, 1)).astype("float32")
    ys = (3 * xs + 2 + rng.normal(0, 0.01, size=xs.shape)).astype("float32")
    w = kerasnet.Variable(np.zeros((1, 1), "float32"))
    b = kerasnet.Variable(np.zeros((1,), "float32"))
    x, y = T(xs), T(ys)
    for _ in range(300):
        with kerasnet.GradientTape() as tape:
            pred = ops.add(ops.matmul(x, w), b)
            loss = ops.mean(ops.square(ops.subtract(pred, y)))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(ops.multiply(gw, 0.3))
        b.assign_sub(ops.multiply(gb, 0.3))
    assert round(float(w.numpy()[0, 0]), 2) == 3.0
    assert round(float(b.numpy()[0]), 2) == 2.0
