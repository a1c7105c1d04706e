"""Wrapper: the base class of the layers that wrap another layer."""

from kerasnet.layers.layer import Layer
from kerasnet.saving.serialization_lib import deserialize_keras_object, serialize_keras_object


class Wrapper(Layer):
    """Abstract base class of the layers that augment another layer.

    The wrapped layer is the attribute `layer`: its weights are the
    wrapper's, and a `.keras` file stores them under `<wrapper>/layer`, as
    Keras does. `get_config` holds the wrapped layer's full serialized
    config under the key `"layer"`. `TimeDistributed` is a wrapper; this
    class itself is not a usable layer (it has no `call`).

    Args:
        layer: the `Layer` instance to wrap.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            # ValueError, not TypeError: what Keras raises here.
            raise ValueError(  # noqa: TRY004
                "Received an invalid value for `layer` of "
                f"{self.__class__.__name__}, expected a `keras.layers.Layer` "
                f"instance. Received: layer={layer!r} (of type "
                f"{type(layer).__name__})"
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        """Builds the wrapped layer with `input_shape` unless it is built."""
        if not self.layer.built:
            self.layer.build(input_shape)
            if getattr(self.layer, "_build_shapes", None) is None:
                # As if built by a call: its build config records the shape.
                self.layer._build_shapes = input_shape
            self.layer.built = True
        self.built = True

    def get_config(self):
        config = super().get_config()
        config["layer"] = serialize_keras_object(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_keras_object(
            config.pop("layer"), custom_objects=custom_objects
        )
        return cls(layer, **config)
