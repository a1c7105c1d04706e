"""Every optimizer's update over several steps against Keras 3's formulas in numpy,
with clipping, weight decay, learning rate schedules and gradient accumulation."""

import functools

import keras_formulas as kf
import numpy as np
import pytest

import kerasnet
from kerasnet import optimizers

RNG = np.random.default_rng(67)
SHAPES = [(3, 4), (4,), ()]


def make_problem(steps=5):
    init = [RNG.standard_normal(s).astype("float32") for s in SHAPES]
    grads = [[RNG.standard_normal(s).astype("float32") for s in SHAPES] for _ in range(steps)]
    return init, grads


def run_kerasnet(optimizer, init, grads, use_apply_gradients=False):
    variables = [kerasnet.Variable(w.copy(), name=f"v{i}") for i, w in enumerate(init)]
    for step_grads in grads:
        if use_apply_gradients:
            optimizer.apply_gradients(zip(step_grads, variables))
        else:
            optimizer.apply(step_grads, variables)
    return [v.numpy() for v in variables]


def run_reference(rule, init, grads, lr=lambda t: 0.01, weight_decay=None, clip=None,
                  exclude=()):
    weights = [w.astype("float64").copy() for w in init]
    states = [{} for _ in weights]
    for t, step_grads in enumerate(grads, start=1):
        gs = [g.astype("float64") for g in step_grads]
        if clip is not None:
            gs = clip(gs)
        rate = lr(t)
        if weight_decay is not None:
            for i, w in enumerate(weights):
                if i not in exclude:
                    w -= w * weight_decay * rate
        for w, g, state in zip(weights, gs, states):
            rule(w, g, state, t, rate)
    return weights


def assert_close(got, want, rtol=2e-5, atol=2e-6):
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


CASES = [
    ("sgd", optimizers.SGD, {"learning_rate": 0.1}, kf.sgd, {}),
    ("sgd_momentum", optimizers.SGD, {"learning_rate": 0.1, "momentum": 0.9}, kf.sgd,
     {"momentum": 0.9}),
    ("sgd_nesterov", optimizers.SGD, {"learning_rate": 0.1, "momentum": 0.8, "nesterov": True},
     kf.sgd, {"momentum": 0.8, "nesterov": True}),
    ("adam", optimizers.Adam, {"learning_rate": 0.01}, kf.adam, {}),
    ("adam_betas", optimizers.Adam, {"learning_rate": 0.02, "beta_1": 0.5, "beta_2": 0.9,
                                     "epsilon": 1e-3}, kf.adam,
     {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}),
    ("adam_amsgrad", optimizers.Adam, {"learning_rate": 0.01, "amsgrad": True}, kf.adam,
     {"amsgrad": True}),
    ("rmsprop", optimizers.RMSprop, {"learning_rate": 0.01}, kf.rmsprop, {}),
    ("rmsprop_momentum", optimizers.RMSprop, {"learning_rate": 0.01, "momentum": 0.9},
     kf.rmsprop, {"momentum": 0.9}),
    ("rmsprop_centered", optimizers.RMSprop, {"learning_rate": 0.01, "centered": True,
                                              "rho": 0.8}, kf.rmsprop,
     {"centered": True, "rho": 0.8}),
    ("rmsprop_centered_momentum", optimizers.RMSprop,
     {"learning_rate": 0.01, "centered": True, "momentum": 0.5}, kf.rmsprop,
     {"centered": True, "momentum": 0.5}),
    ("adagrad", optimizers.Adagrad, {"learning_rate": 0.1}, kf.adagrad, {}),
    ("adagrad_init", optimizers.Adagrad, {"learning_rate": 0.1, "initial_accumulator_value": 1.0},
     kf.adagrad, {"initial_accumulator_value": 1.0}),
    ("adadelta", optimizers.Adadelta, {"learning_rate": 1.0}, kf.adadelta, {}),
    ("adadelta_rho", optimizers.Adadelta, {"learning_rate": 0.5, "rho": 0.8, "epsilon": 1e-4},
     kf.adadelta, {"rho": 0.8, "epsilon": 1e-4}),
    ("adamax", optimizers.Adamax, {"learning_rate": 0.01}, kf.adamax, {}),
    ("nadam", optimizers.Nadam, {"learning_rate": 0.01}, kf.nadam, {}),
    ("lion", optimizers.Lion, {"learning_rate": 0.01}, kf.lion, {}),
    ("lion_betas", optimizers.Lion, {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9},
     kf.lion, {"beta_1": 0.5, "beta_2": 0.9}),
]


