"""get_file: download into the cache, hashes, extraction, offline errors.

Everything is served from 127.0.0.1 (see conftest.py) or file:// URLs.
"""

import hashlib
import io
import os
import tarfile
import zipfile

import pytest
from kerasnet.utils import file_utils, get_file

DATA = b"kerasnet test payload\n" * 1000


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def md5(b):
    return hashlib.md5(b).hexdigest()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def test_downloads_into_keras_home_and_caches(local_server, keras_home, capsys):
    local_server.write("data.bin", DATA)
    path = get_file("data.bin", origin=local_server.url("data.bin"))
    assert path == os.path.join(str(keras_home), "datasets", "data.bin")
    assert read(path) == DATA
    assert "Downloading data from" in capsys.readouterr().out
    again = get_file("data.bin", origin=local_server.url("data.bin"))
    assert again == path
    assert local_server.hits == ["/data.bin"]  # second call: from the cache
    # No temporary files are left behind.
    assert os.listdir(os.path.dirname(path)) == ["data.bin"]


def test_default_cache_is_home_dot_keras(local_server, tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    local_server.write("a.txt", b"abc")
    path = get_file(origin=local_server.url("a.txt"))
    assert path == str(tmp_path / "home" / ".keras" / "datasets" / "a.txt")


def test_cache_dir_and_subdir_arguments(local_server, tmp_path):
    local_server.write("a.txt", b"abc")
    path = get_file(
        "b.txt",
        origin=local_server.url("a.txt"),
        cache_dir=tmp_path / "c",
        cache_subdir="sub",
    )
    assert path == str(tmp_path / "c" / "sub" / "b.txt")
    absolute = tmp_path / "elsewhere"
    path = get_file(
        "b.txt",
        origin=local_server.url("a.txt"),
        cache_dir=tmp_path / "c",
        cache_subdir=str(absolute),
    )
    assert path == str(absolute / "b.txt")


def test_fname_defaults_to_the_url_name(local_server, keras_home):
    local_server.write("dir/name.npz", DATA)
    path = get_file(origin=local_server.url("dir/name.npz"))
    assert os.path.basename(path) == "name.npz"


@pytest.mark.parametrize("algorithm", ["auto", "sha256", "md5"])
def test_hash_check_passes(local_server, keras_home, algorithm):
    local_server.write("data.bin", DATA)
    digest = md5(DATA) if algorithm == "md5" else sha256(DATA)
    path = get_file(
        "data.bin",
        origin=local_server.url("data.bin"),
        file_hash=digest,
        hash_algorithm=algorithm,
    )
    assert read(path) == DATA


def test_auto_hash_detects_md5_by_length(local_server, keras_home):
    local_server.write("data.bin", DATA)
    path = get_file(
        "data.bin", origin=local_server.url("data.bin"), file_hash=md5(DATA)
    )
    assert read(path) == DATA
    # The deprecated md5_hash argument too.
    get_file(
        "data.bin", origin=local_server.url("data.bin"), md5_hash=md5(DATA)
    )


def test_hash_mismatch_raises_and_keeps_nothing(local_server, keras_home):
    local_server.write("data.bin", DATA)
    with pytest.raises(ValueError, match="does not match the provided value"):
        get_file(
            "data.bin",
            origin=local_server.url("data.bin"),
            file_hash=sha256(b"something else"),
        )
    folder = os.path.join(str(keras_home), "datasets")
    assert os.listdir(folder) == []


def test_corrupt_cached_file_is_downloaded_again(
    local_server, keras_home, capsys
):
    local_server.write("data.bin", DATA)
    path = get_file("data.bin", origin=local_server.url("data.bin"))
    with open(path, "wb") as f:
        f.write(b"truncated")
    path = get_file(
        "data.bin", origin=local_server.url("data.bin"), file_hash=sha256(DATA)
    )
    assert read(path) == DATA
    assert len(local_server.hits) == 2
    assert "re-download" in capsys.readouterr().out


def test_force_download(local_server, keras_home):
    local_server.write("data.bin", DATA)
    get_file("data.bin", origin=local_server.url("data.bin"))
    local_server.write("data.bin", b"new content")
    path = get_file(
        "data.bin", origin=local_server.url("data.bin"), force_download=True
    )
    assert read(path) == b"new content"


def test_offline_raises_connection_error_with_advice(dead_url, keras_home):
    with pytest.raises(ConnectionError) as info:
        get_file("file.bin", origin=dead_url)
    message = str(info.value)
    assert dead_url in message and "offline" in message
    assert os.path.join("datasets", "file.bin") in message  # where to put it
    assert os.listdir(os.path.join(str(keras_home), "datasets")) == []


def test_offline_with_a_cached_file_still_works(
    local_server, dead_url, keras_home
):
    local_server.write("file.bin", DATA)
    get_file("file.bin", origin=local_server.url("file.bin"))
    assert read(get_file("file.bin", origin=dead_url)) == DATA


def test_http_error_raises_oserror(local_server, keras_home):
    with pytest.raises(OSError, match="404"):
        get_file("missing.bin", origin=local_server.url("missing.bin"))


def test_file_url(tmp_path, keras_home):
    src = tmp_path / "src.bin"
    src.write_bytes(DATA)
    path = get_file("copy.bin", origin=src.as_uri(), file_hash=sha256(DATA))
    assert read(path) == DATA


def test_missing_file_url_is_a_clear_error(tmp_path, keras_home):
    with pytest.raises(ConnectionError, match="URL fetch failure"):
        get_file("x.bin", origin=(tmp_path / "nope.bin").as_uri())


def test_argument_errors(keras_home):
    with pytest.raises(ValueError, match="origin"):
        get_file("x.bin")
    with pytest.raises(ValueError, match="Paths are not accepted"):
        get_file(os.path.join("a", "b.bin"), origin="http://127.0.0.1/b.bin")
    with pytest.raises(ValueError, match="hash_algorithm"):
        get_file(
            "x.bin", origin="http://127.0.0.1/x.bin", hash_algorithm="sha1"
        )
    with pytest.raises(ValueError, match="file name"):
        get_file(origin="http://127.0.0.1/")


# -- archives ----------------------------------------------------------------
def _tar_gz(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zip(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_extract_tar_named_without_extension(local_server, keras_home):
    archive = _tar_gz({"top/a.txt": b"A", "top/sub/b.txt": b"B"})
    local_server.write("pack.tar.gz", archive)
    path = get_file(
        "pack",
        origin=local_server.url("pack.tar.gz"),
        extract=True,
        file_hash=sha256(archive),
    )
    datasets = os.path.join(str(keras_home), "datasets")
    assert path == os.path.join(datasets, "pack")
    assert read(os.path.join(path, "top", "a.txt")) == b"A"
    assert read(os.path.join(path, "top", "sub", "b.txt")) == b"B"
    assert os.path.exists(os.path.join(datasets, "pack_archive"))
    # Cached: neither downloaded nor extracted again.
    assert (
        get_file("pack", origin=local_server.url("pack.tar.gz"), extract=True)
        == path
    )
    assert len(local_server.hits) == 1


def test_extract_zip_named_with_extension(local_server, keras_home):
    local_server.write("pack.zip", _zip({"x/y.txt": b"Y"}))
    path = get_file(
        "pack.zip", origin=local_server.url("pack.zip"), extract=True
    )
    datasets = os.path.join(str(keras_home), "datasets")
    assert path == os.path.join(datasets, "pack_extracted")
    assert read(os.path.join(path, "x", "y.txt")) == b"Y"
    assert os.path.exists(os.path.join(datasets, "pack.zip"))


def test_untar_is_extract_as_tar(local_server, keras_home):
    local_server.write("p.tar.gz", _tar_gz({"f.txt": b"F"}))
    path = get_file("p", origin=local_server.url("p.tar.gz"), untar=True)
    assert read(os.path.join(path, "f.txt")) == b"F"


def test_unsafe_archive_members_are_skipped(local_server, keras_home):
    archive = _tar_gz({"ok.txt": b"fine", "../evil.txt": b"bad"})
    local_server.write("p.tar.gz", archive)
    with pytest.warns(UserWarning, match="Skipping invalid path"):
        path = get_file("p", origin=local_server.url("p.tar.gz"), extract=True)
    assert read(os.path.join(path, "ok.txt")) == b"fine"
    assert not os.path.exists(os.path.join(os.path.dirname(path), "evil.txt"))

    local_server.write("z.zip", _zip({"ok.txt": b"fine", "../zevil.txt": b"x"}))
    with pytest.warns(UserWarning, match="Skipping invalid path"):
        path = get_file("z", origin=local_server.url("z.zip"), extract=True)
    assert not os.path.exists(os.path.join(os.path.dirname(path), "zevil.txt"))


def test_not_an_archive_warns(local_server, keras_home):
    local_server.write("plain.bin", DATA)
    with pytest.warns(UserWarning, match="Could not extract archive"):
        get_file("plain", origin=local_server.url("plain.bin"), extract=True)


def test_hash_helpers(tmp_path):
    p = tmp_path / "f"
    p.write_bytes(DATA)
    assert file_utils.hash_file(p, "sha256") == sha256(DATA)
    assert file_utils.hash_file(p, "md5") == md5(DATA)
    assert file_utils.validate_file(p, sha256(DATA).upper())
    assert not file_utils.validate_file(p, md5(b"x"))
