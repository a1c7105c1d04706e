"""Concatenate: joins a list of inputs along an axis."""

from kerasnet import ops
from kerasnet.layers.layer import Layer


class Concatenate(Layer):
    """Concatenates a list of inputs along `axis` (default -1); all other axes
    must match.

    Args:
        axis: the concatenation axis.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 1 or not isinstance(
                input_shape[0], (list, tuple)):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of at least "
                f"1 input. Received: input_shape={input_shape}"
            )
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs):
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        shapes = [list(s) for s in input_shape]
        rank = len(shapes[0])
        axis = self.axis % rank if rank else 0
        out = list(shapes[0])
        for s in shapes[1:]:
            if len(s) != rank:
                raise ValueError(
                    "A `Concatenate` layer requires inputs with matching shapes "
                    "except for the concatenation axis. Received: "
                    f"input_shape={input_shape}"
                )
            for i in range(rank):
                if i == axis:
                    out[i] = None if out[i] is None or s[i] is None else out[i] + s[i]
                elif out[i] is not None and s[i] is not None and out[i] != s[i]:
                    raise ValueError(
                        "A `Concatenate` layer requires inputs with matching shapes "
                        "except for the concatenation axis. Received: "
                        f"input_shape={input_shape}"
                    )
                elif out[i] is None:
                    out[i] = s[i]
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        # As Keras: every mask at the rank of its input (ones where an input
        # has none), concatenated, then "any" over the last axis.
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(ops.ones(tuple(x.shape), "bool"))
            elif m.ndim < x.ndim:
                masks.append(ops.broadcast_to(ops.expand_dims(m, -1), tuple(x.shape)))
            else:
                masks.append(m)
        return ops.any(ops.concatenate(masks, axis=self.axis), axis=-1)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)
