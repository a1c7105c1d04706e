"""Keras dtype names: standardisation and result types (Keras 3 rules)."""

import numpy as np

from kerasnet.backend import config

SUPPORTED = ("float32", "float64", "int32", "int64", "bool", "uint8")
FLOAT_TYPES = ("float32", "float64")
INT_TYPES = ("int32", "int64", "uint8")

_ALIASES = {
    "float": "float32",
    "double": "float64",
    "int": "int32",
    "long": "int64",
    "bool_": "bool",
    "float16": "float32",
    "half": "float32",
    "int8": "int32",
    "int16": "int32",
    "uint16": "int32",
    "uint32": "int64",
    "uint64": "int64",
}

# Keras 3 / JAX-like lattice: the join is the higher rank.
_RANK = {"bool": 0, "uint8": 1, "int32": 2, "int64": 3, "float32": 4, "float64": 5}


def standardize_dtype(dtype):
    """Returns the Keras dtype string for `dtype` (None -> floatx)."""
    if dtype is None:
        return config.floatx()
    if hasattr(dtype, "dtype") and not isinstance(dtype, (str, type)):
        dtype = dtype.dtype
    if dtype is float:
        return "float32"
    if dtype is int:
        return "int32"
    if dtype is bool:
        return "bool"
    if not isinstance(dtype, str):
        try:
            dtype = np.dtype(dtype).name
        except TypeError:
            dtype = getattr(dtype, "name", str(dtype))
    dtype = _ALIASES.get(dtype, dtype)
    if dtype not in SUPPORTED:
        raise ValueError(
            f"Invalid dtype: {dtype!r}. kerasnet supports {', '.join(SUPPORTED)}."
        )
    return dtype


def is_float_dtype(dtype):
    return standardize_dtype(dtype) in FLOAT_TYPES


def is_int_dtype(dtype):
    return standardize_dtype(dtype) in INT_TYPES


def result_type(*dtypes):
    """The promoted dtype of the arguments (Keras' `result_type`)."""
    if not dtypes:
        return config.floatx()
    names = [standardize_dtype(d) for d in dtypes]
    return max(names, key=_RANK.__getitem__)
