"""Reshape: changes the shape of each sample."""

import numpy as np

from kerasnet import ops
from kerasnet.layers.layer import Layer


class Reshape(Layer):
    """Reshapes inputs into `target_shape` (without the batch axis; one -1 allowed).

    Example: Reshape((3, 4)) maps (None, 12) to (None, 3, 4).
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        if sum(1 for d in target_shape if d == -1) > 1:
            raise ValueError(
                "There can only be one unknown dimension (-1) in `target_shape`. "
                f"Received: target_shape={target_shape}"
            )
        self.target_shape = target_shape
        self.built = True

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape):
        known = int(np.prod([d for d in self.target_shape if d != -1]))
        if -1 in self.target_shape:
            rest = input_shape[1:]
            if any(d is None for d in rest):
                out = tuple(None if d == -1 else d for d in self.target_shape)
            else:
                total = int(np.prod(rest))
                if known == 0 or total % known:
                    raise ValueError(
                        f"The total size of the input {input_shape} is not divisible "
                        f"by the known size of target_shape {self.target_shape}"
                    )
                out = tuple(total // known if d == -1 else d for d in self.target_shape)
        else:
            rest = input_shape[1:]
            if all(d is not None for d in rest) and int(np.prod(rest)) != known:
                raise ValueError(
                    f"total size of new array must be unchanged, input_shape = "
                    f"{list(input_shape[1:])}, output_shape = {list(self.target_shape)}"
                )
            out = self.target_shape
        return (input_shape[0],) + tuple(out)

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = list(self.target_shape)
        return config
