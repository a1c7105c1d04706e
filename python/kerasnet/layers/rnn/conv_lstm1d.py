"""ConvLSTM1D: the 1D convolutional LSTM layer."""

from kerasnet.layers.rnn.conv_lstm import ConvLSTM


class ConvLSTM1D(ConvLSTM):
    """1D Convolutional LSTM: an LSTM whose input and recurrent
    transformations are 1D convolutions.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 1 ints, the convolution window.
        strides: int or tuple of 1 ints (not > 1 together with dilation).
        padding: "valid" or "same" (of the input convolution; the recurrent one
            always keeps the state's size).
        data_format: "channels_last" (default) or "channels_first".
        dilation_rate: int or tuple of 1 ints.
        activation, recurrent_activation, use_bias, kernel_initializer,
            recurrent_initializer, bias_initializer, unit_forget_bias,
            regularizers, constraints, dropout, recurrent_dropout, seed: as
            `LSTM`.
        return_sequences, return_state, go_backwards, stateful: as `RNN`.

    Call arguments:
        inputs: a 4D tensor (batch, time, steps, channels).
        initial_state: [h, c], each (batch, output spatial..., filters).
        mask: a boolean tensor (batch, time).
        training: whether dropout applies.

    Weights (on the cell `conv_lstm_cell`): `kernel` (kernel_size..., channels,
    4 filters), `recurrent_kernel` (kernel_size..., filters, 4 filters),
    `bias` (4 filters); gates i, f, c, o.

    Example:

    >>> layer = kerasnet.layers.ConvLSTM1D(5, 3)
    >>> layer(np.zeros((2, 4, 10, 3), "float32")).shape
    (2, 8, 5)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        super().__init__(
            rank=1, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            seed=seed, return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, **kwargs)
