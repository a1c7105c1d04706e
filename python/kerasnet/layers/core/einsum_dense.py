"""EinsumDense: a dense layer whose product is any einsum of the input with its kernel.

The equation has one of three forms (X input, Y kernel, Z output labels):
`X,Y->Z`, `...X,Y->...Z` (leading dimensions elided) or `X...,Y->Z...` (trailing
ones). `analyze_equation` turns it, the input shape and the partial output shape
into the kernel and bias shapes, as Keras 3 does; the call is one `ops.einsum`
(batched GEMMs, see ops/einsum.py), the bias add and the activation.

Not here: quantization (int8/int4/float8/GPTQ/AWQ modes).
"""

import re

from kerasnet import activations, constraints, initializers, ops, regularizers
from kerasnet.initializers.random_initializers import VarianceScaling
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer, load_variables

_FORMS = (
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)"), "none"),
    (re.compile(r"\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)"), "left"),
    (re.compile(r"([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\."), "right"),
)


class EinsumDense(Layer):
    """A dense layer computing `activation(einsum(equation, inputs, kernel) + bias)`.

    Args:
        equation: the einsum equation, `"ab,bc->ac"`, `"...ab,bc->...ac"` or
            `"ab...,bc->ac..."` forms: input labels, kernel labels, output labels.
        output_shape: the output's shape without the batch dimension and the
            elided (`...`) ones; an int for one dimension; None for a dimension the
            input determines.
        activation: activation function (name or callable); None is linear.
        bias_axes: the output labels the bias spans (e.g. `"c"`), or None for no bias.
        kernel_initializer, bias_initializer: initializers of `kernel` and `bias`. A
            variance-scaling kernel initializer (the default glorot_uniform) counts
            its fans over the kernel axes the equation shares with the input and
            with the output.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints of the weights.
        lora_rank: if set, the kernel is frozen and a trainable low-rank delta
            `lora_kernel_a @ lora_kernel_b` (factorised on the last kernel axis) is
            added to it, scaled by `lora_alpha / lora_rank`.
        lora_alpha: the delta's scale numerator (default: `lora_rank`).

    Input shape:
        the shape the input labels describe (plus the elided dimensions).

    Output shape:
        `(batch,) + output_shape` with the elided dimensions where `...` puts them.

    Example:

    >>> layer = kerasnet.layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8),
    ...                                     bias_axes="de")
    >>> layer(np.ones((2, 5, 16))).shape
    (2, 5, 4, 8)
    >>> layer.kernel.shape
    (16, 4, 8)
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        if quantization_config is not None or gptq_unpacked_column_size is not None:
            raise ValueError(
                "kerasnet does not support quantized layers. Received: "
                f"quantization_config={quantization_config}, "
                f"gptq_unpacked_column_size={gptq_unpacked_column_size}"
            )
        if not isinstance(equation, str):
            raise TypeError(
                f"EinsumDense: `equation` must be a string such as 'ab,bc->ac'. Received: equation={equation!r}"
            )
        _split_equation(equation)  # fails early on an unsupported form
        if isinstance(output_shape, int):
            output_shape = (output_shape,)
        try:
            output_shape = tuple(output_shape)
        except TypeError:
            raise TypeError(
                "EinsumDense: `output_shape` must be an int or a tuple of ints and None. "
                f"Received: output_shape={output_shape!r}"
            ) from None
        if lora_rank is not None and (not isinstance(lora_rank, int) or lora_rank <= 0):
            raise ValueError(f"EinsumDense: `lora_rank` must be a positive integer. Received: lora_rank={lora_rank}")
        self.equation = equation
        self.partial_output_shape = output_shape
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    def build(self, input_shape):
        kernel_shape, bias_shape, _, input_axes, output_axes = analyze_equation(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape, self.name)
        self.input_spec = InputSpec(ndim=len(input_shape))
        init = self.kernel_initializer
        if isinstance(init, VarianceScaling) and (init.input_axes is None or init.output_axes is None):
            # Fans over the kernel axes matched with the input and with the output (Keras 3).
            config = init.get_config()
            config.update(seed=init.seed, input_axes=input_axes, output_axes=output_axes)
            init = type(init).from_config(config)
        self._kernel = self.add_weight(name="kernel", shape=kernel_shape, initializer=init,
                                       regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        if bias_shape is not None:
            self.bias = self.add_weight(name="bias", shape=bias_shape, initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    @property
    def kernel(self):
        if not self.built:
            raise AttributeError("You must build the layer before accessing `kernel`.")
        if self.lora_enabled:
            delta = ops.matmul(self.lora_kernel_a, self.lora_kernel_b)
            return ops.add(self._kernel, ops.multiply(delta, self.lora_alpha / self.lora_rank))
        return self._kernel

    def call(self, inputs, training=None):
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not None:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        return analyze_equation(self.equation, self.bias_axes, input_shape, self.partial_output_shape,
                                self.name)[2]

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freezes `kernel` and adds the trainable low-rank delta (see `lora_rank`)."""
        if self.kernel_constraint:
            raise ValueError(
                "Lora is incompatible with kernel constraints. In order to enable lora on this "
                "layer, remove the `kernel_constraint` argument."
            )
        if not self.built:
            raise ValueError("Cannot enable lora on a layer that isn't yet built.")
        if self.lora_enabled:
            raise ValueError("lora is already enabled. This can only be done once per layer.")
        shape = tuple(self._kernel.shape)
        self.lora_kernel_a = self.add_weight(name="lora_kernel_a", shape=shape[:-1] + (rank,),
                                             initializer=initializers.get(a_initializer),
                                             regularizer=self.kernel_regularizer)
        self.lora_kernel_b = self.add_weight(name="lora_kernel_b", shape=(rank, shape[-1]),
                                             initializer=initializers.get(b_initializer),
                                             regularizer=self.kernel_regularizer)
        self._kernel.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def save_own_variables(self, store):
        # As Keras: the kernel with the LoRA delta merged in, then the bias.
        if not self.built:
            return
        store["0"] = ops.convert_to_numpy(self.kernel)
        if self.bias is not None:
            store["1"] = self.bias.numpy()

    def load_own_variables(self, store):
        if not self.lora_enabled:
            return super().load_own_variables(store)
        own = [self._kernel] + ([self.bias] if self.bias is not None else [])
        load_variables(self, own, store)
        self.lora_kernel_a.assign(ops.zeros(self.lora_kernel_a.shape))
        self.lora_kernel_b.assign(ops.zeros(self.lora_kernel_b.shape))

    def get_config(self):
        config = {
            **super().get_config(),
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        }
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config


