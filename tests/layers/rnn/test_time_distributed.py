"""TimeDistributed: generic checks, per-time-step numpy references (Dense,
Conv2D, models inside), masks, configs and `.keras` files, training, errors."""

import io
import zipfile

import h5py
import kerasnet
import numpy as np
import pytest
from kerasnet import layers, ops
from kerasnet.layers.core.wrapper import Wrapper
from kerasnet.layers.rnn.time_distributed import TimeDistributed
from layer_test_utils import run_layer_test

RNG = np.random.default_rng(21)
# Until kerasnet.layers exports the class, configs naming it need this.
CUSTOM = {"TimeDistributed": TimeDistributed}


def data(*shape):
    return RNG.standard_normal(shape).astype("float32")


def built(layer, input_shape):
    """`layer` built by a call, so that its serialized config (nested in the
    wrapper's) already holds its build config and does not change later."""
    layer(np.zeros(input_shape, "float32"))
    return layer


# -- generic checks ----------------------------------------------------------------
def test_generic_dense():
    run_layer_test(
        TimeDistributed,
        {"layer": built(layers.Dense(3), (1, 4))},
        input_shape=(3, 2, 4),
        expected_output_shape=(3, 2, 3),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=0,
        expected_weights=[("kernel", (4, 3)), ("bias", (3,))],
        supports_masking=False,
        custom_objects=CUSTOM,
    )


def test_generic_conv2d():
    run_layer_test(
        TimeDistributed,
        {"layer": built(layers.Conv2D(4, 3), (1, 6, 6, 2))},
        input_shape=(2, 3, 6, 6, 2),
        expected_output_shape=(2, 3, 4, 4, 4),
        expected_num_trainable_weights=2,
        custom_objects=CUSTOM,
    )


# -- values ------------------------------------------------------------------------
def test_dense_equals_numpy_per_time_step():
    x = data(3, 5, 4)
    td = TimeDistributed(layers.Dense(2, activation="tanh"))
    out = np.asarray(td(x))
    kernel, bias = td.layer.get_weights()
    bias = data(2)
    td.layer.bias.assign(bias)
    out = np.asarray(td(x))
    steps = [np.tanh(x[:, t] @ kernel + bias) for t in range(x.shape[1])]
    np.testing.assert_allclose(out, np.stack(steps, 1), rtol=1e-5, atol=1e-6)


def test_pinned_numbers():
    # Dense(1) with every kernel entry 0.01 sums each time step's features.
    x = np.arange(24, dtype="float32").reshape(3, 2, 4)
    kernel = kerasnet.initializers.Constant(0.01)
    td = TimeDistributed(
        layers.Dense(1, kernel_initializer=kernel, use_bias=False)
    )
    out = np.asarray(td(x))
    want = [[[0.06], [0.22]], [[0.38], [0.54]], [[0.7], [0.86]]]
    np.testing.assert_allclose(out, want, rtol=1e-6)


def test_dense_on_rank_4_inputs():
    # (batch, time, rows, features): each time slice is a rank 3 Dense input.
    x = data(2, 3, 5, 4)
    td = TimeDistributed(layers.Dense(3, bias_initializer="random_normal"))
    out = np.asarray(td(x))
    kernel, bias = td.layer.get_weights()
    np.testing.assert_allclose(
        out, np.einsum("btrf,fu->btru", x, kernel) + bias, rtol=1e-5, atol=1e-5
    )


def test_conv2d_equals_the_layer_on_each_frame():
    x = data(2, 4, 7, 7, 3)
    conv = layers.Conv2D(5, 3, padding="same", activation="relu")
    out = np.asarray(TimeDistributed(conv)(x))
    assert out.shape == (2, 4, 7, 7, 5)
    frames = [np.asarray(conv(x[:, t])) for t in range(4)]
    np.testing.assert_allclose(out, np.stack(frames, 1), rtol=1e-5, atol=1e-5)


def mlp_reference(model, x):
    (k1, b1), (k2, b2) = [d.get_weights() for d in model.layers[-2:]]
    return np.maximum(x @ k1 + b1, 0) @ k2 + b2


