"""Reuters newswire topic classification dataset (downloaded on first use)."""

import json

import numpy as np

from kerasnet.datasets import _npz, _sequences
from kerasnet.utils.file_utils import get_file

_ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"

# The 46 topics, at the position of their integer label.
_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
    "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton",
    "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal",
    "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi",
    "hog", "lead",
)  # fmt: skip


def load_data(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """Loads the Reuters newswire classification dataset.

    11,228 newswires labeled with one of 46 topics (see `get_label_names`),
    each a list of word indexes (integers). Words are indexed by overall
    frequency in the dataset, so that the integer 3 encodes the 3rd most
    frequent word; by convention 0 stands for no word (padding). The file
    is downloaded once into the Keras cache (`~/.keras/datasets`, or under
    `$KERAS_HOME`) and checked against its sha256 hash.

    The newswires are shuffled (reproducibly, with `seed`), then the first
    `int(n * (1 - test_split))` of them form the training set and the rest
    the test set.

    Args:
        path: where to cache the data (relative to `~/.keras/datasets`).
        num_words: keep only the `num_words` most frequent words; rarer words
            become `oov_char`. `None` keeps all words.
        skip_top: skip the `skip_top` most frequent words (they become
            `oov_char`). Defaults to 0.
        maxlen: keep only sequences shorter than `maxlen` (after adding the
            start character); longer ones are dropped, not truncated. `None`
            keeps all.
        test_split: fraction of the data used as test set, between 0 and 1.
            Defaults to 0.2.
        seed: seed of the reproducible shuffle of the data.
        start_char: the start of a sequence is marked with this index.
        oov_char: the index of words cut by `num_words` or `skip_top`
            (`None` drops them).
        index_from: word indexes start at this value.

    Returns:
        Tuple of numpy arrays: `(x_train, y_train), (x_test, y_test)`.
        `x_train`, `x_test`: 1-D object arrays of sequences (lists of ints);
        `y_train`, `y_test`: integer topic labels in `[0, 46)`.

    Raises:
        ConnectionError: the file is not cached and cannot be downloaded.
        ValueError: `test_split` is outside `[0, 1]`, or `maxlen` removes
            every sequence.
    """
    if not 0 <= test_split <= 1:
        raise ValueError(
            "Received an invalid value for `test_split`, expected a fraction "
            f"between 0 and 1. Received: test_split={test_split}"
        )
    path = get_file(
        fname=path,
        origin=_ORIGIN_FOLDER + "reuters.npz",
        file_hash=_FILE_HASH,
    )
    xs, labels = _npz.require(_npz.load_npz(path), ("x", "y"), path)
    xs, labels = _sequences.shuffle(np.random.RandomState(seed), xs, labels)
    xs = _sequences.shift(xs, start_char, index_from)
    if maxlen:
        xs, labels = _sequences.remove_long_seq(maxlen, xs, labels)
        _sequences.check_not_empty(xs, maxlen)
    xs = _sequences.limit_vocabulary(xs, num_words, skip_top, oov_char)
    labels = np.asarray(labels)
    n_train = int(len(xs) * (1 - test_split))
    return (
        (_sequences.object_array(xs[:n_train]), labels[:n_train]),
        (_sequences.object_array(xs[n_train:]), labels[n_train:]),
    )


def get_word_index(path="reuters_word_index.json"):
    """The dict mapping words to their index in the Reuters dataset.

    The indexes in the file start at 1 (the most frequent word); in
    `load_data`'s sequences they are shifted by its `index_from` argument
    (3 by default, leaving 0 for padding, 1 for the start and 2 for
    out-of-vocabulary words).

    Args:
        path: where to cache the data (relative to `~/.keras/datasets`).

    Returns:
        The word index dictionary (word -> index).
    """
    path = get_file(
        fname=path,
        origin=_ORIGIN_FOLDER + "reuters_word_index.json",
        file_hash=_WORD_INDEX_HASH,
    )
    with open(path) as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, as a tuple indexed by the integer labels."""
    return _LABEL_NAMES
