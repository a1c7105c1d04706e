"""Bidirectional: runs a recurrent layer forwards and a copy of it backwards."""

from kerasnet import ops
from kerasnet.layers.layer import Layer
from kerasnet.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _without_prefix(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    The forward layer is a copy of `layer` named `forward_<name>`; the backward
    one is `backward_layer` or a copy of `layer` with `go_backwards=True`,
    named `backward_<name>`. Their outputs are merged; with
    `return_sequences` the backward sequence is flipped back into input order
    first. Weights: the forward layer's, then the backward layer's (Keras'
    order and `.keras` paths `forward_layer/...`, `backward_layer/...`).

    Args:
        layer: an `RNN` instance (`LSTM`, `GRU`, `SimpleRNN`, `RNN(cell)`),
            or any layer with `go_backwards`, `return_sequences` and
            `return_state` attributes.
        merge_mode: "concat" (default), "sum", "mul", "ave" or None (a list of
            both outputs).
        backward_layer: optional layer for the backward direction.

    Call arguments:
        sequences: a 3D tensor (batch, timesteps, features).
        initial_state: the forward layer's states followed by the backward
            layer's, or None.
        mask: a boolean tensor (batch, timesteps).
        training: passed to both layers.

    Example:

    >>> layer = kerasnet.layers.Bidirectional(kerasnet.layers.LSTM(4))
    >>> layer(np.zeros((2, 10, 8), "float32")).shape
    (2, 8)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "`backward_layer` need to be a `keras.layers.Layer` instance. "
                f"Received: {backward_layer}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be "
                'one of {"sum", "mul", "ave", "concat", None}'
            )
        if weights is not None:
            raise ValueError("Bidirectional(weights=...) is not supported; call "
                             "set_weights() once the layer is built.")
        super().__init__(**kwargs)
        # Fresh copies from the config, so that the wrapped layer's state is not shared.
        config = serialize_keras_object(layer)
        config["config"]["name"] = "forward_" + _without_prefix(layer.name, "forward_")
        self.forward_layer = deserialize_keras_object(config)
        if backward_layer is None:
            config = serialize_keras_object(layer)
            config["config"]["go_backwards"] = True
            config["config"]["name"] = "backward_" + _without_prefix(layer.name, "backward_")
            self.backward_layer = deserialize_keras_object(config)
        else:
            self.backward_layer = backward_layer
        self._verify_layer_config()
        for sub in (self.forward_layer, self.backward_layer):
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        # kerasnet computes output masks only for layers that support masking.
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _verify_layer_config(self):
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` "
                f"value. Received: forward_layer.go_backwards {fwd.go_backwards}, "
                f"backward_layer.go_backwards={bwd.go_backwards}"
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            if getattr(fwd, attr) != getattr(bwd, attr):
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same "
                    f'value for attribute "{attr}", got "{getattr(fwd, attr)}" for '
                    f'forward layer and "{getattr(bwd, attr)}" for backward layer'
                )

    @property
    def states(self):
        if self.forward_layer.states and self.backward_layer.states:
            return tuple(self.forward_layer.states + self.backward_layer.states)
        return None

    def reset_state(self):
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self):
        self.reset_state()

    def build(self, sequences_shape, initial_state_shape=None):
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(sequences_shape)
                sub._build_shapes = tuple(sequences_shape)
                sub.built = True
        self.built = True

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        out = self.forward_layer.compute_output_shape(sequences_shape)
        states = []
        if self.return_state:
            out, states = out[0], list(out[1:])
        if self.merge_mode == "concat":
            out = tuple(out[:-1]) + (out[-1] * 2,)
            outputs = [tuple(out)]
        elif self.merge_mode is None:
            outputs = [tuple(out), tuple(out)]
        else:
            outputs = [tuple(out)]
        if self.return_state:
            return outputs + states + states
        return outputs[0] if len(outputs) == 1 else outputs

    def compute_mask(self, inputs, mask):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            output_mask = [mask, mask] if self.merge_mode is None else mask
        else:
            output_mask = [None, None] if self.merge_mode is None else None
        if self.return_state:
            n_states = 2 * len(self.forward_layer.compute_output_shape((1, 1, 1))[1:])
            head = output_mask if isinstance(output_mask, list) else [output_mask]
            return head + [None] * n_states
        return output_mask

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if getattr(self.forward_layer, "_call_has_training", False):
            kwargs["training"] = training
        if getattr(self.forward_layer, "_call_has_mask", False):
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            initial_state = list(initial_state)
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        if self.merge_mode == "concat":
            output = [ops.concatenate([y, y_rev], axis=-1)]
        elif self.merge_mode == "sum":
            output = [y + y_rev]
        elif self.merge_mode == "ave":
            output = [(y + y_rev) / 2]
        elif self.merge_mode == "mul":
            output = [y * y_rev]
        else:
            output = [y, y_rev]
        if self.return_state:
            return output + states
        return output[0] if len(output) == 1 else output

    def get_config(self):
        config = super().get_config()
        config["merge_mode"] = self.merge_mode
        config["layer"] = serialize_keras_object(self.forward_layer)
        config["backward_layer"] = serialize_keras_object(self.backward_layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize_keras_object(backward, custom_objects=custom_objects)
        return cls(**config)
