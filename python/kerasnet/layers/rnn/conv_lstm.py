"""ConvLSTMCell and ConvLSTM: the parent of ConvLSTM1D/2D/3D, an LSTM whose
input and recurrent transformations are convolutions."""

from kerasnet import activations, constraints, initializers, ops, random, regularizers
from kerasnet.layers.convolutional.base_conv import (
    conv_output_length,
    standardize_data_format,
    standardize_padding,
    standardize_tuple,
)
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer
from kerasnet.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from kerasnet.layers.rnn.rnn import RNN

_CELL_ARGS = (
    "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
    "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer",
    "bias_initializer", "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer",
    "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
    "recurrent_dropout", "seed",
)


class ConvLSTMCell(DropoutRNNCell, Layer):
    """Cell class for the ConvLSTM layers: the LSTM gates (i, f, c, o, as
    Keras) of `conv(x, kernel) + bias + conv(h', recurrent_kernel)`, the
    recurrent convolution with stride 1 and "same" padding.

    Args:
        rank: number of spatial dimensions (1, 2 or 3).
        filters: number of output channels of the state.
        kernel_size, strides, padding ("valid" or "same"), data_format,
            dilation_rate: of the input convolution.
        activation, recurrent_activation, use_bias, initializers,
            unit_forget_bias, regularizers, constraints, dropout,
            recurrent_dropout, seed: as `LSTMCell`.

    Weights: `kernel` (kernel_size..., input channels, 4 filters),
    `recurrent_kernel` (kernel_size..., filters, 4 filters), `bias` (4 filters).
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        if rank not in (1, 2, 3):
            raise ValueError(f"Rank {rank} convolutions are not currently implemented. Received: rank={rank}")
        if not isinstance(filters, int) or isinstance(filters, bool) or filters <= 0:
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly positive "
                f"value. Received filters={filters}."
            )
        self.rank = rank
        self.filters = filters
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.dropout_mask_count = 4  # one mask per gate, as Keras
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.state_size = [-1, -1]  # h and c, feature maps whose shape depends on the inputs
        self.spatial_dims = None

    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def build(self, inputs_shape, states_shape=None):
        inputs_shape = tuple(inputs_shape)
        if self.data_format == "channels_first":
            self.spatial_dims, input_dim = inputs_shape[2:], inputs_shape[1]
        else:
            self.spatial_dims, input_dim = inputs_shape[1:-1], inputs_shape[-1]
        if len(self.spatial_dims) != self.rank or None in self.spatial_dims:
            raise ValueError(
                f"{self.__class__.__name__} expects inputs with {self.rank} static spatial "
                f"dimensions. Received input shape: {inputs_shape}"
            )
        if input_dim is None:
            raise ValueError(
                "The channel dimension of the inputs should be defined. Found None. "
                f"Full input shape received: {inputs_shape}"
            )
        self.input_dim = input_dim
        f4 = 4 * self.filters
        self.kernel = self.add_weight(shape=self.kernel_size + (input_dim, f4), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=self.kernel_size + (self.filters, f4),
                                                name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=(f4,), name="bias", initializer=self._bias_initializer(),
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        f, init = self.filters, self.bias_initializer

        def forget_bias_one(shape, dtype=None):
            return ops.concatenate([init((f,), dtype=dtype), initializers.get("ones")((f,), dtype=dtype),
                                    init((2 * f,), dtype=dtype)])

        return forget_bias_one

    def state_shape(self, batch_size):
        """(batch, spatial..., filters) (channels_last) of the states for this cell's inputs."""
        out = tuple(conv_output_length(n, k, self.padding, s, d)
                    for n, k, s, d in zip(self.spatial_dims, self.kernel_size, self.strides,
                                          self.dilation_rate))
        if self.data_format == "channels_last":
            return (batch_size,) + out + (self.filters,)
        return (batch_size, self.filters) + out

    def compute_output_shape(self, inputs_shape, states_shape=None):
        if self.spatial_dims is None:
            self.spatial_dims = (tuple(inputs_shape[1:-1]) if self.data_format == "channels_last"
                                 else tuple(inputs_shape[2:]))
        shape = self.state_shape(inputs_shape[0])
        return shape, [shape, shape]

    def get_initial_state(self, batch_size=None):
        shape = self.state_shape(batch_size)
        return [ops.zeros(shape, dtype=self.compute_dtype), ops.zeros(shape, dtype=self.compute_dtype)]

    def input_conv(self, x, kernel, bias=None):
        out = ops.conv(x, kernel, strides=self.strides, padding=self.padding, data_format=self.data_format,
                       dilation_rate=self.dilation_rate)
        if bias is not None:
            shape = ((1,) * (self.rank + 1) + (-1,) if self.data_format == "channels_last"
                     else (1, -1) + (1,) * self.rank)
            out = out + ops.reshape(bias, shape)
        return out

    def recurrent_conv(self, h, kernel):
        return ops.conv(h, kernel, strides=1, padding="same", data_format=self.data_format)

    def gates(self, z, c_prev):
        """(h, c) from the pre-activations z of the four gates (channel blocks i, f, c, o)."""
        i, f, g, o = ops.split(z, 4, axis=self._channel_axis())
        c = self.recurrent_activation(f) * c_prev + self.recurrent_activation(i) * self.activation(g)
        return self.recurrent_activation(o) * self.activation(c), c

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        dp = self.get_dropout_mask(inputs) if training and 0 < self.dropout < 1 else None
        rdp = (self.get_recurrent_dropout_mask(h_prev)
               if training and 0 < self.recurrent_dropout < 1 else None)
        axis = self._channel_axis() % (self.rank + 2)
        if dp is None and rdp is None:
            z = self.input_conv(inputs, self.kernel, self.bias) + self.recurrent_conv(h_prev,
                                                                                     self.recurrent_kernel)
        else:
            # One mask per gate: each gate's inputs and state are dropped on their own.
            kernels = ops.split(self.kernel, 4, axis=self.rank + 1)
            rkernels = ops.split(self.recurrent_kernel, 4, axis=self.rank + 1)
            biases = ops.split(self.bias, 4) if self.bias is not None else [None] * 4
            parts = []
            for k in range(4):
                x_k = inputs * dp[k] if dp is not None else inputs
                h_k = h_prev * rdp[k] if rdp is not None else h_prev
                parts.append(self.input_conv(x_k, kernels[k], biases[k]) + self.recurrent_conv(h_k, rkernels[k]))
            z = ops.concatenate(parts, axis=axis)
        h, c = self.gates(z, c_prev)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.update({
            "rank": self.rank,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        })
        return config


