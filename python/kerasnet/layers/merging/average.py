"""Average: Averages a list of inputs elementwise."""

from kerasnet import ops
from kerasnet.layers.merging.base_merge import Merge, _reduce


class Average(Merge):
    """Averages a list of inputs elementwise.

    Takes a list of tensors whose shapes broadcast together and returns one
    tensor of the broadcast shape.

    Example:

    >>> x1 = kerasnet.Input((4,)); x2 = kerasnet.Input((4,))
    >>> y = kerasnet.layers.Average()([x1, x2])
    """

    def _merge_function(self, inputs):
        return ops.divide(_reduce(ops.add, inputs), float(len(inputs)))


def average(inputs, **kwargs):
    """Functional interface to the `Average` layer."""
    return Average(**kwargs)(inputs)
