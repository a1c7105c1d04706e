"""Merge: the base of the layers combining a list of inputs elementwise."""

from kerasnet import ops
from kerasnet.layers.layer import Layer


class Merge(Layer):
    """Base class of Add, Subtract, Multiply, Average, Maximum, Minimum.

    Inputs are a list of tensors whose shapes broadcast together (batch axis
    included); the mask of the output is the AND of the input masks.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs):
        raise NotImplementedError

    def build(self, input_shape):
        if (not isinstance(input_shape, (list, tuple)) or not input_shape
                or not isinstance(input_shape[0], (list, tuple))):
            raise ValueError(
                f"A merge layer should be called on a list of inputs. Received: "
                f"input_shape={input_shape} (not a list of shapes)"
            )
        if len(input_shape) < 1:
            raise ValueError(
                "A merge layer should be called on a list of at least 1 input. "
                f"Got {len(input_shape)} inputs. Full input_shape received: {input_shape}"
            )
        self._compute_elemwise_op_output_shape(input_shape)
        self.built = True

    def _compute_elemwise_op_output_shape(self, shapes):
        out = list(shapes[0])
        for shape in shapes[1:]:
            a, b = out, list(shape)
            n = max(len(a), len(b))
            a = [1] * (n - len(a)) + a
            b = [1] * (n - len(b)) + b
            merged = []
            for x, y in zip(a, b):
                if x is None or y is None:
                    merged.append(None if x in (None, 1) and y in (None, 1) else (x if y in (None, 1) else y))
                elif x == 1:
                    merged.append(y)
                elif y == 1 or x == y:
                    merged.append(x)
                else:
                    raise ValueError(
                        "Inputs have incompatible shapes. "
                        f"Received shapes {tuple(shapes[0])} and {tuple(shape)}"
                    )
            out = merged
        return tuple(out)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A merge layer should be called on a list of inputs. Received: inputs={inputs}")
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape):
        return self._compute_elemwise_op_output_shape(input_shape)

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        masks = [m for m in mask if m is not None]
        out = masks[0]
        for m in masks[1:]:
            out = ops.logical_and(out, m)
        return out


def _reduce(fn, inputs):
    out = inputs[0]
    for x in inputs[1:]:
        out = fn(out, x)
    return out
