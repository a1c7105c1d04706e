"""kerasnet: the Keras API on a tensor engine of its own (C++, OpenMP, optional CUDA).

    import kerasnet as keras

The engine loads at import; the Keras layers, models and training modules load
on first use, so `import kerasnet` stays fast.
"""

import importlib as _importlib
import os as _os

# libgomp reads its settings when the engine loads (kerasnet.backend imports it,
# below). Bounded spinning keeps small parallel kernels fast without starving
# other processes for long.
_os.environ.setdefault("GOMP_SPINCOUNT", "200000")

from kerasnet._version import __version__  # noqa: E402,F401

from kerasnet.backend import (  # noqa: E402,F401
    GradientTape,
    Tensor,
    UnconnectedGradients,
    Variable,
    custom_gradient,
    device,
)
from kerasnet import config, ops, random, utils  # noqa: E402,F401

# Keras modules loaded on first attribute access.
_LAZY = (
    "activations",
    "applications",
    "callbacks",
    "constraints",
    "datasets",
    "examples",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularizers",
    "saving",
    "trainers",
    "tree",
)


_LAZY_ATTRS = {
    "Model": ("kerasnet.models", "Model"),
    "Sequential": ("kerasnet.models", "Sequential"),
    "Input": ("kerasnet.layers", "Input"),
    "Layer": ("kerasnet.layers", "Layer"),
    "InputSpec": ("kerasnet.layers", "InputSpec"),
    "KerasTensor": ("kerasnet.backend.keras_tensor", "KerasTensor"),
    "Loss": ("kerasnet.losses", "Loss"),
    "Metric": ("kerasnet.metrics", "Metric"),
    "Optimizer": ("kerasnet.optimizers", "Optimizer"),
    "Initializer": ("kerasnet.initializers", "Initializer"),
    "Regularizer": ("kerasnet.regularizers", "Regularizer"),
    "Constraint": ("kerasnet.constraints", "Constraint"),
    "Function": ("kerasnet.models", "Functional"),
}


def __getattr__(name):
    if name in _LAZY_ATTRS:
        module_name, attr = _LAZY_ATTRS[name]
        value = getattr(_importlib.import_module(module_name), attr)
        globals()[name] = value
        return value
    if name in _LAZY:
        try:
            module = _importlib.import_module(f"kerasnet.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"kerasnet.{name}":
                raise AttributeError(f"module 'kerasnet' has no attribute '{name}'") from None
            raise
        globals()[name] = module
        return module
    raise AttributeError(f"module 'kerasnet' has no attribute '{name}'")
