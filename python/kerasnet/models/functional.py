"""Functional: a model defined by a graph of layer calls on KerasTensors.

The graph is mapped once at construction (Keras' algorithm: nodes by depth,
layers ordered by depth then discovery), and a call replays the nodes in order
on concrete tensors. The config is Keras 3's format (layers with inbound_nodes
whose arguments are serialized KerasTensors with their keras_history).
"""

import collections

from kerasnet.backend.keras_tensor import KerasTensor
from kerasnet.backend.tensor import Tensor, as_tensor, cast
from kerasnet.layers.core.input_layer import InputLayer
from kerasnet.layers.layer import Layer
from kerasnet.layers.tensor_structures import _shape_to_list
from kerasnet.models.model import Model
from kerasnet.saving.serialization_lib import deserialize_keras_object, serialize_keras_object
from kerasnet.backend import tree


def _build_map(inputs, outputs):
    finished, in_progress, ordered, indices = set(), set(), [], {}
    input_ids = {id(t) for t in inputs}

    def visit(tensor):
        if tensor._keras_history is None:
            raise ValueError(
                f"Output tensor {tensor} of the model was not produced by a "
                "layer (it has no Keras history): all model outputs must come "
                "from layers or kerasnet.ops applied to the model's inputs."
            )
        operation, node_index, _ = tensor._keras_history
        node = operation._inbound_nodes[node_index]
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError(f"Tensor {tensor} from operation '{operation.name}' is part of a cycle.")
        if operation not in indices:
            indices[operation] = len(indices)
        in_progress.add(id(node))
        if not node.is_input and id(tensor) not in input_ids:
            for t in node.input_tensors:
                visit(t)
        finished.add(id(node))
        in_progress.discard(id(node))
        ordered.append(node)

    for t in outputs:
        visit(t)
    return ordered, indices


def map_graph(inputs, outputs):
    """(nodes by depth, operations in Keras' order)."""
    ordered, indices = _build_map(inputs, outputs)
    node_depth, op_depth = {}, {}
    for node in reversed(ordered):
        depth = node_depth.setdefault(id(node), 0)
        depth = max(depth, op_depth.get(node.operation, 0))
        op_depth[node.operation] = depth
        node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for t in inputs:
        op = t._keras_history.operation
        if op not in op_depth:
            op_depth[op] = 0
            indices[op] = -1
            node_depth[id(op._inbound_nodes[0])] = 0
            ordered.append(op._inbound_nodes[0])
    nodes_by_depth = collections.defaultdict(list)
    seen = set()
    for node in ordered:
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes_by_depth[node_depth[id(node)]].append(node)
    ops_by_depth = collections.defaultdict(list)
    for op, d in op_depth.items():
        ops_by_depth[d].append(op)
    operations = []
    for d in sorted(ops_by_depth, reverse=True):
        ops = sorted(ops_by_depth[d], key=lambda o: indices[o])
        operations.extend(ops)
    # Every node's inputs must be computable from the model inputs.
    available = {id(t) for t in inputs}
    for d in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[d]:
            if node.is_input:
                continue  # only the model's own inputs are given
            for t in node.input_tensors:
                if id(t) not in available:
                    raise ValueError(
                        f"Graph disconnected: cannot find the value of tensor {t} "
                        f"needed by layer '{node.operation.name}'. The following "
                        f"previous layers were accessed without issue: "
                        f"{[o.name for o in operations if isinstance(o, InputLayer)]}"
                    )
            available.update(id(t) for t in node.outputs)
    return nodes_by_depth, operations


