"""Embedding: maps integer indices to dense vectors."""

from kerasnet import constraints, initializers, ops, regularizers
from kerasnet.layers.layer import Layer
from kerasnet.backend.keras_tensor import KerasTensor


class Embedding(Layer):
    """Turns non-negative integers (indexes) into dense vectors of fixed size.

    Args:
        input_dim: size of the vocabulary (maximum integer index + 1).
        output_dim: dimension of the dense embedding.
        embeddings_initializer: initializer of the `embeddings` matrix
            (default "uniform": uniform in [-0.05, 0.05]).
        embeddings_regularizer, embeddings_constraint: for the matrix.
        mask_zero: whether index 0 is padding to be masked out.

    Input shape:
        Integer tensor `(batch_size, input_length)`.

    Output shape:
        `(batch_size, input_length, output_dim)`.
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None,
                 quantization_config=None, **kwargs):
        input_length = kwargs.pop("input_length", None)
        del input_length
        super().__init__(**kwargs)
        if quantization_config is not None:
            raise ValueError(
                "kerasnet does not support quantized layers. Received: "
                f"quantization_config={quantization_config}"
            )
        for name, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(
                    f"Received an invalid value for `{name}`, expected a "
                    f"positive integer. Received: {name}={value}"
                )
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.autocast = False
        self._initial_weights = weights

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer, name="embeddings",
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint, trainable=True)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, inputs):
        if inputs.dtype not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        return ops.take(self.embeddings, inputs, axis=0)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def compute_output_spec(self, inputs):
        return KerasTensor(tuple(inputs.shape) + (self.output_dim,), self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        })
        return config