def reference_rule(rule, kwargs):
    if rule is kf.nadam:
        return functools.partial(rule, shared={}, **kwargs)
    return functools.partial(rule, **kwargs)


@pytest.mark.parametrize("name, cls, init_kwargs, rule, rule_kwargs", CASES,
                         ids=[c[0] for c in CASES])
def test_update_matches_keras_formula(name, cls, init_kwargs, rule, rule_kwargs):
    init, grads = make_problem(steps=6)
    optimizer = cls(**init_kwargs)
    got = run_kerasnet(optimizer, init, grads, use_apply_gradients=name.endswith("s"))
    lr = init_kwargs["learning_rate"]
    want = run_reference(reference_rule(rule, rule_kwargs), init, grads, lr=lambda t: lr)
    assert_close(got, want)
    assert int(optimizer.iterations.numpy()) == 6


def test_adamw_decays_then_applies_adam():
    init, grads = make_problem()
    optimizer = optimizers.AdamW(learning_rate=0.05, weight_decay=0.1)
    got = run_kerasnet(optimizer, init, grads)
    want = run_reference(reference_rule(kf.adam, {}), init, grads, lr=lambda t: 0.05,
                         weight_decay=0.1)
    assert_close(got, want)
    assert optimizers.AdamW().weight_decay == 0.004
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


@pytest.mark.parametrize("cls, rule", [(optimizers.SGD, kf.sgd), (optimizers.Adam, kf.adam),
                                       (optimizers.Lion, kf.lion)])
def test_weight_decay_on_any_optimizer(cls, rule):
    init, grads = make_problem()
    got = run_kerasnet(cls(learning_rate=0.05, weight_decay=0.2), init, grads)
    want = run_reference(reference_rule(rule, {}), init, grads, lr=lambda t: 0.05,
                         weight_decay=0.2)
    assert_close(got, want)


def test_exclude_from_weight_decay_by_variable_and_by_name():
    init, grads = make_problem()
    variables = [kerasnet.Variable(w.copy(), name=n) for w, n in
                 zip(init, ["kernel", "bias", "scale"])]
    optimizer = optimizers.AdamW(learning_rate=0.05, weight_decay=0.1)
    optimizer.exclude_from_weight_decay(var_list=[variables[2]], var_names=["bia"])
    for step_grads in grads:
        optimizer.apply(step_grads, variables)
    want = run_reference(reference_rule(kf.adam, {}), init, grads, lr=lambda t: 0.05,
                         weight_decay=0.1, exclude=(1, 2))
    assert_close([v.numpy() for v in variables], want)
    with pytest.raises(ValueError, match="before the optimizer is built"):
        optimizer.exclude_from_weight_decay(var_names=["kernel"])