class Functional(Model):
    """A model built from inputs and outputs of layer calls (`Model(inputs, outputs)`).

    Args:
        inputs: an input KerasTensor (from `kerasnet.Input`), or a list or dict of them.
        outputs: the output KerasTensor(s), a list or dict of them.
        name: the model's name.
        trainable: whether its weights are trained.
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        Model.__init__(self, name=name, trainable=trainable, **{k: v for k, v in kwargs.items() if k == "dtype"})
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        flat_in = tree.flatten(inputs)
        flat_out = tree.flatten(outputs)
        for x in flat_in:
            if not isinstance(x, KerasTensor) or x._keras_history is None or not isinstance(
                x._keras_history.operation, InputLayer
            ):
                raise ValueError(
                    "All `inputs` values must be KerasTensors made by "
                    f"`kerasnet.Input`. Received: inputs={inputs} including "
                    f"invalid value {x} of type {type(x)}"
                )
        for x in flat_out:
            if not isinstance(x, KerasTensor):
                raise ValueError(
                    "All `outputs` values must be KerasTensors. Received: "
                    f"outputs={outputs} including invalid value {x} of type {type(x)}"
                )
        self._flat_inputs = flat_in
        self._flat_outputs = flat_out
        self._nodes_by_depth, self._operations = map_graph(flat_in, flat_out)
        self._input_layers = [x._keras_history.operation for x in flat_in]
        self._plan = self._make_plan()
        self.built = True
        self._build_shapes = (tree.map_structure(lambda x: tuple(x.shape), inputs) if tree.is_nested(inputs)
                              else tuple(inputs.shape))

    def _make_plan(self):
        plan = []
        for d in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[d]:
                if node.is_input:
                    continue
                simple = (len(node.call_args) == 1 and isinstance(node.call_args[0], KerasTensor)
                          and not node.call_kwargs)
                plan.append((node, simple, [id(t) for t in node.outputs]))
        return plan

    # -- structure ----------------------------------------------------------------------
    @property
    def layers(self):
        return [op for op in self._operations if isinstance(op, Layer)]

    def _direct_layers(self):
        return list(self._operations) if hasattr(self, "_operations") else super()._direct_layers()

    @property
    def inputs(self):
        return self._flat_inputs

    @property
    def outputs(self):
        return self._flat_outputs

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        shapes = [tuple(x.shape) for x in self._flat_inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [tuple(x.shape) for x in self._flat_outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input_names(self):
        return [layer.name for layer in self._input_layers]

    # -- call ------------------------------------------------------------------------
    def _standardize_inputs(self, inputs):
        if isinstance(inputs, dict) and not isinstance(self._inputs_struct, dict):
            names = [x.name for x in self._flat_inputs]
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(
                    f"Missing data for input(s) {missing}. Expected the following "
                    f"keys: {names}. Received keys: {list(inputs)}"
                )
            flat = [inputs[n] for n in names]
        else:
            flat = tree.flatten(inputs)
        if len(flat) != len(self._flat_inputs):
            raise ValueError(
                f'Layer "{self.name}" expects {len(self._flat_inputs)} input(s), '
                f"but it received {len(flat)} input tensors. Inputs received: "
                f"{_describe(inputs)}"
            )
        out = []
        for x, spec in zip(flat, self._flat_inputs):
            if x is None:
                out.append(None)
                continue
            if not isinstance(x, Tensor):
                x = as_tensor(x)
            if x.dtype != spec.dtype:
                x = cast(x, spec.dtype)
            shape = tuple(x.shape)
            if len(shape) != len(spec.shape) or any(
                e is not None and e != g for e, g in zip(spec.shape, shape)
            ):
                raise ValueError(
                    f'Input 0 of layer "{self.name}" is incompatible with the layer: '
                    f"expected shape={spec.shape}, found shape={shape}"
                )
            out.append(x)
        return out

    def call(self, inputs, training=None, mask=None):
        flat = self._standardize_inputs(inputs)
        values = {id(k): v for k, v in zip(self._flat_inputs, flat)}
        if mask is not None:
            for x, m in zip(flat, tree.flatten(mask)):
                if m is not None and isinstance(x, Tensor):
                    x._keras_mask = m
        for node, simple, out_ids in self._plan:
            layer = node.operation
            if simple:
                result = layer(values[id(node.call_args[0])])
            else:
                args = _fill(node.call_args, values)
                kwargs = _fill(node.call_kwargs, values)
                result = layer(*args, **kwargs)
            if len(out_ids) == 1 and not isinstance(result, (list, tuple, dict)):
                values[out_ids[0]] = result
            else:
                for i, r in zip(out_ids, tree.flatten(result)):
                    values[i] = r
        outs = [values[id(t)] for t in self._flat_outputs]
        return tree.pack_sequence_as(self._outputs_struct, outs)

    def compute_output_spec(self, inputs, training=None, mask=None):
        # Calling a Functional model on new KerasTensors: run the graph symbolically.
        return _symbolic_run(self, inputs)

    # -- config ------------------------------------------------------------------------
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable}
        node_reindex = {}
        for op in self._operations:
            kept = 0
            for i, node in enumerate(op._inbound_nodes):
                if self._node_in_graph(node):
                    node_reindex[(id(op), i)] = kept
                    kept += 1
        layers = []
        for op in self._operations:
            layer_config = serialize_keras_object(op)
            layer_config["name"] = op.name
            inbound = []
            for i, node in enumerate(op._inbound_nodes):
                if (id(op), i) not in node_reindex or node.is_input:
                    continue
                inbound.append({
                    "args": _serialize_node_args(node.call_args, node_reindex),
                    "kwargs": _serialize_node_args(node.call_kwargs, node_reindex),
                })
            layer_config["inbound_nodes"] = inbound
            layers.append(layer_config)
        config["layers"] = layers

        def history(t):
            op, node_index, tensor_index = t._keras_history
            return [op.name, node_reindex.get((id(op), node_index), node_index), tensor_index]

        def map_tensors(t):
            if isinstance(t, KerasTensor):
                return [history(t)]
            if isinstance(t, dict):
                return {k: map_tensors(v)[0] if isinstance(v, KerasTensor) else map_tensors(v) for k, v in t.items()}
            return [history(x) if isinstance(x, KerasTensor) else map_tensors(x) for x in t]

        config["input_layers"] = map_tensors(self._inputs_struct)
        config["output_layers"] = map_tensors(self._outputs_struct)
        return config

    def _node_in_graph(self, node):
        if not hasattr(self, "_node_ids"):
            self._node_ids = {id(n) for nodes in self._nodes_by_depth.values() for n in nodes}
        return id(node) in self._node_ids

    def get_build_config(self):
        return None

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return functional_from_config(cls, config, custom_objects)


def _describe(inputs):
    if tree.is_nested(inputs):
        return tree.map_structure(lambda x: getattr(x, "shape", x), inputs)
    return getattr(inputs, "shape", inputs)


def _fill(structure, values):
    if isinstance(structure, KerasTensor):
        return values[id(structure)]
    if isinstance(structure, dict):
        return {k: _fill(v, values) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_fill(v, values) for v in structure)
    return structure


def _symbolic_run(model, inputs):
    """Calls every layer of `model` on new KerasTensors (a model used as a layer)."""
    flat = tree.flatten(inputs) if not isinstance(inputs, dict) else [inputs[x.name] for x in model._flat_inputs]
    values = {id(k): v for k, v in zip(model._flat_inputs, flat)}
    for node, simple, out_ids in model._plan:
        args = _fill(node.call_args, values)
        kwargs = _fill(node.call_kwargs, values)
        result = node.operation.compute_output_spec(*args, **kwargs)
        for i, r in zip(out_ids, tree.flatten(result)):
            values[i] = r
    outs = [values[id(t)] for t in model._flat_outputs]
    return tree.pack_sequence_as(model._outputs_struct, outs)


def _serialize_node_args(structure, node_reindex):
    if isinstance(structure, KerasTensor):
        op, node_index, tensor_index = structure._keras_history
        return {
            "class_name": "__keras_tensor__",
            "config": {
                "shape": _shape_to_list(tuple(structure.shape)),
                "dtype": structure.dtype,
                "keras_history": [op.name, node_reindex.get((id(op), node_index), node_index), tensor_index],
            },
        }
    if isinstance(structure, dict):
        return {k: _serialize_node_args(v, node_reindex) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [_serialize_node_args(v, node_reindex) for v in structure]
    if structure is None or isinstance(structure, (bool, int, float, str)):
        return structure
    return serialize_keras_object(structure)


def functional_from_config(cls, config, custom_objects=None):
    """Rebuilds a Functional model from its Keras 3 config (Keras 2 'inbound_nodes' too)."""
    created = {}
    pending = []  # (layer, node dicts) to call once their inputs exist

    for layer_data in config["layers"]:
        name = layer_data.get("name") or layer_data["config"].get("name")
        layer = deserialize_keras_object(layer_data, custom_objects=custom_objects)
        created[name] = layer
        pending.append((layer, list(layer_data.get("inbound_nodes", []))))

    # Keras 2 configs count a nested model's own construction as its node 0.
    legacy = any(isinstance(node, list) for layer_data in config["layers"]
                 for node in layer_data.get("inbound_nodes", []))

    def tensor_from_history(hist):
        layer_name, node_index, tensor_index = hist[0], hist[1], hist[2]
        layer = created[layer_name]
        if isinstance(layer, InputLayer):
            return layer.output
        if legacy and node_index > 0 and _has_own_graph(layer):
            node_index -= 1
        nodes = getattr(layer, "_kn_rebuilt_nodes", [])
        if node_index >= len(nodes):
            return None
        outs = tree.flatten(nodes[node_index])
        return outs[tensor_index]

    def resolve(structure):
        if isinstance(structure, dict) and structure.get("class_name") == "__keras_tensor__":
            t = tensor_from_history(structure["config"]["keras_history"])
            if t is None:
                raise _NotReady()
            return t
        if isinstance(structure, dict):
            if "class_name" in structure and "config" in structure:
                return deserialize_keras_object(structure, custom_objects=custom_objects)
            return {k: resolve(v) for k, v in structure.items()}
        if isinstance(structure, list):
            # Keras 2: [[layer_name, node_index, tensor_index, kwargs], ...]
            return [resolve(v) for v in structure]
        return structure

    def node_call(layer, node):
        if isinstance(node, dict):
            args = resolve(node.get("args", []))
            kwargs = resolve(node.get("kwargs", {}))
            return layer(*args, **kwargs)
        # Keras 2 format: a list of [name, node_index, tensor_index, kwargs].
        ins = []
        kwargs = {}
        for entry in node:
            t = tensor_from_history(entry)
            if t is None:
                raise _NotReady()
            ins.append(t)
            if len(entry) > 3 and entry[3]:
                kwargs.update(entry[3])
        return layer(ins[0] if len(ins) == 1 else ins, **kwargs)

    progress = True
    while progress:
        progress = False
        for layer, nodes in pending:
            if isinstance(layer, InputLayer):
                continue
            done = getattr(layer, "_kn_rebuilt_nodes", [])
            while len(done) < len(nodes):
                try:
                    out = node_call(layer, nodes[len(done)])
                except _NotReady:
                    break
                done.append(out)
                layer._kn_rebuilt_nodes = done
                progress = True
    for layer, nodes in pending:
        if not isinstance(layer, InputLayer) and len(getattr(layer, "_kn_rebuilt_nodes", [])) < len(nodes):
            raise ValueError(
                f"Could not rebuild the graph: layer '{layer.name}' has inputs that never became available."
            )

    def map_tensors(spec):
        if isinstance(spec, list) and len(spec) == 3 and isinstance(spec[0], str):
            return tensor_from_history(spec)
        if isinstance(spec, dict):
            return {k: map_tensors(v) for k, v in spec.items()}
        return [map_tensors(v) for v in spec]

    inputs = map_tensors(config["input_layers"])
    outputs = map_tensors(config["output_layers"])
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    if isinstance(outputs, list) and len(outputs) == 1:
        outputs = outputs[0]
    for layer, _ in pending:
        if hasattr(layer, "_kn_rebuilt_nodes"):
            del layer._kn_rebuilt_nodes
    model = cls(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))
    return model


class _NotReady(Exception):
    pass


def _has_own_graph(layer):
    """A Functional model, or a Sequential built with an input (Keras 2 gave
    both a node of their own before their first call)."""
    if isinstance(layer, Functional):
        return True
    return getattr(layer, "_functional", None) is not None
