"""Multiply: Performs elementwise multiplication of a list of inputs."""

from kerasnet import ops
from kerasnet.layers.merging.base_merge import Merge, _reduce


class Multiply(Merge):
    """Performs elementwise multiplication of a list of inputs.

    Takes a list of tensors whose shapes broadcast together and returns one
    tensor of the broadcast shape.

    Example:

    >>> x1 = kerasnet.Input((4,)); x2 = kerasnet.Input((4,))
    >>> y = kerasnet.layers.Multiply()([x1, x2])
    """

    def _merge_function(self, inputs):
        return _reduce(ops.multiply, inputs)


def multiply(inputs, **kwargs):
    """Functional interface to the `Multiply` layer."""
    return Multiply(**kwargs)(inputs)
