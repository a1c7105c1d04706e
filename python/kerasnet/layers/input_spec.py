"""InputSpec: the rank, axis sizes and dtype a layer accepts, and the check."""

from kerasnet.backend import tree


class InputSpec:
    """What a layer expects of an input.

    Args:
        dtype: expected dtype.
        shape: expected shape (None for any size on an axis).
        ndim, max_ndim, min_ndim: expected rank bounds.
        axes: dict axis -> size for specific axes.
        allow_last_axis_squeeze: accept a trailing axis of size 1 less or more.
        name: the input's name.
        optional: whether the input may be None.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            max_dim = (self.ndim if self.ndim is not None else self.max_ndim) - 1
            if max(self.axes) > max_dim:
                raise ValueError(
                    f"Axis {max(self.axes)} is greater than the maximum allowed "
                    f"value: {max_dim}"
                )

    def __repr__(self):
        parts = [
            f"dtype={self.dtype}" if self.dtype else "",
            f"shape={self.shape}" if self.shape else "",
            f"ndim={self.ndim}" if self.ndim is not None else "",
            f"max_ndim={self.max_ndim}" if self.max_ndim is not None else "",
            f"min_ndim={self.min_ndim}" if self.min_ndim is not None else "",
            f"axes={self.axes}" if self.axes else "",
        ]
        return f"InputSpec({', '.join(p for p in parts if p)})"

    def get_config(self):
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Raises ValueError, in Keras' words, when `inputs` do not fit `input_spec`."""
    if input_spec is None:
        return
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    flat = tree.flatten(inputs)
    if len(flat) != len(specs):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it '
            f"received {len(flat)} input tensors. Inputs received: {inputs}"
        )
    for index, (x, spec) in enumerate(zip(flat, specs)):
        if spec is None:
            continue
        if x is None:
            if spec.optional:
                continue
            raise ValueError(f'Input {index} of layer "{layer_name}" is None.')
        if not hasattr(x, "shape"):
            raise ValueError(
                f"Inputs to a layer should be tensors. Got '{x}' "
                f"(of type {type(x)}) as input for layer '{layer_name}'."
            )
        shape = tuple(x.shape)
        ndim = len(shape)
        where = f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise ValueError(
                where + f"expected ndim={spec.ndim}, found ndim={ndim}. "
                f"Full shape received: {shape}"
            )
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(
                where + f"expected max_ndim={spec.max_ndim}, found ndim={ndim}. "
                f"Full shape received: {shape}"
            )
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(
                where + f"expected min_ndim={spec.min_ndim}, found ndim={ndim}. "
                f"Full shape received: {shape}"
            )
        if spec.dtype is not None and getattr(x, "dtype", None) != spec.dtype:
            raise ValueError(
                where + f"expected dtype={spec.dtype}, found dtype={x.dtype}"
            )
        for axis, value in spec.axes.items():
            if value is None:
                continue
            if axis >= ndim or axis < -ndim:
                raise ValueError(
                    where + f"expected axis {axis} to exist, but received input "
                    f"with shape {shape}"
                )
            if shape[axis] not in (value, None):
                raise ValueError(
                    where + f"expected axis {axis} of input shape to have value "
                    f"{value}, but received input with shape {shape}"
                )
        if spec.shape is not None:
            for expected, got in zip(spec.shape, shape):
                if expected is not None and got is not None and expected != got:
                    raise ValueError(
                        where + f"expected shape={spec.shape}, found shape={shape}"
                    )
