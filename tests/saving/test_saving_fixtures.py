"""Files written by real Keras 3 and tf.keras 2 (tests/fixtures, made by
make_fixtures.py) load in kerasnet and predict what Keras predicted."""

import io
import json
import os
import zipfile

import h5py
import kerasnet as keras
import numpy as np
import pytest
import saving_models  # noqa: F401  (registers the fixtures' custom objects)

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def _manifest(kind):
    with open(os.path.join(FIXTURES, kind, "manifest.json")) as f:
        return json.load(f)


def _arrays(kind, name):
    with np.load(os.path.join(FIXTURES, kind, name + ".npz")) as d:
        data = {k: d[k] for k in d.files}

    def group(prefix):
        values = [data[f"{prefix}{i}"] for i in range(len(data)) if f"{prefix}{i}" in data]
        return values

    return group


def _one(values):
    return values if len(values) > 1 else values[0]


def _missing_layers(needs):
    return sorted(n for n in needs if not hasattr(keras.layers, n))


def _cases(kind):
    cases = []
    for name, info in sorted(_manifest(kind)["models"].items()):
        missing = _missing_layers(info["needs"])
        marks = [pytest.mark.skip(reason=f"kerasnet lacks {', '.join(missing)}")] if missing else []
        cases.append(pytest.param(name, info, id=name, marks=marks))
    return cases


def _keras3_cases():
    """(folder, name, info) of every Keras 3 fixture: the general, recurrent, attention and
    normalization models."""
    return [pytest.param(kind, *p.values, id=f"{kind}-{p.id}", marks=p.marks)
            for kind in ("keras3", "keras3_rnn", "keras3_attention", "keras3_norm")
            for p in _cases(kind)]


def _assert_close(outputs, expected, atol):
    outputs = outputs if isinstance(outputs, list) else [outputs]
    assert len(outputs) == len(expected)
    for got, want in zip(outputs, expected):
        np.testing.assert_allclose(got, want, rtol=0, atol=atol)


def _tree(source):
    out = {}
    with h5py.File(source, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(
            n, tuple(o.shape) if isinstance(o, h5py.Dataset) else dict(o.attrs)))
    return out


@pytest.mark.parametrize("kind, name, info", _keras3_cases())
def test_keras3_file_loads_and_predicts(kind, name, info):
    path = os.path.join(FIXTURES, kind, name + ".keras")
    group = _arrays(kind, name)
    model = keras.saving.load_model(path)
    _assert_close(model.predict(_one(group("x")), verbose=0), group("y"), atol=1e-5)
    if info["trained"]:
        # The optimizer state equals what Keras saved, and one more step
        # lands where Keras' did (models without dropout: no randomness).
        with zipfile.ZipFile(path) as zf, h5py.File(io.BytesIO(zf.read("model.weights.h5"))) as f:
            saved = [f[f"optimizer/vars/{i}"][()] for i in range(len(f["optimizer/vars"]))]
        ours = model.optimizer.variables
        assert len(ours) == len(saved)
        for v, value in zip(ours, saved):
            np.testing.assert_array_equal(v.numpy(), np.asarray(value, dtype=v.dtype))
        if "Dropout" not in info["needs"]:
            model.train_on_batch(_one(group("tx")), _one(group("ty")))
            _assert_close(model.predict(_one(group("x")), verbose=0), group("after"), atol=1e-4)


@pytest.mark.parametrize("kind, name, info", _keras3_cases())
def test_keras3_file_resaves_with_the_same_layout(kind, name, info, tmp_path):
    """Loading a Keras file and saving it again gives Keras' h5 layout:
    the same groups, datasets, shapes and name attributes."""
    path = os.path.join(FIXTURES, kind, name + ".keras")
    model = keras.saving.load_model(path)
    model.save(tmp_path / "again.keras")
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(tmp_path / "again.keras") as b:
        theirs = _tree(io.BytesIO(a.read("model.weights.h5")))
        ours = _tree(io.BytesIO(b.read("model.weights.h5")))
    # Names of auto-named objects differ between processes; paths must not.
    def strip(t):
        return {k: (v if isinstance(v, tuple) else sorted(v)) for k, v in t.items()}

    assert strip(ours) == strip(theirs)


