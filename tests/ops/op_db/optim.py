"""Fused in-place optimizer updates, against Keras 3's formulas."""

import math

import numpy as np
from kerasnet import _C, ops

from op_db.core import FLOATS, Arg, OpEntry, Sample, _add, rand, reference


# ---------------------------------------------------------------------------------------------
# optim: fused in-place optimizer updates (Keras 3's formulas); the test sees the updated
# variables and slots. Inputs are copied first: the update must not touch the samples.
# ---------------------------------------------------------------------------------------------
def _optim_fn(name):
    update = getattr(_C, f"{name}_update")

    def fn(variables, grads, slots, hyper, step):
        vs = [_C.copy(ops.convert_to_tensor(v)) for v in variables]
        ss = [[_C.copy(ops.convert_to_tensor(t)) for t in per] for per in slots]
        assert update(vs, grads, ss, hyper, step) is None
        return vs + [t for per in ss for t in per]

    return fn


def _sgd_ref(w, g, s, h, t):
    lr, mom, nesterov = h
    if mom == 0:
        return [w - lr * g]
    m = mom * s[0] - lr * g
    return [w + (mom * m - lr * g if nesterov else m), m]


def _adam_ref(w, g, s, h, t):
    lr, b1, b2, eps, amsgrad = h
    m = s[0] + (g - s[0]) * (1 - b1)
    v = s[1] + (g * g - s[1]) * (1 - b2)
    alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
    out = [m, v]
    if amsgrad:
        vhat = np.maximum(s[2], v)
        out.append(vhat)
        v = vhat
    return [w - m * alpha / (np.sqrt(v) + eps)] + out


def _rmsprop_ref(w, g, s, h, t):
    lr, rho, mom, eps, centered = h
    vel = rho * s[0] + (1 - rho) * g * g
    out = [vel, s[1], s[2]]
    denom = vel + eps
    if centered:
        avg = rho * s[2] + (1 - rho) * g
        out[2] = avg
        denom = vel - avg * avg + eps
    inc = lr * g / np.sqrt(denom)
    if mom > 0:
        m = mom * s[1] + inc
        out[1] = m
        return [w - m] + out
    return [w - inc] + out


def _adagrad_ref(w, g, s, h, t):
    lr, eps = h
    acc = s[0] + g * g
    return [w - lr * g / np.sqrt(acc + eps), acc]


def _adadelta_ref(w, g, s, h, t):
    lr, rho, eps = h
    ag = rho * s[0] + (1 - rho) * g * g
    delta = -np.sqrt(s[1] + eps) / np.sqrt(ag + eps) * g
    ad = rho * s[1] + (1 - rho) * delta * delta
    return [w + lr * delta, ag, ad]


def _adamax_ref(w, g, s, h, t):
    lr, b1, b2, eps = h
    m = s[0] + (g - s[0]) * (1 - b1)
    u = np.maximum(b2 * s[1], np.abs(g))
    return [w - lr * m / ((1 - b1**t) * (u + eps)), m, u]


def _nadam_hyper(lr, b1, b2, eps, t, u_product_prev):
    """Keras 3 Nadam's momentum-cache schedule for step t (u_product_prev: the product so far)."""
    decay = 0.96
    u_t = b1 * (1 - 0.5 * decay ** (0.004 * t))
    u_t1 = b1 * (1 - 0.5 * decay ** (0.004 * (t + 1)))
    up_t = u_product_prev * u_t
    return [lr, b1, b2, eps, u_t, u_t1, up_t, up_t * u_t1]


def _nadam_ref(w, g, s, h, t):
    lr, b1, b2, eps, u_t, u_t1, up_t, up_t1 = h
    m = s[0] + (g - s[0]) * (1 - b1)
    v = s[1] + (g * g - s[1]) * (1 - b2)
    m_hat = u_t1 * m / (1 - up_t1) + (1 - u_t) * g / (1 - up_t)
    v_hat = v / (1 - b2**t)
    return [w - m_hat * lr / (np.sqrt(v_hat) + eps), m, v]


