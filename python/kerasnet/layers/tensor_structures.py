"""Helpers of `Layer.__call__` over nested structures of call arguments: whether a
call is symbolic (KerasTensors anywhere), reading and setting Keras masks, shapes
as JSON lists and back, and KerasTensors or zero tensors standing in for shapes."""

import numpy as np

from kerasnet.backend import tree
from kerasnet.backend.keras_tensor import KerasTensor
from kerasnet.backend.tensor import Tensor, as_tensor


def _has_symbolic(args, kwargs):
    for a in args:
        if isinstance(a, KerasTensor):
            return True
        if isinstance(a, (list, tuple, dict)):
            for x in tree.flatten(a):
                if isinstance(x, KerasTensor):
                    return True
    for v in kwargs.values():
        if isinstance(v, KerasTensor):
            return True
        if isinstance(v, (list, tuple, dict)) and any(isinstance(x, KerasTensor) for x in tree.flatten(v)):
            return True
    return False


def _collect_mask(x):
    if isinstance(x, (list, tuple)):
        masks = [getattr(t, "_keras_mask", None) for t in x]
        return None if all(m is None for m in masks) else masks
    return getattr(x, "_keras_mask", None)


def _set_mask(outputs, mask):
    flat_out = tree.flatten(outputs)
    flat_mask = mask if isinstance(mask, (list, tuple)) else [mask] * len(flat_out)
    for t, m in zip(flat_out, flat_mask):
        if isinstance(t, Tensor):
            try:
                t._keras_mask = m
            except AttributeError:
                pass


def _is_plain(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return True
    if isinstance(v, (list, tuple)):
        return all(_is_plain(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _is_plain(x) for k, x in v.items())
    return False


def _shape_to_list(shape):
    if isinstance(shape, tuple) and all(d is None or isinstance(d, int) for d in shape):
        return list(shape)
    if isinstance(shape, dict):
        return {k: _shape_to_list(v) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)):
        return [_shape_to_list(s) for s in shape]
    return shape


def _list_to_shape(shape):
    if isinstance(shape, list) and all(d is None or isinstance(d, int) for d in shape):
        return tuple(shape)
    if isinstance(shape, dict):
        return {k: _list_to_shape(v) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)):
        return [_list_to_shape(s) for s in shape]
    return shape


def _is_shape(x):
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)


def _shapes_to_keras_tensors(shape, dtype):
    if _is_shape(shape):
        return KerasTensor(tuple(shape), dtype)
    if isinstance(shape, dict):
        return {k: _shapes_to_keras_tensors(v, dtype) for k, v in shape.items()}
    return [_shapes_to_keras_tensors(s, dtype) for s in shape]


def _concrete_like(x, fill):
    shape = tuple(fill if d is None else d for d in x.shape)
    return as_tensor(np.zeros(shape, dtype=x.dtype))


def _is_shape_structure(x):
    if _is_shape(x):
        return True
    if isinstance(x, dict):
        return all(_is_shape_structure(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return len(x) > 0 and all(_is_shape_structure(v) for v in x)
    return False
