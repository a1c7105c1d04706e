"""Permute: permutes the non-batch axes."""

from kerasnet import ops
from kerasnet.layers.layer import Layer


class Permute(Layer):
    """Permutes the axes of each sample.

    Args:
        dims: permutation of the axes 1..ndim-1 (1-indexed, the batch axis is
            not included), e.g. (2, 1) swaps the two axes of (None, a, b).
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set "
                "of indices in `dims` must be consecutive and start from 1. "
                f"Received dims={dims}"
            )
        self.built = True

    def call(self, inputs):
        return ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        config = super().get_config()
        config["dims"] = list(self.dims)
        return config
