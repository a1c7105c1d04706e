"""The Layer base class: tracking, weights and their order, build, __call__
(conversion, training flag, masks, input_spec), losses, freezing, configs."""

import numpy as np
import pytest

import kerasnet
from kerasnet import layers, ops
from kerasnet.backend.keras_tensor import KerasTensor


class Scale(layers.Layer):
    """y = x * w + b with w trainable and a non-trainable step counter."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen_shapes = []

    def build(self, input_shape):
        self.seen_shapes.append(input_shape)
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                     name="count")
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
        self.b = self.add_weight(shape=(input_shape[-1],), initializer="zeros", name="b")

    def call(self, inputs):
        return ops.add(ops.multiply(inputs, self.w), self.b)


class Block(layers.Layer):
    """Sub-layers in an attribute, a list and a dict, plus an own weight."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = layers.Dense(3, name="first")
        self.stack = [layers.Dense(4, name="l0"), layers.Dense(2, name="l1")]
        self.heads = {"h": layers.Dense(1, name="head")}

    def build(self, input_shape):
        self.gain = self.add_weight(shape=(1,), initializer="ones", name="gain")

    def call(self, x):
        x = self.first(x)
        for layer in self.stack:
            x = layer(x)
        return ops.multiply(self.heads["h"](x), self.gain)


def test_build_runs_once_on_first_call_with_the_input_shape():
    layer = Scale()
    assert not layer.built and layer.weights == []
    x = np.ones((2, 3), "float32")
    layer(x)
    layer(x)
    assert layer.built
    assert layer.seen_shapes == [(2, 3)]


def test_own_weights_trainable_first_then_non_trainable_in_creation_order():
    layer = Scale()
    layer(np.ones((2, 3), "float32"))
    assert [w.name for w in layer.weights] == ["w", "b", "count"]
    assert [w.name for w in layer.trainable_weights] == ["w", "b"]
    assert [w.name for w in layer.non_trainable_weights] == ["count"]
    assert layer.variables == layer.weights
    assert layer.trainable_variables == layer.trainable_weights
    assert [w.path for w in layer.weights] == [
        f"{layer.name}/w", f"{layer.name}/b", f"{layer.name}/count"]


def test_sub_layers_tracked_from_attributes_lists_and_dicts_in_keras_order():
    block = Block(name="block")
    block(np.ones((2, 5), "float32"))
    # Own variables first, then each sub-layer in assignment order.
    assert [w.path for w in block.weights] == [
        "block/gain", "first/kernel", "first/bias", "l0/kernel", "l0/bias",
        "l1/kernel", "l1/bias", "head/kernel", "head/bias"]
    assert [layer.name for layer in block._layers] == ["first", "l0", "l1", "head"]
    shapes = [tuple(w.shape) for w in block.weights]
    assert shapes == [(1,), (5, 3), (3,), (3, 4), (4,), (4, 2), (2,), (2, 1), (1,)]
    assert block.count_params() == sum(int(np.prod(s)) for s in shapes)


def test_shared_sub_layer_weights_are_listed_once():
    class Twice(layers.Layer):
        def __init__(self):
            super().__init__()
            self.a = layers.Dense(2)
            self.b = self.a

        def call(self, x):
            return self.b(self.a(ops.concatenate([x, x], axis=-1)[:, :2]))

    layer = Twice()
    layer(np.ones((1, 2), "float32"))
    assert len(layer.weights) == 2


def test_add_weight_defaults_and_arguments():
    layer = layers.Layer(name="holder")
    w = layer.add_weight(shape=(3, 2))
    assert w.dtype == "float32" and w.trainable and tuple(w.shape) == (3, 2)
    # glorot_uniform by default for floats: bounded by sqrt(6 / (fan_in + fan_out)).
    limit = np.sqrt(6 / 5)
    assert np.all(np.abs(w.numpy()) <= limit) and np.any(w.numpy() != 0)
    i = layer.add_weight(shape=(2,), dtype="int32", name="steps")
    assert i.dtype == "int32" and np.array_equal(i.numpy(), [0, 0])
    s = layer.add_weight(shape=None, initializer="ones", name="scalar")
    assert tuple(s.shape) == () and float(s.numpy()) == 1.0
    c = layer.add_weight(shape=(2,), initializer=kerasnet.initializers.Constant(3.0),
                         trainable=False, regularizer="l2",
                         constraint="non_neg", name="c")
    assert not c.trainable and c.name == "c" and c.path == "holder/c"
    assert isinstance(c.regularizer, kerasnet.regularizers.L2)
    assert isinstance(c.constraint, kerasnet.constraints.NonNeg)
    np.testing.assert_array_equal(c.numpy(), [3.0, 3.0])


