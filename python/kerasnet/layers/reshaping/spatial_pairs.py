"""The machinery shared by ZeroPadding2D/3D and Cropping2D/3D: a (before, after) pair per
spatial axis, channels_last or channels_first."""

from kerasnet import ops
from kerasnet.layers.convolutional.base_conv import (
    standardize_data_format,
    standardize_tuple,
)
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer


def standardize_pairs(value, rank, name):
    """`rank` (before, after) pairs from an int, `rank` ints (symmetric) or
    `rank` pairs, as Keras' ZeroPadding2D/3D and Cropping2D/3D read them."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"`{name}` cannot be negative. Received: {name}={value}.")
        return ((value, value),) * rank
    if not hasattr(value, "__len__") or isinstance(value, str):
        raise ValueError(
            f"`{name}` should be either an int, a tuple of {rank} ints or a "
            f"tuple of {rank} tuples of 2 ints. Received: {name}={value}."
        )
    if len(value) != rank:
        words = {2: "two", 3: "3"}
        raise ValueError(
            f"`{name}` should have {words[rank]} elements. Received: {name}={value}."
        )
    ordinals = ("1st", "2nd", "3rd")
    return tuple(standardize_tuple(v, 2, f"{ordinals[i]} entry of {name}", allow_zero=True)
                 for i, v in enumerate(value))


def crop_spatial(inputs, cropping, first):
    """inputs with cropping[i] = (before, after) removed from axis first + i."""
    index = [slice(None)] * len(inputs.shape)
    for i, (before, after) in enumerate(cropping):
        axis = first + i
        index[axis] = slice(before, inputs.shape[axis] - after)
    return inputs[tuple(index)]


def cropped_shape(layer_name, input_shape, cropping, first):
    out = list(input_shape)
    for i, (before, after) in enumerate(cropping):
        d = out[first + i]
        if d is not None and before + after >= d:
            raise ValueError(
                "Values in `cropping` argument should be smaller than the "
                "corresponding spatial dimension of the input. Received: "
                f"input_shape={tuple(input_shape)}, cropping={cropping} "
                f"(layer '{layer_name}')"
            )
        out[first + i] = None if d is None else d - before - after
    return tuple(out)


class SpatialPairsLayer(Layer):
    """A layer configured by `rank` (before, after) pairs, stored under `pairs_name`."""

    pairs_name = None  # "padding" or "cropping"

    def __init__(self, rank, pairs, data_format, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        setattr(self, self.pairs_name, standardize_pairs(pairs, rank, self.pairs_name))
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True

    def _pairs(self):
        return getattr(self, self.pairs_name)

    def _first(self):
        return 2 if self.data_format == "channels_first" else 1

    def get_config(self):
        config = super().get_config()
        config.update({self.pairs_name: self._pairs(), "data_format": self.data_format})
        return config


class SpatialPadding(SpatialPairsLayer):
    """Zeros added before and after each spatial axis (ZeroPadding2D, ZeroPadding3D)."""

    pairs_name = "padding"

    def call(self, inputs):
        widths = [(0, 0)] * len(inputs.shape)
        for i, pair in enumerate(self.padding):
            widths[self._first() + i] = pair
        return ops.pad(inputs, widths)

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        for i, (before, after) in enumerate(self.padding):
            axis = self._first() + i
            if out[axis] is not None:
                out[axis] += before + after
        return tuple(out)


class SpatialCropping(SpatialPairsLayer):
    """Cells removed before and after each spatial axis (Cropping2D, Cropping3D)."""

    pairs_name = "cropping"

    def call(self, inputs):
        cropped_shape(self.name, inputs.shape, self.cropping, self._first())
        return crop_spatial(inputs, self.cropping, self._first())

    def compute_output_shape(self, input_shape):
        return cropped_shape(self.name, input_shape, self.cropping, self._first())
