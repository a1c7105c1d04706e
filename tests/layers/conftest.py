"""Layer tests: layer_test_utils (run_layer_test) importable from every family folder."""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
