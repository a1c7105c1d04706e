"""The fused recurrent sequence ops: the whole time loop of a SimpleRNN, LSTM or
GRU layer in one engine call (csrc/ops/rnn/), forward and backward.

Not part of `keras.ops` (Keras keeps these in its backends); the recurrent
layers call them through `kerasnet.layers.rnn.fused`, which decides when they
apply. Shapes: inputs (batch, timesteps, features), states (batch, units),
Keras' weight layouts; `mask` (batch, timesteps) or None. Each returns
`[outputs, *final_states]`, outputs in processing order (reversed with
`go_backwards`, as Keras).
"""

from kerasnet import _C
from kerasnet.backend.tensor import as_tensor as _as_tensor

# The activation names the kernels evaluate (others take the cell loop).
FUSED_ACTIVATIONS = frozenset({"tanh", "sigmoid", "relu", "linear", "hard_sigmoid"})


def _bool_mask(mask):
    if mask is None:
        return None
    mask = _as_tensor(mask)
    return mask if mask.dtype == "bool" else _C.cast(mask, "bool")


def simple_rnn(inputs, initial_state, kernel, recurrent_kernel, bias, mask,
               activation="tanh", go_backwards=False, zero_output_for_mask=False):
    return list(_C.simple_rnn(inputs, initial_state, kernel, recurrent_kernel, bias,
                              _bool_mask(mask), activation, go_backwards, zero_output_for_mask))


def lstm(inputs, initial_h, initial_c, kernel, recurrent_kernel, bias, mask,
         activation="tanh", recurrent_activation="sigmoid", go_backwards=False,
         zero_output_for_mask=False):
    return list(_C.lstm(inputs, initial_h, initial_c, kernel, recurrent_kernel, bias,
                        _bool_mask(mask), activation, recurrent_activation, go_backwards,
                        zero_output_for_mask))


def gru(inputs, initial_state, kernel, recurrent_kernel, bias, mask, activation="tanh",
        recurrent_activation="sigmoid", go_backwards=False, zero_output_for_mask=False,
        reset_after=True):
    return list(_C.gru(inputs, initial_state, kernel, recurrent_kernel, bias, _bool_mask(mask),
                       activation, recurrent_activation, go_backwards, zero_output_for_mask,
                       reset_after))
