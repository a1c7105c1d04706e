"""Bad files raise clear Python exceptions naming the file; a kill during a
save leaves the previous file intact. Each case runs in a subprocess, which
must end with an exception, never a signal."""

import glob
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import h5py
import kerasnet as keras
import numpy as np
import pytest

PYTHON_DIR = os.path.dirname(os.path.dirname(keras.__file__))

_CHILD = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, {python_dir!r})
    import kerasnet as keras
    from kerasnet.saving import file_io
    file_io.ZIP_BOMB_FLOOR_BYTES = 1 << 16  # so a small test file can be a "bomb"
    path, action = sys.argv[1], sys.argv[2]
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d1"),
                              keras.layers.Dense(2, name="d2")])
    try:
        if action == "load_model":
            keras.models.load_model(path)
        else:
            model.load_weights(path)
    except Exception as e:
        print(json.dumps({{"type": type(e).__name__,
                           "value_or_os": isinstance(e, (ValueError, OSError)),
                           "message": str(e)}}))
        sys.exit(2)
    print(json.dumps({{"type": None}}))
""")


def _run_child(path, action):
    code = _CHILD.format(python_dir=PYTHON_DIR)
    proc = subprocess.run([sys.executable, "-c", code, str(path), action],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode >= 0, f"killed by signal {-proc.returncode}: {proc.stderr[-2000:]}"
    assert proc.returncode == 2, f"rc={proc.returncode}\n{proc.stdout}\n{proc.stderr[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d1"),
                              keras.layers.Dense(2, name="d2")])
    model.compile("adam", "mse")
    model.fit(np.ones((4, 4)), np.ones((4, 2)), verbose=0)
    return model


def _keras_bytes():
    buffer = io.BytesIO()
    _model().save(buffer)
    return buffer.getvalue()


def _rezip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _members():
    with zipfile.ZipFile(io.BytesIO(_keras_bytes())) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _edit_weights(edit):
    members = _members()
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "a") as f:
        edit(f)
    members["model.weights.h5"] = buffer.getvalue()
    return _rezip(members)


def _config_with(transform):
    members = _members()
    config = json.loads(members["config.json"])
    transform(config)
    members["config.json"] = json.dumps(config)
    return _rezip(members)


def _unknown_layer(config):
    config["config"]["layers"][1]["class_name"] = "NoSuchLayer"


def _bomb():
    data = _members()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", data["metadata.json"])
        zf.writestr("config.json", b" " * (1 << 22) + data["config.json"])  # 4 MiB of spaces
        zf.writestr("model.weights.h5", data["model.weights.h5"])
    return out.getvalue()


def _shape_change(f):
    del f["layers/dense/vars/0"]
    f["layers/dense/vars"].create_dataset("0", data=np.zeros((5, 3), "float32"))


def _soft_link(f):
    del f["layers/dense/vars/1"]
    f["layers/dense/vars"]["1"] = h5py.SoftLink("/layers/dense_1/vars/1")


KERAS_CASES = {
    "empty": lambda: b"",
    "garbage": lambda: os.urandom(4096),
    "truncated": lambda: _keras_bytes()[:700],
    "no_config_member": lambda: _rezip({"metadata.json": b"{}", "other.txt": b"x"}),
    "config_not_json": lambda: _rezip({**_members(), "config.json": b"{not json"}),
    "config_not_a_model": lambda: _rezip({**_members(), "config.json": b"[1, 2]"}),
    "unknown_class": lambda: _config_with(_unknown_layer),
    "no_weights_member": lambda: _rezip({k: v for k, v in _members().items()
                                          if k != "model.weights.h5"}),
    "weights_not_h5": lambda: _rezip({**_members(), "model.weights.h5": b"\x89HDF junk" * 50}),
    "missing_dataset": lambda: _edit_weights(lambda f: f.__delitem__("layers/dense/vars/1")),
    "misshaped_dataset": lambda: _edit_weights(_shape_change),
    "soft_link": lambda: _edit_weights(_soft_link),
    "zip_bomb": _bomb,
}


@pytest.mark.parametrize("case", sorted(KERAS_CASES))
def test_bad_keras_file_raises_naming_the_file(case, tmp_path):
    path = tmp_path / f"{case}.keras"
    path.write_bytes(KERAS_CASES[case]())
    result = _run_child(path, "load_model")
    assert result["value_or_os"], result
    assert str(path) in result["message"], result
    if case == "unknown_class":
        assert "NoSuchLayer" in result["message"]
    if case == "zip_bomb":
        assert "bomb" in result["message"]
    if case == "misshaped_dataset":
        assert "(5, 3)" in result["message"] and "(4, 3)" in result["message"]


def _weights_bytes(edit=None):
    model = _model()
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"kn_w_{os.getpid()}.weights.h5")
    model.save_weights(path)
    try:
        if edit is not None:
            with h5py.File(path, "a") as f:
                edit(f)
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.remove(path)


WEIGHTS_CASES = {
    "empty": lambda: b"",
    "garbage": lambda: os.urandom(2048),
    "truncated": lambda: _weights_bytes()[:1500],
    "missing_dataset": lambda: _weights_bytes(lambda f: f.__delitem__("layers/dense_1/vars/0")),
    "missing_group": lambda: _weights_bytes(lambda f: f.__delitem__("layers/dense")),
    "misshaped_dataset": lambda: _weights_bytes(_shape_change),
}


@pytest.mark.parametrize("case", sorted(WEIGHTS_CASES))
def test_bad_weights_file_raises_naming_the_file(case, tmp_path):
    path = tmp_path / f"{case}.weights.h5"
    path.write_bytes(WEIGHTS_CASES[case]())
    result = _run_child(path, "load_weights")
    assert result["value_or_os"], result
    assert str(path) in result["message"], result


@pytest.mark.parametrize("case", ["garbage_h5", "weights_file_as_model"])
def test_bad_legacy_h5_raises(case, tmp_path):
    path = tmp_path / f"{case}.h5"
    if case == "garbage_h5":
        path.write_bytes(os.urandom(1024))
    else:
        fixtures = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "tf2")
        with open(os.path.join(fixtures, "seq_dense_weights.h5"), "rb") as f:
            path.write_bytes(f.read())
    result = _run_child(path, "load_model")
    assert result["value_or_os"], result
    assert str(path) in result["message"], result


# -- kill during save -----------------------------------------------------------------
_SAVER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {python_dir!r})
    import numpy as np
    import kerasnet as keras
    from kerasnet.saving import h5_store
    path, what = sys.argv[1], sys.argv[2]
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d1"),
                              keras.layers.Dense(2, name="d2")])
    model.set_weights([np.full(w.shape, 7.0, "float32") for w in model.get_weights()])
    original = h5_store.H5Store.__setitem__
    def slow(self, key, value):
        original(self, key, value)
        print("writing", flush=True)
        time.sleep(60)
    h5_store.H5Store.__setitem__ = slow
    if what == "model":
        model.save(path)
    else:
        model.save_weights(path)
""")


