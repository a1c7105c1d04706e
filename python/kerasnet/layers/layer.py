"""Layer: the base class of every Keras layer (Keras 3's API and behaviour).

A layer holds state (weights, made by `add_weight` in `build`) and computation
(`call`). `__call__` wraps `call`: it converts array inputs to tensors, builds
the layer on first use from the input shapes, checks `input_spec`, resolves
the `training` flag and masks, and, on symbolic inputs (KerasTensors), records
a graph node instead of computing.

Tracking: sub-layers are found from attributes (directly, or inside lists,
tuples and dicts) in assignment order; variables made by `add_weight` or
assigned as attributes are the layer's own, in creation order. Weights are the
own variables (trainable first, then non-trainable), then each sub-layer's.
"""

import inspect

import numpy as np

from kerasnet import constraints, initializers, regularizers
from kerasnet.backend.dtypes import standardize_dtype
from kerasnet.backend.keras_tensor import KerasTensor
from kerasnet.backend.tape import RecordingPaused
from kerasnet.backend.tensor import Tensor, as_tensor, cast, convert_to_tensor
from kerasnet.backend.variable import Variable
from kerasnet.layers import call_context
from kerasnet.layers.input_spec import assert_input_compatibility
from kerasnet.layers.node import Node
from kerasnet.layers.tensor_structures import (
    _collect_mask,
    _concrete_like,
    _has_symbolic,
    _is_plain,
    _is_shape_structure,
    _list_to_shape,
    _set_mask,
    _shape_to_list,
    _shapes_to_keras_tensors,
)
from kerasnet.backend import naming, tree

_SIGNATURES = {}


def _call_signature(cls):
    """(parameter names, has training, has mask, accepts **kwargs) of cls.call."""
    sig = _SIGNATURES.get(cls)
    if sig is None:
        params = inspect.signature(cls.call).parameters
        names = [p for p in params if p != "self"]
        var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        sig = (names, "training" in params, "mask" in params, var_kw)
        _SIGNATURES[cls] = sig
    return sig


def _dtype_policy_name(dtype):
    if dtype is None:
        return standardize_dtype(None)
    if isinstance(dtype, dict):  # a serialized DTypePolicy
        dtype = dtype.get("config", {}).get("name", "float32")
    name = getattr(dtype, "name", dtype)
    if name in ("mixed_float16", "mixed_bfloat16", "float16", "bfloat16"):
        raise ValueError(
            f"dtype policy {name!r} is not supported: kerasnet computes in "
            "float32 or float64."
        )
    return standardize_dtype(name)



# Attribute values that never hold sub-layers, and bookkeeping attributes that are not searched.
_LEAF_TYPES = frozenset({str, int, float, bool, type(None), bytes})
_CONTAINER_TYPES = frozenset({list, tuple, dict})
_NOT_SUBLAYER_ATTRS = frozenset({
    "_inbound_nodes", "_init_args", "_parent_layers", "_last_output_shapes", "_own_variables",
    "_trainable_variables", "_non_trainable_variables", "_losses", "_call_args",
})