def test_add_variable_is_add_weight_with_required_shape_and_initializer():
    layer = layers.Layer()
    v = layer.add_variable((2,), "ones", name="v")
    assert v.name == "v" and np.array_equal(v.numpy(), [1.0, 1.0])
    with pytest.raises(TypeError):
        layer.add_variable(shape=(2,))


def test_layer_dtype_sets_weight_dtype_and_autocasts_inputs():
    layer = Scale(dtype="float64")
    out = layer(np.ones((2, 3), "float32"))
    assert out.dtype == "float64"
    assert all(w.dtype == "float64" for w in layer.weights)
    assert layer.dtype == layer.compute_dtype == layer.variable_dtype == "float64"
    # Integers are not autocast.
    ident = layers.Identity()
    assert ident(np.array([1, 2], "int32")).dtype == "int32"
    with pytest.raises(ValueError, match="mixed_float16"):
        layers.Dense(2, dtype="mixed_float16")


def test_call_converts_numpy_and_lists():
    out = layers.Identity()(np.arange(3.0))
    assert isinstance(out, kerasnet.Tensor)
    out = layers.Add()([np.ones((1, 2)), np.ones((1, 2))])
    np.testing.assert_array_equal(np.asarray(out), [[2.0, 2.0]])


def test_auto_names_are_snake_case_and_unique():
    a, b = layers.BatchNormalization(), layers.BatchNormalization()
    assert a.name.startswith("batch_normalization")
    assert a.name != b.name
    assert layers.Dense(1, name="mine").name == "mine"
    with pytest.raises(ValueError, match="cannot contain character `/`"):
        layers.Dense(1, name="a/b")
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        layers.Dense(1, bogus=3)


