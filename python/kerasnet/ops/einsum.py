"""einsum: Einstein summation mapped onto the engine's batched matmul.

An equation is parsed into one tuple of labels per operand (letters, plus one
label per dimension covered by `...`, right-aligned across operands as numpy
broadcasts them). Each operand first loses its diagonals (a label repeated in
one operand, taken with one `take`) and the labels no other operand and not the
output uses (one `sum`). Operands are then contracted two at a time; each pair
becomes a single batched GEMM:

    A: (batch..., a_only..., summed...)  ->  (batch..., M, K)
    B: (batch..., summed..., b_only...)  ->  (batch..., K, N)
    matmul                               ->  (batch..., M, N)  ->  (batch..., a_only..., b_only...)

with transposes and reshapes around it (a pair without summed labels is a
broadcast multiply). Gradients come from those ops. With three or more operands
the pair contracted next is the one giving the smallest intermediate among the
pairs that share a label (greedy, as numpy's `optimize="greedy"`).

Not here: numpy's `optimize=` argument, and the interleaved `einsum(op, sublist, ...)`
calling form.
"""

import numpy as _np

from kerasnet import _C
from kerasnet.backend.dtypes import result_type as _result_type
from kerasnet.backend.tensor import as_tensor as _as_tensor

# ops/__init__ imports `einsum` by name; everything else here is private.

_ELLIPSIS = "..."


def einsum(subscripts, *operands):
    """Evaluates the Einstein summation convention on the operands (numpy's semantics).

    Args:
        subscripts: the equation, e.g. `"ij,jk->ik"`; implicit output (no `->`: the
            labels used once, in alphabetical order, after the `...` dimensions),
            `...` for broadcast dimensions, repeated labels in one operand for
            diagonals. Ellipsis dimensions left out of an explicit output are summed.
        *operands: the tensors, one per comma-separated input spec.

    Returns:
        The result, of the operands' promoted dtype.

    Example:

    >>> a = kerasnet.ops.ones((2, 3, 4))
    >>> b = kerasnet.ops.ones((4, 5))
    >>> kerasnet.ops.einsum("abc,cd->abd", a, b).shape
    (2, 3, 5)
    """
    if not isinstance(subscripts, str):
        raise TypeError(
            f"einsum: `subscripts` must be a string such as 'ij,jk->ik'. "
            f"Received: subscripts={subscripts!r}"
        )
    tensors = [_as_tensor(x) for x in operands]
    shapes = [tuple(t.shape) for t in tensors]
    in_labels, out_labels = _parse(subscripts, shapes)
    dtype = _result_type(*[t.dtype for t in tensors]) if tensors else "float32"
    work_dtype = "int32" if dtype == "bool" else None
    sizes = _label_sizes(subscripts, in_labels, shapes)

    terms = []
    for t, labels in zip(tensors, in_labels):
        if work_dtype is not None and t.dtype != work_dtype:
            t = _C.cast(t, work_dtype)
        t, labels = _take_diagonals(t, labels)
        terms.append((t, labels))

    while len(terms) > 1:
        i, j = _next_pair(terms, out_labels, sizes)
        others = [lab for k, (_, lab) in enumerate(terms) if k not in (i, j)]
        keep = set(out_labels).union(*others)
        merged = _contract(terms[i], terms[j], keep, out_labels)
        terms = [x for k, x in enumerate(terms) if k not in (i, j)] + [merged]

    t, labels = _sum_unused(terms[0], set(out_labels))
    if labels != out_labels:
        t = _C.transpose(t, tuple(labels.index(lab) for lab in out_labels))
    if t.dtype != dtype:
        t = _C.cast(t, dtype)
    return t


# --- parsing -------------------------------------------------------------------


