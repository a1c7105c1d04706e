"""Functional models: several inputs and outputs (lists and dicts), shared layers,
nested models, ops and operators on KerasTensors, config round trips, errors."""

import json

import numpy as np
import pytest

import kerasnet
from kerasnet import layers, ops

RNG = np.random.default_rng(31)


def data(*shape):
    return RNG.standard_normal(shape).astype("float32")


def dense_np(layer, x):
    return x @ layer.kernel.numpy() + layer.bias.numpy()


def test_two_inputs_two_outputs_as_lists():
    a, b = kerasnet.Input((3,), name="a"), kerasnet.Input((2,), name="b")
    d1, d2 = layers.Dense(4, name="d1"), layers.Dense(1, name="d2")
    h = layers.Concatenate()([a, b])
    out1, out2 = d1(h), d2(h)
    model = kerasnet.Model([a, b], [out1, out2])
    xa, xb = data(5, 3), data(5, 2)
    y1, y2 = model.predict([xa, xb], verbose=0)
    hc = np.concatenate([xa, xb], -1)
    np.testing.assert_allclose(y1, dense_np(d1, hc), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y2, dense_np(d2, hc), rtol=1e-5, atol=1e-6)
    # Inputs may also be given by input name.
    y1b, _ = model({"a": xa, "b": xb})
    np.testing.assert_allclose(np.asarray(y1b), y1, rtol=1e-6)
    assert model.input_shape == [(None, 3), (None, 2)]
    assert model.output_shape == [(None, 4), (None, 1)]
    assert model.input_names == ["a", "b"]
    with pytest.raises(ValueError, match="Missing data for input"):
        model({"a": xa})
    with pytest.raises(ValueError, match="expects 2 input"):
        model([xa])


def test_dict_inputs_and_outputs_keep_their_structure():
    a, b = kerasnet.Input((3,), name="left"), kerasnet.Input((3,), name="right")
    model = kerasnet.Model({"left": a, "right": b},
                           {"sum": layers.Add()([a, b]), "diff": layers.Subtract()([a, b])})
    xa, xb = data(4, 3), data(4, 3)
    out = model({"right": xb, "left": xa})
    assert set(out) == {"sum", "diff"}
    np.testing.assert_allclose(np.asarray(out["sum"]), xa + xb, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(out["diff"]), xa - xb, rtol=1e-6)
    pred = model.predict({"left": xa, "right": xb}, verbose=0, batch_size=3)
    np.testing.assert_allclose(pred["diff"], xa - xb, rtol=1e-6)


def test_shared_layer_has_one_set_of_weights():
    a, b = kerasnet.Input((3,)), kerasnet.Input((3,))
    shared = layers.Dense(2, name="shared")
    model = kerasnet.Model([a, b], layers.Add()([shared(a), shared(b)]))
    assert len(model.weights) == 2
    assert len(shared._inbound_nodes) == 2
    xa, xb = data(2, 3), data(2, 3)
    np.testing.assert_allclose(np.asarray(model([xa, xb])),
                               dense_np(shared, xa) + dense_np(shared, xb), rtol=1e-5)
    # Training the model trains the shared kernel through both branches.
    with kerasnet.GradientTape() as tape:
        loss = ops.sum(model([xa, xb]))
    grad = np.asarray(tape.gradient(loss, shared.kernel))
    np.testing.assert_allclose(grad, np.repeat((xa + xb).sum(0)[:, None], 2, 1), rtol=1e-5)


def test_nested_models_used_as_layers():
    i = kerasnet.Input((4,))
    inner = kerasnet.Model(i, layers.Dense(3, name="in_d")(i), name="inner")
    seq = kerasnet.Sequential([kerasnet.Input((3,)), layers.Dense(2, name="sq_d")], name="seq")

    class Sub(kerasnet.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d = layers.Dense(5, name="sub_d")

        def call(self, x):
            return self.d(x)

    sub = Sub(name="sub")
    x = kerasnet.Input((4,))
    h = seq(inner(x))
    out = sub(h)
    assert h.shape == (None, 2) and out.shape == (None, 5)
    model = kerasnet.Model(x, [h, out], name="outer")
    assert [layer.name for layer in model.layers][1:] == ["inner", "seq", "sub"]
    assert [w.path for w in model.weights] == [
        "in_d/kernel", "in_d/bias", "sq_d/kernel", "sq_d/bias", "sub_d/kernel", "sub_d/bias"]
    xv = data(3, 4)
    y_h, y_out = model.predict(xv, verbose=0)
    ref_h = dense_np(seq.layers[0], dense_np(inner.layers[1], xv))
    np.testing.assert_allclose(y_h, ref_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y_out, dense_np(sub.d, ref_h), rtol=1e-5, atol=1e-6)
    clone = kerasnet.Model.from_config(model.get_config(), custom_objects={"Sub": Sub})
    clone.set_weights(model.get_weights())
    for got, want in zip(clone.predict(xv, verbose=0), (y_h, y_out)):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_ops_and_operators_on_keras_tensors():
    a, b = kerasnet.Input((3,)), kerasnet.Input((3,))
    s = ops.add(a, b)
    t = (s * 2.0 - b) / 4.0
    first = t[:, 0]
    gram = ops.matmul(ops.expand_dims(a, -1), ops.expand_dims(b, 1))
    mx = ops.max(ops.abs(-a), axis=-1)
    assert first.shape == (None,) and gram.shape == (None, 3, 3) and mx.shape == (None,)
    model = kerasnet.Model([a, b], [t, first, gram, mx])
    xa, xb = data(4, 3), data(4, 3)
    got = model.predict([xa, xb], verbose=0)
    ref_t = ((xa + xb) * 2 - xb) / 4
    for g, r in zip(got, [ref_t, ref_t[:, 0], xa[:, :, None] * xb[:, None, :], np.abs(xa).max(-1)]):
        np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-6)


