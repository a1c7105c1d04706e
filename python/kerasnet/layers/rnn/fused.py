"""The one place that decides whether a SimpleRNN, LSTM or GRU layer runs its
sequence as one fused engine op (kerasnet.ops.rnn) or steps its cell in Python.

The fused op covers the built-in cell (not a subclass of it, whose `call` may
differ) with the activations the kernels evaluate, on CPU float tensors, with
input dropout (one mask for all steps, as Keras) but no recurrent dropout in
training. Everything else returns None and the layer runs the cell loop.
"""

from kerasnet import activations, ops
from kerasnet.ops import rnn as rnn_ops


def _fused_name(fn):
    name = getattr(fn, "__name__", None)
    if name in rnn_ops.FUSED_ACTIVATIONS and activations.get(name) is fn:
        return name
    return None


def fused_sequence(layer, sequences, initial_state, mask, training):
    """(last_output, outputs, states) from the fused op, or None."""
    cell = layer.cell
    if type(cell) is not layer.cell_class or layer.fused_op is None:
        return None
    if training and cell.recurrent_dropout > 0:
        return None
    act = _fused_name(cell.activation)
    ract = _fused_name(getattr(cell, "recurrent_activation", activations.sigmoid))
    if act is None or ract is None:
        return None
    if not ops.is_tensor(sequences) or sequences.dtype not in ("float32", "float64"):
        return None
    if getattr(sequences, "device", "cpu") != "cpu" or sequences.shape[1] == 0:
        return None
    x = sequences
    if training and cell.dropout > 0:
        if getattr(cell, "dropout_mask_count", None):
            return None  # one mask per gate (implementation 1): the cell loop applies them
        x = x * ops.expand_dims(cell.get_dropout_mask(sequences[:, 0, :]), 1)
    common = dict(go_backwards=layer.go_backwards, zero_output_for_mask=layer.zero_output_for_mask)
    if layer.fused_op == "lstm":
        outs = rnn_ops.lstm(x, initial_state[0], initial_state[1], cell.kernel, cell.recurrent_kernel,
                            cell.bias, mask, activation=act, recurrent_activation=ract, **common)
    elif layer.fused_op == "gru":
        outs = rnn_ops.gru(x, initial_state[0], cell.kernel, cell.recurrent_kernel, cell.bias, mask,
                           activation=act, recurrent_activation=ract, reset_after=cell.reset_after,
                           **common)
    else:
        outs = rnn_ops.simple_rnn(x, initial_state[0], cell.kernel, cell.recurrent_kernel, cell.bias,
                                  mask, activation=act, **common)
    outputs = outs[0]
    return outputs[:, -1], outputs, outs[1:]
