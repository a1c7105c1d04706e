"""Lambda: wraps an arbitrary function (of kerasnet.ops) as a layer."""

import inspect
import types

from kerasnet.layers.layer import Layer
from kerasnet.utils import python_utils
from kerasnet.saving.serialization_lib import deserialize_keras_object, serialize_keras_object
from kerasnet.layers.layer import _infer_output_spec


class Lambda(Layer):
    """Wraps a function as a layer.

    Args:
        function: the function, called as `function(inputs, **arguments)`.
        output_shape: the output shape (a tuple without batch axis, or a
            function of the input shape); inferred by running the function
            when omitted.
        mask: a mask (or a function computing one).
        arguments: keyword arguments passed to the function.

    Saving a model with a Lambda stores the function's bytecode; loading it
    requires `safe_mode=False`, as in Keras.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(
                "Argument `function` must be a callable. Received: "
                f"function={function} (of type {type(function)})"
            )
        self.function = function
        self.arguments = arguments or {}
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None
        self._fn_takes_mask = _takes_argument(function, "mask")
        self._fn_takes_training = _takes_argument(function, "training")
        self.built = True

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_takes_mask:
            kwargs["mask"] = mask
        if self._fn_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return tuple(self._output_shape(input_shape))
        shape = tuple(self._output_shape)
        return (input_shape[0],) + shape if input_shape and len(shape) == len(input_shape) - 1 else shape

    def compute_output_spec(self, *args, **kwargs):
        if self._output_shape is None:
            return _infer_output_spec(self, args, kwargs, shapes_given=False, dtype=self.compute_dtype)
        return super().compute_output_spec(*args, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        config = super().get_config()
        config["function"] = _serialize_fn(self.function)
        if self._output_shape is not None:
            config["output_shape"] = (_serialize_fn(self._output_shape) if callable(self._output_shape)
                                      else list(self._output_shape))
        if self.mask is not None:
            config["mask"] = _serialize_fn(self.mask) if callable(self.mask) else self.mask
        config["arguments"] = self.arguments
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["function"] = _deserialize_fn(config["function"], custom_objects)
        if isinstance(config.get("output_shape"), dict):
            config["output_shape"] = _deserialize_fn(config["output_shape"], custom_objects)
        if isinstance(config.get("mask"), dict):
            config["mask"] = _deserialize_fn(config["mask"], custom_objects)
        return cls(**config)


def _takes_argument(fn, name):
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):  # engine functions have no Python signature
        return False


def _serialize_fn(fn):
    is_lambda = isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>"
    if is_lambda or getattr(fn, "__qualname__", "").count("<locals>"):
        code, defaults, closure = python_utils.func_dump(fn)
        return {"class_name": "__lambda__", "config": {"code": code, "defaults": defaults, "closure": closure}}
    return serialize_keras_object(fn)


def _deserialize_fn(config, custom_objects=None):
    return deserialize_keras_object(config, custom_objects=custom_objects)