def test_keras_tensors_refuse_iteration_and_truth_with_type_errors():
    x = kerasnet.Input((2,))
    with pytest.raises(TypeError, match="Iterating over a symbolic KerasTensor"):
        first, second = x
    with pytest.raises(TypeError, match="Python boolean"):
        bool(x)


def test_config_round_trip_rebuilds_the_same_graph():
    a, b = kerasnet.Input((3,), name="a"), kerasnet.Input((3,), name="b")
    shared = layers.Dense(4, activation="relu", name="shared")
    h = layers.Concatenate(name="cat")([shared(a), shared(b)])
    h = ops.add(h, 1.0)[:, 1:]
    out = layers.Dense(2, name="head")(layers.Dropout(0.5, name="drop")(h))
    model = kerasnet.Model({"a": a, "b": b}, {"out": out, "mid": h}, name="graph")
    config = model.get_config()
    text = json.dumps(config)  # JSON-serializable, as Keras' config
    clone = kerasnet.Model.from_config(json.loads(text))
    assert clone.name == "graph"
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights]
    clone.set_weights(model.get_weights())
    inputs = {"a": data(2, 3), "b": data(2, 3)}
    want, got = model.predict(inputs, verbose=0), clone.predict(inputs, verbose=0)
    for key in ("out", "mid"):
        np.testing.assert_allclose(got[key], want[key], rtol=1e-6)
    assert clone.get_config()["layers"][-1]["inbound_nodes"] == config["layers"][-1]["inbound_nodes"]


def test_layer_order_and_get_layer():
    x = kerasnet.Input((2,), name="x")
    h = layers.Dense(3, name="first")(x)
    y = layers.Dense(1, name="second")(h)
    model = kerasnet.Model(x, y)
    assert [layer.name for layer in model.layers] == ["x", "first", "second"]
    assert model.get_layer("second") is model.layers[2]
    assert model.get_layer(index=1).name == "first"
    with pytest.raises(ValueError, match="No such layer: third"):
        model.get_layer("third")
    with pytest.raises(ValueError, match="only has 3 layers"):
        model.get_layer(index=5)
    with pytest.raises(ValueError, match="Provide only a layer name or a layer index"):
        model.get_layer("first", index=1)


def test_graph_errors():
    a, b = kerasnet.Input((2,)), kerasnet.Input((2,))
    out = layers.Add()([a, b])
    with pytest.raises(ValueError, match="Graph disconnected"):
        kerasnet.Model(a, out)
    with pytest.raises(ValueError, match="made by `kerasnet.Input`"):
        kerasnet.Model(layers.Dense(2)(a), out)
    with pytest.raises(ValueError, match="must be KerasTensors"):
        kerasnet.Model(a, np.zeros(2))


def test_a_model_subclass_called_with_inputs_and_outputs_is_functional():
    class Custom(kerasnet.Model):
        def describe(self):
            return "custom"

    x = kerasnet.Input((3,))
    model = Custom(x, layers.Dense(2)(x), name="custom")
    assert isinstance(model, kerasnet.models.Functional) and isinstance(model, Custom)
    assert model.describe() == "custom" and model.name == "custom"
    assert model.predict(data(4, 3), verbose=0).shape == (4, 2)


def test_functional_model_trains_and_its_outputs_are_its_layers():
    x = kerasnet.Input((2,))
    dense = layers.Dense(1)
    model = kerasnet.Model(x, dense(x))
    model.compile(kerasnet.optimizers.SGD(0.1), "mse")
    xs = data(64, 2)
    ys = xs @ np.array([[2.0], [-1.0]], "float32") + 0.5
    model.fit(xs, ys, epochs=60, batch_size=16, verbose=0)
    np.testing.assert_allclose(dense.kernel.numpy()[:, 0], [2.0, -1.0], atol=0.02)
    np.testing.assert_allclose(dense.bias.numpy(), [0.5], atol=0.02)
