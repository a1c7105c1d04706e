"""Optimizer API: variables in Keras' order, learning_rate property and setter,
iterations, configs, get/serialize, defaults, errors."""

import numpy as np
import pytest

import kerasnet
from kerasnet import layers, optimizers


def model_variables():
    dense = layers.Dense(2, name="dense")
    dense.build((None, 3))
    return dense.trainable_weights  # dense/kernel, dense/bias


@pytest.mark.parametrize("cls, kwargs, slots", [
    (optimizers.SGD, {}, []),
    (optimizers.SGD, {"momentum": 0.9}, [["momentum"]]),
    (optimizers.Adam, {}, [["momentum", "velocity"]]),
    (optimizers.Adam, {"amsgrad": True}, [["momentum", "velocity"], ["velocity_hat"]]),
    (optimizers.AdamW, {}, [["momentum", "velocity"]]),
    (optimizers.RMSprop, {}, [["velocity"]]),
    (optimizers.RMSprop, {"momentum": 0.5, "centered": True},
     [["velocity"], ["momentum"], ["average_gradient"]]),
    (optimizers.Adagrad, {}, [["accumulator"]]),
    (optimizers.Adadelta, {}, [["accumulated_grad", "accumulated_delta_var"]]),
    (optimizers.Adamax, {}, [["momentum", "norm"]]),
    (optimizers.Nadam, {}, [["momentum", "velocity"]]),
    (optimizers.Lion, {}, [["momentum"]]),
])
def test_variables_follow_keras_order(cls, kwargs, slots):
    """iteration, learning_rate, then each group of slots; the slots of one
    `add_optimizer_variables` call are interleaved per model variable."""
    variables = model_variables()
    optimizer = cls(**kwargs)
    optimizer.build(variables)
    expected = ["iteration", "learning_rate"]
    for group in slots:
        for v in ("dense_kernel", "dense_bias"):
            expected += [f"{v}_{slot}" for slot in group]
    if cls is optimizers.Nadam:
        expected.append("u_product")
    names = [v.name for v in optimizer.variables]
    assert names == expected
    shapes = [tuple(v.shape) for v in optimizer.variables[2:2 + len(slots[0]) * 2]] if slots else []
    if slots:
        assert shapes[0] == (3, 2) and shapes[-1] == (2,)
    assert optimizer.variables[0].dtype == "int64"
    assert optimizer.variables[1].dtype == "float32"
    assert all(not v.trainable for v in optimizer.variables)


def test_add_optimizer_variables_interleaves_and_uses_initializers():
    variables = model_variables()
    optimizer = optimizers.SGD()
    optimizer.build(variables)
    a, b = optimizer.add_optimizer_variables(variables, ["first", "second"],
                                             initializer=["zeros", "ones"])
    assert [v.name for v in optimizer.variables[2:]] == [
        "dense_kernel_first", "dense_kernel_second", "dense_bias_first", "dense_bias_second"]
    assert not a[0].numpy().any() and b[1].numpy().all()
    with pytest.raises(ValueError, match="number of provided names"):
        optimizer.add_optimizer_variables(variables, ["x", "y"], initializer=["zeros"])


def test_adagrad_accumulator_starts_at_the_initial_value():
    optimizer = optimizers.Adagrad(initial_accumulator_value=0.3)
    optimizer.build(model_variables())
    np.testing.assert_allclose(optimizer.variables[2].numpy(), np.full((3, 2), 0.3))


def test_iterations_count_applies():
    variables = model_variables()
    optimizer = optimizers.Adam()
    grads = [np.ones((3, 2), "float32"), np.ones(2, "float32")]
    for _ in range(3):
        optimizer.apply(grads, variables)
    assert int(optimizer.iterations.numpy()) == 3
    assert optimizer.apply_gradients(zip(grads, variables)) is optimizer.iterations
    optimizer.iterations = 10
    assert int(optimizer.iterations.numpy()) == 10


