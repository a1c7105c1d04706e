"""The one owner of fused versus composite for Dense and Conv layers: which activations the engine's
epilogues apply (ops/fused_activation.py), and that dense_forward / conv_forward run the fused op
exactly when they can (one tape node instead of matmul/conv, add and the activation)."""

import functools

import numpy as np
import pytest

import kerasnet
from kerasnet import _C, activations
from kerasnet.ops.conv import conv_forward
from kerasnet.ops.fused_activation import FusedActivation, fused_activation, register_fused_activation
from kerasnet.ops.matmul import dense_forward

RNG = np.random.default_rng(11)


def test_fused_activation_is_the_engine_enum():
    assert FusedActivation is _C.FusedActivation
    assert {m.name for m in FusedActivation.__members__.values()} == {"linear", "relu"}


@pytest.mark.parametrize("activation, expected", [
    (None, FusedActivation.linear),
    (activations.linear, FusedActivation.linear),
    (activations.relu, FusedActivation.relu),
    (activations.get("relu"), FusedActivation.relu),
    (activations.get(None), FusedActivation.linear),
    (activations.tanh, None),
    (activations.relu6, None),
    (functools.partial(activations.relu, max_value=6.0), None),
    (lambda x: x, None),
    (kerasnet.ops.relu, None),
])
def test_fused_activation_maps_the_keras_functions(activation, expected):
    assert fused_activation(activation) == expected


def test_register_fused_activation_wants_the_enum():
    with pytest.raises(TypeError, match="FusedActivation"):
        register_fused_activation(activations.relu, "relu")


def _nodes(fn, *watched):
    with kerasnet.GradientTape() as tape:
        for w in watched:
            tape.watch(w)
        y = fn()
    return y, tape._tape.num_nodes


@pytest.mark.parametrize("activation, fused", [
    ("relu", True), (None, True), ("linear", True), ("tanh", False),
])
def test_dense_forward_fuses_exactly_the_epilogue_activations(activation, fused):
    x = kerasnet.ops.convert_to_tensor(RNG.standard_normal((5, 4)).astype("float32"))
    k = kerasnet.ops.convert_to_tensor(RNG.standard_normal((4, 3)).astype("float32"))
    b = kerasnet.ops.convert_to_tensor(RNG.standard_normal((3,)).astype("float32"))
    act = activations.get(activation)
    y, nodes = _nodes(lambda: dense_forward(x, k, b, act), x)
    assert (nodes == 1) == fused
    z = x.numpy() @ k.numpy() + b.numpy()
    ref = {"relu": np.maximum(z, 0), "tanh": np.tanh(z)}.get(activation, z)
    np.testing.assert_allclose(np.asarray(y), ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("activation, data_format, own_op, fused", [
    ("relu", "channels_last", False, True),
    (None, "channels_last", False, True),
    ("sigmoid", "channels_last", False, False),
    ("relu", "channels_first", False, False),
    ("relu", "channels_last", True, False),
])
def test_conv_forward_fuses_exactly_when_it_can(activation, data_format, own_op, fused):
    x = RNG.standard_normal((2, 6, 5, 3)).astype("float32")
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1)
    x = kerasnet.ops.convert_to_tensor(x)
    k = kerasnet.ops.convert_to_tensor(RNG.standard_normal((3, 3, 3, 4)).astype("float32"))
    b = kerasnet.ops.convert_to_tensor(RNG.standard_normal((4,)).astype("float32"))
    act = activations.get(activation)
    calls = []

    def convolution(inputs, kernel):
        calls.append(1)
        return kerasnet.ops.conv(inputs, kernel, padding="same", data_format=data_format)

    y, nodes = _nodes(lambda: conv_forward(x, k, b, act, padding="same", data_format=data_format,
                                           convolution=convolution if own_op else None), x)
    assert (nodes == 1) == fused
    assert len(calls) == int(own_op)
    xl = x.numpy() if data_format == "channels_last" else np.moveaxis(x.numpy(), 1, -1)
    ref = np.asarray(kerasnet.ops.conv(xl, k, padding="same")) + b.numpy()
    ref = {"relu": np.maximum(ref, 0), "sigmoid": 1 / (1 + np.exp(-ref))}.get(activation, ref)
    if data_format == "channels_first":
        ref = np.moveaxis(ref, -1, 1)
    np.testing.assert_allclose(np.asarray(y), ref, rtol=1e-5, atol=1e-5)
