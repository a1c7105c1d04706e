"""run_layer_test: the generic checks every layer passes (after Keras'
testing/test_case.py).

One call builds the layer on data, checks the weight counts, names and shapes,
the output shape, dtype and (optionally) values, the config round trip
(get_config / from_config and serialize / deserialize), the symbolic call on a
KerasTensor and `compute_output_shape`, masking, and one training step that
must change every trainable weight (plus one `fit` step of a model wrapping the
layer). Correctness against numpy lives in each layer's own tests.
"""

import numpy as np

import kerasnet
from kerasnet import layers, ops
from kerasnet.backend.keras_tensor import KerasTensor


def random_input(shape, dtype="float32", seed=0):
    rng = np.random.default_rng(seed)
    if dtype.startswith("int"):
        return rng.integers(0, 5, size=shape).astype(dtype)
    if dtype == "bool":
        return rng.uniform(size=shape) > 0.5
    return rng.standard_normal(shape).astype(dtype)


def _map(fn, structure):
    if isinstance(structure, dict):
        return {k: _map(fn, v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)) and not _is_shape(structure):
        return type(structure)(_map(fn, v) for v in structure)
    return fn(structure)


def _is_shape(x):
    return isinstance(x, tuple) and all(d is None or isinstance(d, int) for d in x)


def _flat(structure):
    if isinstance(structure, dict):
        return [y for k in structure for y in _flat(structure[k])]
    if isinstance(structure, (list, tuple)) and not _is_shape(structure):
        return [y for v in structure for y in _flat(v)]
    return [structure]


def _shape_of(x):
    return tuple(x.shape)


def _shapes(structure):
    """A flat list of shape tuples from a shape or a nested structure of them."""
    if isinstance(structure, (list, tuple)) and all(
            d is None or isinstance(d, int) for d in structure):
        return [tuple(structure)]
    if isinstance(structure, dict):
        return [s for k in structure for s in _shapes(structure[k])]
    return [s for v in structure for s in _shapes(v)]


def _assert_shapes(actual, expected, what):
    act, exp = _shapes(actual), _shapes(expected)
    assert act == exp, f"{what}: expected shape(s) {exp}, got {act}"


def _config_round_trip(layer, custom_objects):
    config = layer.get_config()
    assert isinstance(config, dict)
    for key in ("name", "trainable", "dtype"):
        assert key in config, f"get_config() lacks {key!r}: {config}"
    revived = layer.__class__.from_config(config)
    assert revived.get_config() == config, (
        f"from_config(get_config()) differs:\n{revived.get_config()}\n!=\n{config}"
    )
    serialized = layers.serialize(layer)
    assert serialized["class_name"] == layer.__class__.__name__
    assert serialized["config"] == config
    deserialized = layers.deserialize(serialized, custom_objects=custom_objects)
    assert type(deserialized) is type(layer)
    assert deserialized.get_config() == config
    return config


def _check_weights(layer, expected_num_trainable_weights,
                   expected_num_non_trainable_weights, expected_weights):
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights, (
            f"{len(layer.trainable_weights)} trainable weights, expected "
            f"{expected_num_trainable_weights}: {[w.path for w in layer.weights]}"
        )
    if expected_num_non_trainable_weights is not None:
        got = len(layer.non_trainable_weights)
        assert got == expected_num_non_trainable_weights, (
            f"{got} non-trainable weights, expected "
            f"{expected_num_non_trainable_weights}"
        )
    assert len(layer.weights) == (
        len(layer.trainable_weights) + len(layer.non_trainable_weights)
    )
    if expected_weights is not None:
        got = [(w.name, tuple(w.shape)) for w in layer.weights]
        want = [(n, tuple(s)) for n, s in expected_weights]
        assert got == want, f"weights {got}, expected {want}"
    total = sum(int(np.prod(w.shape)) for w in layer.weights)
    assert layer.count_params() == total
    for w, value in zip(layer.weights, layer.get_weights()):
        assert value.shape == tuple(w.shape)


def _training_step(layer, inputs, call_kwargs):
    """One SGD step on mean((y - target)^2) must change every trainable weight."""
    trainable = layer.trainable_weights
    if not trainable:
        return
    before = [w.numpy().copy() for w in trainable]
    rng = np.random.default_rng(7)
    with kerasnet.GradientTape() as tape:
        out = layer(inputs, training=True, **call_kwargs)
        loss = None
        for y in _flat(out):
            target = rng.standard_normal(tuple(y.shape)).astype(y.dtype)
            term = ops.mean(ops.square(ops.subtract(y, target)))
            loss = term if loss is None else ops.add(loss, term)
    grads = tape.gradient(loss, trainable)
    for w, g in zip(trainable, grads):
        assert g is not None, f"no gradient for {w.path}"
        assert tuple(g.shape) == tuple(w.shape)
    kerasnet.optimizers.SGD(learning_rate=0.1).apply(grads, trainable)
    for w, old in zip(trainable, before):
        assert not np.array_equal(w.numpy(), old), (
            f"the training step did not change {w.path}"
        )