def test_learning_rate_property_and_setter():
    optimizer = optimizers.Adam(learning_rate=0.01)
    assert float(np.asarray(optimizer.learning_rate)) == pytest.approx(0.01)
    optimizer.learning_rate = 0.5
    assert float(np.asarray(optimizer.learning_rate)) == 0.5
    assert float(optimizer.variables[1].numpy()) == 0.5
    # The variable keeps its identity: saved state and callbacks see the change.
    lr_var = optimizer.variables[1]
    optimizer.learning_rate = 0.25
    assert optimizer.variables[1] is lr_var
    # Replacing it by a schedule removes the variable.
    optimizer.learning_rate = optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    assert [v.name for v in optimizer.variables] == ["iteration"]
    scheduled = optimizers.SGD(learning_rate=optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        scheduled.learning_rate = 0.1
    scheduled.iterations = 10
    assert float(np.asarray(scheduled.learning_rate)) == pytest.approx(0.05)
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(learning_rate="fast")


def test_learning_rate_setter_changes_the_next_step():
    v = kerasnet.Variable(np.zeros(1, "float32"))
    optimizer = optimizers.SGD(learning_rate=1.0)
    optimizer.apply([np.ones(1, "float32")], [v])
    optimizer.learning_rate = 0.1
    optimizer.apply([np.ones(1, "float32")], [v])
    np.testing.assert_allclose(v.numpy(), [-1.1], rtol=1e-6)


def test_keras_defaults():
    defaults = {
        optimizers.SGD: (0.01, "SGD"), optimizers.Adam: (0.001, "adam"),
        optimizers.AdamW: (0.001, "adamw"), optimizers.RMSprop: (0.001, "rmsprop"),
        optimizers.Adagrad: (0.001, "adagrad"), optimizers.Adadelta: (0.001, "adadelta"),
        optimizers.Adamax: (0.001, "adamax"), optimizers.Nadam: (0.001, "nadam"),
        optimizers.Lion: (0.001, "lion"),
    }
    for cls, (lr, name) in defaults.items():
        config = cls().get_config()
        assert config["learning_rate"] == pytest.approx(lr) and config["name"].startswith(name)
    adam = optimizers.Adam().get_config()
    assert (adam["beta_1"], adam["beta_2"], adam["epsilon"], adam["amsgrad"]) == (0.9, 0.999, 1e-7, False)
    assert optimizers.RMSprop().get_config()["rho"] == 0.9
    assert optimizers.Adadelta().get_config()["rho"] == 0.95
    assert optimizers.Adagrad().get_config()["initial_accumulator_value"] == 0.1
    assert optimizers.Lion().get_config()["beta_2"] == 0.99


@pytest.mark.parametrize("cls, kwargs", [
    (optimizers.SGD, {"momentum": 0.5, "nesterov": True, "clipnorm": 1.0}),
    (optimizers.Adam, {"learning_rate": 0.02, "amsgrad": True, "weight_decay": 0.01}),
    (optimizers.AdamW, {"weight_decay": 0.1, "global_clipnorm": 2.0}),
    (optimizers.RMSprop, {"centered": True, "momentum": 0.3, "clipvalue": 0.5}),
    (optimizers.Adagrad, {"initial_accumulator_value": 0.5}),
    (optimizers.Adadelta, {"rho": 0.9}),
    (optimizers.Adamax, {"beta_2": 0.99}),
    (optimizers.Nadam, {"epsilon": 1e-5, "use_ema": True, "ema_momentum": 0.9}),
    (optimizers.Lion, {"beta_1": 0.8}),
])
def test_config_round_trip_and_serialization(cls, kwargs):
    optimizer = cls(**kwargs)
    config = optimizer.get_config()
    for key, value in kwargs.items():
        assert config[key] == pytest.approx(value)
    for key in ("name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm",
                "clipvalue", "use_ema", "ema_momentum", "ema_overwrite_frequency",
                "loss_scale_factor", "gradient_accumulation_steps"):
        assert key in config
    assert cls.from_config(config).get_config() == config
    revived = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(revived) is cls and revived.get_config() == config


def test_schedule_in_config():
    schedule = optimizers.schedules.CosineDecay(0.1, 100, warmup_target=0.2, warmup_steps=10)
    optimizer = optimizers.Adam(learning_rate=schedule)
    config = optimizer.get_config()
    assert config["learning_rate"]["class_name"] == "CosineDecay"
    revived = optimizers.Adam.from_config(config)
    assert isinstance(revived._learning_rate, optimizers.schedules.CosineDecay)
    assert revived._learning_rate.get_config() == schedule.get_config()


def test_get_by_name_and_errors():
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert isinstance(optimizers.get("RMSprop"), optimizers.RMSprop)
    opt = optimizers.SGD()
    assert optimizers.get(opt) is opt
    assert isinstance(optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.3}}), optimizers.SGD)
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.get("sgdx")
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=-1.0)
    with pytest.raises(ValueError, match="beta_1"):
        optimizers.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(unknown=1)


def test_apply_errors_and_state_weights():
    variables = model_variables()
    optimizer = optimizers.Adam()
    with pytest.raises(ValueError, match="must already be built"):
        optimizer.apply([np.ones((3, 2), "float32")])
    with pytest.raises(ValueError, match="not yet been built"):
        optimizer.set_weights([])
    optimizer.build(variables)
    other = kerasnet.Variable(np.zeros(2, "float32"))
    with pytest.raises(ValueError, match="Unknown variable"):
        optimizer.apply([np.ones(2, "float32")], [other])
    weights = optimizer.get_weights()
    assert [w.shape for w in weights] == [(), (), (3, 2), (3, 2), (2,), (2,)]
    weights[2] = np.full((3, 2), 7.0, "float32")
    optimizer.set_weights(weights)
    np.testing.assert_array_equal(optimizer.variables[2].numpy(), weights[2])
    with pytest.raises(ValueError, match="not compatible"):
        optimizer.set_weights([np.zeros(()), np.zeros(()), np.zeros((2, 3))])


def test_an_optimizer_trains_through_compile_and_keeps_its_state():
    model = kerasnet.Sequential([kerasnet.Input((3,)), layers.Dense(1)])
    model.compile(optimizers.Adam(0.01), "mse")
    x = np.random.default_rng(0).standard_normal((16, 3)).astype("float32")
    model.fit(x, x[:, :1], epochs=2, batch_size=8, verbose=0)
    assert int(model.optimizer.iterations.numpy()) == 4
    assert len(model.optimizer.variables) == 2 + 2 * 2
