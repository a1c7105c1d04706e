"""Keras 3's optimizer update rules, written in numpy (float64) as the reference.

Each function updates `w` (and the slot arrays in `state`, a dict) in place
for one step; `t` is the 1-based step (Keras' `iterations + 1`).
"""

import numpy as np


def sgd(w, g, state, t, lr, momentum=0.0, nesterov=False):
    if momentum == 0:
        w -= lr * g
        return
    m = state.setdefault("momentum", np.zeros_like(w))
    m[...] = -g * lr + m * momentum
    if nesterov:
        w += -g * lr + m * momentum
    else:
        w += m


def adam(w, g, state, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    m = state.setdefault("momentum", np.zeros_like(w))
    v = state.setdefault("velocity", np.zeros_like(w))
    alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    m += (g - m) * (1 - beta_1)
    v += (g * g - v) * (1 - beta_2)
    if amsgrad:
        v_hat = state.setdefault("velocity_hat", np.zeros_like(w))
        v_hat[...] = np.maximum(v_hat, v)
        v = v_hat
    w -= m * alpha / (np.sqrt(v) + epsilon)


def rmsprop(w, g, state, t, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    vel = state.setdefault("velocity", np.zeros_like(w))
    vel[...] = rho * vel + (1 - rho) * g * g
    if centered:
        avg = state.setdefault("average_gradient", np.zeros_like(w))
        avg[...] = rho * avg + (1 - rho) * g
        denominator = vel - avg * avg + epsilon
    else:
        denominator = vel + epsilon
    increment = lr * g / np.sqrt(denominator)
    if momentum > 0:
        mom = state.setdefault("momentum", np.zeros_like(w))
        mom[...] = momentum * mom + increment
        w -= mom
    else:
        w -= increment


def adagrad(w, g, state, t, lr, initial_accumulator_value=0.1, epsilon=1e-7):
    acc = state.setdefault("accumulator", np.full_like(w, initial_accumulator_value))
    acc += g * g
    w -= lr * g / np.sqrt(acc + epsilon)


def adadelta(w, g, state, t, lr, rho=0.95, epsilon=1e-7):
    acc_g = state.setdefault("accumulated_grad", np.zeros_like(w))
    acc_d = state.setdefault("accumulated_delta_var", np.zeros_like(w))
    acc_g[...] = rho * acc_g + (1 - rho) * g * g
    delta = -np.sqrt(acc_d + epsilon) * g / np.sqrt(acc_g + epsilon)
    acc_d[...] = rho * acc_d + (1 - rho) * delta * delta
    w += lr * delta


def adamax(w, g, state, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = state.setdefault("momentum", np.zeros_like(w))
    u = state.setdefault("norm", np.zeros_like(w))
    m += (g - m) * (1 - beta_1)
    u[...] = np.maximum(beta_2 * u, np.abs(g))
    w -= lr * m / ((1 - beta_1 ** t) * (u + epsilon))


def nadam(w, g, state, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, shared=None):
    """`shared` holds the optimizer-wide u_product, updated once per step (by
    the first variable of the step, `shared["step"] != t`)."""
    if shared.get("step") != t:
        shared["u_product"] = shared.get("u_product", 1.0) * beta_1 * (1.0 - 0.5 * 0.96 ** t)
        shared["step"] = t
    m = state.setdefault("momentum", np.zeros_like(w))
    v = state.setdefault("velocity", np.zeros_like(w))
    u_t = beta_1 * (1.0 - 0.5 * 0.96 ** t)
    u_t_1 = beta_1 * (1.0 - 0.5 * 0.96 ** (t + 1))
    u_product_t = shared["u_product"]
    u_product_t_1 = u_product_t * u_t_1
    m += (g - m) * (1 - beta_1)
    v += (g * g - v) * (1 - beta_2)
    m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * g / (1 - u_product_t)
    v_hat = v / (1 - beta_2 ** t)
    w -= m_hat * lr / (np.sqrt(v_hat) + epsilon)


def lion(w, g, state, t, lr, beta_1=0.9, beta_2=0.99):
    m = state.setdefault("momentum", np.zeros_like(w))
    w -= lr * np.sign(m * beta_1 + g * (1 - beta_1))
    m[...] = m * beta_2 + g * (1 - beta_2)


def clip_by_norm(g, clipnorm):
    norm = np.sqrt((g * g).sum())
    return g * clipnorm / max(norm, clipnorm)


def clip_by_global_norm(grads, clipnorm):
    norm = np.sqrt(sum((g * g).sum() for g in grads))
    return [g * clipnorm / max(norm, clipnorm) for g in grads]
