"""TimeDistributed: one layer applied to every time step of a sequence.

Note [Folding time into batch]
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
Applying the same layer to each of the T slices x[:, t] of an input of shape
(B, T, ...) is the same computation as applying it once to the input
reshaped to (B*T, ...) and reshaping the result back to (B, T, ...): every
layer that may be wrapped treats the rows of its batch independently. So the
time steps never loop in Python; the wrapped layer makes one call on a batch
T times larger (and the reshapes of contiguous tensors are views). A mask of
shape (B, T, ...) folds the same way.
"""

from kerasnet import ops
from kerasnet.layers.core.wrapper import Wrapper
from kerasnet.backend import tree


class TimeDistributed(Wrapper):
    """Applies a layer to every temporal slice of an input.

    The input must be at least 3D, `(batch, time, ...)`: axis 1 is the time
    axis. The same wrapped layer (the same weights) processes each of the
    `time` slices `(batch, ...)` independently.

    For example, a batch of 32 videos of 10 frames, each frame a 128x128 RGB
    image, has shape `(32, 10, 128, 128, 3)`; `TimeDistributed(Conv2D(64, 3))`
    runs one `Conv2D` over the 10 frames of every video, giving
    `(32, 10, 126, 126, 64)`.

    Args:
        layer: a `keras.layers.Layer` instance (a layer, or a Sequential or
            Functional model).

    Call arguments:
        inputs: a tensor of shape `(batch, time, ...)`.
        training: Python boolean, training or inference mode; passed to the
            wrapped layer when its `call` takes a `training` argument.
        mask: boolean tensor of shape `(batch, time)` (or `(batch, time,
            ...)`) marking the valid time steps; passed, folded like the
            inputs, to the wrapped layer when its `call` takes a `mask`
            argument. As in Keras 3, the output carries no mask.

    Input shape:
        `(batch, time, ...)`: what the wrapped layer accepts, with a time axis
        inserted after the batch axis.

    Output shape:
        `(batch, time, ...)`: the wrapped layer's output shape with the time
        axis inserted after the batch axis.

    Example:

    >>> inputs = kerasnet.Input(shape=(10, 128, 128, 3), batch_size=32)
    >>> outputs = TimeDistributed(kerasnet.layers.Conv2D(64, 3))(inputs)
    >>> outputs.shape
    (32, 10, 126, 126, 64)
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        # Keras 3: the mask reaches the wrapped layer but is not propagated.
        self.supports_masking = False

    def _child_input_shape(self, input_shape):
        """(batch, time, *rest) -> (batch, *rest), the shape of one slice."""
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                f"Layer '{self.name}' (TimeDistributed) expects an input of "
                "rank 3 or more, (batch, time, ...), whose axis 1 is the time "
                f"axis. Received: input_shape={input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape):
        # The wrapped layer sees batches of batch * time rows (Note [Folding
        # time into batch]): its batch size is left unknown.
        super().build((None, *self._child_input_shape(input_shape)[1:]))

    def compute_output_shape(self, input_shape):
        child_shape = self._child_input_shape(input_shape)
        child_out = self.layer.compute_output_shape(child_shape)
        return (child_out[0], input_shape[1], *child_out[1:])

    def call(self, inputs, training=None, mask=None):
        shape = tuple(inputs.shape)
        self._child_input_shape(shape)
        batch, steps = shape[0], shape[1]
        # Note [Folding time into batch]
        folded = ops.reshape(inputs, (batch * steps, *shape[2:]))
        kwargs = {}
        if mask is not None:
            mask = self._fold_mask(mask, shape)
            if self.layer._call_has_mask:
                kwargs["mask"] = mask
        if self.layer._call_has_training:
            kwargs["training"] = training
        outputs = self.layer.call(folded, **kwargs)

        def unfold(y):
            return ops.reshape(y, (batch, steps, *tuple(y.shape)[1:]))

        return tree.map_structure(unfold, outputs)

    def _fold_mask(self, mask, input_shape):
        """The mask (batch, time, ...) as (batch * time, ...), checked."""
        mask = ops.convert_to_tensor(mask)
        mask_shape = tuple(mask.shape)
        if len(mask_shape) < 2 or mask_shape[:2] != input_shape[:2]:
            raise ValueError(
                f"The `mask` passed to layer '{self.name}' (TimeDistributed) "
                f"has shape {mask_shape}, which does not fit its input of "
                f"shape {input_shape}: the mask's first two dimensions must "
                f"be the input's (batch, time) = {input_shape[:2]}."
            )
        return ops.reshape(
            mask, (mask_shape[0] * mask_shape[1], *mask_shape[2:])
        )