def test_sequential_model_inside():
    model = kerasnet.Sequential(
        [layers.Dense(6, activation="relu"), layers.Dense(2)]
    )
    td = TimeDistributed(model)
    x = data(3, 4, 5)
    out = np.asarray(td(x))
    np.testing.assert_allclose(out, mlp_reference(model, x), atol=1e-5)
    assert len(td.trainable_weights) == 4
    # Another batch and time length: the wrapped model has no fixed batch.
    assert tuple(td(data(2, 7, 5)).shape) == (2, 7, 2)


def test_functional_model_inside_a_functional_model():
    inner_in = kerasnet.Input((5,))
    hidden = layers.Dense(6, activation="relu")(inner_in)
    inner = kerasnet.Model(inner_in, layers.Dense(2)(hidden))
    seq = kerasnet.Input((None, 5))  # unknown time length
    out = TimeDistributed(inner)(seq)
    assert out.shape == (None, None, 2)
    model = kerasnet.Model(seq, out)
    x = data(3, 4, 5)
    np.testing.assert_allclose(
        np.asarray(model(x)), mlp_reference(inner, x), atol=1e-5
    )


def test_the_time_steps_are_one_call_of_the_wrapped_layer():
    class Recorder(layers.Layer):
        def __init__(self):
            super().__init__()
            self.shapes = []

        def call(self, x):
            self.shapes.append(tuple(x.shape))
            return ops.multiply(x, 2.0)

    inner = Recorder()
    x = data(3, 6, 4)
    np.testing.assert_allclose(np.asarray(TimeDistributed(inner)(x)), 2 * x)
    assert inner.shapes == [(18, 4)]


def test_training_flag_reaches_the_wrapped_layer():
    td = TimeDistributed(layers.Dropout(0.5))
    x = np.ones((4, 5, 6), "float32")
    np.testing.assert_array_equal(np.asarray(td(x, training=False)), x)
    dropped = np.asarray(td(x, training=True))
    assert set(np.unique(dropped)) <= {0.0, 2.0} and (dropped == 0).any()


# -- shapes ------------------------------------------------------------------------
def test_compute_output_shape():
    td = TimeDistributed(layers.Conv2D(8, 3, strides=2))
    assert td.compute_output_shape((None, 10, 9, 9, 3)) == (None, 10, 4, 4, 8)
    td = TimeDistributed(layers.Dense(3))
    assert td.compute_output_shape((4, None, 5)) == (4, None, 3)
    assert td.compute_output_shape((4, 2, 7, 5)) == (4, 2, 7, 3)


def test_symbolic_call_with_a_fixed_batch():
    inputs = kerasnet.Input(shape=(10, 16, 16, 3), batch_size=8)
    outputs = TimeDistributed(layers.Conv2D(4, 3))(inputs)
    assert outputs.shape == (8, 10, 14, 14, 4)


# -- masks -------------------------------------------------------------------------
class MaskedScale(layers.Layer):
    """Doubles its input and zeroes the rows whose mask is False."""

    def call(self, x, mask=None):
        self.seen_mask = None if mask is None else np.asarray(mask)
        if mask is None:
            return ops.multiply(x, 2.0)
        keep = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        return ops.multiply(ops.multiply(x, 2.0), keep)


def test_mask_is_folded_for_a_layer_that_takes_one():
    x = data(3, 2, 4)
    mask = np.array([[False, True], [True, False], [True, True]])
    inner = MaskedScale()
    out = np.asarray(TimeDistributed(inner)(x, mask=mask))
    np.testing.assert_array_equal(inner.seen_mask, mask.reshape(6))
    np.testing.assert_allclose(out, 2 * x * mask[..., None], rtol=1e-6)


def test_mask_of_rank_3_is_folded_too():
    inner = MaskedScale()
    mask = RNG.uniform(size=(2, 3, 4)) > 0.5
    out = np.asarray(TimeDistributed(inner)(data(2, 3, 4, 5), mask=mask))
    assert out.shape == (2, 3, 4, 5)
    np.testing.assert_array_equal(inner.seen_mask, mask.reshape(6, 4))


