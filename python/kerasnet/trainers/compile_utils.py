"""What `compile` sets up: the loss of every output (with loss_weights) and the metrics.

Losses and metrics may be given for a single output, as a list (one per output,
in output order) or as a dict keyed by output name. The string 'accuracy' (or
'acc') becomes binary, sparse categorical or categorical accuracy from the
shapes of the first batch, as in Keras.
"""

from kerasnet.ops.elementwise import add, multiply
from kerasnet.backend import tree
from kerasnet import losses
from kerasnet.metrics.metrics_utils import get_metric

# losses and metrics are imported where compile first needs them, for start-up
# time: `import kerasnet.models` (which imports this module) does not load them.


def _output_names(model):
    struct = getattr(model, "_outputs_struct", None)
    if isinstance(struct, dict):
        # Dict outputs are named by their keys (in tree.flatten's sorted order).
        return sorted(struct)
    outputs = getattr(model, "_flat_outputs", None)
    if outputs:
        names = []
        for t in outputs:
            h = getattr(t, "_keras_history", None)
            names.append(h.operation.name if h is not None else t.name)
        return names
    return None


def _resolve_loss(identifier):
    fn = losses.get(identifier)
    if fn is None:
        return None
    if isinstance(fn, losses.Loss):
        return fn
    return losses.LossFunctionWrapper(fn, name=getattr(fn, "__name__", None))


def _per_output(spec, output_names, what):
    """Spec broadcast to a list with one entry per output."""
    n = len(output_names) if output_names else 1
    if isinstance(spec, dict):
        if not output_names:
            raise ValueError(f"`{what}` given as a dict, but the model's outputs have no names.")
        unknown = set(spec) - set(output_names)
        if unknown:
            raise ValueError(
                f"In the dict argument `{what}`, key(s) {sorted(unknown)} do not "
                f"correspond to any model output. Received: {what}={spec}. "
                f"Output names: {output_names}"
            )
        return [spec.get(name) for name in output_names]
    if isinstance(spec, (list, tuple)) and n > 1:
        if len(spec) != n:
            raise ValueError(
                f"For a model with {n} outputs, when providing the `{what}` "
                f"argument as a list, it should have as many entries as the "
                f"model has outputs. Received: {what}={spec} of length {len(spec)}"
            )
        return list(spec)
    return [spec] * n if what != "loss" or n == 1 else [spec] * n


