"""GRUCell and GRU: the Gated Recurrent Unit layer (Cho et al. 2014)."""

from kerasnet import activations, ops
from kerasnet.layers.rnn.base_fused_rnn import BaseFusedRNN
from kerasnet.layers.rnn.base_rnn_cell import BaseRNNCell


class GRUCell(BaseRNNCell):
    """Cell class for the GRU layer. Gates in Keras' order z, r, h:

        z = recurrent_activation(x W_z + h' U_z + b_z),  r likewise
        reset_after=True:  g = activation(x W_h + b_h + r * (h' U_h + b'_h))
        reset_after=False: g = activation(x W_h + b_h + (r * h') U_h)
        h = z * h' + (1 - z) * g

    Args:
        units: positive integer, dimensionality of the output space.
        activation: activation of the candidate (default `tanh`).
        recurrent_activation: activation of the gates (default `sigmoid`).
        use_bias: whether the layer uses a bias vector; with `reset_after` it
            has shape (2, 3 units): the input bias row, then the recurrent one.
        kernel_initializer, recurrent_initializer, bias_initializer:
            initializers (defaults `glorot_uniform`, `orthogonal`, `zeros`).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs dropped in training.
        recurrent_dropout: fraction of the state dropped in training.
        reset_after: apply the reset gate after the recurrent product (Keras 3's
            and cuDNN's default, True) or before it (False).
        seed: random seed of the dropout masks.

    Call arguments:
        inputs: a 2D tensor (batch, features), one time step.
        states: the previous state (batch, units).
        training: whether dropout applies.

    Example:

    >>> rnn = kerasnet.layers.RNN(kerasnet.layers.GRUCell(4))
    >>> rnn(np.zeros((32, 10, 8), "float32")).shape
    (32, 4)
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
                 seed=None, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=False):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        u = self.units
        dp = self.get_dropout_mask(inputs) if training and 0 < self.dropout < 1 else None
        rdp = (self.get_recurrent_dropout_mask(h_prev)
               if training and 0 < self.recurrent_dropout < 1 else None)
        if self.bias is None:
            b_in = b_rec = None
        elif self.reset_after:
            b_in, b_rec = self.bias[0], self.bias[1]
        else:
            b_in, b_rec = self.bias, None
        x = [ops.matmul(self._dropped(inputs, dp, k), self.kernel[:, k * u:(k + 1) * u])
             for k in range(3)]
        h = [self._dropped(h_prev, rdp, k) for k in range(3)]
        if b_in is not None:
            x = [xk + b_in[k * u:(k + 1) * u] for k, xk in enumerate(x)]
        rec = [ops.matmul(h[k], self.recurrent_kernel[:, k * u:(k + 1) * u]) for k in range(2)]
        if b_rec is not None:
            rec = [rk + b_rec[k * u:(k + 1) * u] for k, rk in enumerate(rec)]
        z = self.recurrent_activation(x[0] + rec[0])
        r = self.recurrent_activation(x[1] + rec[1])
        u_h = self.recurrent_kernel[:, 2 * u:]
        if self.reset_after:
            rec_h = ops.matmul(h[2], u_h)
            if b_rec is not None:
                rec_h = rec_h + b_rec[2 * u:]
            g = self.activation(x[2] + r * rec_h)
        else:
            g = self.activation(x[2] + ops.matmul(r * h[2], u_h))
        out = z * h_prev + (1 - z) * g
        return out, [out] if isinstance(states, (list, tuple)) else out

    def get_config(self):
        config = super().get_config()
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config["reset_after"] = self.reset_after
        return config


class GRU(BaseFusedRNN):
    """Gated Recurrent Unit (Cho et al. 2014), Keras 3's variant by default
    (`reset_after=True`, as cuDNN).

    The whole sequence runs as one engine op (the time loop, the gates and
    backpropagation through time in C++) for the activations `tanh`,
    `sigmoid`, `relu`, `linear` and `hard_sigmoid` without
    `recurrent_dropout` in training, with `reset_after` either way; other
    settings run the cell step by step. Weights live on the cell
    (`gru_cell`): `kernel` (features, 3 units), `recurrent_kernel` (units,
    3 units), `bias` (2, 3 units) or (3 units) without `reset_after`.

    Args:
        units: positive integer, dimensionality of the output space.
        activation, recurrent_activation, use_bias, initializers, regularizers,
            constraints, dropout, recurrent_dropout, reset_after, seed: as
            `GRUCell`.
        activity_regularizer: regularizer of the output.
        return_sequences, return_state, go_backwards, stateful, unroll: as `RNN`.
        use_cudnn: accepted for compatibility ("auto", True, False).

    Call arguments:
        inputs: a 3D tensor (batch, timesteps, features).
        initial_state: the initial state (batch, units) or None (zeros).
        mask: a boolean tensor (batch, timesteps).
        training: whether dropout applies.

    Example:

    >>> layer = kerasnet.layers.GRU(4, return_sequences=True)
    >>> layer(np.zeros((2, 10, 8), "float32")).shape
    (2, 10, 4)
    """

    cell_class = GRUCell
    cell_name = "gru_cell"
    fused_op = "gru"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs):
        cell_kwargs = dict(
            activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            reset_after=reset_after, seed=seed)
        super().__init__(units, cell_kwargs, use_cudnn=use_cudnn, return_sequences=return_sequences,
                         return_state=return_state, go_backwards=go_backwards, stateful=stateful,
                         unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)