@pytest.mark.parametrize("kind, name", [("keras3", "seq_dense"), ("keras3", "nested"),
                                        ("keras3", "subclassed"), ("keras3_rnn", "seq_lstm_gru"),
                                        ("keras3_rnn", "masked_bidirectional"),
                                        ("keras3_attention", "mha_self"), ("keras3_attention", "transformer")])
def test_keras3_weights_files_load_into_kerasnet_models(kind, name):
    model = keras.saving.load_model(os.path.join(FIXTURES, kind, name + ".keras"))
    group = _arrays(kind, name)
    fresh = keras.models.clone_model(model)
    if not fresh.built:
        fresh(_one(group("x")))
    fresh.load_weights(os.path.join(FIXTURES, kind, name + ".weights.h5"))
    _assert_close(fresh.predict(_one(group("x")), verbose=0), group("y"), atol=1e-5)


def test_keras3_file_naming_a_missing_layer_says_which():
    missing = _missing_layers(_manifest("keras3")["models"]["conv"]["needs"])
    if not missing:
        pytest.skip("kerasnet has every layer of the conv fixture")
    with pytest.raises(TypeError, match="|".join(missing)):
        keras.saving.load_model(os.path.join(FIXTURES, "keras3", "conv.keras"))


@pytest.mark.parametrize("name, info", _cases("tf2"))
def test_tf2_h5_model_loads_and_predicts(name, info):
    group = _arrays("tf2", name)
    model = keras.saving.load_model(os.path.join(FIXTURES, "tf2", name + ".h5"))
    _assert_close(model.predict(_one(group("x")), verbose=0), group("y"), atol=1e-5)


def test_tf2_h5_compiled_model_restores_optimizer_state():
    model = keras.models.load_model(os.path.join(FIXTURES, "tf2", "seq_dense.h5"))
    assert model.compiled and isinstance(model.optimizer, keras.optimizers.Adam)
    assert int(model.optimizer.iterations.numpy()) == 4  # 2 epochs of 2 batches
    with h5py.File(os.path.join(FIXTURES, "tf2", "seq_dense.h5")) as f:
        m0 = f["optimizer_weights/Adam/m/dense/kernel:0"][()]
    np.testing.assert_array_equal(model.optimizer.variables[2].numpy(), m0)
    assert not keras.models.load_model(os.path.join(FIXTURES, "tf2", "seq_dense.h5"),
                                       compile=False).compiled


@pytest.mark.parametrize("name", ["seq_dense", "functional_multi", "nested"])
@pytest.mark.parametrize("by_name", [False, True])
def test_tf2_h5_weights_load_by_order_and_by_name(name, by_name):
    group = _arrays("tf2", name)
    reference = keras.models.load_model(os.path.join(FIXTURES, "tf2", name + ".h5"),
                                        compile=False)
    fresh = keras.models.clone_model(reference)
    fresh.load_weights(os.path.join(FIXTURES, "tf2", name + "_weights.h5"), by_name=by_name)
    _assert_close(fresh.predict(_one(group("x")), verbose=0), group("y"), atol=1e-5)


def test_tf2_h5_by_name_skips_unknown_layers_and_mismatches():
    path = os.path.join(FIXTURES, "tf2", "seq_dense_weights.h5")
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, name="dense"),
                              keras.layers.Dense(3, name="unrelated")])
    model.load_weights(path, by_name=True)
    with h5py.File(path) as f:
        np.testing.assert_array_equal(model.layers[0].kernel.numpy(), f["dense/dense/kernel:0"][()])
    small = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, name="dense")])
    with pytest.raises(ValueError, match="Shape mismatch"):
        small.load_weights(path, by_name=True)
    with pytest.warns(UserWarning, match="Skipping"):
        small.load_weights(path, by_name=True, skip_mismatch=True)
    with pytest.raises(ValueError, match="Layer count mismatch"):
        model.load_weights(path)