def _split_equation(equation):
    """(input labels, kernel labels, output labels, where '...' is: 'none' | 'left' | 'right')."""
    for pattern, form in _FORMS:
        m = pattern.fullmatch(equation)
        if m:
            return m.group(1), m.group(2), m.group(3), form
    raise ValueError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
    )


def analyze_equation(equation, bias_axes, input_shape, partial_output_shape, name="einsum_dense"):
    """(kernel_shape, bias_shape or None, full output shape, kernel input axes, kernel output axes).

    The full output shape is the input's batch dimension, `partial_output_shape`
    and the elided dimensions where `...` stands; a None there is filled from the
    input when the input has that label.
    """
    in_spec, w_spec, out_spec, form = _split_equation(equation)
    input_shape = tuple(input_shape)
    rank = len(input_shape)
    elided = rank - len(in_spec)
    if elided < 0 or (elided > 0 and form == "none"):
        raise ValueError(
            f"EinsumDense '{name}': the equation '{equation}' expects inputs of rank "
            f"{len(in_spec) if form == 'none' else f'> {len(in_spec)}'}, "
            f"but the input has shape {input_shape}."
        )
    partial = list(partial_output_shape)
    expected = len(out_spec) if form == "left" else len(out_spec) - 1
    if len(partial) != expected:
        raise ValueError(
            f"EinsumDense '{name}': `output_shape` must have {expected} entries for the equation "
            f"'{equation}' (the output labels after the batch dimension). "
            f"Received: output_shape={tuple(partial_output_shape)}"
        )
    if form == "left":
        output = list(input_shape[:elided]) + partial
        offset = elided
    else:
        output = [input_shape[0]] + partial + list(input_shape[rank - elided:])
        offset = 0
    in_pos = {c: i + offset for i, c in enumerate(in_spec)}
    out_pos = {c: i + offset for i, c in enumerate(out_spec)}

    for c in in_spec:
        if c in out_pos:
            have, want = input_shape[in_pos[c]], output[out_pos[c]]
            if want is not None and have is not None and want != have:
                raise ValueError(
                    f"EinsumDense '{name}': input shape and output shape do not match at shared "
                    f"dimension '{c}'. Input shape is {have}, and output shape is {want} "
                    f"(input shape {input_shape}, output_shape={tuple(partial_output_shape)})."
                )
            if want is None:
                output[out_pos[c]] = have
    for c in out_spec:
        if c not in in_spec and c not in w_spec:
            raise ValueError(
                f"EinsumDense '{name}': dimension '{c}' was specified in the output '{out_spec}' but "
                f"has no corresponding dim in the input spec '{in_spec}' or weight spec '{w_spec}'."
            )

    kernel_shape, input_axes, output_axes = [], [], []
    for i, c in enumerate(w_spec):
        if c in out_pos:
            kernel_shape.append(output[out_pos[c]])
            output_axes.append(i)
        elif c in in_pos:
            kernel_shape.append(input_shape[in_pos[c]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"EinsumDense '{name}': weight dimension '{c}' did not have a match in either the "
                f"input spec '{in_spec}' or the output spec '{out_spec}'. For this layer, the "
                "weight must be fully specified."
            )
    if any(d is None for d in kernel_shape):
        raise ValueError(
            f"EinsumDense '{name}': the kernel shape {tuple(kernel_shape)} of '{equation}' has "
            f"undefined dimensions; give them in `output_shape` or in the input shape {input_shape}."
        )

    bias_shape = None
    if bias_axes is not None:
        if not bias_axes:
            raise ValueError(f"EinsumDense '{name}': `bias_axes` is empty; pass None for no bias.")
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(
                    f"EinsumDense '{name}': bias dimension '{c}' was requested, but is not part of "
                    f"the output spec '{out_spec}'."
                )
        first = min(out_spec.find(c) for c in bias_axes)
        bias_shape = [output[out_pos[c]] if c in bias_axes else 1 for c in out_spec[first:]]
        if form == "right":
            bias_shape += [1] * elided
        if any(d is None for d in bias_shape):
            raise ValueError(
                f"EinsumDense '{name}': the bias shape {tuple(bias_shape)} has undefined "
                f"dimensions (input shape {input_shape}, output_shape={tuple(partial_output_shape)})."
            )
    return tuple(kernel_shape), bias_shape and tuple(bias_shape), tuple(output), input_axes, output_axes
