"""model.summary(): Keras 3's table of layers, output shapes and parameter counts."""

import numpy as np

from kerasnet.backend.keras_tensor import KerasTensor


def _count(weights):
    return int(sum(int(np.prod(w.shape)) for w in weights))


def _readable_bytes(n):
    units = ["B", "KB", "MB", "GB", "TB"]
    size = float(n)
    for unit in units:
        if size < 1024 or unit == units[-1]:
            return f"{size:.2f} {unit}"
        size /= 1024


def _shape_str(layer):
    shapes = None
    if getattr(layer, "_inbound_nodes", None):
        outs = layer._inbound_nodes[0].outputs
        shapes = [tuple(t.shape) for t in outs if isinstance(t, KerasTensor)]
    if not shapes and getattr(layer, "_last_output_shapes", None):
        shapes = layer._last_output_shapes
    if not shapes:
        if hasattr(layer, "batch_shape"):
            return str(tuple(layer.batch_shape))
        return "?"
    shapes = [tuple(s) for s in shapes]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _connections(layer, model):
    nodes = getattr(layer, "_inbound_nodes", [])
    names = []
    for node in nodes:
        for t in node.input_tensors:
            h = t._keras_history
            if h is not None:
                names.append(f"{h.operation.name}[{h.node_index}][{h.tensor_index}]")
    return names


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False):
    # Mutual dependency, kept as in Keras: Model.summary calls this; it tells Sequential from Functional.
    from kerasnet.models.functional import Functional
    from kerasnet.models.sequential import Sequential

    if print_fn is None:
        print_fn = print
    if isinstance(model, Sequential) and not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by "
            "calling `build()` or by calling the model on a batch of data."
        )
    if isinstance(model, Sequential) and model._functional is not None:
        layers = model._functional.layers
        layers = [l for l in layers if not type(l).__name__ == "InputLayer"]
        sequential_like = True
    elif isinstance(model, Functional):
        layers = model.layers
        sequential_like = all(len(l._inbound_nodes) <= 1 and len(getattr(l._inbound_nodes[0], "input_tensors", [])) <= 1
                              for l in layers if l._inbound_nodes)
    else:
        layers = model.layers
        sequential_like = True
    headers = ["Layer (type)", "Output Shape", "Param #"]
    if not sequential_like:
        headers.append("Connected to")
    if show_trainable:
        headers.append("Trainable")
    rows = []
    for layer in layers:
        name = f"{layer.name} ({layer.__class__.__name__})"
        params = layer.count_params() if layer.built else 0
        row = [name, _shape_str(layer), f"{params:,}"]
        if not sequential_like:
            conns = _connections(layer, model)
            row.append(", ".join(conns) if conns else "-")
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        rows.append(row)

    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) if rows else len(headers[i])
              for i in range(len(headers))]
    widths = [max(w + 2, 10) for w in widths]
    if line_length:
        scale = line_length / max(sum(widths) + len(widths) + 1, 1)
        widths = [max(int(w * scale), 8) for w in widths]

    def line(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    def fmt(cells, numeric_last=True):
        out = []
        for i, (c, w) in enumerate(zip(cells, widths)):
            text = c if len(c) <= w - 2 else c[: w - 3] + "…"
            out.append(" " + (text.rjust(w - 2) if i == 2 else text.ljust(w - 2)) + " ")
        return "│" + "│".join(out) + "│"

    print_fn(f'Model: "{model.name}"')
    print_fn(line("┏", "┳", "┓", "━"))
    print_fn("┃" + "┃".join(" " + (h.rjust(w - 2) if i == 2 else h.ljust(w - 2)) + " "
                            for i, (h, w) in enumerate(zip(headers, widths))) + "┃")
    print_fn(line("┡", "╇", "┩", "━"))
    for i, r in enumerate(rows):
        print_fn(fmt(r))
        if i != len(rows) - 1:
            print_fn(line("├", "┼", "┤", "─"))
    print_fn(line("└", "┴", "┘", "─"))
    trainable = _count(model.trainable_weights) if model.built else 0
    total = _count(model.weights) if model.built else 0
    non_trainable = total - trainable
    itemsize = 4
    print_fn(f" Total params: {total:,} ({_readable_bytes(total * itemsize)})")
    print_fn(f" Trainable params: {trainable:,} ({_readable_bytes(trainable * itemsize)})")
    print_fn(f" Non-trainable params: {non_trainable:,} ({_readable_bytes(non_trainable * itemsize)})")
