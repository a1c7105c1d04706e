"""The activations that the engine's fused GEMM and convolution epilogues apply themselves.

`FusedActivation` is the engine's enum (`_C.FusedActivation`, csrc/core/fused_activation.h):
`matmul_bias_act` and `conv_bias_act` take one of its values. Which Keras activation function is
which value is registered here by the module that defines the functions (kerasnet.activations
registers its `linear` and `relu`), so that ops, which sit below the activations, never import
them: `fused_activation(fn)` only looks the function up.
"""

from kerasnet import _C

FusedActivation = _C.FusedActivation

# (function, FusedActivation) pairs, matched by identity: a layer's activation is the very
# function object that kerasnet.activations.get(name) returns.
_REGISTERED = []


def register_fused_activation(fn, fused):
    """Declares that the fused epilogue value `fused` computes `fn(x)` (kerasnet.activations)."""
    if not isinstance(fused, FusedActivation):
        raise TypeError(f"Expected a FusedActivation, got {fused!r}")
    _REGISTERED.append((fn, fused))


def fused_activation(activation):
    """The FusedActivation computing `activation` (None is linear), or None when no fused epilogue
    can apply it and the caller must run it as an op of its own."""
    if activation is None:
        return FusedActivation.linear
    for fn, fused in _REGISTERED:
        if activation is fn:
            return fused
    return None
