"""The parent of SimpleRNN, LSTM and GRU: a built-in cell created from the
layer's arguments, its attributes readable on the layer, a flat config (as
Keras writes it), and the fused engine op when `fused.py` allows it."""

from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.rnn.fused import fused_sequence
from kerasnet.layers.rnn.rnn import RNN

# The cell attributes a layer shows as its own (Keras' properties).
_CELL_ATTRIBUTES = (
    "units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias",
    "kernel_initializer", "recurrent_initializer", "bias_initializer", "kernel_regularizer",
    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
    "bias_constraint", "dropout", "recurrent_dropout", "reset_after",
)
# Keys of the cell's config that are the cell's own, not the layer's.
_CELL_ONLY_KEYS = ("name", "trainable", "dtype", "activity_regularizer")


class BaseFusedRNN(RNN):
    """Subclasses set `cell_class`, `cell_name` (Keras' name of the inner cell)
    and `fused_op` (the engine op)."""

    cell_class = None
    cell_name = None
    fused_op = None

    def __init__(self, units, cell_kwargs, use_cudnn="auto", **kwargs):
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                "Invalid valid received for argument `use_cudnn`. Expected one of "
                f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn}"
            )
        cell = self.cell_class(units, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
                               name=self.cell_name, implementation=kwargs.pop("implementation", 2),
                               **cell_kwargs)
        super().__init__(cell, **kwargs)
        self.use_cudnn = use_cudnn
        self.input_spec = InputSpec(ndim=3)

    def __getattr__(self, name):
        # Only reached for names the layer itself lacks.
        if name in _CELL_ATTRIBUTES and "cell" in self.__dict__ and hasattr(self.__dict__["cell"], name):
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def inner_loop(self, sequences, initial_state, mask, training=False):
        out = fused_sequence(self, sequences, initial_state, mask, training)
        if out is not None:
            return out
        return super().inner_loop(sequences, initial_state, mask, training)

    def get_config(self):
        config = super().get_config()
        cell_config = config.pop("cell")["config"]
        for key in _CELL_ONLY_KEYS:
            cell_config.pop(key, None)
        config.update(cell_config)
        config.setdefault("activity_regularizer", None)  # Keras writes it even when None
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