class CompileLoss:
    """Sum over outputs of loss_weight * loss(y_true, y_pred, sample_weight)."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self._spec = loss
        self._weights_spec = loss_weights
        self.output_names = output_names
        names = output_names or [None]
        if output_names and (len(output_names) > 1 or isinstance(loss, dict)):
            losses = _per_output(loss, output_names, "loss")
        elif isinstance(loss, (list, tuple)) and len(loss) == 1:
            losses = list(loss)
        else:
            losses = [loss]
        self.losses = [_resolve_loss(l) if l is not None else None for l in losses]
        if loss_weights is None:
            self.weights = [1.0] * len(self.losses)
        elif isinstance(loss_weights, dict):
            self.weights = [float(loss_weights.get(n, 1.0)) for n in names]
        elif isinstance(loss_weights, (list, tuple)):
            if len(loss_weights) != len(self.losses):
                raise ValueError(
                    f"Expected {len(self.losses)} `loss_weights` (one per output), got {len(loss_weights)}"
                )
            self.weights = [float(w) for w in loss_weights]
        else:
            self.weights = [float(loss_weights)] * len(self.losses)

    def __call__(self, y_true, y_pred, sample_weight=None):
        if len(self.losses) == 1 and not tree.is_nested(y_pred):
            y_true_list, y_pred_list = [y_true], [y_pred]
            sw_list = [sample_weight]
        else:
            y_pred_list = tree.flatten(y_pred)
            if isinstance(y_true, dict):
                y_true_list = [y_true.get(n) for n in self.output_names]
            else:
                y_true_list = tree.flatten(y_true) if isinstance(y_true, (list, tuple)) else [y_true]
            if len(y_true_list) != len(y_pred_list):
                raise ValueError(
                    f"The model has {len(y_pred_list)} outputs, but `y` has "
                    f"{len(y_true_list)} entries."
                )
            if isinstance(sample_weight, dict):
                sw_list = [sample_weight.get(n) for n in self.output_names]
            elif isinstance(sample_weight, (list, tuple)):
                sw_list = list(sample_weight)
            else:
                sw_list = [sample_weight] * len(y_pred_list)
        losses, weights = self.losses, self.weights
        if len(losses) == 1 and len(y_pred_list) > 1:
            # One loss, outputs unknown at compile time (a subclassed model): Keras applies
            # it to every output.
            losses, weights = losses * len(y_pred_list), weights * len(y_pred_list)
        total = None
        self.last_values = []
        for fn, w, yt, yp, sw in zip(losses, weights, y_true_list, y_pred_list, sw_list):
            if fn is None or yt is None:
                self.last_values.append(None)
                continue
            value = fn(yt, yp, sample_weight=sw)
            self.last_values.append(value)
            value = multiply(value, w) if w != 1.0 else value
            total = value if total is None else add(total, value)
        return total

    def get_config(self):
        return {"loss": self._spec, "loss_weights": self._weights_spec}


def _make_metric(identifier, y_true, y_pred):
    return get_metric(identifier, y_true, y_pred)


class CompileMetrics:
    """The compiled metrics (and weighted metrics), built on the first batch."""

    def __init__(self, metrics=None, weighted_metrics=None, output_names=None):
        self._metrics_spec = metrics
        self._weighted_spec = weighted_metrics
        self.output_names = output_names
        self.built = False
        self.metrics = []  # (output index, metric, weighted)

    def _specs(self, spec, n):
        if spec is None:
            return [[] for _ in range(n)]
        if isinstance(spec, dict):
            return [tree.flatten([spec.get(name, [])]) for name in self.output_names]
        if n > 1 and isinstance(spec, (list, tuple)) and spec and all(isinstance(s, (list, tuple)) for s in spec):
            return [list(s) for s in spec]
        return [list(spec) if isinstance(spec, (list, tuple)) else [spec] for _ in range(n)]

    def build(self, y_true, y_pred):
        y_pred_list = tree.flatten(y_pred)
        n = len(y_pred_list)
        if isinstance(y_true, dict) and self.output_names:
            y_true_list = [y_true.get(name) for name in self.output_names]
        else:
            y_true_list = tree.flatten(y_true) if n > 1 else [y_true]
        for weighted, spec in ((False, self._metrics_spec), (True, self._weighted_spec)):
            for i, ids in enumerate(self._specs(spec, n)):
                for identifier in ids:
                    m = _make_metric(identifier, y_true_list[i], y_pred_list[i])
                    if n > 1 and self.output_names:
                        m.name = f"{self.output_names[i]}_{m.name}"
                    if weighted and any(x.name == m.name for _, x, _ in self.metrics):
                        m.name = f"weighted_{m.name}"
                    self.metrics.append((i, m, weighted))
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        if y_true is None:
            return
        if not self.built:
            self.build(y_true, y_pred)
        y_pred_list = tree.flatten(y_pred)
        n = len(y_pred_list)
        if isinstance(y_true, dict) and self.output_names:
            y_true_list = [y_true.get(name) for name in self.output_names]
        else:
            y_true_list = tree.flatten(y_true) if n > 1 else [y_true]
        for i, m, weighted in self.metrics:
            sw = sample_weight if weighted else None
            if isinstance(sw, (list, tuple)):
                sw = sw[i]
            elif isinstance(sw, dict):
                sw = sw.get(self.output_names[i])
            m.update_state(y_true_list[i], y_pred_list[i], sample_weight=sw)

    def reset_state(self):
        for _, m, _ in self.metrics:
            m.reset_state()

    def result(self):
        return {m.name: m.result() for _, m, _ in self.metrics}

    @property
    def variables(self):
        out = []
        for _, m, _ in self.metrics:
            out.extend(m.variables)
        return out
