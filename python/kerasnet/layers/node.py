"""Node: one call of a layer on symbolic tensors, an edge set of the Functional graph."""

from kerasnet.backend.keras_tensor import KerasHistory, KerasTensor
from kerasnet.backend import tree


class Node:
    """Records `outputs = operation(*call_args, **call_kwargs)` on KerasTensors.

    The arguments keep their structure; `input_tensors` are the KerasTensors
    found in them, `outputs` the flat output KerasTensors. Creating a Node
    appends it to the operation's `_inbound_nodes` and stamps each output with
    its history (operation, node index, tensor index).
    """

    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = [] if outputs is None else tree.flatten(outputs)
        self.input_tensors = [
            x for x in tree.flatten((list(self.call_args), self.call_kwargs))
            if isinstance(x, KerasTensor)
        ]
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for i, t in enumerate(self.outputs):
            t._keras_history = KerasHistory(operation, node_index, i)
        # The producing nodes of the inputs (None for graph inputs without history).
        self.parent_nodes = []
        for x in self.input_tensors:
            h = x._keras_history
            if h is not None:
                self.parent_nodes.append(h.operation._inbound_nodes[h.node_index])

    @property
    def is_input(self):
        return not self.input_tensors
