"""UpSampling1D: repeats each temporal step `size` times."""

from kerasnet import ops
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer


class UpSampling1D(Layer):
    """Upsampling layer for 1D inputs.

    Repeats each temporal step `size` times along the time axis.

    Args:
        size: integer, the upsampling factor (default 2).

    Input shape:
        3D tensor `(batch_size, steps, features)`.

    Output shape:
        3D tensor `(batch_size, upsampled_steps, features)`.

    Example:

    >>> x = np.arange(6).reshape((1, 3, 2))
    >>> kerasnet.layers.UpSampling1D(size=2)(x).shape
    (1, 6, 2)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            raise ValueError(
                "Received an invalid value for `size`, expected a positive "
                f"integer. Received: size={size}"
            )
        self.size = size
        self.input_spec = InputSpec(ndim=3)
        self.built = True

    def call(self, inputs):
        return ops.repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape):
        steps = input_shape[1] * self.size if input_shape[1] is not None else None
        return (input_shape[0], steps, input_shape[2])

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config