def _lion_ref(w, g, s, h, t):
    lr, b1, b2 = h
    c = s[0] * b1 + g * (1 - b1)
    return [w - lr * np.sign(c), s[0] * b2 + g * (1 - b2)]


# name: (reference, slot count, hyperparameter sets, slots that must be >= 0)
_OPTIM = {
    "sgd": (_sgd_ref, [0, 1, 1], [[0.1, 0.0, 0.0], [0.05, 0.9, 0.0], [0.05, 0.9, 1.0]], ()),
    "adam": (_adam_ref, [2, 3], [[1e-2, 0.9, 0.999, 1e-7, 0.0], [1e-2, 0.8, 0.99, 1e-3, 1.0]],
             (1, 2)),
    "rmsprop": (_rmsprop_ref, [3, 3, 3], [[1e-2, 0.9, 0.0, 1e-7, 0.0], [1e-2, 0.8, 0.5, 1e-7, 0.0],
                                           [1e-2, 0.9, 0.3, 1e-3, 1.0]], (0,)),
    "adagrad": (_adagrad_ref, [1, 1], [[1e-2, 1e-7], [0.5, 1e-3]], (0,)),
    "adadelta": (_adadelta_ref, [2, 2], [[1.0, 0.95, 1e-7], [0.5, 0.9, 1e-3]], (0, 1)),
    "adamax": (_adamax_ref, [2, 2], [[2e-3, 0.9, 0.999, 1e-7], [1e-2, 0.8, 0.9, 1e-3]], (1,)),
    "nadam": (_nadam_ref, [2, 2], [_nadam_hyper(2e-3, 0.9, 0.999, 1e-7, 1, 1.0),
                                   _nadam_hyper(1e-2, 0.8, 0.99, 1e-3, 3, 0.5)], (1,)),
    "lion": (_lion_ref, [1, 1], [[1e-3, 0.9, 0.99], [1e-2, 0.5, 0.7]], ()),
}


def _optim_samples(name):
    _, nslots, hypers, positive = _OPTIM[name]

    def make(rng):
        out = []
        shapes_sets = [[(3, 4)], [(5,), (2, 3, 4), ()], [(0, 3), (130, 200)]]
        for k, (hyper, ns) in enumerate(zip(hypers, nslots)):
            for dt in FLOATS:
                for shapes in shapes_sets[:2] if dt == "float64" else shapes_sets:
                    variables = [Arg(rand(rng, s, dt)) for s in shapes]
                    grads = [Arg(rand(rng, s, dt), "transposed" if len(s) >= 2 else "contiguous")
                             for s in shapes]
                    # Second moments positive; rmsprop's centred average small next to them
                    # (the variance estimate vel - avg^2 stays positive, as in training).
                    slots = [[Arg(np.abs(rand(rng, s, dt)) + np.asarray(0.5, dt) if j in positive
                                  else rand(rng, s, dt, -0.3, 0.3) if (name, j) == ("rmsprop", 2)
                                  else rand(rng, s, dt))
                              for s in shapes] for j in range(ns)]
                    step = 1 + 2 * k
                    out.append(Sample((variables, grads, slots, hyper, step), {},
                                      f"{dt}-{len(shapes)}vars-hyper{k}"))
        return out

    return make


def _optim_reference(name):
    ref = _OPTIM[name][0]

    def run(variables, grads, slots, hyper, step):
        results = []
        per_var = [ref(np.asarray(w, np.float64), np.asarray(g, np.float64),
                       [np.asarray(s[i], np.float64) for s in slots], hyper, step)
                   for i, (w, g) in enumerate(zip(variables, grads))]
        results = [r[0] for r in per_var]
        for j in range(len(slots)):
            results += [r[1 + j] if 1 + j < len(r) else np.asarray(slots[j][i], np.float64)
                        for i, r in enumerate(per_var)]
        return results

    return run


def _optim_dtype(s):
    return s.args[0][0].dtype


for _name in _OPTIM:
    _add(OpEntry(f"{_name}_update", _optim_fn(_name), _optim_samples(_name),
                 reference(_optim_reference(_name)), _optim_dtype, grad=None,
                 nograd="in-place optimizer update", rtol={"float32": 1e-5},
                 atol={"float32": 1e-6}))
