"""RNN: the base recurrent layer, running any cell over the time axis."""

from kerasnet import ops
from kerasnet.backend.variable import Variable
from kerasnet.layers.layer import Layer
from kerasnet.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from kerasnet.layers.rnn.stacked_rnn_cells import StackedRNNCells
from kerasnet.backend import tree
from kerasnet.saving.serialization_lib import deserialize_keras_object, serialize_keras_object


class RNN(Layer):
    """Base class for recurrent layers: applies a cell to every time step.

    A cell is a layer with a `state_size` attribute (an integer, or a list of
    integers, one per state), an optional `output_size`, and
    `call(inputs_at_t, states_at_t)` returning `(output_at_t, new_states)`.
    `SimpleRNN`, `LSTM` and `GRU` run their whole sequence as one fused engine
    op; any other cell (your own, or a built-in one with options the fused
    kernels do not cover, such as `recurrent_dropout`) runs step by step here.

    Args:
        cell: an RNN cell instance, or a list of cells (stacked).
        return_sequences: whether to return the full output sequence
            (batch, timesteps, units) or only the last output (batch, units).
        return_state: whether to also return the last states.
        go_backwards: process the sequence backwards and return the reversed
            output sequence.
        stateful: the last states of a batch are the initial states of the
            next one (the batch size must be fixed).
        unroll: accepted for compatibility (the time loop always runs in
            place; it changes no result).
        zero_output_for_mask: masked steps emit zeros instead of the carried
            output (Bidirectional sets it when returning sequences).

    Call arguments:
        sequences: a tensor of shape (batch, timesteps, features).
        initial_state: a tensor or list of tensors, the initial states.
        mask: a boolean tensor (batch, timesteps); False steps are skipped
            (the states carry over).
        training: whether the call is in training mode (cell dropout).

    Output shape:
        (batch, timesteps, output_size) with `return_sequences`, else
        (batch, output_size); with `return_state`, followed by the states.
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(
                f"Argument `cell` should have a `call` method. Received: cell={cell}"
            )
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (single integer "
                "or list of integers, one integer per RNN state). "
                f"Received: cell={cell}"
            )
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError(
                "state_size must be an integer, or a list/tuple of integers "
                f"(one for each state tensor). Received: state_size={state_size}"
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.zero_output_for_mask = zero_output_for_mask
        # kerasnet's Layer computes an output mask only for layers that support
        # masking; compute_mask below returns the mask Keras' RNN gives.
        self.supports_masking = True
        self.states = None
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)

    # -- shapes and masks -----------------------------------------------------------
    def _output_size(self):
        size = getattr(self.cell, "output_size", None)
        if size is None:
            size = self.state_size[0]
        if not isinstance(size, int):
            raise ValueError(f"output_size must be an integer. Received: {size}")
        return size

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, length = sequences_shape[0], sequences_shape[1]
        states = [(batch, s) for s in tree.flatten(self.state_size)]
        size = self._output_size()
        out = (batch, length, size) if self.return_sequences else (batch, size)
        return [out] + states if self.return_state else out

    def compute_mask(self, inputs, mask):
        mask = tree.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(tree.flatten(self.state_size))
        return output_mask

    # -- weights and states ---------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        if len(sequences_shape) < 3:
            raise ValueError(
                f"Layer {self.name} ({self.__class__.__name__}) expects inputs of "
                "rank 3 (batch, timesteps, features). Received input shape: "
                f"{tuple(sequences_shape)}"
            )
        step_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell._build_shapes = step_shape
            self.cell.built = True
        if self.stateful:
            if sequences_shape[0] is None:
                raise ValueError(
                    "When using `stateful=True` in a RNN, the batch size must be "
                    f"static. Found dynamic batch size: sequence.shape={tuple(sequences_shape)}"
                )
            self._create_state_variables(sequences_shape[0])
        self.built = True

    def _create_state_variables(self, batch_size):
        self.states = [Variable(s, trainable=False, name="rnn_state")
                       for s in self.get_initial_state(batch_size)]
        # States are not weights (Keras does not save them).
        self._non_trainable_variables = [v for v in self._non_trainable_variables
                                         if not any(v is s for s in self.states)]
        self._own_variables = [v for v in self._own_variables
                               if not any(v is s for s in self.states)]

    def _state_shapes(self, sequences_shape):
        """The shape of each (flat) state for inputs of `sequences_shape` (None: a cell whose
        state shapes depend on its inputs, state_size -1)."""
        return [(sequences_shape[0], size) if size >= 0 else None
                for size in tree.flatten(self.state_size)]

    def get_initial_state(self, batch_size):
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            state = fn(batch_size=batch_size)
            return list(state) if isinstance(state, (list, tuple)) else [state]
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        return [ops.zeros((batch_size, d), dtype=dtype) for d in tree.flatten(self.state_size)]

    def reset_state(self):
        if self.states is not None:
            for v in self.states:
                v.assign(ops.zeros_like(v))

    def reset_states(self):
        self.reset_state()

    # -- the call ---------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=False):
        if sequences.ndim < 3:
            raise ValueError(
                f"Layer {self.name} ({self.__class__.__name__}) expects inputs of "
                "rank 3 (batch, timesteps, features). Received input shape: "
                f"{tuple(sequences.shape)}"
            )
        batch = sequences.shape[0]
        if initial_state is None:
            initial_state = self.states if self.stateful else self.get_initial_state(batch)
        if self.stateful and self.states is not None and self.states[0].shape[0] != batch:
            raise ValueError(
                "If an RNN is stateful, the batch size of the input sequences must "
                "be the same as the batch size of the initial state.\n"
                f"- Expected batch size: {self.states[0].shape[0]}\n"
                f"- Received batch size: {batch}"
            )
        initial_state = [ops.cast(s, self.cell.compute_dtype)
                         for s in tree.flatten(initial_state)]
        expected = len(tree.flatten(self.state_size))
        if len(initial_state) != expected:
            raise ValueError(
                f"Layer {self.name} expects {expected} initial state tensor(s), "
                f"received {len(initial_state)}."
            )
        for s, shape in zip(initial_state, self._state_shapes(sequences.shape)):
            if shape is not None and tuple(s.shape) != shape:
                raise ValueError(
                    f"Layer {self.name}: an initial state has shape {tuple(s.shape)}, "
                    f"expected {shape} for inputs of shape {tuple(sequences.shape)}."
                )
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is not None:
            mask = ops.cast(mask, "bool")
        try:
            last_output, outputs, states = self.inner_loop(sequences, initial_state, mask, training)
        finally:
            _reset_dropout_masks(self.cell)
        if self.stateful:
            for var, value in zip(self.states, states):
                var.assign(value)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return [output] + list(states)
        return output

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """(last_output, outputs, final_states) of the cell run step by step.
        Subclasses with a fused engine op override this and fall back here."""
        return run_cell_loop(self.cell, sequences, initial_state, mask, training,
                             self.go_backwards, self.zero_output_for_mask,
                             self.state_size if not self.single_state else None)

    # -- config -----------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update({
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize_keras_object(self.cell),
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)


def run_cell_loop(cell, sequences, initial_state, mask, training, go_backwards, zero_output,
                  nested_state_size=None):
    """Keras 3's rnn loop over a cell (the composite reference of the fused ops):
    a masked step keeps the states and emits the carried output (states[0]), or
    zeros with `zero_output`; outputs in processing order."""
    steps = sequences.shape[1]
    kwargs = {"training": training} if getattr(cell, "_call_has_training", False) else {}
    states = list(initial_state)
    if nested_state_size is not None:
        states = _pack_states(states, nested_state_size)
    outputs = []
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    for t in order:
        x_t = sequences[:, t]
        out, new_states = cell(x_t, states if nested_state_size is not None else list(states), **kwargs)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if mask is not None:
            m = ops.reshape(mask[:, t], (-1,) + (1,) * (len(out.shape) - 1))
            flat_old, flat_new = tree.flatten(states), tree.flatten(new_states)
            carried = flat_old[0]
            out = ops.where(m, out, ops.zeros_like(out) if zero_output else carried)
            flat_new = [ops.where(m, n, o) for n, o in zip(flat_new, flat_old)]
            new_states = (_pack_states(flat_new, nested_state_size)
                          if nested_state_size is not None else flat_new)
        states = new_states
        outputs.append(out)
    flat_states = tree.flatten(states)
    if not outputs:
        size = getattr(cell, "output_size", None) or tree.flatten(cell.state_size)[0]
        empty = ops.zeros((sequences.shape[0], 0, size), dtype=sequences.dtype)
        return flat_states[0], empty, flat_states
    return outputs[-1], ops.stack(outputs, axis=1), flat_states


def _pack_states(flat, state_size):
    """Flat state tensors into the nesting of a stacked cell's state_size."""
    out, k = [], 0
    for size in state_size:
        n = len(tree.flatten(size))
        out.append(flat[k] if isinstance(size, int) else list(flat[k:k + n]))
        k += n
    return out


def _reset_dropout_masks(cell):
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    for inner in getattr(cell, "cells", ()):
        _reset_dropout_masks(inner)
