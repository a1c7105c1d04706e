"""IMDB movie review sentiment dataset (downloaded on first use)."""

import json

import numpy as np

from kerasnet.datasets import _npz, _sequences
from kerasnet.utils.file_utils import get_file

_ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(
    path="imdb.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    """Loads the IMDB dataset of 50,000 movie reviews labeled by sentiment.

    25,000 training and 25,000 test reviews, each a list of word indexes
    (integers). Words are indexed by overall frequency in the dataset, so
    that the integer 3 encodes the 3rd most frequent word. By convention 0
    stands for no word (padding). The file is downloaded once into the Keras
    cache (`~/.keras/datasets`, or under `$KERAS_HOME`) and checked against
    its sha256 hash.

    Args:
        path: where to cache the data (relative to `~/.keras/datasets`).
        num_words: keep only the `num_words` most frequent words; rarer words
            become `oov_char`. `None` keeps all words.
        skip_top: skip the `skip_top` most frequent words (they become
            `oov_char`). Defaults to 0.
        maxlen: keep only sequences shorter than `maxlen` (after adding the
            start character). `None` keeps all.
        seed: seed of the reproducible shuffle of the data.
        start_char: the start of a sequence is marked with this index.
        oov_char: the index of words cut by `num_words` or `skip_top`
            (`None` drops them).
        index_from: word indexes start at this value.

    Returns:
        Tuple of numpy arrays: `(x_train, y_train), (x_test, y_test)`.
        `x_train`, `x_test`: lists of sequences (lists of ints);
        `y_train`, `y_test`: integer labels (1 positive, 0 negative).

    Raises:
        ConnectionError: the file is not cached and cannot be downloaded.
        ValueError: `maxlen` removes every sequence.
    """
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
    path = get_file(
        fname=path,
        origin=_ORIGIN_FOLDER + "imdb.npz",
        file_hash=_FILE_HASH,
    )
    arrays = _npz.load_npz(path)
    x_train, labels_train, x_test, labels_test = _npz.require(
        arrays, ("x_train", "y_train", "x_test", "y_test"), path
    )
    rng = np.random.RandomState(seed)
    x_train, labels_train = _sequences.shuffle(rng, x_train, labels_train)
    x_test, labels_test = _sequences.shuffle(rng, x_test, labels_test)
    x_train = _sequences.shift(x_train, start_char, index_from)
    x_test = _sequences.shift(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = _sequences.remove_long_seq(
            maxlen, x_train, labels_train
        )
        x_test, labels_test = _sequences.remove_long_seq(
            maxlen, x_test, labels_test
        )
        _sequences.check_not_empty(x_train, maxlen)
        _sequences.check_not_empty(x_test, maxlen)
    xs = _sequences.limit_vocabulary(
        x_train + x_test, num_words, skip_top, oov_char
    )
    labels = np.concatenate([np.asarray(labels_train), np.asarray(labels_test)])
    n = len(x_train)
    return (xs[:n], labels[:n]), (xs[n:], labels[n:])


def get_word_index(path="imdb_word_index.json"):
    """The dict mapping words to their index in the IMDB dataset.

    Args:
        path: where to cache the data (relative to `~/.keras/datasets`).

    Returns:
        The word index dictionary (word -> index). Indexes in `load_data`'s
        sequences are offset by its `index_from` argument.
    """
    path = get_file(
        fname=path,
        origin=_ORIGIN_FOLDER + "imdb_word_index.json",
        file_hash=_WORD_INDEX_HASH,
    )
    with open(path) as f:
        return json.load(f)