def test_mask_from_an_embedding_reaches_the_wrapped_layer():
    ids = np.array([[3, 1, 0, 0], [2, 0, 4, 0]])
    embedded = layers.Embedding(5, 3, mask_zero=True)(ids)
    inner = MaskedScale()
    out = TimeDistributed(inner)(embedded)
    np.testing.assert_array_equal(inner.seen_mask, (ids != 0).reshape(8))
    np.testing.assert_allclose(
        np.asarray(out),
        2 * np.asarray(embedded) * (ids != 0)[..., None],
        rtol=1e-6,
    )
    # As in Keras 3, TimeDistributed does not propagate the mask.
    assert getattr(out, "_keras_mask", None) is None


def test_mask_is_ignored_by_a_layer_without_mask_argument():
    td = TimeDistributed(layers.Dense(2))
    x = data(3, 2, 4)
    np.testing.assert_allclose(
        np.asarray(td(x, mask=np.array([[True, False]] * 3))), np.asarray(td(x))
    )


@pytest.mark.parametrize(
    "mask_shape", [(3, 5), (4, 2), (3,)], ids=["time", "batch", "rank1"]
)
def test_mask_of_a_wrong_shape(mask_shape):
    td = TimeDistributed(layers.Dense(2))
    with pytest.raises(ValueError, match=r"`mask`.*\(3, 2\)"):
        td(data(3, 2, 4), mask=np.ones(mask_shape, bool))