@pytest.mark.parametrize("what", ["model", "weights"])
def test_kill_during_save_leaves_previous_file_intact(what, tmp_path):
    path = tmp_path / ("m.keras" if what == "model" else "m.weights.h5")
    model = _model()
    if what == "model":
        model.save(path)
    else:
        model.save_weights(path)
    before = path.read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", _SAVER.format(python_dir=PYTHON_DIR),
                             str(path), what], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # the save is under way
        assert line.strip() == "writing"
        time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
    assert path.read_bytes() == before
    fresh = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d1"),
                              keras.layers.Dense(2, name="d2")])
    if what == "model":
        loaded = keras.models.load_model(path)
        np.testing.assert_array_equal(loaded.get_weights()[0], model.get_weights()[0])
    else:
        fresh.load_weights(path)
        np.testing.assert_array_equal(fresh.get_weights()[0], model.get_weights()[0])
    # Only the killed writer's temporary file is left beside it.
    leftovers = [p for p in glob.glob(str(tmp_path / ".*")) if p.endswith(".tmp")]
    assert len(leftovers) <= 1


def test_failed_save_removes_its_temporary_file(tmp_path):
    class Unserializable(keras.layers.Layer):
        def __init__(self, thing, **kwargs):
            super().__init__(**kwargs)
            self.thing = thing

        def get_config(self):
            return {**super().get_config(), "thing": self.thing}

        def call(self, x):
            return x

    model = keras.Sequential([keras.Input((2,)), Unserializable(object())])
    with pytest.raises(TypeError):
        model.save(tmp_path / "m.keras")
    assert os.listdir(tmp_path) == []
