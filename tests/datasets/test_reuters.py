"""reuters against a small file in the real format (ragged object arrays in
an .npz), served from 127.0.0.1 (see conftest.py): the download, cache, hash
check and parsing code is the one users run. Expected values come from
`reference`, a numpy transcription of Keras' documented rules."""

import hashlib
import io
import os
import pickle

import numpy as np
import pytest
from kerasnet.datasets import reuters

# Word ranks as stored in the file (1 = the most frequent word), ragged.
SEQS = [
    [1, 2, 3],
    [4, 1],
    [5, 6, 7, 8, 9],
    [2],
    [3, 3, 10, 11],
    [9, 1, 2, 7, 12, 13],
    [14, 4],
    [6, 6, 6],
    [15, 1, 1, 2, 3, 4, 5],
    [8, 11],
]
LABELS = np.array([3, 4, 3, 19, 1, 45, 0, 3, 4, 16], dtype=np.int64)


def object_array(seqs):
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = list(s)
    return out


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def reuters_file(seqs=SEQS, labels=LABELS):
    return npz_bytes(x=object_array(seqs), y=labels)


def serve(monkeypatch, server, data, name="reuters.npz"):
    server.write(name, data)
    monkeypatch.setattr(reuters, "_ORIGIN_FOLDER", server.url())
    monkeypatch.setattr(reuters, "_FILE_HASH", hashlib.sha256(data).hexdigest())


@pytest.fixture
def served(local_server, keras_home, monkeypatch):
    serve(monkeypatch, local_server, reuters_file())
    return local_server


def reference(
    seqs=SEQS,
    labels=LABELS,
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """Keras' rules with numpy arrays: shuffle all newswires with `seed`,
    prepend `start_char` to the ranks shifted by `index_from`, drop those not
    shorter than `maxlen`, map indexes outside [skip_top, num_words) to
    `oov_char` (or drop them), split at floor(n * (1 - test_split))."""
    order = np.random.RandomState(seed).permutation(len(seqs))
    head = [] if start_char is None else [start_char]
    xs = [np.array(head + list(np.add(seqs[i], index_from))) for i in order]
    ys = labels[order]
    if maxlen:
        keep = np.array([len(x) < maxlen for x in xs])
        xs, ys = [x for x, k in zip(xs, keep) if k], ys[keep]
    bound = num_words or np.concatenate(xs).max()
    kept = [(x >= skip_top) & (x < bound) for x in xs]
    if oov_char is None:
        xs = [x[k] for x, k in zip(xs, kept)]
    else:
        xs = [np.where(k, x, oov_char) for x, k in zip(xs, kept)]
    split = int(np.floor(len(xs) * (1 - test_split)))
    xs = [x.tolist() for x in xs]
    return (xs[:split], ys[:split]), (xs[split:], ys[split:])


def check(got, want):
    (x_train, y_train), (x_test, y_test) = got
    (wx_train, wy_train), (wx_test, wy_test) = want
    for x, wx in ((x_train, wx_train), (x_test, wx_test)):
        assert isinstance(x, np.ndarray)
        assert x.dtype == object and x.shape == (len(wx),)
        assert all(isinstance(s, list) for s in x)
        assert [[int(w) for w in s] for s in x] == wx
    np.testing.assert_array_equal(y_train, wy_train)
    np.testing.assert_array_equal(y_test, wy_test)
    assert y_train.dtype == y_test.dtype == LABELS.dtype


def test_defaults_download_parse_and_cache(served, keras_home):
    got = reuters.load_data()
    check(got, reference())
    (x_train, _), (x_test, _) = got
    assert (len(x_train), len(x_test)) == (8, 2)
    # With num_words=None the largest index (15 + 3) is itself out of
    # vocabulary, as in Keras.
    assert 18 not in [w for s in x_train for w in s]
    assert os.path.exists(keras_home / "datasets" / "reuters.npz")
    reuters.load_data()
    assert served.hits == ["/reuters.npz"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_words": 10},
        {"num_words": 10, "skip_top": 5},
        {"num_words": 9, "skip_top": 4, "oov_char": None},
        {"start_char": None, "index_from": 0},
        {"start_char": None, "index_from": 2, "num_words": 8, "oov_char": 7},
        {"maxlen": 4},
        {"maxlen": 5, "num_words": 12, "skip_top": 3},
        {"test_split": 0.5, "seed": 7},
        {"test_split": 0.0},
        {"test_split": 1.0},
        {"test_split": 0.35, "seed": 0},
    ],
    ids=repr,
)
def test_options_match_reference(served, kwargs):
    check(reuters.load_data(**kwargs), reference(**kwargs))


