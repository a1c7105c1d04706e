"""keras.backend's public functions: backend name, config accessors, clear_session."""

import kerasnet as keras
import numpy as np


def test_backend_name():
    assert keras.backend.backend() == "kerasnet"
    assert keras.config.backend() == "kerasnet"


def test_clear_session_restarts_auto_naming():
    keras.layers.Dense(2)
    second = keras.layers.Dense(2)
    assert second.name != "dense"
    keras.backend.clear_session()
    assert keras.layers.Dense(2).name == "dense"
    keras.utils.clear_session()
    assert keras.layers.Dense(2).name == "dense"


def test_clear_session_keeps_live_tensors_valid():
    x = keras.ops.convert_to_tensor(np.arange(6.0, dtype="float32"))
    keras.backend.clear_session()
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(x + 1), np.arange(6.0) + 1)


def test_dtype_predicates_and_config_setters_are_exposed():
    assert keras.backend.is_float_dtype("float16") and not keras.backend.is_float_dtype("int32")
    assert keras.backend.is_int_dtype("uint8") and not keras.backend.is_int_dtype("float32")
    assert keras.backend.is_keras_tensor(keras.Input((3,)))
    before = keras.backend.epsilon()
    try:
        keras.backend.set_epsilon(1e-5)
        assert keras.config.epsilon() == 1e-5
    finally:
        keras.backend.set_epsilon(before)
