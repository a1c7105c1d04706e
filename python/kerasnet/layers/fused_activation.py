"""Which layer activations the engine's fused ops apply themselves (in the GEMM/convolution epilogue)."""

from kerasnet import activations


def fused_activation_name(activation):
    """'linear' or 'relu' when a fused op can apply `activation`, else None."""
    if activation is None or activation is activations.linear:
        return "linear"
    if activation is activations.relu:
        return "relu"
    return None