def test_seed_changes_the_order(served):
    (a, _), _ = reuters.load_data(seed=1)
    (b, _), _ = reuters.load_data(seed=2)
    assert a.tolist() != b.tolist()


def test_equal_lengths_stay_a_1d_array_of_lists(
    local_server, keras_home, monkeypatch
):
    seqs = [[1, 2], [3, 4], [5, 6], [7, 8], [9, 1]]
    labels = np.arange(5)
    serve(monkeypatch, local_server, reuters_file(seqs, labels))
    got = reuters.load_data(test_split=0.4)
    check(got, reference(seqs, labels, test_split=0.4))


def test_maxlen_removing_everything_is_a_clear_error(served):
    with pytest.raises(ValueError, match="Increase maxlen"):
        reuters.load_data(maxlen=2)


@pytest.mark.parametrize("test_split", [-0.1, 1.5])
def test_bad_test_split(served, test_split):
    with pytest.raises(ValueError, match="test_split"):
        reuters.load_data(test_split=test_split)


def test_custom_path(served, keras_home):
    reuters.load_data(path="my_reuters.npz")
    assert os.path.exists(keras_home / "datasets" / "my_reuters.npz")


def test_wrong_hash_is_rejected(served, keras_home, monkeypatch):
    monkeypatch.setattr(
        reuters, "_FILE_HASH", hashlib.sha256(b"the real file").hexdigest()
    )
    with pytest.raises(ValueError, match="does not match"):
        reuters.load_data()
    assert not os.path.exists(keras_home / "datasets" / "reuters.npz")


def test_file_without_the_arrays(local_server, keras_home, monkeypatch):
    serve(monkeypatch, local_server, npz_bytes(x_train=np.zeros(2)))
    with pytest.raises(ValueError, match="lacks the arrays"):
        reuters.load_data()


class Evil:
    def __reduce__(self):
        return (os.getcwd, ())


def test_object_arrays_cannot_run_code(local_server, keras_home, monkeypatch):
    evil = np.empty(1, dtype=object)
    evil[0] = Evil()
    serve(monkeypatch, local_server, npz_bytes(x=evil, y=np.array([1])))
    with pytest.raises(pickle.UnpicklingError, match="Refusing"):
        reuters.load_data()


def serve_word_index(monkeypatch, server, data, md5):
    server.write("reuters_word_index.json", data)
    monkeypatch.setattr(reuters, "_ORIGIN_FOLDER", server.url())
    monkeypatch.setattr(reuters, "_WORD_INDEX_HASH", md5)


def test_word_index(local_server, keras_home, monkeypatch):
    data = b'{"the": 1, "of": 2, "said": 5}'
    md5 = hashlib.md5(data).hexdigest()
    serve_word_index(monkeypatch, local_server, data, md5)
    assert reuters.get_word_index() == {"the": 1, "of": 2, "said": 5}
    assert os.path.exists(keras_home / "datasets" / "reuters_word_index.json")


def test_word_index_wrong_hash(local_server, keras_home, monkeypatch):
    md5 = hashlib.md5(b"another file").hexdigest()
    serve_word_index(monkeypatch, local_server, b'{"the": 1}', md5)
    with pytest.raises(ValueError, match="does not match"):
        reuters.get_word_index()


def test_label_names():
    names = reuters.get_label_names()
    assert len(names) == len(set(names)) == 46
    assert names[:5] == ("cocoa", "grain", "veg-oil", "earn", "acq")
    assert names[16] == "crude" and names[19] == "money-fx"
    assert names[-1] == "lead"


def test_real_origin_and_hashes_are_keras():
    assert reuters._ORIGIN_FOLDER == (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
    )
    assert reuters._FILE_HASH == (
        "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
    )
    assert reuters._WORD_INDEX_HASH == "4d44cc38712099c9e383dc6e5f11a921"


def test_exported():
    import kerasnet

    assert kerasnet.datasets.reuters is reuters