def _parse(subscripts, shapes):
    """([labels of each operand], output labels); `...` dimensions get labels '...0', '...1', ..."""
    eq = subscripts.replace(" ", "")
    if eq.count("->") > 1:
        raise ValueError(f"einsum: at most one '->' is allowed. Received: subscripts={subscripts!r}")
    lhs, arrow, rhs = eq.partition("->")
    specs = lhs.split(",")
    if len(specs) != len(shapes):
        raise ValueError(
            f"einsum: the subscripts {subscripts!r} name {len(specs)} operand(s), but "
            f"{len(shapes)} were given (shapes {shapes})."
        )
    parsed = [_parse_spec(s, subscripts) for s in specs]
    ranks = []
    for k, ((letters, has_dots), shape) in enumerate(zip(parsed, shapes)):
        extra = len(shape) - len(letters)
        if extra < 0 or (extra > 0 and not has_dots):
            raise ValueError(
                f"einsum: operand {k} has shape {shape} (rank {len(shape)}), but its subscripts "
                f"{specs[k]!r} name {len(letters)} dimension(s)."
            )
        ranks.append(extra)
    n_dots = max(ranks, default=0)
    dots = [f"{_ELLIPSIS}{d}" for d in range(n_dots)]
    in_labels = []
    for (letters, has_dots), spec, extra in zip(parsed, specs, ranks):
        if not has_dots:
            in_labels.append(tuple(letters))
            continue
        at = spec.index(_ELLIPSIS)
        before = len([c for c in spec[:at] if c.isalpha()])
        in_labels.append(tuple(letters[:before]) + tuple(dots[n_dots - extra:]) + tuple(letters[before:]))

    if not arrow:
        counts = {}
        for letters, _ in parsed:
            for c in letters:
                counts[c] = counts.get(c, 0) + 1
        return in_labels, tuple(dots) + tuple(sorted(c for c, n in counts.items() if n == 1))

    out_letters, out_dots = _parse_spec(rhs, subscripts)
    seen = set()
    for c in out_letters:
        if c in seen:
            raise ValueError(f"einsum: the output subscript {c!r} appears twice in {subscripts!r}.")
        if not any(c in letters for letters, _ in parsed):
            raise ValueError(
                f"einsum: the output subscript {c!r} appears in no input of {subscripts!r}."
            )
        seen.add(c)
    if not out_dots:
        return in_labels, tuple(out_letters)
    at = rhs.index(_ELLIPSIS)
    before = len([c for c in rhs[:at] if c.isalpha()])
    return in_labels, tuple(out_letters[:before]) + tuple(dots) + tuple(out_letters[before:])


def _parse_spec(spec, subscripts):
    """(letters, whether the spec has '...')."""
    has_dots = _ELLIPSIS in spec
    rest = spec.replace(_ELLIPSIS, "", 1)
    bad = [c for c in rest if not (c.isascii() and c.isalpha())]
    if bad or (has_dots and _ELLIPSIS in rest) or "." in rest:
        raise ValueError(
            f"einsum: invalid subscripts {subscripts!r}: each spec is ASCII letters with at most "
            f"one '...' (found {spec!r})."
        )
    return list(rest), has_dots


def _label_sizes(subscripts, in_labels, shapes):
    """The size of each label; 1 broadcasts against any size, as numpy does."""
    sizes, first = {}, {}
    for k, (labels, shape) in enumerate(zip(in_labels, shapes)):
        _check_diagonals(labels, shape)
        for lab, n in zip(labels, shape):
            if lab not in sizes or sizes[lab] == 1:
                if lab in sizes and n == 1:
                    continue
                sizes[lab], first[lab] = n, k
            elif n != 1 and n != sizes[lab]:
                name = "an ellipsis dimension" if lab.startswith(_ELLIPSIS) else f"the subscript {lab!r}"
                raise ValueError(
                    f"einsum: {name} of {subscripts!r} has size {sizes[lab]} in operand {first[lab]} "
                    f"(shape {shapes[first[lab]]}) and size {n} in operand {k} (shape {shape}); "
                    f"sizes must match or be 1."
                )
    return sizes


def _check_diagonals(labels, shape):
    own = {}
    for lab, n in zip(labels, shape):
        if own.setdefault(lab, n) != n:
            raise ValueError(
                f"einsum: the subscript {lab!r} is repeated in one operand on dimensions of "
                f"sizes {own[lab]} and {n} (shape {shape}); a diagonal needs equal sizes."
            )


# --- per-operand steps -----------------------------------------------------------


