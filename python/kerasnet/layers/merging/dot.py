"""Dot: batchwise dot product of two inputs."""

from kerasnet import ops
from kerasnet.layers.layer import Layer


def _l2_normalize(x, axis):
    norm = ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), 1e-12))
    return ops.divide(x, norm)


def batch_dot(x, y, axes):
    """Sum of x * y over x's axis axes[0] and y's axis axes[1], per sample.

    Result axes: x's remaining axes then y's remaining axes (batch first); a
    result of rank 1 becomes (batch, 1), as in Keras.
    """
    ax, ay = axes
    x_rank, y_rank = len(x.shape), len(y.shape)
    ax, ay = ax % x_rank, ay % y_rank
    # x -> (batch, rest_x..., k), y -> (batch, k, rest_y...)
    x_perm = [0] + [i for i in range(1, x_rank) if i != ax] + [ax]
    y_perm = [0, ay] + [i for i in range(1, y_rank) if i != ay]
    xt = ops.transpose(x, x_perm)
    yt = ops.transpose(y, y_perm)
    rest_x = [x.shape[i] for i in x_perm[1:-1]]
    rest_y = [y.shape[i] for i in y_perm[2:]]
    b, k = x.shape[0], x.shape[ax]
    x3 = ops.reshape(xt, (b, -1, k))
    y3 = ops.reshape(yt, (b, k, -1))
    out = ops.matmul(x3, y3)
    out = ops.reshape(out, tuple([b] + rest_x + rest_y))
    if len(out.shape) == 1:
        out = ops.expand_dims(out, 1)
    return out


class Dot(Layer):
    """Dot product between samples of two tensors.

    Args:
        axes: int or (int, int): the axes to contract in the first and second
            input (batch axis 0 excluded).
        normalize: L2-normalize along those axes first (cosine proximity).

    Example: (batch, n) and (batch, n) with axes=1 give (batch, 1).
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)) or len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(
                    "Invalid format for argument `axes`: expected an int or a "
                    f"list/tuple of 2 ints. Received: axes={axes}"
                )
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True

    def _axes_for(self, shapes):
        if isinstance(self.axes, int):
            return [self.axes % len(shapes[0]) if self.axes < 0 else self.axes,
                    self.axes % len(shapes[1]) if self.axes < 0 else self.axes]
        return [a % len(s) if a < 0 else a for a, s in zip(self.axes, shapes)]

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError(
                "A `Dot` layer should be called on a list of 2 inputs. "
                f"Received: input_shape={input_shape}"
            )
        a0, a1 = self._axes_for(input_shape)
        d0, d1 = input_shape[0][a0], input_shape[1][a1]
        if d0 is not None and d1 is not None and d0 != d1:
            raise ValueError(
                "Incompatible input shapes: "
                f"axis values {input_shape[0][a0]} (at axis {a0}) != "
                f"{input_shape[1][a1]} (at axis {a1}). Full input shapes: "
                f"{input_shape[0]}, {input_shape[1]}"
            )
        self.built = True

    def call(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"A `Dot` layer should be called on exactly 2 inputs. Received: inputs={inputs}")
        x, y = inputs
        axes = self._axes_for([x.shape, y.shape])
        if self.normalize:
            x = _l2_normalize(x, axes[0])
            y = _l2_normalize(y, axes[1])
        return batch_dot(x, y, axes)

    def compute_output_shape(self, input_shape):
        s0, s1 = list(input_shape[0]), list(input_shape[1])
        a0, a1 = self._axes_for([s0, s1])
        s0.pop(a0)
        s1.pop(a1)
        s1.pop(0)
        out = s0 + s1
        if len(out) == 1:
            out.append(1)
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def dot(inputs, axes=-1, **kwargs):
    return Dot(axes=axes, **kwargs)(inputs)
