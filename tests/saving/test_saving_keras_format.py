"""The .keras and .weights.h5 formats: round trips and Keras 3's file layout."""

import io
import json
import os
import pickle
import zipfile

import h5py
import kerasnet as keras
import numpy as np
import pytest
import saving_models
from saving_models import BUILDERS, data_for


def _compiled(name, optimizer="adam"):
    model = BUILDERS[name]()
    n_out = len(model.outputs) if getattr(model, "outputs", None) else 1
    model.compile(keras.optimizers.get(optimizer), ["mse"] * n_out if n_out > 1 else "mse")
    x, y = data_for(model)
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    return model, x, y


def _predict(model, x):
    out = model.predict(x, verbose=0)
    return out if isinstance(out, list) else [out]


def _weights_tree(source):
    """{path: shape or 'group'} of an h5 file, a .keras file or bytes."""
    if isinstance(source, (str, os.PathLike)) and str(source).endswith(".keras"):
        source = io.BytesIO(zipfile.ZipFile(source).read("model.weights.h5"))
    out = {}
    with h5py.File(source, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(
            name, tuple(obj.shape) if isinstance(obj, h5py.Dataset) else "group"))
    return out


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_round_trip_is_bit_identical_and_training_continues(name, tmp_path):
    model, x, y = _compiled(name)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model)
    for a, b in zip(_predict(model, x), _predict(loaded, x)):
        np.testing.assert_array_equal(a, b)
    # The optimizer state came back: one more step gives the same weights.
    assert loaded.compiled
    assert int(loaded.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    if not any(isinstance(layer, keras.layers.Dropout) for layer in model._flatten_layers()):
        model.train_on_batch(x, y)
        loaded.train_on_batch(x, y)
        for a, b in zip(model.get_weights(), loaded.get_weights()):
            np.testing.assert_array_equal(a, b)


def test_zip_members_and_metadata(tmp_path):
    model, _, _ = _compiled("sequential")
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        metadata = json.loads(zf.read("metadata.json"))
        config = json.loads(zf.read("config.json"))
    assert set(metadata) >= {"keras_version", "date_saved"}
    assert config["module"] == "keras" and config["class_name"] == "Sequential"
    assert config["registered_name"] is None
    assert config["build_config"] == {"input_shape": [None, 6]}
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    dense = config["config"]["layers"][1]
    assert dense["module"] == "keras.layers" and dense["class_name"] == "Dense"
    assert dense["config"]["kernel_initializer"]["module"] == "keras.initializers"


def test_sequential_weight_paths_are_keras(tmp_path):
    model, _, _ = _compiled("sequential")
    model_path = tmp_path / "m.keras"
    model.save(model_path)
    tree = _weights_tree(model_path)
    # As Keras 3.15 writes them (checked against files Keras wrote).
    assert tree["vars"] == "group"
    assert tree["layers/dense/vars/0"] == (6, 8)
    assert tree["layers/dense/vars/1"] == (8,)
    assert tree["layers/dropout/vars"] == "group"  # empty groups are kept
    assert [tree[f"layers/batch_normalization/vars/{i}"] for i in range(4)] == [(8,)] * 4
    assert tree["layers/dense_1/vars/0"] == (8, 4)
    assert "layers/input_layer" not in tree  # a Sequential's input is not saved
    # Optimizer: iteration, learning rate, then per variable momentum, velocity.
    shapes = [tree[f"optimizer/vars/{i}"] for i in range(14)]
    assert shapes == [(), (), (6, 8), (6, 8), (8,), (8,), (8,), (8,), (8,), (8,),
                      (8, 4), (8, 4), (4,), (4,)]
    with h5py.File(io.BytesIO(zipfile.ZipFile(model_path).read("model.weights.h5"))) as f:
        assert f["layers/dense/vars"].attrs["name"] == model.layers[0].name
        assert f["optimizer/vars"].attrs["name"] == "adam"
        assert f["vars"].attrs["name"] == "seq"


def test_functional_and_nested_weight_paths_are_keras(tmp_path):
    model = saving_models.nested()
    model.save_weights(tmp_path / "n.weights.h5")
    tree = _weights_tree(tmp_path / "n.weights.h5")
    expected = {
        "layers/input_layer/vars": "group",
        "layers/sequential/vars": "group",
        "layers/sequential/layers/dense/vars/0": (6, 5),
        "layers/sequential/layers/dense_1/vars/0": (5, 4),
        "layers/functional/vars": "group",
        "layers/functional/layers/input_layer/vars": "group",
        "layers/functional/layers/batch_normalization/vars/3": (4,),
        "layers/functional/layers/dense/vars/0": (4, 3),
        "layers/concatenate/vars": "group",
        "layers/dense/vars/0": (7, 2),
    }
    for path, value in expected.items():
        assert tree[path] == value, path
    shared = saving_models.functional_multi()
    shared.save_weights(tmp_path / "f.weights.h5")
    tree = _weights_tree(tmp_path / "f.weights.h5")
    # Inputs, then layers in graph order, named per class: the shared Dense
    # is saved once, as "dense".
    assert tree["layers/input_layer/vars"] == "group"
    assert tree["layers/input_layer_1/vars"] == "group"
    assert tree["layers/dense/vars/0"] == (4, 4)
    assert tree["layers/dense_1/vars/0"] == (12, 3)
    assert tree["layers/dense_2/vars/0"] == (12, 1)
    assert "layers/dense_3" not in tree


def test_subclassed_weight_paths_are_keras(tmp_path):
    model = saving_models.subclassed()
    model.save_weights(tmp_path / "s.weights.h5")
    tree = _weights_tree(tmp_path / "s.weights.h5")
    # Attributes in sorted order; `layers` lists the sub-layers, so `left`
    # (the first Dense not reached before) is saved as layers/dense.
    expected = {
        "vars/0": (2,),
        "heads/dense/vars/0": (4, 2),
        "heads/dense_1/vars/0": (4, 2),
        "layers/dense/vars/0": (3, 4),
        "layers/scaled_dense/vars/0": (3, 4),
        "layers/scaled_dense/vars/2": (),
        "layers/layer_normalization/vars/0": (4,),
    }
    for path, value in expected.items():
        assert tree[path] == value, path
    assert not any(p.startswith(("left", "right", "norm")) for p in tree)


def test_weights_h5_round_trip_and_load_from_keras_file(tmp_path):
    model, x, _ = _compiled("functional_multi")
    model.save_weights(tmp_path / "w.weights.h5")
    model.save(tmp_path / "m.keras")
    for source in ("w.weights.h5", "m.keras"):
        fresh = saving_models.functional_multi()
        fresh.load_weights(tmp_path / source)
        for a, b in zip(_predict(model, x), _predict(fresh, x)):
            np.testing.assert_array_equal(a, b)


def test_load_weights_mismatch_and_skip_mismatch(tmp_path):
    model = saving_models.sequential()
    model.save_weights(tmp_path / "w.weights.h5")
    other = keras.Sequential([
        keras.Input((6,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dropout(0.2),
        keras.layers.BatchNormalization(), keras.layers.Dense(5),
    ])
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"w\.weights\.h5.*\n*.*shape"):
        other.load_weights(tmp_path / "w.weights.h5")
    with pytest.warns(UserWarning, match="could not be loaded"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    after = other.get_weights()
    np.testing.assert_array_equal(after[0], model.get_weights()[0])  # loaded
    np.testing.assert_array_equal(after[-1], before[-1])  # skipped


@pytest.mark.parametrize("call, match", [
    (lambda m, p: m.save(p / "m.h5"), "does not write the legacy"),
    (lambda m, p: m.save(p / "m.txt"), "Invalid filepath extension"),
    (lambda m, p: m.save_weights(p / "m.h5"), r"must end in `\.weights\.h5`"),
    (lambda m, p: m.save_weights(p / "m.keras"), r"must end in `\.weights\.h5`"),
    (lambda m, p: keras.models.load_model(p / "m.txt"), "File format not supported"),
    (lambda m, p: keras.models.load_model(p / "missing.keras"), "File not found"),
    (lambda m, p: m.load_weights(p / "m.txt"), "File format not supported"),
])
def test_wrong_suffixes_raise_value_error(call, match, tmp_path):
    model = saving_models.sequential()
    with pytest.raises(ValueError, match=match):
        call(model, tmp_path)


def test_file_objects_and_overwrite(tmp_path, monkeypatch):
    model = saving_models.custom_layer()
    buffer = io.BytesIO()
    keras.saving.save_model(model, buffer)
    buffer.seek(0)
    loaded = keras.saving.load_model(buffer)
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    path = tmp_path / "m.keras"
    model.save(path)
    stamp = path.read_bytes()
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    saving_models.custom_layer().save(path, overwrite=False)
    assert path.read_bytes() == stamp


def test_pickle_and_deepcopy_go_through_keras_bytes():
    import copy

    model, x, _ = _compiled("subclassed")
    for clone in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert clone is not model and clone.compiled
        np.testing.assert_array_equal(model.predict(x, verbose=0), clone.predict(x, verbose=0))


def test_pickled_model_crosses_processes():
    import multiprocessing

    model, x, _ = _compiled("custom_layer")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        out = pool.apply(_predict_in_child, (model, x))
    np.testing.assert_array_equal(out, model.predict(x, verbose=0))


def _predict_in_child(model, x):
    return model.predict(x, verbose=0)


def test_custom_objects_argument_and_scope(tmp_path):
    class Doubler(keras.layers.Layer):
        def call(self, x):
            return x * 2.0

    model = keras.Sequential([keras.Input((2,)), Doubler(), keras.layers.Dense(1)])
    model.save(tmp_path / "d.keras")
    with pytest.raises(TypeError, match="Doubler"):
        keras.models.load_model(tmp_path / "d.keras")
    for loaded in (
        keras.models.load_model(tmp_path / "d.keras", custom_objects={"Doubler": Doubler}),
    ):
        assert isinstance(loaded.layers[0], Doubler)
    with keras.saving.custom_object_scope({"Doubler": Doubler}):
        assert isinstance(keras.models.load_model(tmp_path / "d.keras").layers[0], Doubler)


def test_lambda_layers_need_safe_mode_off(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t * 3.0)])
    model.save(tmp_path / "l.keras")
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.load_model(tmp_path / "l.keras")
    loaded = keras.models.load_model(tmp_path / "l.keras", safe_mode=False)
    np.testing.assert_array_equal(loaded.predict(np.ones((1, 2)), verbose=0), [[3.0, 3.0]])


def test_uncompiled_and_compile_false(tmp_path):
    model, _, _ = _compiled("sequential")
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled
    plain = saving_models.nested()
    plain.save(tmp_path / "p.keras")
    assert not keras.models.load_model(tmp_path / "p.keras").compiled
