"""Sequential: a linear stack of layers.

With an input shape known (an `Input` first, or `input_shape=` on the first
layer) the model builds a Functional graph at once; otherwise it builds on the
first call, from the shape of the data.
"""

from kerasnet.backend.keras_tensor import KerasTensor
from kerasnet.layers.core.input_layer import InputLayer
from kerasnet.layers.layer import Layer
from kerasnet.models.functional import Functional
from kerasnet.models.model import Model
from kerasnet.saving.serialization_lib import deserialize_keras_object, serialize_keras_object


class Sequential(Model):
    """A stack of layers, each with one input and one output.

    Args:
        layers: optional list of layers (an `Input` may come first).
        trainable: whether the weights are trained.
        name: the model's name.

    Example:

    >>> model = kerasnet.Sequential([
    ...     kerasnet.Input(shape=(16,)),
    ...     kerasnet.layers.Dense(8, activation="relu"),
    ...     kerasnet.layers.Dense(1),
    ... ])
    """

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        Model.__init__(self, trainable=trainable, name=name, **kwargs)
        self._stack = []
        self._functional = None
        if layers:
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Appends a layer (or an `Input`) to the stack."""
        if isinstance(layer, KerasTensor) and layer._keras_history is not None:
            origin = layer._keras_history.operation
            if isinstance(origin, InputLayer):
                layer = origin
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `kerasnet.Layer` can be added to a Sequential "
                f"model. Received: {layer} (of type {type(layer)})"
            )
        if isinstance(layer, InputLayer) and self._stack:
            raise ValueError(
                f"Sequential model '{self.name}' has already been configured to "
                "use an input; you cannot add a different Input layer to it."
            )
        if any(existing.name == layer.name for existing in self._stack):
            raise ValueError(
                "All layers added to a Sequential model should have unique "
                f"names. Name '{layer.name}' is already the name of a layer in "
                "this model. Update the `name` argument to pass a unique name."
            )
        self._stack.append(layer)
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False
            self._functional = None

    def pop(self, rebuild=True):
        """Removes the last layer."""
        layers = self.layers
        if not layers:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        self.built = False
        self._functional = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        self.built = False
        self._functional = None
        if not self._stack:
            return
        first = self._stack[0]
        if isinstance(first, InputLayer) and len(self._stack) > 1:
            self.build(first.batch_shape)
        elif getattr(first, "_input_shape_arg", None) is not None:
            self.build(first._input_shape_arg)

    def build(self, input_shape=None):
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        if isinstance(input_shape, dict) or (
            isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple))
        ):
            raise ValueError(
                "Sequential model only supports a single input; received an "
                f"input shape of {input_shape}"
            )
        if not self._stack or not isinstance(self._stack[0], InputLayer):
            self._stack.insert(0, InputLayer(batch_shape=tuple(input_shape), dtype=None))
        inputs = self._stack[0].output
        x = inputs
        for layer in self._stack[1:]:
            try:
                x = layer(x)
            except NotImplementedError:
                # A layer that cannot run symbolically: build eagerly on first call.
                return
        # Named as the Sequential: its errors ("Input 0 of layer ...") are the model's.
        self._functional = Functional(inputs=inputs, outputs=x, name=self.name)
        self.built = True
        self._build_shapes = tuple(input_shape)

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        first = args[0] if args else None
        if first is None or not hasattr(first, "shape"):
            raise ValueError(
                "Sequential model could not infer its input shape from the "
                f"call arguments {args}"
            )
        shape = (None,) + tuple(first.shape)[1:]
        self.build(shape)

    def call(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask)
        x = inputs
        for layer in self.layers:
            kwargs = {}
            if layer._call_has_training and training is not None:
                kwargs["training"] = training
            x = layer(x, **kwargs)
        return x

    def compute_output_spec(self, inputs, training=None, mask=None):
        x = inputs
        for layer in self.layers:
            x = layer.compute_output_spec(x)
        return x

    @property
    def layers(self):
        layers = list(self._stack)
        if layers and isinstance(layers[0], InputLayer):
            return layers[1:]
        return layers

    def _direct_layers(self):
        return list(self._stack) if hasattr(self, "_stack") else []

    @property
    def inputs(self):
        return self._functional.inputs if self._functional is not None else None

    @property
    def outputs(self):
        return self._functional.outputs if self._functional is not None else None

    @property
    def input(self):
        return self._functional.input if self._functional is not None else None

    @property
    def output(self):
        return self._functional.output if self._functional is not None else None

    @property
    def input_shape(self):
        if self._stack and isinstance(self._stack[0], InputLayer):
            return self._stack[0].batch_shape
        raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet.")

    @property
    def output_shape(self):
        if self._functional is not None:
            return self._functional.output_shape
        raise AttributeError(f"Sequential model '{self.name}' has no defined output shape yet.")

    def get_config(self):
        layer_configs = []
        for layer in self._stack:
            layer_configs.append(serialize_keras_object(layer))
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": Layer.get_config(self)["dtype"],
            "layers": layer_configs,
        }
        if self._stack and isinstance(self._stack[0], InputLayer):
            config["build_input_shape"] = list(self._stack[0].batch_shape)
        return config

    def get_build_config(self):
        if self.built and self._stack and isinstance(self._stack[0], InputLayer):
            return {"input_shape": list(self._stack[0].batch_shape)}
        return None

    def build_from_config(self, config):
        if config and not self.built and config.get("input_shape"):
            self.build(tuple(config["input_shape"]))

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if "layers" in config:
            layer_configs = config["layers"]
        else:
            layer_configs = config  # Keras 2 may store a bare list
        model = cls(name=config.get("name") if isinstance(config, dict) else None,
                    trainable=config.get("trainable", True) if isinstance(config, dict) else True)
        for layer_config in layer_configs:
            layer = deserialize_keras_object(layer_config, custom_objects=custom_objects)
            model.add(layer, rebuild=False)
        build_shape = config.get("build_input_shape") if isinstance(config, dict) else None
        if not model.built:
            if model._stack and isinstance(model._stack[0], InputLayer) and len(model._stack) > 1:
                model.build(model._stack[0].batch_shape)
            elif build_shape:
                model.build(tuple(build_shape))
            elif model._stack and getattr(model._stack[0], "_input_shape_arg", None) is not None:
                model.build(model._stack[0]._input_shape_arg)
        return model
