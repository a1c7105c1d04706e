"""LSTMCell and LSTM: the Long Short-Term Memory layer (Hochreiter 1997)."""

from kerasnet import activations, initializers, ops
from kerasnet.layers.rnn.base_fused_rnn import BaseFusedRNN
from kerasnet.layers.rnn.base_rnn_cell import BaseRNNCell


class LSTMCell(BaseRNNCell):
    """Cell class for the LSTM layer. Gates in Keras' order i, f, c, o:

        z = x @ kernel + h' @ recurrent_kernel + bias
        i, f, o = recurrent_activation(z_i, z_f, z_o);  g = activation(z_c)
        c = f * c' + i * g;  h = o * activation(c)

    Args:
        units: positive integer, dimensionality of the output space.
        activation: activation of the candidate and of the cell output
            (default `tanh`).
        recurrent_activation: activation of the gates (default `sigmoid`).
        use_bias: whether the layer uses a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer:
            initializers (defaults `glorot_uniform`, `orthogonal`, `zeros`).
        unit_forget_bias: add 1 to the forget gate's bias at initialization
            (Jozefowicz et al.); forces `bias_initializer="zeros"` on that part.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs dropped in training.
        recurrent_dropout: fraction of the state dropped in training.
        seed: random seed of the dropout masks.

    Call arguments:
        inputs: a 2D tensor (batch, features), one time step.
        states: [h, c], each (batch, units).
        training: whether dropout applies.

    Example:

    >>> rnn = kerasnet.layers.RNN(kerasnet.layers.LSTMCell(4))
    >>> rnn(np.zeros((32, 10, 8), "float32")).shape
    (32, 4)
    """

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
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
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, init = self.units, self.bias_initializer

        def forget_bias_one(shape, dtype=None):
            return ops.concatenate([init((units,), dtype=dtype),
                                    initializers.get("ones")((units,), dtype=dtype),
                                    init((2 * units,), dtype=dtype)])

        return forget_bias_one

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        u = self.units
        dp = self.get_dropout_mask(inputs) if training and 0 < self.dropout < 1 else None
        rdp = (self.get_recurrent_dropout_mask(h_prev)
               if training and 0 < self.recurrent_dropout < 1 else None)
        if isinstance(dp, list) or isinstance(rdp, list):
            # One mask per gate (implementation 1).
            z = [ops.matmul(self._dropped(inputs, dp, k), self.kernel[:, k * u:(k + 1) * u])
                 + ops.matmul(self._dropped(h_prev, rdp, k), self.recurrent_kernel[:, k * u:(k + 1) * u])
                 for k in range(4)]
            if self.bias is not None:
                z = [zk + self.bias[k * u:(k + 1) * u] for k, zk in enumerate(z)]
        else:
            zz = ops.matmul(self._dropped(inputs, dp, 0), self.kernel)
            zz = zz + ops.matmul(h_prev, self.recurrent_kernel)
            if self.bias is not None:
                zz = zz + self.bias
            z = ops.split(zz, 4, axis=1)
        i = self.recurrent_activation(z[0])
        f = self.recurrent_activation(z[1])
        c = f * c_prev + i * self.activation(z[2])
        o = self.recurrent_activation(z[3])
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config["unit_forget_bias"] = self.unit_forget_bias
        return config


class LSTM(BaseFusedRNN):
    """Long Short-Term Memory layer (Hochreiter 1997).

    The whole sequence runs as one engine op (the time loop, the gates and
    backpropagation through time in C++) for the activations `tanh`,
    `sigmoid`, `relu`, `linear` and `hard_sigmoid` without
    `recurrent_dropout` in training; other settings run the cell step by step.
    Weights live on the cell (`lstm_cell`), in Keras' layout: `kernel`
    (features, 4 units), `recurrent_kernel` (units, 4 units), `bias`
    (4 units), gates i, f, c, o.

    Args:
        units: positive integer, dimensionality of the output space.
        activation, recurrent_activation, use_bias, initializers,
            unit_forget_bias, regularizers, constraints, dropout,
            recurrent_dropout, seed: as `LSTMCell`.
        activity_regularizer: regularizer of the output.
        return_sequences, return_state, go_backwards, stateful, unroll: as `RNN`.
        use_cudnn: accepted for compatibility ("auto", True, False).

    Call arguments:
        inputs: a 3D tensor (batch, timesteps, features).
        initial_state: [h, c] or None (zeros).
        mask: a boolean tensor (batch, timesteps).
        training: whether dropout applies.

    Example:

    >>> layer = kerasnet.layers.LSTM(4, return_state=True)
    >>> out, h, c = layer(np.zeros((2, 10, 8), "float32"))
    >>> out.shape, h.shape, c.shape
    ((2, 4), (2, 4), (2, 4))
    """

    cell_class = LSTMCell
    cell_name = "lstm_cell"
    fused_op = "lstm"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        cell_kwargs = dict(
            activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed)
        super().__init__(units, cell_kwargs, use_cudnn=use_cudnn, return_sequences=return_sequences,
                         return_state=return_state, go_backwards=go_backwards, stateful=stateful,
                         unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)