def test_in_a_model_with_mask_zero():
    model = kerasnet.Sequential(
        [
            kerasnet.Input((6,)),
            layers.Embedding(10, 4, mask_zero=True),
            TimeDistributed(layers.Dense(3, activation="softmax")),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = RNG.integers(0, 10, (8, 6))
    y = RNG.integers(0, 3, (8, 6))
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


# -- config and saving -------------------------------------------------------------
def test_config_nests_the_serialized_layer_as_keras_does():
    td = TimeDistributed(layers.Dense(3, name="proj"), name="td")
    config = td.get_config()
    assert list(config) == ["name", "trainable", "dtype", "layer"]
    assert config["name"] == "td"
    nested = config["layer"]
    assert nested["module"] == "keras.layers"
    assert nested["class_name"] == "Dense"
    assert nested["registered_name"] is None
    assert nested["config"]["units"] == 3 and nested["config"]["name"] == "proj"
    assert "build_config" not in nested
    td(data(2, 3, 4))
    # Once built, the wrapped layer's config records the shape it was built
    # for: time folded into an unknown batch.
    assert td.get_config()["layer"]["build_config"] == {
        "input_shape": [None, 4]
    }


def test_from_config_round_trip_keeps_the_values():
    td = TimeDistributed(layers.Dense(3, activation="relu"))
    x = data(2, 3, 4)
    out = np.asarray(td(x))
    config = td.get_config()
    revived = TimeDistributed.from_config(config)
    assert revived.layer.built and revived.get_config() == config
    revived.set_weights(td.get_weights())
    np.testing.assert_allclose(np.asarray(revived(x)), out)
    assert config["layer"]["class_name"] == "Dense"  # config left intact

    serialized = kerasnet.saving.serialize_keras_object(td)
    assert serialized["module"] == "keras.layers"
    assert serialized["class_name"] == "TimeDistributed"
    again = kerasnet.saving.deserialize_keras_object(
        serialized, custom_objects=CUSTOM
    )
    assert isinstance(again, TimeDistributed)
    assert isinstance(again.layer, layers.Dense)


def h5_paths(keras_file):
    with zipfile.ZipFile(keras_file) as z:
        raw = z.read("model.weights.h5")
    names = []
    with h5py.File(io.BytesIO(raw), "r") as f:
        f.visititems(
            lambda n, o: (
                names.append(n) if isinstance(o, h5py.Dataset) else None
            )
        )
    return sorted(names)


def test_keras_file_round_trip_and_weight_paths(tmp_path):
    inner = kerasnet.Sequential(
        [layers.Dense(6, activation="relu"), layers.Dense(2)]
    )
    model = kerasnet.Sequential(
        [
            kerasnet.Input((4, 5)),
            TimeDistributed(inner, name="td_mlp"),
            TimeDistributed(layers.Dense(1), name="td_dense"),
        ]
    )
    path = str(tmp_path / "td.keras")
    model.save(path)
    # Keras' layout: a list's items by snake_case class name, the wrapped
    # layer in the attribute `layer`.
    assert h5_paths(path) == [
        "layers/time_distributed/layer/layers/dense/vars/0",
        "layers/time_distributed/layer/layers/dense/vars/1",
        "layers/time_distributed/layer/layers/dense_1/vars/0",
        "layers/time_distributed/layer/layers/dense_1/vars/1",
        "layers/time_distributed_1/layer/vars/0",
        "layers/time_distributed_1/layer/vars/1",
    ]
    loaded = kerasnet.saving.load_model(path, custom_objects=CUSTOM)
    x = data(3, 4, 5)
    np.testing.assert_allclose(
        np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-6
    )


@pytest.mark.skipif(
    not hasattr(layers, "TimeDistributed"),
    reason="kerasnet.layers does not export TimeDistributed yet",
)
def test_exported_and_loadable_by_name(tmp_path):
    assert layers.TimeDistributed is TimeDistributed
    model = kerasnet.Sequential(
        [kerasnet.Input((2, 3)), layers.TimeDistributed(layers.Dense(2))]
    )
    model.save(str(tmp_path / "m.keras"))
    loaded = kerasnet.saving.load_model(str(tmp_path / "m.keras"))
    assert isinstance(loaded.layers[0], TimeDistributed)


@pytest.mark.skipif(
    not hasattr(layers, "Wrapper"),
    reason="kerasnet.layers does not export Wrapper yet",
)
def test_wrapper_exported():
    assert layers.Wrapper is Wrapper
    assert issubclass(TimeDistributed, layers.Wrapper)


# -- training ----------------------------------------------------------------------
def test_gradients_equal_the_sum_over_time_steps():
    x = data(3, 4, 5)
    td = TimeDistributed(layers.Dense(2, bias_initializer="random_normal"))
    td(x)
    kernel, bias = td.layer.get_weights()
    with kerasnet.GradientTape() as tape:
        loss = ops.sum(ops.square(td(x)))
    g_kernel, g_bias = tape.gradient(loss, [td.layer.kernel, td.layer.bias])
    dy = 2 * (x @ kernel + bias)
    np.testing.assert_allclose(
        np.asarray(g_kernel),
        np.einsum("btf,btu->fu", x, dy),
        rtol=1e-4,
        atol=1e-4,
    )
    np.testing.assert_allclose(
        np.asarray(g_bias), dy.sum((0, 1)), rtol=1e-4, atol=1e-4
    )


def test_fit_lowers_the_loss():
    model = kerasnet.Sequential(
        [kerasnet.Input((5, 3)), TimeDistributed(layers.Dense(2))]
    )
    model.compile(optimizer=kerasnet.optimizers.SGD(0.1), loss="mse")
    x = data(16, 5, 3)
    y = x @ data(3, 2)
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=20, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.5 * first


def test_freezing_the_wrapper_freezes_the_wrapped_layer():
    td = TimeDistributed(layers.Dense(2))
    td(data(1, 2, 3))
    td.trainable = False
    assert td.trainable_weights == [] and len(td.non_trainable_weights) == 2
    assert td.layer.trainable is False


# -- errors ------------------------------------------------------------------------
def test_rank_2_input_is_a_clear_error():
    td = TimeDistributed(layers.Dense(2), name="frames")
    with pytest.raises(ValueError, match=r"'frames'.*rank 3.*\(3, 4\)"):
        td(data(3, 4))
    with pytest.raises(ValueError, match=r"rank 3.*\(None, 4\)"):
        TimeDistributed(layers.Dense(2))(kerasnet.Input((4,)))
    with pytest.raises(ValueError, match=r"rank 3"):
        td.compute_output_shape((None, 4))


def test_rank_2_input_after_building_is_a_clear_error():
    td = TimeDistributed(layers.Dense(2), name="frames_2")
    td(data(3, 2, 4))
    with pytest.raises(ValueError, match=r"'frames_2'.*\(3, 4\)"):
        td(data(3, 4))


@pytest.mark.parametrize("bad", [None, "dense", layers.Dense])
def test_the_wrapped_object_must_be_a_layer_instance(bad):
    with pytest.raises(ValueError, match="`layer`.*Layer"):
        TimeDistributed(bad)
