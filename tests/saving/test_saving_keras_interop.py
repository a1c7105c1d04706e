"""Files written by kerasnet load in real Keras 3 (optional).

Runs when Keras 3 can be imported here, or when KERASNET_KERAS3_PYTHON names
a Python that has Keras 3 (e.g. the venv of make_fixtures.py); skips
otherwise. Keras loads each `.keras` file, predicts what kerasnet predicted,
has the same optimizer state, and loads the `.weights.h5` file too.
"""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from saving_models import BUILDERS, data_for

HERE = os.path.dirname(os.path.abspath(__file__))


def _keras3_python():
    env = os.environ.get("KERASNET_KERAS3_PYTHON")
    if env:
        return env
    if importlib.util.find_spec("keras") is not None:
        try:
            import keras

            if keras.__version__.startswith("3."):
                return sys.executable
        except Exception:  # a broken or Keras 2 install
            return None
    return None


PYTHON = _keras3_python()
pytestmark = pytest.mark.skipif(PYTHON is None, reason="Keras 3 is not installed "
                                "(set KERASNET_KERAS3_PYTHON to a Python that has it)")

_CHILD = textwrap.dedent("""
    import json, os, sys
    os.environ.setdefault("KERAS_BACKEND", "jax")
    sys.path.insert(0, {here!r})
    import numpy as np
    import keras
    from make_fixtures import keras3_attention_custom_objects, keras3_custom_objects
    keras3_custom_objects(keras)
    keras3_attention_custom_objects(keras)
    folder = sys.argv[1]
    results = {{}}
    for name in sorted(n[:-6] for n in os.listdir(folder) if n.endswith(".keras")):
        data = np.load(os.path.join(folder, name + ".npz"))
        xs = [data[f"x{{i}}"] for i in range(len(data.files)) if f"x{{i}}" in data.files]
        ys = [data[f"y{{i}}"] for i in range(len(data.files)) if f"y{{i}}" in data.files]
        x = xs if len(xs) > 1 else xs[0]
        model = keras.saving.load_model(os.path.join(folder, name + ".keras"))
        out = model.predict(x, verbose=0)
        out = out if isinstance(out, list) else [out]
        diff = max(float(np.abs(a - b).max()) for a, b in zip(out, ys))
        clone = keras.models.clone_model(model) if not isinstance(model, keras.Sequential) \\
            else keras.Sequential.from_config(model.get_config())
        if not clone.built:
            clone(x)
        clone.load_weights(os.path.join(folder, name + ".weights.h5"))
        out = clone.predict(x, verbose=0)
        out = out if isinstance(out, list) else [out]
        wdiff = max(float(np.abs(a - b).max()) for a, b in zip(out, ys))
        results[name] = {{"diff": diff, "weights_diff": wdiff,
                         "iterations": int(model.optimizer.iterations.numpy()),
                         "optimizer": [np.asarray(v).tolist() for v in model.optimizer.variables[2:4]]}}
    print("RESULTS" + json.dumps(results))
""")


def test_kerasnet_files_load_in_keras(tmp_path):
    expected = {}
    for name, build in BUILDERS.items():
        model = build()
        n_out = len(model.outputs) if getattr(model, "outputs", None) else 1
        model.compile("adam", ["mse"] * n_out if n_out > 1 else "mse")
        x, y = data_for(model)
        model.fit(x, y, epochs=2, batch_size=4, verbose=0)
        model.save(tmp_path / f"{name}.keras")
        model.save_weights(tmp_path / f"{name}.weights.h5")
        out = model.predict(x, verbose=0)
        xs = x if isinstance(x, list) else [x]
        ys = out if isinstance(out, list) else [out]
        np.savez(tmp_path / f"{name}.npz", **{f"x{i}": v for i, v in enumerate(xs)},
                 **{f"y{i}": v for i, v in enumerate(ys)})
        expected[name] = (int(model.optimizer.iterations.numpy()),
                          [v.numpy() for v in model.optimizer.variables[2:4]])
    proc = subprocess.run([PYTHON, "-c", _CHILD.format(here=HERE), str(tmp_path)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = [s for s in proc.stdout.splitlines() if s.startswith("RESULTS")][-1]
    results = json.loads(line[len("RESULTS"):])
    assert sorted(results) == sorted(BUILDERS)
    for name, result in results.items():
        assert result["diff"] < 1e-5, (name, result["diff"])
        assert result["weights_diff"] < 1e-5, (name, result["weights_diff"])
        iterations, slots = expected[name]
        assert result["iterations"] == iterations, name
        for ours, theirs in zip(slots, result["optimizer"]):
            np.testing.assert_array_equal(ours, np.asarray(theirs, dtype=ours.dtype))
