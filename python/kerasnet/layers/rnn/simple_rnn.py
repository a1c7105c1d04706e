"""SimpleRNNCell and SimpleRNN: the fully-connected recurrent layer."""

from kerasnet import ops
from kerasnet.layers.rnn.base_fused_rnn import BaseFusedRNN
from kerasnet.layers.rnn.base_rnn_cell import BaseRNNCell


class SimpleRNNCell(BaseRNNCell):
    """Cell class for SimpleRNN: `h = activation(x @ kernel + bias + h' @ recurrent_kernel)`.

    Args:
        units: positive integer, dimensionality of the output space.
        activation: activation function (default `tanh`).
        use_bias: whether the layer uses a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers
            of `kernel` (inputs), `recurrent_kernel` (state) and `bias`
            (defaults `glorot_uniform`, `orthogonal`, `zeros`).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs dropped in training (float in [0, 1]).
        recurrent_dropout: fraction of the state dropped in training.
        seed: random seed of the dropout masks.

    Call arguments:
        sequence: a 2D tensor (batch, features), one time step.
        states: a 2D tensor (batch, units), the previous state.
        training: whether dropout applies.

    Example:

    >>> rnn = kerasnet.layers.RNN(kerasnet.layers.SimpleRNNCell(4))
    >>> rnn(np.zeros((32, 10, 8), "float32")).shape
    (32, 4)
    """

    gates = 1

    def call(self, sequence, states, training=False):
        prev = states[0] if isinstance(states, (list, tuple)) else states
        dp = self.get_dropout_mask(sequence) if training and 0 < self.dropout < 1 else None
        rdp = (self.get_recurrent_dropout_mask(prev)
               if training and 0 < self.recurrent_dropout < 1 else None)
        h = ops.matmul(self._dropped(sequence, dp, 0), self.kernel)
        if self.bias is not None:
            h = h + self.bias
        out = h + ops.matmul(self._dropped(prev, rdp, 0), self.recurrent_kernel)
        if self.activation is not None:
            out = self.activation(out)
        return out, [out] if isinstance(states, (list, tuple)) else out


class SimpleRNN(BaseFusedRNN):
    """Fully-connected RNN where the output is fed back as the next input.

    The whole sequence runs as one engine op (the time loop in C++) for the
    activations `tanh`, `sigmoid`, `relu`, `linear` and `hard_sigmoid` without
    `recurrent_dropout`; other settings run the cell step by step.

    Args:
        units: positive integer, dimensionality of the output space.
        activation, use_bias, initializers, regularizers, constraints, dropout,
            recurrent_dropout, seed: as `SimpleRNNCell`.
        activity_regularizer: regularizer of the output.
        return_sequences, return_state, go_backwards, stateful, unroll: as `RNN`.

    Call arguments:
        sequences: a 3D tensor (batch, timesteps, features).
        initial_state: the initial state (batch, units), or None (zeros).
        mask: a boolean tensor (batch, timesteps).
        training: whether dropout applies.

    Example:

    >>> layer = kerasnet.layers.SimpleRNN(4, return_sequences=True)
    >>> layer(np.zeros((2, 10, 8), "float32")).shape
    (2, 10, 4)
    """

    cell_class = SimpleRNNCell
    cell_name = "simple_rnn_cell"
    fused_op = "simple_rnn"

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, **kwargs):
        cell_kwargs = dict(
            activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed)
        super().__init__(units, cell_kwargs, return_sequences=return_sequences,
                         return_state=return_state, go_backwards=go_backwards, stateful=stateful,
                         unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)

    def get_config(self):
        config = super().get_config()
        # Keras' SimpleRNN config has no seed (its LSTM and GRU configs do).
        config.pop("seed", None)
        return config

