"""`python -m kerasnet.examples.digits` reaches >= 0.97 test accuracy (about 15 s
on 2 cores; marked slow)."""

import os
import re
import subprocess
import sys

import pytest

import kerasnet


@pytest.mark.slow
def test_digits_example_reaches_097():
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(kerasnet.__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = package_root + os.pathsep + env.get("PYTHONPATH", "")
    result = subprocess.run([sys.executable, "-m", "kerasnet.examples.digits"],
                            capture_output=True, text=True, timeout=120, env=env,
                            check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    match = re.search(r"Test accuracy: ([0-9.]+)", result.stdout)
    assert match, result.stdout[-2000:]
    assert float(match.group(1)) >= 0.97, result.stdout[-2000:]
    assert 'Model: "digits_convnet"' in result.stdout and "Epoch 30/30" in result.stdout
