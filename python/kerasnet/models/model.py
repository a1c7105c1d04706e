"""Model: a Layer with training (fit/evaluate/predict), saving and summary.

`Model(inputs, outputs)` makes a Functional model; subclasses of Model define
`call` (the subclassing API).
"""

import json

from kerasnet.backend.keras_tensor import KerasTensor
from kerasnet.backend.tape import RecordingPaused
from kerasnet.layers.layer import Layer
from kerasnet.ops import creation
from kerasnet.saving.serialization_lib import serialize_keras_object
from kerasnet.trainers.trainer import Trainer
from kerasnet.backend import tree
from kerasnet.utils.summary_utils import print_summary

# functional.py imports this module (Functional is a Model), so Functional is
# imported inside the functions below that need it.


def _is_functional_init(args, kwargs):
    if "inputs" in kwargs and "outputs" in kwargs:
        return True
    if len(args) == 2 or (len(args) == 1 and "outputs" in kwargs):
        return any(isinstance(x, KerasTensor) for x in tree.flatten(args[0]))
    return False


def _inject_functional(cls):
    """Puts Functional in place of Model among the bases of cls (and its parents)."""
    # Mutual dependency, kept as in Keras: Functional subclasses Model.
    from kerasnet.models.functional import Functional

    if cls is Model:
        return Functional
    if not issubclass(cls, Model) or issubclass(cls, Functional):
        return cls
    cls.__bases__ = tuple(_inject_functional(base) for base in cls.__bases__)
    return cls


class Model(Trainer, Layer):
    """A model: `Model(inputs, outputs)` (Functional) or a subclass with `call`.

    Example (subclassing):

    >>> class MyModel(kerasnet.Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.dense = kerasnet.layers.Dense(10)
    ...     def call(self, x):
    ...         return self.dense(x)
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _is_functional_init(args, kwargs):
            # Mutual dependency, kept as in Keras: Functional subclasses Model.
            from kerasnet.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if _is_functional_init(args, kwargs) and type(self) is not Model:
            # A Model subclass called as Model(inputs, outputs) (Keras' "customize
            # train_step" pattern) becomes a Functional subclass, as in Keras.
            # Mutual dependency, kept as in Keras: Functional subclasses Model.
            from kerasnet.models.functional import Functional

            if not isinstance(self, Functional):
                _inject_functional(type(self))
            Functional.__init__(self, *args, **kwargs)
            return
        Trainer.__init__(self)
        allowed = {"name", "trainable", "dtype", "autocast"}
        unknown = set(kwargs) - allowed
        if unknown or args:
            raise TypeError(
                "Model.__init__ accepts only name, trainable and dtype for a "
                f"subclassed model; got {sorted(unknown) or args}. To make a "
                "Functional model use Model(inputs, outputs)."
            )
        Layer.__init__(self, **kwargs)

    @property
    def layers(self):
        return [layer for layer in self._direct_layers()]

    def get_layer(self, name=None, index=None):
        """A sub-layer by name or index."""
        if index is not None and name is not None:
            raise ValueError(
                "Provide only a layer name or a layer index. Received: "
                f"index={index}, name={name}."
            )
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model "
                    f"only has {len(self.layers)} layers."
                )
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: "
                f"{list(layer.name for layer in self.layers)}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints Keras' table: layer (type), output shape, param #, totals."""
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable)

    def build(self, input_shape=None):
        if self.built:
            return
        if input_shape is None:
            raise ValueError(
                "You must provide an `input_shape` argument to build a subclassed model."
            )

        def zeros(shape):
            shape = tuple(1 if d is None else d for d in shape)
            return creation.zeros(shape, self.compute_dtype)

        if isinstance(input_shape, dict):
            x = {k: zeros(v) for k, v in input_shape.items()}
        elif isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple)):
            x = [zeros(s) for s in input_shape]
        else:
            x = zeros(input_shape)
        self.built = True
        with RecordingPaused():
            self(x, training=False)

    # -- saving (kerasnet.saving implements the formats) ------------------------------
    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        # Mutual dependency, kept as in Keras: saving_lib walks models (and imports them at its top).
        from kerasnet.saving import saving_api

        return saving_api.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        # Mutual dependency, kept as in Keras: saving_lib walks models (and imports them at its top).
        from kerasnet.saving import saving_api

        return saving_api.save_weights(self, filepath, overwrite=overwrite, **kwargs)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        # Mutual dependency, kept as in Keras: saving_lib walks models (and imports them at its top).
        from kerasnet.saving import saving_api

        return saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def __reduce__(self):
        # Pickle through the .keras bytes (so models cross multiprocessing).
        # Mutual dependency, kept as in Keras: saving_lib walks models (and imports them at its top).
        from kerasnet.saving import saving_lib

        return (saving_lib.model_from_bytes, (saving_lib.model_to_bytes(self),))

    def to_json(self, **kwargs):
        return json.dumps(serialize_keras_object(self), **kwargs)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        # Mutual dependency, kept as in Keras: Functional subclasses Model.
        from kerasnet.models.functional import Functional, functional_from_config

        if "layers" in config and "input_layers" in config and "output_layers" in config:
            return functional_from_config(Functional if cls is Model else cls, config, custom_objects)
        return cls(**config)
