"""Embedding: generic checks, lookups, mask_zero masks, errors."""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers


def test_embedding_generic():
    run_layer_test(
        layers.Embedding, {"input_dim": 6, "output_dim": 3}, input_shape=(2, 4),
        input_dtype="int32", expected_output_shape=(2, 4, 3),
        expected_output_dtype="float32", expected_weights=[("embeddings", (6, 3))],
        supports_masking=False)
    run_layer_test(
        layers.Embedding, {"input_dim": 6, "output_dim": 2, "mask_zero": True},
        input_shape=(3, 5), input_dtype="int64", expected_output_shape=(3, 5, 2),
        supports_masking=True)


def test_embedding_looks_up_rows():
    layer = layers.Embedding(5, 3)
    ids = np.array([[0, 4, 4], [2, 1, 0]])
    out = np.asarray(layer(ids))
    table = layer.embeddings.numpy()
    np.testing.assert_array_equal(out, table[ids])
    # Keras' default initializer: uniform in [-0.05, 0.05].
    assert np.all(np.abs(table) <= 0.05) and table.std() > 0
    # Float ids are cast to integers.
    np.testing.assert_array_equal(np.asarray(layer(ids.astype("float32"))), table[ids])


def test_embedding_gradient_accumulates_per_row():
    layer = layers.Embedding(4, 2)
    ids = np.array([[1, 1, 3]])
    with kerasnet.GradientTape() as tape:
        loss = kerasnet.ops.sum(layer(ids))
    grad = np.asarray(tape.gradient(loss, layer.embeddings))
    np.testing.assert_array_equal(grad, [[0, 0], [2, 2], [0, 0], [1, 1]])


def test_embedding_mask_zero_masks():
    layer = layers.Embedding(5, 2, mask_zero=True)
    ids = np.array([[3, 1, 0, 0], [0, 2, 4, 0]])
    out = layer(ids)
    np.testing.assert_array_equal(np.asarray(out._keras_mask), ids != 0)
    np.testing.assert_array_equal(np.asarray(layer.compute_mask(ids)), ids != 0)
    assert layers.Embedding(5, 2).compute_mask(ids) is None


def test_embedding_mask_is_used_by_a_downstream_masked_average():
    # The GlobalAveragePooling1D mean skips masked steps.
    layer = layers.Embedding(5, 2, mask_zero=True)
    ids = np.array([[3, 1, 0, 0]])
    pooled = np.asarray(layers.GlobalAveragePooling1D()(layer(ids)))
    table = layer.embeddings.numpy()
    np.testing.assert_allclose(pooled, (table[3] + table[1])[None] / 2, rtol=1e-6)


def test_embedding_initial_weights_and_errors():
    table = np.arange(6.0).reshape(3, 2)
    layer = layers.Embedding(3, 2, weights=[table])
    np.testing.assert_array_equal(np.asarray(layer(np.array([[2, 0]]))), [[[4, 5], [0, 1]]])
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 2)
    with pytest.raises(ValueError, match="output_dim"):
        layers.Embedding(3, -2)