def _take_diagonals(t, labels):
    """Each label repeated in one operand becomes one axis holding the diagonal."""
    while len(set(labels)) != len(labels):
        lab = next(lab for lab in labels if labels.count(lab) > 1)
        p = labels.index(lab)
        q = labels.index(lab, p + 1)
        n = t.shape[p]
        rest = [a for a in range(len(labels)) if a not in (p, q)]
        t = _C.transpose(t, tuple(rest + [p, q]))
        t = _C.reshape(t, tuple(t.shape[:-2]) + (n * n,))
        t = _C.take(t, _as_tensor(_np.arange(n, dtype=_np.int64) * (n + 1)), -1)
        labels = tuple(labels[a] for a in rest) + (lab,)
    return t, tuple(labels)


def _sum_unused(term, keep):
    """Sums the axes whose labels are not in `keep`."""
    t, labels = term
    axes = [a for a, lab in enumerate(labels) if lab not in keep]
    if not axes:
        return t, labels
    return _C.sum(t, axes), tuple(lab for lab in labels if lab in keep)


# --- pairwise contraction ---------------------------------------------------------


def _next_pair(terms, out_labels, sizes):
    """(i, j), i < j: the pair whose contraction gives the smallest result, pairs sharing
    a label first, the leftmost on ties."""
    best = None
    for i in range(len(terms)):
        for j in range(i + 1, len(terms)):
            li, lj = terms[i][1], terms[j][1]
            others = [lab for k, (_, lab) in enumerate(terms) if k not in (i, j)]
            keep = set(out_labels).union(*others)
            result = (set(li) | set(lj)) & keep
            n = 1
            for lab in result:
                n *= sizes[lab]
            key = (not (set(li) & set(lj)), n, i, j)
            if best is None or key < best:
                best = key
    return best[2], best[3]


def _contract(a_term, b_term, keep, out_labels):
    """One pair as one batched matmul (or a broadcast multiply when nothing is summed)."""
    a, la = _sum_unused(a_term, keep | set(b_term[1]))
    b, lb = _sum_unused(b_term, keep | set(la))
    # The side whose free labels come first in the output is the GEMM's left operand,
    # so that the product is already in output order ("aecd,abcd->acbe": (b, d) @ (d, e)).
    first_a = min((out_labels.index(x) for x in la if x in out_labels and x not in lb), default=None)
    first_b = min((out_labels.index(x) for x in lb if x in out_labels and x not in la), default=None)
    if first_a is not None and first_b is not None and first_b < first_a:
        (a, la), (b, lb) = (b, lb), (a, la)
    summed = [lab for lab in la if lab in lb and lab not in keep]
    # A summed label of size 1 on one side only: sum the other side first (x * sum(y)).
    for lab in list(summed):
        na, nb = a.shape[la.index(lab)], b.shape[lb.index(lab)]
        if na != nb:
            summed.remove(lab)
            if na == 1:
                a, la = _C.squeeze(a, la.index(lab)), tuple(x for x in la if x != lab)
                b, lb = _sum_unused((b, lb), set(lb) - {lab})
            else:
                b, lb = _C.squeeze(b, lb.index(lab)), tuple(x for x in lb if x != lab)
                a, la = _sum_unused((a, la), set(la) - {lab})
    batch = [lab for lab in la if lab in lb and lab not in summed]
    a_only = [lab for lab in la if lab not in lb]
    b_only = [lab for lab in lb if lab not in la]

    a = _permute(a, la, batch + a_only + summed)
    b = _permute(b, lb, batch + summed + b_only)
    nb = len(batch)
    a_batch, b_batch = tuple(a.shape[:nb]), tuple(b.shape[:nb])
    a_free, b_free = tuple(a.shape[nb:nb + len(a_only)]), tuple(b.shape[len(b.shape) - len(b_only):])
    labels = tuple(batch + a_only + b_only)
    if not summed:
        a = _C.reshape(a, a_batch + a_free + (1,) * len(b_only))
        b = _C.reshape(b, b_batch + (1,) * len(a_only) + b_free)
        return _C.multiply(a, b), labels
    k = _prod(a.shape[nb + len(a_only):])
    a = _C.reshape(a, a_batch + (_prod(a_free), k))
    b = _C.reshape(b, b_batch + (k, _prod(b_free)))
    out = _C.matmul(a, b)
    return _C.reshape(out, tuple(out.shape[:nb]) + a_free + b_free), labels


def _permute(t, labels, order):
    if list(labels) == list(order):
        return t
    return _C.transpose(t, tuple(labels.index(lab) for lab in order))


def _prod(dims):
    n = 1
    for d in dims:
        n *= d
    return n