class ConvLSTM(RNN):
    """The parent of ConvLSTM1D/2D/3D: an LSTM whose input and recurrent
    transformations are convolutions. Inputs (batch, time, spatial...,
    channels) with `channels_last`.

    The input convolutions of all time steps run as one convolution over
    batch x time samples; each step then adds the recurrent convolution of the
    state and applies the gates. With dropout in training the cell runs step by
    step (one mask per gate, as Keras).
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        cell = ConvLSTMCell(
            rank=rank, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, name="conv_lstm_cell",
            dtype=kwargs.get("dtype"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=rank + 3)

    def __getattr__(self, name):
        # Keras' ConvLSTM shows its cell's arguments as its own attributes.
        if name in _CELL_ARGS and "cell" in self.__dict__:
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) != self.cell.rank + 3:
            raise ValueError(
                f"Layer {self.name} ({self.__class__.__name__}) expects inputs of rank "
                f"{self.cell.rank + 3} (batch, time, spatial..., channels). Received input shape: "
                f"{sequences_shape}"
            )
        super().build(sequences_shape, initial_state_shape)

    def _state_shapes(self, sequences_shape):
        shape = self.cell.state_shape(sequences_shape[0])
        return [shape, shape]

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, steps = sequences_shape[0], sequences_shape[1]
        step_shape = (batch,) + tuple(sequences_shape[2:])
        state = tuple(self.cell.compute_output_shape(step_shape)[0][1:])
        out = (batch, steps) + state if self.return_sequences else (batch,) + state
        if self.return_state:
            return [out, (batch,) + state, (batch,) + state]
        return out

    def inner_loop(self, sequences, initial_state, mask, training=False):
        cell = self.cell
        if type(cell) is not ConvLSTMCell or (training and (cell.dropout or cell.recurrent_dropout)):
            return super().inner_loop(sequences, initial_state, mask, training)
        batch, steps = sequences.shape[0], sequences.shape[1]
        if steps == 0:
            return super().inner_loop(sequences, initial_state, mask, training)
        # Every step's input convolution at once, over batch x time samples.
        flat = ops.reshape(sequences, (batch * steps,) + tuple(sequences.shape[2:]))
        xz = cell.input_conv(flat, cell.kernel, cell.bias)
        xz = ops.reshape(xz, (batch, steps) + tuple(xz.shape[1:]))
        h, c = initial_state
        outputs = []
        for t in (range(steps - 1, -1, -1) if self.go_backwards else range(steps)):
            h_new, c_new = cell.gates(xz[:, t] + cell.recurrent_conv(h, cell.recurrent_kernel), c)
            out = h_new
            if mask is not None:
                m = ops.reshape(mask[:, t], (-1,) + (1,) * (len(h.shape) - 1))
                out = ops.where(m, h_new, ops.zeros_like(h_new) if self.zero_output_for_mask else h)
                h_new, c_new = ops.where(m, h_new, h), ops.where(m, c_new, c)
            h, c = h_new, c_new
            outputs.append(out)
        return outputs[-1], ops.stack(outputs, axis=1), [h, c]

    def get_config(self):
        config = super().get_config()
        cell_config = config.pop("cell")["config"]
        for key in ("name", "trainable", "dtype", "rank"):
            cell_config.pop(key, None)
        config.update(cell_config)
        config.setdefault("activity_regularizer", None)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
