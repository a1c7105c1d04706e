"""DropoutRNNCell: the dropout masks of a recurrent cell, drawn once per call."""

from kerasnet import ops, random


class DropoutRNNCell:
    """Mixin of the cells with `dropout` / `recurrent_dropout` (Keras' rule:
    one mask per layer call, reused at every time step).

    A cell using it has `dropout`, `recurrent_dropout` and `seed_generator`;
    `dropout_mask_count` (when set) asks for that many independent masks, one
    per gate. The RNN layer resets the cached masks after each call.
    """

    def _create_dropout_mask(self, step_input, rate):
        ones = ops.ones_like(step_input)
        count = getattr(self, "dropout_mask_count", None)
        if count is None:
            return random.dropout(ones, rate, seed=self.seed_generator)
        return [random.dropout(ones, rate, seed=self.seed_generator) for _ in range(count)]

    def get_dropout_mask(self, step_input):
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(step_input,
                                                                     self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None
