"""Sequential: add/pop, lazy build, Input first, input_shape on the first layer,
unique names, configs, nesting."""

import numpy as np
import pytest

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(37)


def test_add_and_lazy_build_on_first_call():
    model = kerasnet.Sequential(name="lazy")
    model.add(layers.Dense(4, name="a"))
    model.add(layers.Dense(2, name="b"))
    assert not model.built and model.weights == []
    assert [layer.name for layer in model.layers] == ["a", "b"]
    x = RNG.standard_normal((3, 5)).astype("float32")
    y = np.asarray(model(x))
    assert model.built and y.shape == (3, 2)
    a, b = model.layers
    ref = (x @ a.kernel.numpy() + a.bias.numpy()) @ b.kernel.numpy() + b.bias.numpy()
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-6)
    # Built from the data: the batch size stays unknown.
    assert model.input_shape == (None, 5) and model.output_shape == (None, 2)
    assert [w.path for w in model.weights] == ["a/kernel", "a/bias", "b/kernel", "b/bias"]


def test_input_first_builds_at_once():
    model = kerasnet.Sequential([kerasnet.Input((4,)), layers.Dense(3), layers.Dense(1)])
    assert model.built and len(model.weights) == 4
    assert model.input_shape == (None, 4) and model.output_shape == (None, 1)
    assert len(model.layers) == 2  # the InputLayer is not listed
    assert model.inputs[0].shape == (None, 4) and model.outputs[0].shape == (None, 1)


def test_input_shape_argument_of_the_first_layer_builds():
    model = kerasnet.Sequential([layers.Dense(3, input_shape=(6,)), layers.Dense(2)])
    assert model.built and model.input_shape == (None, 6)
    model = kerasnet.Sequential()
    model.add(layers.Dense(2, input_dim=7))
    assert model.built and model.input_shape == (None, 7)


def test_explicit_build():
    model = kerasnet.Sequential([layers.Dense(3)])
    model.build((None, 8))
    assert model.built and tuple(model.layers[0].kernel.shape) == (8, 3)
    with pytest.raises(ValueError, match="single input"):
        kerasnet.Sequential([layers.Dense(3)]).build([(None, 2), (None, 3)])


def test_pop_removes_the_last_layer_and_rebuilds():
    model = kerasnet.Sequential([kerasnet.Input((3,)), layers.Dense(4, name="keep"),
                                 layers.Dense(2, name="drop")])
    popped = model.pop()
    assert popped.name == "drop"
    assert [layer.name for layer in model.layers] == ["keep"]
    assert model.output_shape == (None, 4)
    assert np.asarray(model(np.ones((2, 3), "float32"))).shape == (2, 4)
    model.pop()
    with pytest.raises(TypeError, match="no layers"):
        model.pop()


def test_unique_names_and_bad_additions():
    model = kerasnet.Sequential([layers.Dense(2, name="same")])
    with pytest.raises(ValueError, match="unique names.*'same'"):
        model.add(layers.Dense(2, name="same"))
    with pytest.raises(ValueError, match="Only instances of `kerasnet.Layer`"):
        model.add("dense")
    model = kerasnet.Sequential([kerasnet.Input((2,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="already been configured to use an input"):
        model.add(kerasnet.Input((2,)))


def test_unbuilt_model_errors():
    model = kerasnet.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="not yet been built"):
        model.summary()
    with pytest.raises(AttributeError, match="no defined input shape"):
        _ = model.input_shape
    with pytest.raises(ValueError, match="isn't built"):
        model.count_params()


def test_wrong_input_shape_names_the_model():
    model = kerasnet.Sequential([kerasnet.Input((3,)), layers.Dense(1)], name="seq")
    with pytest.raises(ValueError, match=r'layer "seq".*expected shape=\(None, 3\), '
                       r"found shape=\(2, 4\)"):
        model(np.ones((2, 4), "float32"))


def test_config_round_trip():
    model = kerasnet.Sequential([kerasnet.Input((5,)), layers.Dense(3, activation="relu"),
                                 layers.Dropout(0.2), layers.Dense(1)], name="stack")
    config = model.get_config()
    assert config["name"] == "stack"
    assert [c["class_name"] for c in config["layers"]] == ["InputLayer", "Dense", "Dropout", "Dense"]
    clone = kerasnet.Sequential.from_config(config)
    assert clone.built and clone.input_shape == (None, 5)
    clone.set_weights(model.get_weights())
    x = RNG.standard_normal((4, 5)).astype("float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    lazy = kerasnet.Sequential([layers.Dense(2)])
    clone = kerasnet.Sequential.from_config(lazy.get_config())
    assert not clone.built and len(clone.layers) == 1


def test_nested_sequential_and_model_layers():
    inner = kerasnet.Sequential([layers.Dense(3, name="inner_dense")], name="inner")
    outer = kerasnet.Sequential([kerasnet.Input((2,)), inner, layers.Dense(1, name="top")])
    assert [layer.name for layer in outer.layers] == ["inner", "top"]
    assert [w.path for w in outer.weights] == [
        "inner_dense/kernel", "inner_dense/bias", "top/kernel", "top/bias"]
    assert outer.predict(np.ones((3, 2), "float32"), verbose=0).shape == (3, 1)