class Layer:
    """Base class of all layers.

    Args:
        trainable: whether the layer's variables are trained.
        name: the layer's name (default: snake_case class name, uniquified).
        dtype: the dtype of its weights and computations (default floatx).
        activity_regularizer: regularizer applied to the layer's output.
        autocast: cast float inputs to the layer's dtype.

    Call arguments (of `call`, which subclasses implement):
        inputs: the input tensor(s).
        training: True in training (fit), False in inference.
        mask: an optional mask from the previous layer.
    """

    # Class-level defaults (instances override).
    supports_masking = False

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        # Kept for the automatic get_config of subclasses without one.
        object.__setattr__(obj, "_init_args", (args, dict(kwargs)))
        return obj

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None, autocast=True,
                 name=None, **kwargs):
        # Keras 2 style arguments accepted for compatibility.
        input_dim = kwargs.pop("input_dim", None)
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        kwargs.pop("input_length", None)
        if kwargs:
            raise ValueError(
                "Unrecognized keyword arguments passed to "
                f"{self.__class__.__name__}: {kwargs}"
            )
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            self._input_shape_arg = tuple(batch_input_shape)
        elif input_shape is not None:
            self._input_shape_arg = (batch_size,) + tuple(input_shape)
        else:
            self._input_shape_arg = None
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(
                "Argument `name` must be a string and cannot contain "
                f"character `/`. Received: name={name!r} "
                f"(of type {type(name)})"
            )
        self.name = name or naming.auto_name(self.__class__.__name__)
        self._dtype = _dtype_policy_name(dtype)
        self.autocast = autocast
        self._trainable = bool(trainable)
        self.built = False
        self._own_variables = []
        self._trainable_variables = []
        self._non_trainable_variables = []
        self._losses = []
        self._inbound_nodes = []
        self.input_spec = None
        self._build_shapes = None
        self.activity_regularizer = regularizers.get(activity_regularizer)
        (self._call_args, self._call_has_training, self._call_has_mask,
         self._call_var_kwargs) = _call_signature(type(self))

    # -- attribute tracking ----------------------------------------------------------
    def __setattr__(self, name, value):
        if isinstance(value, Variable) and not name.startswith("__"):
            self._track_variable(value)
        object.__setattr__(self, name, value)

    def _track_variable(self, variable):
        own = self.__dict__.get("_own_variables")
        if own is None or any(v is variable for v in own):
            return
        own.append(variable)
        target = "_trainable_variables" if variable.trainable else "_non_trainable_variables"
        self.__dict__[target].append(variable)

    def _flatten_layers(self, include_self=True, recursive=True):
        """Self (optionally) and sub-layers, depth first, each once."""
        out = [self] if include_self else []
        seen = {id(self)}
        self._collect_layers(out, seen, recursive)
        return out

    def _direct_layers(self):
        # Runs several times per training step (weights, losses, metrics): leaf values are
        # skipped by their exact type before any isinstance test.
        found = []
        for name, value in self.__dict__.items():
            kind = type(value)
            if kind in _LEAF_TYPES or name in _NOT_SUBLAYER_ATTRS:
                continue
            if isinstance(value, Layer):
                found.append(value)
            elif kind in _CONTAINER_TYPES or isinstance(value, (list, tuple, dict)):
                for v in tree.flatten(value):
                    if isinstance(v, Layer):
                        found.append(v)
        return found

    def _collect_layers(self, out, seen, recursive):
        for layer in self._direct_layers():
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            if recursive:
                layer._collect_layers(out, seen, recursive)

    @property
    def _layers(self):
        return [layer for layer in self._direct_layers()]

    # -- properties ------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def compute_dtype(self):
        return self._dtype

    @property
    def variable_dtype(self):
        return self._dtype

    @property
    def dtype_policy(self):
        return self._dtype

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        # Keras 3: freezing a layer freezes its variables (tapes stop watching them).
        value = bool(value)
        for layer in self._flatten_layers():
            layer._trainable = value
            for v in layer._trainable_variables:
                v.trainable = value

    @property
    def path(self):
        return self.name

    @property
    def weights(self):
        """All weights: own (created trainable first, then non-trainable), then each
        sub-layer's, depth first."""
        out, seen = [], set()
        for layer in self._flatten_layers():
            for v in layer._trainable_variables + layer._non_trainable_variables:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def trainable_weights(self):
        if not self._trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def variables(self):
        return self.weights

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        return self.non_trainable_weights

    def get_weights(self):
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        layer_weights = self.weights
        if len(layer_weights) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' "
                f"with a weight list of length {len(weights)}, but the layer "
                f"was expecting {len(layer_weights)} weights."
            )
        for variable, value in zip(layer_weights, weights):
            value = np.asarray(value)
            if tuple(variable.shape) != value.shape:
                raise ValueError(
                    f"Layer {self.name} weight shape {variable.shape} is not "
                    "compatible with provided weight shape "
                    f"{value.shape}."
                )
        for variable, value in zip(layer_weights, weights):
            variable.assign(value)

    def count_params(self):
        if not self.built:
            raise ValueError(
                "You tried to call `count_params` on layer '"
                f"{self.name}', but the layer isn't built. You can build it "
                f"manually via: `layer.build(input_shape)`."
            )
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # -- weights -----------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none",
                   overwrite_with_gradient=False, name=None):
        """Creates a weight variable owned by this layer (Keras' `add_weight`)."""
        shape = () if shape is None else tuple(shape)
        dtype = standardize_dtype(dtype or self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype in ("float32", "float64") else "zeros"
        initializer = initializers.get(initializer)
        variable = Variable(initializer, shape=shape, dtype=dtype, trainable=trainable,
                            autocast=autocast, aggregation=aggregation, name=name)
        variable._path = f"{self.name}/{variable.name}"
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        self._track_variable(variable)
        return variable

    def add_variable(self, shape, initializer, dtype=None, trainable=True, autocast=True,
                     regularizer=None, constraint=None, name=None):
        """Like `add_weight`, with `shape` and `initializer` required."""
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype,
                               trainable=trainable, autocast=autocast, regularizer=regularizer,
                               constraint=constraint, name=name)

    # -- losses ------------------------------------------------------------------
    def add_loss(self, loss):
        """Adds a loss tensor (e.g. an activity regularization) to this call."""
        for x in tree.flatten(loss):
            if x is not None:
                self._losses.append(x if isinstance(x, Tensor) else convert_to_tensor(x, "float32"))

    def _regularization_losses(self):
        out = []
        for v in self._trainable_variables:
            if v.trainable and v.regularizer is not None:
                out.append(v.regularizer(v))
        return out

    @property
    def losses(self):
        """Losses added during the last call plus the weight regularization losses."""
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
            out.extend(layer._regularization_losses())
        return out

    def _clear_losses(self):
        for layer in self._flatten_layers():
            layer._losses = []

    # -- build / call ------------------------------------------------------------
    def build(self, input_shape=None):
        """Creates the weights (subclasses override; the default creates none)."""
        self.built = True

    def call(self, *args, **kwargs):
        """The layer's computation. Abstract: every subclass defines it (Keras raises the same
        NotImplementedError for a Layer without one)."""
        raise NotImplementedError(
            f"Layer {self.__class__.__name__} does not have a `call()` method "
            "implemented (subclasses of Layer must define it)."
        )

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        if self._build_from_named_shapes(args, kwargs):
            self.built = True
            return
        first = args[0] if args else next(iter(kwargs.values()), None)
        shapes = tree.map_structure(
            lambda x: tuple(x.shape) if hasattr(x, "shape") else None, first
        )
        self._build_shapes = shapes
        sig = inspect.signature(self.build)
        if len(sig.parameters) == 0:
            self.build()
        else:
            self.build(shapes)
        self.built = True

    def _build_from_named_shapes(self, args, kwargs):
        """Keras 3's rule for a `build(query_shape, value_shape, key_shape=None)` with several
        parameters named `<call argument>_shape`: each gets the shape of that call argument
        (None when it is not given). Returns whether it applied."""
        names = [p.name for p in inspect.signature(self.build).parameters.values()
                 if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        if len(names) < 2 or not all(n.endswith("_shape") for n in names):
            return False
        bound = inspect.signature(self.call).bind_partial(*args, **kwargs).arguments
        shapes = {}
        for n in names:
            value = bound.get(n[:-len("_shape")])
            shapes[n] = tuple(value.shape) if hasattr(value, "shape") else None
        self._build_shapes = {n: s for n, s in shapes.items() if s is not None}
        self.build(**shapes)
        return True

    def _convert_inputs(self, args):
        """Arrays to tensors; float tensors to the layer's dtype (autocast)."""
        def convert(x):
            if isinstance(x, Tensor):
                if self.autocast and x.dtype != self._dtype and x.dtype in ("float32", "float64"):
                    return cast(x, self._dtype)
                return x
            if hasattr(x, "__array__") and not isinstance(x, KerasTensor):
                t = as_tensor(x)
                if self.autocast and t.dtype in ("float32", "float64") and t.dtype != self._dtype:
                    t = cast(t, self._dtype)
                return t
            return x

        return tuple(tree.map_structure(convert, a) if tree.is_nested(a) else convert(a) for a in args)

    def __call__(self, *args, **kwargs):
        if _has_symbolic(args, kwargs):
            return self._symbolic_call(args, kwargs)
        args = self._convert_inputs(args)
        self._maybe_build(args, kwargs)
        if self.input_spec is not None and args:
            assert_input_compatibility(self.input_spec, args[0], self.name)

        ctx = call_context.current()
        if self._call_has_training:
            training = kwargs.get("training")
        else:
            training = kwargs.pop("training", None)
        if training is None and ctx is not None:
            training = ctx.training
        if self._call_has_training and training is not None:
            kwargs["training"] = training
        if self._call_has_mask and kwargs.get("mask") is None and args:
            mask = _collect_mask(args[0])
            if mask is not None:
                kwargs["mask"] = mask
        elif not self._call_has_mask and not self._call_var_kwargs:
            kwargs.pop("mask", None)

        is_entry = ctx is None
        if is_entry:
            self._clear_losses()
        prev = call_context.push(call_context.CallContext(ctx.entry_layer if ctx else self, training))
        try:
            outputs = self.call(*args, **kwargs)
        finally:
            call_context.restore(prev)

        if "_last_output_shapes" not in self.__dict__:
            # Output shapes of the first eager call, for model.summary() of
            # subclassed models (whose layers have no graph nodes).
            self._last_output_shapes = [tuple(o.shape) for o in tree.flatten(outputs)
                                        if hasattr(o, "shape")]
        if self.activity_regularizer is not None:
            for out in tree.flatten(outputs):
                if isinstance(out, Tensor):
                    self.add_loss(self.activity_regularizer(out))
        if self.supports_masking and args:
            in_mask = kwargs.get("mask", _collect_mask(args[0]))
            out_mask = self.compute_mask(args[0], in_mask)
            if out_mask is not None:
                _set_mask(outputs, out_mask)
        return outputs

    # -- symbolic (Functional API) -------------------------------------------------
    def _symbolic_call(self, args, kwargs):
        if not self.built:
            first = args[0] if args else next(iter(kwargs.values()), None)
            if self.input_spec is not None:
                assert_input_compatibility(self.input_spec, first, self.name)
            self._maybe_build(args, kwargs)
        if self.input_spec is not None and args:
            assert_input_compatibility(self.input_spec, args[0], self.name)
        outputs = self.compute_output_spec(*args, **kwargs)
        flat = tree.flatten(outputs)
        for i, t in enumerate(flat):
            if t.name is None:
                t.name = self.name if len(flat) == 1 else f"{self.name}_{i}"
        Node(self, args, kwargs, outputs)
        if self.supports_masking and args:
            first = args[0]
            if any(getattr(x, "_keras_mask", None) is not None for x in tree.flatten(first)):
                for t in flat:
                    t._keras_mask = True  # a mask will exist at run time
        return outputs

    def compute_output_shape(self, *args, **kwargs):
        """The output shape for input shape(s); by default found by running `call`."""
        return _infer_output_spec(self, args, kwargs, shapes_given=True, dtype=self._dtype)

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensor(s) describing the output of `call` on KerasTensor inputs."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            first = args[0] if args else next(iter(kwargs.values()))
            shapes = tree.map_structure(lambda x: tuple(x.shape), first)
            out_shape = self.compute_output_shape(shapes)
            return _shapes_to_keras_tensors(out_shape, self.compute_dtype)
        return _infer_output_spec(self, args, kwargs, shapes_given=False, dtype=self._dtype)

    def compute_mask(self, inputs, previous_mask=None):
        if not self.supports_masking:
            return None
        return previous_mask

    # -- config ------------------------------------------------------------------
    def get_config(self):
        """Every constructor argument (the base: name, trainable, dtype)."""
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": {
                "module": "keras",
                "class_name": "DTypePolicy",
                "config": {"name": self._dtype},
                "registered_name": None,
            },
        }
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if type(self).get_config is Layer.get_config and type(self).__init__ is not Layer.__init__:
            # A subclass without get_config: use its constructor arguments when
            # they are plain values (Keras' automatic config).
            args, kwargs = self._init_args
            params = list(inspect.signature(type(self).__init__).parameters)[1:]
            extra = dict(zip(params, args))
            extra.update(kwargs)
            for k, v in extra.items():
                if not _is_plain(v):
                    raise NotImplementedError(
                        f"Layer {self.__class__.__name__} has arguments ({k!r}) "
                        "that are not plain Python values; implement "
                        "`get_config()` to make it serializable."
                    )
            config.update(extra)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        if isinstance(self._build_shapes, dict) and all(k.endswith("_shape") for k in self._build_shapes):
            # Built from several named arguments (see _build_from_named_shapes), as Keras 3 writes it.
            return {"shapes_dict": {k: _shape_to_list(v) for k, v in self._build_shapes.items()}}
        if self._build_shapes is not None:
            return {"input_shape": _shape_to_list(self._build_shapes)}
        return None

    def build_from_config(self, config):
        if config and "shapes_dict" in config and not self.built:
            shapes = {k: _list_to_shape(v) for k, v in config["shapes_dict"].items()}
            self.build(**shapes)
            self._build_shapes = shapes
            self.built = True
        elif config and "input_shape" in config and not self.built:
            shape = config["input_shape"]
            self.build(_list_to_shape(shape))
            self._build_shapes = _list_to_shape(shape)
            self.built = True

    # -- saving (the store is a dict-like entry of kerasnet.saving's H5 file) -------
    def save_own_variables(self, store):
        """Writes this layer's own variables as store["0"], store["1"], ...
        (trainable ones first, in creation order, as Keras)."""
        for i, v in enumerate(self._trainable_variables + self._non_trainable_variables):
            store[str(i)] = v.numpy()

    def load_own_variables(self, store):
        """Reads this layer's own variables back (count and shapes checked)."""
        load_variables(self, self._trainable_variables + self._non_trainable_variables, store)

    def __repr__(self):
        return f"<{self.__class__.__name__} name={self.name}, built={self.built}>"

    # Keras-compatible accessors used by models.
    @property
    def input(self):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} has never been called and thus has no defined input.")
        node = self._inbound_nodes[0]
        ins = node.input_tensors
        return ins[0] if len(ins) == 1 else ins

    @property
    def output(self):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} has no inbound nodes.")
        outs = self._inbound_nodes[0].outputs
        return outs[0] if len(outs) == 1 else outs


