"""InputLayer and Input: the entry points of a Functional model."""

from kerasnet.backend.dtypes import standardize_dtype
from kerasnet.backend.keras_tensor import KerasTensor
from kerasnet.layers.layer import Layer
from kerasnet.layers.node import Node


class InputLayer(Layer):
    """The layer behind `kerasnet.Input`: holds the symbolic input tensor.

    Args:
        shape: shape without the batch axis, e.g. (784,) or (None, 3).
        batch_size: optional fixed batch size.
        dtype: dtype of the input (default floatx).
        sparse: must be False (kerasnet has no sparse tensors).
        batch_shape: full shape including the batch axis (instead of shape).
        input_tensor: an existing KerasTensor to use as the input.
        optional: whether the input may be None.
        name: the layer's name.
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        # Keras 2 files store `batch_input_shape`.
        if "batch_input_shape" in kwargs and batch_shape is None:
            batch_shape = kwargs.pop("batch_input_shape")
        kwargs.pop("ragged", None)
        kwargs.pop("input_shape", None) if shape is not None else None
        if shape is None and "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        trainable = kwargs.pop("trainable", True)
        super().__init__(name=name, dtype=dtype, trainable=trainable, **kwargs)
        if sparse:
            raise ValueError("kerasnet does not support sparse inputs (sparse=True).")
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "You cannot pass both `shape` and `batch_shape` at the same time."
            )
        if batch_size is not None and batch_shape is not None:
            raise ValueError(
                "You cannot pass both `batch_size` and `batch_shape` at the same time."
            )
        if shape is None and batch_shape is None and input_tensor is None:
            raise ValueError("You must pass a `shape` argument.")
        if shape is not None:
            if isinstance(shape, int):
                shape = (shape,)
            shape = tuple(shape)
            batch_shape = (batch_size,) + shape
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(
                    "Argument `input_tensor` must be a KerasTensor. "
                    f"Received invalid type: input_tensor={input_tensor} "
                    f"(of type {type(input_tensor)})"
                )
            batch_shape = tuple(input_tensor.shape)
        self._batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        for d in self._batch_shape:
            if d is not None and d < 0:
                raise ValueError(f"Invalid dimension in `shape`: {batch_shape}")
        self._dtype = standardize_dtype(dtype)
        self.sparse = False
        self.optional = optional
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, dtype=self._dtype, name=self.name)
        self._input_tensor = input_tensor
        Node(self, (), {}, input_tensor)
        self.built = True

    def call(self):
        return None

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def output(self):
        return self._input_tensor

    def get_config(self):
        return {
            "batch_shape": list(self._batch_shape),
            "dtype": self._dtype,
            "sparse": False,
            "ragged": False,
            "name": self.name,
            "optional": self.optional,
        }


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
          tensor=None, optional=False):
    """A symbolic input tensor for the Functional API.

    Args:
        shape: shape without the batch axis (e.g. `(32,)` for vectors of 32).
        batch_size: optional fixed batch size.
        dtype: the input dtype (default floatx; "int32" for token ids).
        sparse: must be False.
        batch_shape: the full shape, batch axis included.
        name: optional name of the input (also the key for dict inputs).
        tensor: an existing KerasTensor to wrap.
        optional: whether the input may be None.

    Example:

    >>> x = kerasnet.Input(shape=(784,))
    >>> y = kerasnet.layers.Dense(10)(x)
    >>> model = kerasnet.Model(x, y)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, input_tensor=tensor, optional=optional)
    return layer.output
