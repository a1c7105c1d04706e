"""Every public layer class of kerasnet.layers has a test under tests/layers."""

import inspect
import os

from kerasnet import layers

_HERE = os.path.dirname(os.path.abspath(__file__))


def _test_sources():
    text = []
    for root, _, files in os.walk(_HERE):
        for name in files:
            if name.startswith("test_") and name.endswith(".py") and name != os.path.basename(__file__):
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    text.append(f.read())
    return "\n".join(text)


def test_every_public_layer_is_exercised_by_a_test():
    sources = _test_sources()
    public = {obj.__name__ for name, obj in vars(layers).items()
              if inspect.isclass(obj) and issubclass(obj, layers.Layer) and name == obj.__name__}
    assert len(public) > 50
    missing = sorted(n for n in public if f"layers.{n}" not in sources)
    assert not missing, f"layers without tests: {missing}"