def load_variables(obj, variables, store):
    """Assigns store["0"], store["1"], ... to `variables` of `obj` (checked): the loading half of
    `Layer.load_own_variables`, shared by layers that load a subset of their variables."""
    keys = store.keys()
    if len(keys) != len(variables):
        if not variables and not getattr(obj, "built", True):
            raise ValueError(
                f"Layer '{obj.name}' was never built and thus it doesn't have "
                f"any variables. However the weights file lists {len(keys)} "
                "variables for this layer. Build it in `build()` (or implement "
                "`build_from_config()`) so that loading can create its state."
            )
        raise ValueError(
            f"Layer '{obj.name}' expected {len(variables)} variables, but "
            f"received {len(keys)} variables during loading. "
            f"Expected: {[v.name for v in variables]}"
        )
    values = []
    for i, v in enumerate(variables):
        try:
            value = store[str(i)]
        except KeyError:
            raise ValueError(
                f"Layer '{obj.name}': the weights file has no dataset "
                f"'{i}' for variable '{v.name}' (found: {sorted(keys)})."
            ) from None
        if tuple(np.shape(value)) != tuple(v.shape):
            raise ValueError(
                f"Layer '{obj.name}' weight '{v.name}' has shape "
                f"{tuple(v.shape)}, but the saved value has shape "
                f"{tuple(np.shape(value))}."
            )
        values.append(value)
    for v, value in zip(variables, values):
        v.assign(np.asarray(value, dtype=v.dtype))


