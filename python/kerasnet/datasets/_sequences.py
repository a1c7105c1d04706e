"""The word-index steps shared by the sequence datasets (imdb, reuters).

Both files store each text as a list of word ranks (1 = the most frequent
word). Loading marks the start of every sequence, shifts the ranks by
`index_from`, may drop long sequences, and maps words outside the kept
vocabulary to the out-of-vocabulary index, with Keras' rules.
"""

import numpy as np


def shuffle(rng, *arrays):
    """`arrays` (of one length) permuted alike by one `rng.shuffle` draw.

    `rng` is a `np.random.RandomState`: successive calls continue its stream,
    as Keras' imdb does for its train and test parts.
    """
    order = np.arange(len(arrays[0]))
    rng.shuffle(order)
    return [np.asarray(a)[order] for a in arrays]


def shift(seqs, start_char, index_from):
    """Each sequence as a list: `start_char` first (unless None), then every
    word index plus `index_from`."""
    head = [start_char] if start_char is not None else []
    return [head + [int(w) + index_from for w in s] for s in seqs]


def remove_long_seq(maxlen, seqs, labels):
    """Keeps the sequences shorter than `maxlen` (Keras' rule: strictly)."""
    kept = [(s, y) for s, y in zip(seqs, labels) if len(s) < maxlen]
    return [s for s, _ in kept], [y for _, y in kept]


def check_not_empty(seqs, maxlen):
    if not seqs:
        raise ValueError(
            f"After filtering for sequences shorter than maxlen={maxlen}, "
            "no sequence was kept. Increase maxlen."
        )


def limit_vocabulary(seqs, num_words, skip_top, oov_char):
    """Indexes outside `[skip_top, num_words)` become `oov_char` (or are
    dropped when it is None). Without `num_words` (None or 0) the bound is
    the largest index present, so that index itself, as in Keras, counts as
    out of vocabulary."""
    if not num_words:
        num_words = max((max(s) for s in seqs if s), default=0)
    if oov_char is not None:
        return [
            [w if skip_top <= w < num_words else oov_char for w in s]
            for s in seqs
        ]
    return [[w for w in s if skip_top <= w < num_words] for s in seqs]


def object_array(seqs):
    """A 1-D numpy object array holding the sequences as lists."""
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):  # item by item: equal lengths stay lists
        out[i] = s
    return out
