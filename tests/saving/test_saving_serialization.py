"""The one serializer (kerasnet.saving.serialization_lib) and the registry."""

import json

import kerasnet as keras
import numpy as np
import pytest
from kerasnet.saving import serialization_lib
from kerasnet.saving.serialization_lib import (
    deserialize_keras_object,
    serialize_keras_object,
)


def test_public_api():
    for name in ("serialize_keras_object", "deserialize_keras_object",
                 "register_keras_serializable", "custom_object_scope", "get_registered_object",
                 "get_registered_name", "save_model", "load_model"):
        assert callable(getattr(keras.saving, name)), name
    from kerasnet.saving import saving_api

    for name in ("save_model", "load_model", "save_weights", "load_weights"):
        assert callable(getattr(saving_api, name))
    assert callable(keras.config.enable_unsafe_deserialization)


@pytest.mark.parametrize("value", [
    None, 3, 2.5, "s", True, [1, "a"], {"k": [1, 2]},
])
def test_plain_values_pass_through(value):
    assert deserialize_keras_object(serialize_keras_object(value)) == value


def test_special_values():
    config = serialize_keras_object(np.arange(6, dtype="float32").reshape(2, 3))
    assert config["class_name"] == "__numpy__"
    np.testing.assert_array_equal(deserialize_keras_object(json.loads(json.dumps(config))),
                                  np.arange(6).reshape(2, 3))
    assert serialize_keras_object(np.float32(1.5)) == 1.5
    assert deserialize_keras_object(serialize_keras_object(b"abc")) == b"abc"
    assert deserialize_keras_object(serialize_keras_object(slice(1, None, 2))) == slice(1, None, 2)
    assert serialize_keras_object((1, 2)) == (1, 2)  # JSON makes it a list, as in Keras
    t = serialize_keras_object(keras.ops.ones((2,)))
    assert t["class_name"] == "__tensor__"
    np.testing.assert_array_equal(np.asarray(deserialize_keras_object(t)), [1.0, 1.0])


def test_builtin_objects_use_keras_public_modules():
    cases = [
        (keras.layers.Dense(2), "keras.layers"),
        (keras.optimizers.Adam(), "keras.optimizers"),
        (keras.losses.MeanSquaredError(), "keras.losses"),
        (keras.metrics.Mean(), "keras.metrics"),
        (keras.initializers.GlorotUniform(), "keras.initializers"),
        (keras.regularizers.L2(0.1), "keras.regularizers"),
        (keras.constraints.MaxNorm(), "keras.constraints"),
        (keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9),
         "keras.optimizers.schedules"),
        (keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), "keras"),
    ]
    for obj, module in cases:
        config = serialize_keras_object(obj)
        assert config["module"] == module, type(obj)
        assert config["class_name"] == type(obj).__name__
        assert config["registered_name"] is None
        clone = deserialize_keras_object(json.loads(json.dumps(config)))
        assert type(clone) is type(obj)
    fn = serialize_keras_object(keras.losses.mean_squared_error)
    assert fn == {"module": "keras.losses", "class_name": "function",
                  "config": "mean_squared_error", "registered_name": "mean_squared_error"}
    assert deserialize_keras_object(fn) is keras.losses.mean_squared_error


def test_reads_keras_src_modules_and_keras2_configs():
    config = {"module": "keras.src.layers.core.dense", "class_name": "Dense",
              "config": {"units": 3, "name": "d"}, "registered_name": None}
    assert isinstance(deserialize_keras_object(config), keras.layers.Dense)
    legacy = {"class_name": "Dense", "config": {"units": 3, "batch_input_shape": [None, 4]}}
    assert deserialize_keras_object(legacy).units == 3
    with pytest.raises(TypeError, match="'NoSuchThing'"):
        deserialize_keras_object({"module": "keras.layers", "class_name": "NoSuchThing",
                                  "config": {}, "registered_name": None})
    with pytest.raises(ValueError, match="NoSuchThing"):  # both TypeError and ValueError
        deserialize_keras_object({"module": "keras.layers", "class_name": "NoSuchThing",
                                  "config": {}, "registered_name": None})


def test_configs_never_import_modules():
    config = {"module": "os", "class_name": "system", "config": {}, "registered_name": None}
    with pytest.raises(TypeError, match="system"):
        deserialize_keras_object(config)
    fn = {"module": "os", "class_name": "function", "config": "system",
          "registered_name": "system"}
    with pytest.raises(TypeError, match="system"):
        deserialize_keras_object(fn)


def test_register_and_scopes():
    @keras.saving.register_keras_serializable(package="tests_saving")
    class Halver(keras.layers.Layer):
        def call(self, x):
            return x / 2

    @keras.saving.register_keras_serializable(package="tests_saving", name="triple")
    def triple(x):
        return 3 * x

    assert keras.saving.get_registered_name(Halver) == "tests_saving>Halver"
    assert keras.saving.get_registered_object("tests_saving>triple") is triple
    config = serialize_keras_object(Halver(name="h"))
    assert config["registered_name"] == "tests_saving>Halver"
    assert isinstance(deserialize_keras_object(config), Halver)
    assert deserialize_keras_object(serialize_keras_object(triple)) is triple
    with pytest.raises(ValueError, match="get_config"):
        keras.saving.register_keras_serializable()(type("NoConfig", (), {}))

    class Local(keras.layers.Layer):
        pass

    config = serialize_keras_object(Local(name="l"))
    assert config["registered_name"] == "Local"
    with pytest.raises(TypeError, match="Local"):
        deserialize_keras_object(config)
    with keras.saving.custom_object_scope({"Local": Local}):
        assert keras.saving.get_registered_object("Local") is Local
        assert isinstance(deserialize_keras_object(config), Local)
    assert keras.saving.get_registered_object("Local") is None
    assert isinstance(deserialize_keras_object(config, custom_objects={"Local": Local}), Local)


def test_safe_mode_and_lambdas():
    config = serialize_keras_object(lambda x: x + 1)
    assert config["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match="safe_mode=False"):
        deserialize_keras_object(config)
    assert deserialize_keras_object(config, safe_mode=False)(1) == 2
    with serialization_lib.SafeModeScope(False):
        assert deserialize_keras_object(config)(2) == 3
    with serialization_lib.SafeModeScope(True), pytest.raises(ValueError):
        deserialize_keras_object(config, safe_mode=False)


def test_layer_configs_round_trip_through_json():
    layers = [
        keras.layers.Dense(3, activation="relu", kernel_regularizer="l2"),
        keras.layers.BatchNormalization(momentum=0.9),
        keras.layers.LayerNormalization(epsilon=1e-4),
        keras.layers.Embedding(10, 4, mask_zero=True),
        keras.layers.Dropout(0.3, seed=2),
        keras.layers.Concatenate(axis=-1),
        keras.layers.Dot(axes=1, normalize=True),
        keras.layers.Reshape((2, 3)),
        keras.layers.Permute((2, 1)),
        keras.layers.LeakyReLU(0.2),
        keras.layers.PReLU(),
    ]
    for layer in layers:
        config = json.loads(json.dumps(serialize_keras_object(layer)))
        clone = deserialize_keras_object(config)
        assert type(clone) is type(layer)
        assert clone.get_config() == layer.get_config()