# ---------------------------------------------------------------------------------
def _infer_output_spec(layer_or_fn, args, kwargs, shapes_given, dtype):
    """Output KerasTensors (or shapes) by running the computation on zeros twice,
    with unknown dimensions set to 2 and then 3: dimensions that differ are None."""
    if shapes_given:
        args = tuple(_shapes_to_keras_tensors(a, dtype) if _is_shape_structure(a) else a for a in args)

    def make(fill):
        def conv(x):
            return _concrete_like(x, fill) if isinstance(x, KerasTensor) else x

        a = [tree.map_structure(conv, v) if tree.is_nested(v) else conv(v) for v in args]
        k = {key: (tree.map_structure(conv, v) if tree.is_nested(v) else conv(v)) for key, v in kwargs.items()}
        return a, k

    runs = []
    with RecordingPaused():
        for fill in (2, 3):
            a, k = make(fill)
            if isinstance(layer_or_fn, Layer):
                prev = call_context.push(call_context.CallContext(layer_or_fn, False))
                try:
                    out = layer_or_fn.call(*a, **k)
                finally:
                    call_context.restore(prev)
                    layer_or_fn._losses = []
            else:
                out = layer_or_fn(*a, **k)
            runs.append(out)
    flat2, flat3 = tree.flatten(runs[0]), tree.flatten(runs[1])
    specs = []
    for t2, t3 in zip(flat2, flat3):
        shape = tuple(d2 if d2 == d3 else None for d2, d3 in zip(t2.shape, t3.shape))
        specs.append(shape if shapes_given else KerasTensor(shape, t2.dtype))
    if shapes_given and len(specs) == 1 and not tree.is_nested(runs[0]):
        return specs[0]
    return tree.pack_sequence_as(runs[0], specs)
