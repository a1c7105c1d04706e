"""Gradient checks against float64 central differences.

    gradcheck(fn, [x0, x1], eps=1e-6, rtol=1e-5, atol=1e-6)

`fn` takes kerasnet tensors (one per numpy input, float64) and returns a tensor
or a list of tensors. The scalar checked is L = sum_k sum(w_k * y_k) with fixed
random weights w_k (so that a wrong gradient cannot hide behind a plain sum):
the tape's dL/dx_i (`tape.gradient(ys, xs, output_gradients=ws)`) must match
(L(x + eps e_j) - L(x - eps e_j)) / (2 eps) for every element j of every input.

`gradgradcheck` checks the gradient of the gradient: the function
x -> tape.gradient(L(x), x), computed with an inner tape while the outer one
records, must itself pass `gradcheck` (gradient rules are made of
differentiable engine ops).
"""

import kerasnet
import numpy as np
from kerasnet import ops


class GradcheckError(AssertionError):
    pass


def _as_list(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def _float_outputs(ys):
    return [y for y in _as_list(ys) if y.dtype in ("float32", "float64")]


def _weights(ys, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(y.shape) for y in ys]


def _objective(fn, arrays, weights):
    """L(x) in float64 numpy (no tape)."""
    ys = _float_outputs(fn(*[ops.convert_to_tensor(a) for a in arrays]))
    return float(sum(np.sum(w * y.numpy().astype(np.float64)) for w, y in zip(weights, ys)))


def analytic_gradients(fn, arrays, weights=None, seed=0, unconnected="zero"):
    """(outputs, [dL/dx_i]) from the tape; weights default to fixed random ones."""
    xs = [ops.convert_to_tensor(np.asarray(a, np.float64)) for a in arrays]
    with kerasnet.GradientTape() as tape:
        tape.watch(xs)
        ys = _float_outputs(fn(*xs))
    if weights is None:
        weights = _weights(ys, seed)
    ws = [kerasnet.Tensor(w, y.dtype) for w, y in zip(weights, ys)]
    grads = tape.gradient(ys, xs, output_gradients=ws, unconnected_gradients=unconnected)
    return ys, weights, grads


def numeric_gradients(fn, arrays, weights, eps=1e-6):
    out = []
    for i, a in enumerate(arrays):
        a = np.asarray(a, np.float64)
        g = np.zeros_like(a)
        flat = g.reshape(-1)
        for j in range(a.size):
            plus = [np.array(x, np.float64, copy=True) for x in arrays]
            minus = [np.array(x, np.float64, copy=True) for x in arrays]
            plus[i].reshape(-1)[j] += eps
            minus[i].reshape(-1)[j] -= eps
            flat[j] = (_objective(fn, plus, weights) - _objective(fn, minus, weights)) / (2 * eps)
        out.append(g)
    return out


def gradcheck(fn, arrays, eps=1e-6, rtol=1e-5, atol=1e-6, seed=0, what=""):
    """Raises GradcheckError naming the input and the worst element when the tape is wrong."""
    arrays = [np.asarray(a, np.float64) for a in arrays]
    ys, weights, grads = analytic_gradients(fn, arrays, seed=seed)
    if not ys:
        raise GradcheckError(f"{what}: no float output to differentiate")
    numeric = numeric_gradients(fn, arrays, weights, eps)
    for i, (g, n) in enumerate(zip(grads, numeric)):
        if g is None:
            raise GradcheckError(f"{what}: gradient of input {i} is None")
        if tuple(g.shape) != n.shape:
            raise GradcheckError(
                f"{what}: gradient of input {i} has shape {g.shape}, the input {n.shape}")
        if g.dtype != "float64":
            raise GradcheckError(f"{what}: gradient of input {i} has dtype {g.dtype}, not float64")
        got = g.numpy()
        bad = ~np.isclose(got, n, rtol=rtol, atol=atol)
        if bad.any():
            j = np.unravel_index(np.argmax(np.abs(got - n) * bad), n.shape)
            raise GradcheckError(
                f"{what}: gradient of input {i} differs from central differences at "
                f"{bad.sum()} of {n.size} elements; worst at {tuple(int(k) for k in j)}: "
                f"tape {got[j]!r}, numeric {n[j]!r}\n tape:\n{got}\n numeric:\n{n}")
    return True


def gradient_function(fn, seed=0):
    """x -> dL/dx (a list of tensors), computed with a tape: the input of gradgradcheck."""
    state = {}

    def grad_fn(*xs):
        with kerasnet.GradientTape() as tape:
            tape.watch(list(xs))
            ys = _float_outputs(fn(*xs))
        if "w" not in state:
            state["w"] = _weights(ys, seed)
        ws = [kerasnet.Tensor(w, y.dtype) for w, y in zip(state["w"], ys)]
        return tape.gradient(ys, list(xs), output_gradients=ws, unconnected_gradients="zero")

    return grad_fn


def gradgradcheck(fn, arrays, eps=1e-6, rtol=1e-5, atol=1e-6, seed=0, what=""):
    return gradcheck(gradient_function(fn, seed), arrays, eps, rtol, atol, seed + 1,
                     what=f"{what} (second order)")
