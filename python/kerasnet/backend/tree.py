"""Nested structures (lists, tuples, namedtuples, dicts): flatten and rebuild.

The subset of `keras.tree` kerasnet needs: dicts flatten in sorted-key order,
None and any non-container value are leaves.
"""


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def is_nested(x):
    return isinstance(x, (list, tuple, dict))


def flatten(structure):
    """The leaves of `structure`, depth first."""
    out = []
    _flatten_into(structure, out)
    return out


def _flatten_into(x, out):
    if isinstance(x, dict):
        for k in sorted(x):
            _flatten_into(x[k], out)
    elif isinstance(x, (list, tuple)):
        for v in x:
            _flatten_into(v, out)
    else:
        out.append(x)


def pack_sequence_as(structure, flat_sequence):
    """Rebuilds `structure` with the leaves taken in order from `flat_sequence`."""
    it = iter(flat_sequence)
    result = _pack(structure, it)
    return result


def _pack(x, it):
    if isinstance(x, dict):
        packed = {k: _pack(x[k], it) for k in sorted(x)}
        return type(x)((k, packed[k]) for k in x) if type(x) is not dict else {k: packed[k] for k in x}
    if _is_namedtuple(x):
        return type(x)(*[_pack(v, it) for v in x])
    if isinstance(x, (list, tuple)):
        return type(x)(_pack(v, it) for v in x)
    return next(it)


def map_structure(fn, *structures):
    """Applies `fn` leafwise over structures of the same layout."""
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*xs) for xs in zip(*flats)])