def test_training_flag_reaches_nested_layers_through_the_call_context():
    seen = []

    class Probe(layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    class Outer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.probe = Probe()

        def call(self, x):  # does not take or pass `training`
            return self.probe(x)

    outer = Outer()
    x = np.ones((1, 2), "float32")
    outer(x, training=True)
    outer(x, training=False)
    outer(x)
    assert seen == [True, False, None]


def test_mask_flows_to_layers_that_accept_one():
    got = {}

    class MaskReader(layers.Layer):
        def call(self, x, mask=None):
            got["mask"] = None if mask is None else np.asarray(mask)
            return x

    emb = layers.Embedding(5, 2, mask_zero=True)
    ids = np.array([[1, 2, 0, 0], [3, 0, 0, 0]])
    y = emb(ids)
    MaskReader()(y)
    np.testing.assert_array_equal(got["mask"], ids != 0)
    # A layer whose call takes no mask still accepts (and drops) one.
    assert np.asarray(layers.Activation("relu")(y, mask=ids != 0)).shape == (2, 4, 2)


def test_add_loss_and_activity_regularizer_losses_reset_each_call():
    class Penalized(layers.Layer):
        def call(self, x):
            self.add_loss(ops.sum(x))
            return x

    layer = Penalized()
    layer(np.ones((2, 2), "float32"))
    layer(np.ones((2, 2), "float32"))
    assert len(layer.losses) == 1
    assert float(np.asarray(layer.losses[0])) == 4.0

    dense = layers.Dense(2, kernel_initializer="ones", kernel_regularizer=kerasnet.regularizers.L2(0.5),
                         activity_regularizer=kerasnet.regularizers.L1(0.1))
    out = dense(np.ones((1, 3), "float32"))
    values = sorted(float(np.asarray(v)) for v in dense.losses)
    # activity: 0.1 * sum(|[3, 3]|) = 0.6; kernel: 0.5 * sum(1^2 * 6) = 3.0
    np.testing.assert_allclose(values, [0.6, 3.0], rtol=1e-6)
    assert np.asarray(out).shape == (1, 2)


def test_input_spec_errors_name_the_layer_and_the_shapes():
    dense = layers.Dense(2, name="proj")
    dense(np.ones((4, 3), "float32"))
    with pytest.raises(ValueError, match=r'layer "proj".*expected axis -1 of input '
                       r"shape to have value 3.*\(4, 5\)"):
        dense(np.ones((4, 5), "float32"))
    with pytest.raises(ValueError, match=r'layer "proj".*expected min_ndim=2, found ndim=1'):
        dense(np.ones((3,), "float32"))

    class Picky(layers.Layer):
        def __init__(self):
            super().__init__(name="picky")
            self.input_spec = layers.InputSpec(ndim=3, dtype="float32")

        def call(self, x):
            return x

    with pytest.raises(ValueError, match=r'layer "picky".*expected ndim=3, found ndim=2. '
                       r"Full shape received: \(2, 2\)"):
        Picky()(np.ones((2, 2), "float32"))
    with pytest.raises(ValueError, match="expected dtype=float32, found dtype=int32"):
        Picky()(np.ones((2, 2, 2), "int32"))
    # Symbolic inputs are checked the same way.
    with pytest.raises(ValueError, match="expected ndim=3"):
        Picky()(kerasnet.Input((4,)))


def test_trainable_false_freezes_sub_layers_and_the_tape_skips_them():
    block = Block()
    block(np.ones((2, 5), "float32"))
    n = len(block.weights)
    block.stack[0].trainable = False
    assert len(block.trainable_weights) == n - 2
    assert all(w.trainable is False for w in block.stack[0].weights)
    with kerasnet.GradientTape() as tape:
        loss = ops.sum(block(np.ones((2, 5), "float32")))
    watched = {id(v) for v in tape.watched_variables()}
    assert id(block.stack[0].kernel) not in watched
    assert id(block.stack[1].kernel) in watched
    assert tape.gradient(loss, block.stack[0].kernel) is None
    # Freezing the parent freezes every sub-layer; unfreezing restores them.
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == n
    assert all(not layer.trainable for layer in block._layers)
    block.trainable = True
    assert len(block.trainable_weights) == n


def test_get_and_set_weights_check_count_and_shapes():
    layer = layers.Dense(2, name="d")
    layer(np.ones((1, 3), "float32"))
    weights = layer.get_weights()
    assert [w.shape for w in weights] == [(3, 2), (2,)]
    new = [np.arange(6.0).reshape(3, 2), np.array([1.0, -1.0])]
    layer.set_weights(new)
    np.testing.assert_array_equal(layer.kernel.numpy(), new[0])
    with pytest.raises(ValueError, match=r"layer 'd' with a weight list of length 1, "
                       r"but the layer was expecting 2 weights"):
        layer.set_weights(new[:1])
    with pytest.raises(ValueError, match=r"Layer d weight shape \(3, 2\) is not compatible "
                       r"with provided weight shape \(2, 3\)"):
        layer.set_weights([np.zeros((2, 3)), np.zeros(2)])
    # A failed set_weights leaves the weights unchanged.
    np.testing.assert_array_equal(layer.kernel.numpy(), new[0])


def test_count_params_needs_a_built_layer():
    with pytest.raises(ValueError, match="isn't built"):
        layers.Dense(2).count_params()


def test_automatic_get_config_for_plain_constructor_arguments():
    class Custom(layers.Layer):
        def __init__(self, units, scale=1.0, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.scale = scale

        def call(self, x):
            return x

    layer = Custom(3, scale=2.0, name="c")
    config = layer.get_config()
    assert config["units"] == 3 and config["scale"] == 2.0 and config["name"] == "c"
    clone = Custom.from_config(config)
    assert clone.units == 3 and clone.scale == 2.0 and clone.name == "c"

    class Holder(layers.Layer):
        def __init__(self, inner, **kwargs):
            super().__init__(**kwargs)
            self.inner = inner

    with pytest.raises(NotImplementedError, match="implement `get_config"):
        Holder(layers.Dense(1)).get_config()


def test_default_compute_output_shape_runs_the_computation():
    class Halve(layers.Layer):
        def call(self, x):
            return x[:, ::2]

    assert Halve().compute_output_shape((None, 6)) == (None, 3)
    out = Halve()(KerasTensor((None, 6)))
    assert out.shape == (None, 3)


def test_layer_input_and_output_after_a_symbolic_call():
    x = kerasnet.Input((3,))
    dense = layers.Dense(2)
    y = dense(x)
    assert dense.input is x and dense.output is y
    with pytest.raises(AttributeError, match="never been called"):
        _ = layers.Dense(2).input
