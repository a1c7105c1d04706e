"""Minimum: Computes the elementwise minimum of a list of inputs."""

from kerasnet import ops
from kerasnet.layers.merging.base_merge import Merge, _reduce


class Minimum(Merge):
    """Computes the elementwise minimum of a list of inputs.

    Takes a list of tensors whose shapes broadcast together and returns one
    tensor of the broadcast shape.

    Example:

    >>> x1 = kerasnet.Input((4,)); x2 = kerasnet.Input((4,))
    >>> y = kerasnet.layers.Minimum()([x1, x2])
    """

    def _merge_function(self, inputs):
        return _reduce(ops.minimum, inputs)


def minimum(inputs, **kwargs):
    """Functional interface to the `Minimum` layer."""
    return Minimum(**kwargs)(inputs)
