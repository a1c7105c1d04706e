"""mnist, fashion_mnist, cifar10, cifar100 and imdb against small files in
the real formats, served from 127.0.0.1 (see conftest.py): the download,
cache, hash check and parsing code is the one users run."""

import gzip
import hashlib
import io
import os
import pickle
import tarfile

import numpy as np
import pytest
from kerasnet.datasets import cifar10, cifar100, fashion_mnist, imdb, mnist


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def serve(monkeypatch, module, server, name, data, attr="_FILE_HASH"):
    """Serves `data` as the module's file, with its hash as the known one."""
    server.write(name, data)
    monkeypatch.setattr(module, "_ORIGIN_FOLDER", server.url())
    monkeypatch.setattr(module, attr, sha256(data))


# -- mnist ---------------------------------------------------------------------
def mnist_arrays(rng, n_train=6, n_test=4):
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def test_mnist_download_parse_and_cache(
    local_server, keras_home, monkeypatch, rng
):
    arrays = mnist_arrays(rng)
    serve(monkeypatch, mnist, local_server, "mnist.npz", npz_bytes(**arrays))
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_train, arrays["y_train"])
    np.testing.assert_array_equal(x_test, arrays["x_test"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert x_train.dtype == np.uint8
    assert os.path.exists(keras_home / "datasets" / "mnist.npz")
    mnist.load_data()
    assert local_server.hits == ["/mnist.npz"]


def test_mnist_path_argument(local_server, keras_home, monkeypatch, rng):
    serve(
        monkeypatch,
        mnist,
        local_server,
        "mnist.npz",
        npz_bytes(**mnist_arrays(rng)),
    )
    mnist.load_data(path="my_mnist.npz")
    assert os.path.exists(keras_home / "datasets" / "my_mnist.npz")


def test_mnist_wrong_hash_is_rejected(
    local_server, keras_home, monkeypatch, rng
):
    serve(
        monkeypatch,
        mnist,
        local_server,
        "mnist.npz",
        npz_bytes(**mnist_arrays(rng)),
    )
    monkeypatch.setattr(mnist, "_FILE_HASH", sha256(b"the real file"))
    with pytest.raises(ValueError, match="does not match"):
        mnist.load_data()
    assert not os.path.exists(keras_home / "datasets" / "mnist.npz")


def test_real_origins_and_hashes_are_keras():
    assert mnist._ORIGIN_FOLDER == (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
    )
    assert mnist._FILE_HASH.startswith("731c5ac602752760c8e48fbffcf8c3b8")
    assert cifar10._ORIGIN.endswith("cifar-10-python.tar.gz")
    assert cifar10._FILE_HASH.startswith("6d958be074577803d12ecdefd02955f3")
    assert imdb._FILE_HASH.startswith("69664113be75683a8fe16e3ed0ab59fd")
    assert len(fashion_mnist._FILE_HASHES) == 4


def test_offline_error_is_clear(dead_url, keras_home, monkeypatch):
    monkeypatch.setattr(
        mnist, "_ORIGIN_FOLDER", dead_url.rsplit("/", 1)[0] + "/"
    )
    with pytest.raises(ConnectionError, match="offline"):
        mnist.load_data()


def test_malformed_npz_is_a_clear_error(local_server, keras_home, monkeypatch):
    serve(
        monkeypatch,
        mnist,
        local_server,
        "mnist.npz",
        npz_bytes(x_train=np.zeros(2)),
    )
    with pytest.raises(ValueError, match="lacks the arrays"):
        mnist.load_data()


# -- fashion_mnist ------------------------------------------------------------
def idx_gz(array, magic):
    header = magic.to_bytes(4, "big") + len(array).to_bytes(4, "big")
    if array.ndim == 3:
        header += (28).to_bytes(4, "big") * 2
    return gzip.compress(header + array.tobytes())


def test_fashion_mnist(local_server, keras_home, monkeypatch, rng):
    x_train = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8)
    y_train = rng.integers(0, 10, 5, dtype=np.uint8)
    x_test = rng.integers(0, 256, (3, 28, 28), dtype=np.uint8)
    y_test = rng.integers(0, 10, 3, dtype=np.uint8)
    files = {
        "train-labels-idx1-ubyte.gz": idx_gz(y_train, 0x0801),
        "train-images-idx3-ubyte.gz": idx_gz(x_train, 0x0803),
        "t10k-labels-idx1-ubyte.gz": idx_gz(y_test, 0x0801),
        "t10k-images-idx3-ubyte.gz": idx_gz(x_test, 0x0803),
    }
    for name, data in files.items():
        local_server.write(name, data)
    monkeypatch.setattr(fashion_mnist, "_ORIGIN_FOLDER", local_server.url())
    monkeypatch.setattr(
        fashion_mnist, "_FILE_HASHES", {k: sha256(v) for k, v in files.items()}
    )
    (a, b), (c, d) = fashion_mnist.load_data()
    for got, want in ((a, x_train), (b, y_train), (c, x_test), (d, y_test)):
        np.testing.assert_array_equal(got, want)
    assert os.path.exists(
        keras_home / "datasets" / "fashion-mnist" / "t10k-images-idx3-ubyte.gz"
    )


def test_fashion_mnist_rejects_a_wrong_format(
    local_server, keras_home, monkeypatch, rng
):
    y = rng.integers(0, 10, 5, dtype=np.uint8)
    files = {name: idx_gz(y, 0x0801) for name in fashion_mnist._FILE_HASHES}
    for name, data in files.items():
        local_server.write(name, data)
    monkeypatch.setattr(fashion_mnist, "_ORIGIN_FOLDER", local_server.url())
    monkeypatch.setattr(
        fashion_mnist, "_FILE_HASHES", {k: sha256(v) for k, v in files.items()}
    )
    with pytest.raises(ValueError, match="magic number"):
        fashion_mnist.load_data()


# -- cifar ---------------------------------------------------------------------
def cifar_batch(rng, n, label_keys=("labels",)):
    data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
    batch = {
        b"batch_label": b"testing batch",
        b"data": data,
        b"filenames": [b"img_%d.png" % i for i in range(n)],
    }
    labels = {}
    for key in label_keys:
        labels[key] = [int(v) for v in rng.integers(0, 10, n)]
        batch[key.encode()] = labels[key]
    # Protocol 2, bytes keys: what the real (Python 2) files hold.
    return pickle.dumps(batch, protocol=2), data, labels


def tar_gz(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def check_images(x, data):
    """x[i, row, col, channel] == data[i, channel * 1024 + row * 32 + col]."""
    np.testing.assert_array_equal(
        x, data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    )
    i, r, c, ch = 1, 5, 7, 2
    assert x[i, r, c, ch] == data[i, ch * 1024 + r * 32 + c]


def serve_cifar(monkeypatch, module, server, archive):
    server.write("cifar.tar.gz", archive)
    monkeypatch.setattr(module, "_ORIGIN", server.url("cifar.tar.gz"))
    monkeypatch.setattr(module, "_FILE_HASH", sha256(archive))


def test_cifar10(local_server, keras_home, monkeypatch, rng):
    members, datas, labels = {}, [], []
    for i in range(1, 6):
        blob, data, lab = cifar_batch(rng, 2)
        members[f"cifar-10-batches-py/data_batch_{i}"] = blob
        datas.append(data)
        labels += lab["labels"]
    blob, test_data, test_lab = cifar_batch(rng, 3)
    members["cifar-10-batches-py/test_batch"] = blob
    serve_cifar(monkeypatch, cifar10, local_server, tar_gz(members))
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and y_train.shape == (10, 1)
    assert x_test.shape == (3, 32, 32, 3) and y_test.shape == (3, 1)
    assert x_train.dtype == y_train.dtype == y_test.dtype == np.uint8
    check_images(x_train, np.concatenate(datas))
    check_images(x_test, test_data)
    np.testing.assert_array_equal(y_train[:, 0], labels)
    np.testing.assert_array_equal(y_test[:, 0], test_lab["labels"])
    # Second call: cached and already extracted.
    cifar10.load_data()
    assert len(local_server.hits) == 1


def test_cifar100_label_modes(local_server, keras_home, monkeypatch, rng):
    keys = ("fine_labels", "coarse_labels")
    train, train_data, train_lab = cifar_batch(rng, 4, keys)
    test, _, test_lab = cifar_batch(rng, 2, keys)
    archive = tar_gz(
        {"cifar-100-python/train": train, "cifar-100-python/test": test}
    )
    serve_cifar(monkeypatch, cifar100, local_server, archive)
    (x_train, y_train), (_, y_test) = cifar100.load_data()
    check_images(x_train, train_data)
    np.testing.assert_array_equal(y_train[:, 0], train_lab["fine_labels"])
    assert y_train.dtype == np.int64
    (_, y_train), (_, y_test) = cifar100.load_data(label_mode="coarse")
    np.testing.assert_array_equal(y_test[:, 0], test_lab["coarse_labels"])
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data(label_mode="medium")


class Evil:
    def __reduce__(self):
        return (os.getcwd, ())


def test_cifar_pickle_cannot_run_code(local_server, keras_home, monkeypatch):
    blob = pickle.dumps({b"data": Evil(), b"labels": []}, protocol=2)
    members = {f"cifar-10-batches-py/data_batch_{i}": blob for i in range(1, 6)}
    members["cifar-10-batches-py/test_batch"] = blob
    serve_cifar(monkeypatch, cifar10, local_server, tar_gz(members))
    with pytest.raises(pickle.UnpicklingError, match="Refusing"):
        cifar10.load_data()


# -- imdb ----------------------------------------------------------------------
# Word indexes as stored in the file (1 = the most frequent word).
TRAIN = [[1, 2, 3], [4, 1], [5, 6, 7, 8, 9], [2]]
TEST = [[3, 3], [9, 1, 2, 7]]


def imdb_file():
    def obj(seqs):
        out = np.empty(len(seqs), dtype=object)
        out[:] = [list(s) for s in seqs]
        return out

    return npz_bytes(
        x_train=obj(TRAIN),
        y_train=np.array([1, 0, 1, 0]),
        x_test=obj(TEST),
        y_test=np.array([0, 1]),
    )


@pytest.fixture
def imdb_served(local_server, keras_home, monkeypatch):
    serve(monkeypatch, imdb, local_server, "imdb.npz", imdb_file())
    return local_server


def keras_order(seed=113):
    rng = np.random.RandomState(seed)
    a = np.arange(len(TRAIN))
    rng.shuffle(a)
    b = np.arange(len(TEST))
    rng.shuffle(b)
    return a, b


def test_imdb_defaults(imdb_served):
    (x_train, y_train), (x_test, y_test) = imdb.load_data()
    order_train, order_test = keras_order()

    # start_char=1, then word + index_from (3). With num_words=None the
    # largest index (9 + 3 = 12) is the vocabulary size and becomes oov (2),
    # as in Keras.
    def expect(seq):
        return [1] + [w + 3 if w + 3 < 12 else 2 for w in seq]

    assert x_train == [expect(TRAIN[i]) for i in order_train]
    assert x_test == [expect(TEST[i]) for i in order_test]
    np.testing.assert_array_equal(y_train, np.array([1, 0, 1, 0])[order_train])
    np.testing.assert_array_equal(y_test, np.array([0, 1])[order_test])


def test_imdb_num_words_skip_top_and_no_start(imdb_served):
    (x_train, _), _ = imdb.load_data(
        num_words=7, skip_top=4, start_char=None, index_from=2, seed=5
    )
    order_train, _ = keras_order(5)
    # Indexes w + 2 outside [4, 7) become the oov character 2.
    expect = [
        [w + 2 if 4 <= w + 2 < 7 else 2 for w in TRAIN[i]] for i in order_train
    ]
    assert x_train == expect
    (x_train, _), _ = imdb.load_data(num_words=7, oov_char=None, index_from=0)
    assert all(w < 7 for s in x_train for w in s)


def test_imdb_maxlen_filters_long_reviews(imdb_served):
    # With the start character, lengths are 4, 3, 6, 2 (train), 3, 5 (test).
    (x_train, y_train), (x_test, _) = imdb.load_data(maxlen=4)
    assert sorted(len(s) for s in x_train) == [2, 3]
    assert len(y_train) == 2 and [len(s) for s in x_test] == [3]
    with pytest.raises(ValueError, match="Increase maxlen"):
        imdb.load_data(maxlen=2)


def test_imdb_word_index(local_server, keras_home, monkeypatch):
    data = b'{"the": 1, "and": 2}'
    local_server.write("imdb_word_index.json", data)
    monkeypatch.setattr(imdb, "_ORIGIN_FOLDER", local_server.url())
    monkeypatch.setattr(imdb, "_WORD_INDEX_HASH", hashlib.md5(data).hexdigest())
    assert imdb.get_word_index() == {"the": 1, "and": 2}


def test_imdb_object_arrays_cannot_run_code(
    local_server, keras_home, monkeypatch
):
    evil = np.empty(1, dtype=object)
    evil[0] = Evil()
    serve(
        monkeypatch,
        imdb,
        local_server,
        "imdb.npz",
        npz_bytes(
            x_train=evil,
            y_train=np.array([1]),
            x_test=evil,
            y_test=np.array([1]),
        ),
    )
    with pytest.raises(pickle.UnpicklingError, match="Refusing"):
        imdb.load_data()
