"""pad_sequences (Keras' keras.utils.pad_sequences)."""

import numpy as np


def _check_side(name, value):
    if value not in ("pre", "post"):
        raise ValueError(
            f'`{name}` must be "pre" or "post". Received: {name}={value!r}'
        )


def pad_sequences(
    sequences,
    maxlen=None,
    dtype="int32",
    padding="pre",
    truncating="pre",
    value=0.0,
):
    """Pads sequences to the same length.

    Turns a list of `num_samples` sequences (lists of integers, or of arrays
    of a common shape) into an array of shape `(num_samples, maxlen, ...)`.
    `maxlen` is the argument if given, else the length of the longest
    sequence. Shorter sequences are padded with `value`; longer ones are
    truncated to `maxlen`. `padding` and `truncating` say at which end
    ("pre": the beginning, the default; "post": the end).

    Args:
        sequences: list of sequences.
        maxlen: optional int, the length of every output sequence.
        dtype: dtype of the output. Defaults to `"int32"`; use `object` for
            variable-length strings.
        padding: "pre" or "post": pad before or after each sequence.
        truncating: "pre" or "post": drop values from the beginning or the
            end of sequences longer than `maxlen`.
        value: the padding value (float or string). Defaults to `0.0`.

    Returns:
        A numpy array of shape `(len(sequences), maxlen) + sample_shape`.

    Example:

    >>> keras.utils.pad_sequences([[1], [2, 3], [4, 5, 6]])
    array([[0, 0, 1],
           [0, 2, 3],
           [4, 5, 6]], dtype=int32)
    >>> keras.utils.pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2)
    array([[0, 1],
           [2, 3],
           [5, 6]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    _check_side("padding", padding)
    _check_side("truncating", truncating)
    if maxlen is not None and (
        isinstance(maxlen, bool)
        or not isinstance(maxlen, (int, np.integer))
        or maxlen < 0
    ):
        raise ValueError(
            "`maxlen` must be a non-negative integer or None. "
            f"Received: maxlen={maxlen!r}"
        )
    lengths = []
    sample_shape = None
    for x in sequences:
        try:
            lengths.append(len(x))
        except TypeError as e:
            raise ValueError(
                "`sequences` must be a list of iterables. "
                f"Found non-iterable: {x!r}"
            ) from e
        if sample_shape is None and len(x):
            # The shape of one step, from the first non-empty sequence.
            sample_shape = np.asarray(x).shape[1:]
    sample_shape = sample_shape or ()
    if maxlen is None:
        maxlen = max(lengths) if lengths else 0
    maxlen = int(maxlen)
    is_str_dtype = np.issubdtype(dtype, np.str_) or np.issubdtype(
        dtype, np.bytes_
    )
    if isinstance(value, str) and dtype is not object and not is_str_dtype:
        raise ValueError(
            f"`dtype` {dtype} is not compatible with `value`'s type: "
            f"{type(value)}\nYou should set `dtype=object` for variable "
            "length strings."
        )
    out = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    if maxlen == 0:
        return out
    for idx, seq in enumerate(sequences):
        if not len(seq):
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(
                f"Shape of sample {kept.shape[1:]} of sequence at position "
                f"{idx} is different from expected shape {sample_shape}"
            )
        if padding == "post":
            out[idx, : len(kept)] = kept
        else:
            out[idx, -len(kept) :] = kept
    return out