def _fit_step(layer, inputs, call_kwargs):
    """A model wrapping the layer trains one epoch with compile/fit."""

    class Wrapper(kerasnet.Model):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def call(self, x, training=None):
            return self.inner(x, training=training, **call_kwargs)

    model = Wrapper(layer)
    out = model(inputs)
    target = _map(lambda y: np.zeros(tuple(y.shape), dtype="float32"), out)
    model.compile(optimizer="sgd", loss="mse")
    x = _map(lambda t: np.asarray(t), inputs)
    history = model.fit(x, target, batch_size=len(_flat(x)[0]), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def run_layer_test(
    layer_cls,
    init_kwargs,
    input_shape=None,
    input_dtype="float32",
    input_data=None,
    call_kwargs=None,
    expected_output_shape=None,
    expected_output_dtype=None,
    expected_output=None,
    expected_num_trainable_weights=None,
    expected_num_non_trainable_weights=None,
    expected_weights=None,
    expected_num_losses=None,
    supports_masking=None,
    run_training_check=True,
    run_fit_check=True,
    custom_objects=None,
    rtol=1e-5,
    atol=1e-6,
):
    """Generic layer checks; returns the layer after its eager call.

    Args:
        layer_cls: the layer class.
        init_kwargs: constructor arguments.
        input_shape: full input shape (batch included), or a list of shapes.
        input_dtype: dtype of generated input data.
        input_data: numpy input (instead of input_shape).
        call_kwargs: extra keyword arguments of the call.
        expected_output_shape: shape (or list of shapes) of the output.
        expected_output_dtype: dtype of the output.
        expected_output: numpy values of the output (for input_data).
        expected_num_trainable_weights, expected_num_non_trainable_weights:
            counts after building.
        expected_weights: [(name, shape), ...] of `layer.weights`, in order.
        expected_num_losses: len(layer.losses) after the call.
        supports_masking: the expected `supports_masking`.
        run_training_check: tape + SGD step that changes every trainable weight.
        run_fit_check: compile/fit of a model wrapping the layer.
    """
    call_kwargs = dict(call_kwargs or {})
    if input_data is None:
        assert input_shape is not None, "give input_shape or input_data"
        if isinstance(input_shape, list):
            input_data = [random_input(s, input_dtype, seed=i)
                          for i, s in enumerate(input_shape)]
        else:
            input_data = random_input(input_shape, input_dtype)
    input_shape = _map(_shape_of, input_data)

    # 1. Config round trip before building.
    layer = layer_cls(**init_kwargs)
    config = _config_round_trip(layer, custom_objects)
    if supports_masking is not None:
        assert layer.supports_masking == supports_masking

    # 2. Eager call: output shape, dtype, values; weights.
    output = layer(input_data, **call_kwargs)
    assert layer.built
    if expected_output_shape is not None:
        _assert_shapes([_shape_of(o) for o in _flat(output)],
                       expected_output_shape, "eager output")
    if expected_output_dtype is not None:
        for o in _flat(output):
            assert o.dtype == expected_output_dtype, (
                f"output dtype {o.dtype}, expected {expected_output_dtype}"
            )
    if expected_output is not None:
        for o, e in zip(_flat(output), _flat(expected_output)):
            np.testing.assert_allclose(np.asarray(o), e, rtol=rtol, atol=atol)
    _check_weights(layer, expected_num_trainable_weights,
                   expected_num_non_trainable_weights, expected_weights)
    if expected_num_losses is not None:
        assert len(layer.losses) == expected_num_losses
    # The config does not change by building (build state is separate).
    assert layer.get_config() == config

    # 3. compute_output_shape and a symbolic call with an unknown batch size.
    if expected_output_shape is not None:
        _assert_shapes(layer.compute_output_shape(input_shape),
                       expected_output_shape, "compute_output_shape")
        sym_layer = layer_cls.from_config(config)
        sym_in = _map(lambda s: KerasTensor((None,) + tuple(s[1:]),
                                            dtype=input_dtype), input_shape)
        sym_out = sym_layer(sym_in, **call_kwargs)
        expected_sym = [(None,) + s[1:] for s in _shapes(expected_output_shape)]
        _assert_shapes([o.shape for o in _flat(sym_out)], expected_sym,
                       "symbolic output")
        if expected_output_dtype is not None:
            for o in _flat(sym_out):
                assert o.dtype == expected_output_dtype
        _check_weights(sym_layer, expected_num_trainable_weights,
                       expected_num_non_trainable_weights, expected_weights)

    # 4. Training.
    if run_training_check:
        fresh = layer_cls.from_config(config)
        fresh(input_data, **call_kwargs)
        _training_step(fresh, input_data, call_kwargs)
    if run_fit_check:
        _fit_step(layer_cls.from_config(config), input_data, call_kwargs)
    return layer
