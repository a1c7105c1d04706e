"""kerasnet.utils exports Keras' names and stays cheap to import."""

import os
import subprocess
import sys

import kerasnet as keras
import pytest

NAMES = [
    "PyDataset",
    "Progbar",
    "Sequence",
    "get_file",
    "normalize",
    "pad_sequences",
    "set_random_seed",
    "split_dataset",
    "to_categorical",
    "pack_x_y_sample_weight",
    "unpack_x_y_sample_weight",
    "custom_object_scope",
    "get_custom_objects",
    "register_keras_serializable",
    "serialize_keras_object",
    "deserialize_keras_object",
    "is_keras_tensor",
]


def test_exports():
    for name in NAMES:
        assert callable(getattr(keras.utils, name)), name


def test_import_kerasnet_does_not_load_network_or_archive_modules():
    heavy = ["urllib.request", "tarfile", "zipfile", "http.client", "ssl"]
    code = (
        "import sys\n"
        f"heavy = {heavy!r}\n"
        "before = {m for m in heavy if m in sys.modules}\n"
        "import kerasnet\n"
        "print(sorted(m for m in heavy if m in sys.modules and m not in before))\n"
    )
    env = dict(os.environ)
    package_parent = os.path.dirname(os.path.dirname(keras.__file__))
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_parent, env.get("PYTHONPATH")) if p
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.strip().splitlines()[-1]
    assert out == "[]"


def test_unknown_attribute():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        keras.utils.nope  # noqa: B018