def test_exclude_from_weight_decay_names_are_regular_expressions():
    v1, v2 = kerasnet.Variable(np.ones(2, "float32"), name="dense_bias"), \
        kerasnet.Variable(np.ones(2, "float32"), name="bias_dense")
    optimizer = optimizers.SGD(learning_rate=0.5, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_names=["bias$"])
    optimizer.apply([np.zeros(2, "float32")] * 2, [v1, v2])
    np.testing.assert_array_equal(v1.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(v2.numpy(), [0.75, 0.75])


@pytest.mark.parametrize("kind", ["clipnorm", "global_clipnorm", "clipvalue"])
def test_gradient_clipping(kind):
    init, grads = make_problem()
    grads = [[g * 3 for g in step] for step in grads]
    optimizer = optimizers.Adam(learning_rate=0.05, **{kind: 1.5})
    got = run_kerasnet(optimizer, init, grads)
    clip = {
        "clipnorm": lambda gs: [kf.clip_by_norm(g, 1.5) for g in gs],
        "global_clipnorm": lambda gs: kf.clip_by_global_norm(gs, 1.5),
        "clipvalue": lambda gs: [np.clip(g, -1.5, 1.5) for g in gs],
    }[kind]
    want = run_reference(reference_rule(kf.adam, {}), init, grads, lr=lambda t: 0.05, clip=clip)
    assert_close(got, want)


def test_small_gradients_are_not_scaled_up_by_clipping():
    v = kerasnet.Variable(np.zeros(2, "float32"))
    optimizers.SGD(1.0, clipnorm=10.0).apply([np.array([0.3, 0.4], "float32")], [v])
    np.testing.assert_allclose(v.numpy(), [-0.3, -0.4], rtol=1e-6)
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and `global_clipnorm`"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


def test_learning_rate_schedule_is_evaluated_at_the_current_iteration():
    init, grads = make_problem(steps=6)
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    got = run_kerasnet(optimizers.SGD(learning_rate=schedule, momentum=0.5), init, grads)
    want = run_reference(reference_rule(kf.sgd, {"momentum": 0.5}), init, grads,
                         lr=lambda t: 0.1 * 0.5 ** ((t - 1) / 2))
    assert_close(got, want)


def test_callable_learning_rate():
    init, grads = make_problem(steps=3)
    rates = iter([0.1, 0.2, 0.3])
    got = run_kerasnet(optimizers.SGD(learning_rate=lambda: next(rates)), init, grads)
    want = run_reference(reference_rule(kf.sgd, {}), init, grads, lr=lambda t: 0.1 * t)
    assert_close(got, want)


def test_gradient_accumulation_as_keras():
    init, grads = make_problem(steps=6)
    optimizer = optimizers.Adam(learning_rate=0.05, gradient_accumulation_steps=3)
    variables = [kerasnet.Variable(w.copy()) for w in init]
    weights = [w.astype("float64").copy() for w in init]
    states = [{} for _ in init]
    acc = [np.zeros(s) for s in SHAPES]
    for step, step_grads in enumerate(grads):
        optimizer.apply(step_grads, variables)
        acc = [a + g for a, g in zip(acc, step_grads)]
        if (step + 1) % 3 == 0:
            # Keras updates with the mean gradient; Adam's step is iterations + 1.
            for w, a, state in zip(weights, acc, states):
                kf.adam(w, a / 3, state, step + 1, 0.05)
            acc = [np.zeros(s) for s in SHAPES]
        else:
            for v, w in zip(variables, weights):
                np.testing.assert_allclose(v.numpy(), w, rtol=1e-5, atol=1e-6)
    assert_close([v.numpy() for v in variables], weights)
    assert int(optimizer.iterations.numpy()) == 6


def test_ema_of_the_weights():
    init, grads = make_problem(steps=4)
    optimizer = optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.9)
    variables = [kerasnet.Variable(w.copy()) for w in init]
    weights = [w.astype("float64").copy() for w in init]
    averages = None
    for step_grads in grads:
        optimizer.apply(step_grads, variables)
        for w, g in zip(weights, step_grads):
            w -= 0.1 * g
        m = 0.0 if averages is None else 0.9
        averages = [w.copy() if averages is None else m * a + (1 - m) * w
                    for a, w in zip(averages or weights, weights)]
    assert_close([v.numpy() for v in variables], weights)
    optimizer.finalize_variable_values(variables)
    assert_close([v.numpy() for v in variables], averages)


def test_variable_constraints_are_applied_after_the_update():
    v = kerasnet.Variable(np.array([0.5, -0.5], "float32"))
    v.constraint = kerasnet.constraints.NonNeg()
    optimizers.SGD(1.0).apply([np.array([1.0, 1.0], "float32")], [v])
    np.testing.assert_array_equal(v.numpy(), [0.0, 0.0])


def test_missing_gradients_warn_and_are_skipped():
    a = kerasnet.Variable(np.ones(2, "float32"), name="a")
    b = kerasnet.Variable(np.ones(2, "float32"), name="b")
    optimizer = optimizers.SGD(1.0)
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['b'\]"):
        optimizer.apply([np.ones(2, "float32"), None], [a, b])
    np.testing.assert_array_equal(a.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(b.numpy(), [1.0, 1.0])
    with pytest.raises(ValueError, match="No gradients provided"):
        optimizer.apply([None, None], [a, b])


def test_minimizes_a_quadratic_with_the_tape():
    # (Lion's fixed-size sign steps oscillate here; its update is checked above.)
    target = np.array([1.0, -2.0, 3.0], "float32")
    for cls, kwargs in [(optimizers.SGD, {"learning_rate": 0.1}), (optimizers.Adam, {"learning_rate": 0.1}),
                        (optimizers.RMSprop, {"learning_rate": 0.05}), (optimizers.Nadam, {"learning_rate": 0.1}),
                        (optimizers.Adamax, {"learning_rate": 0.1}),
                        (optimizers.Adagrad, {"learning_rate": 0.5}), (optimizers.AdamW, {"learning_rate": 0.1}),
                        (optimizers.Adadelta, {"learning_rate": 50.0})]:
        w = kerasnet.Variable(np.zeros(3, "float32"))
        optimizer = cls(**kwargs)
        for _ in range(300):
            with kerasnet.GradientTape() as tape:
                loss = kerasnet.ops.sum(kerasnet.ops.square(kerasnet.ops.subtract(w, target)))
            optimizer.apply([tape.gradient(loss, w)], [w])
        np.testing.assert_allclose(w.numpy(), target, atol=0.05, err_msg=cls.__name__)
