"""RepeatVector: repeats a 2D input n times along a new axis."""

from kerasnet import ops
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features).

    Args:
        n: the repetition factor.
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        self.n = n
        self.input_spec = InputSpec(ndim=2)
        self.built = True

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config
