"""get_file: download a file into the Keras cache, check its hash, extract it.

The network modules (urllib, tarfile, zipfile, hashlib) load on first use so
that `import kerasnet` stays fast.
"""

import os
import warnings
from kerasnet.utils.progbar import Progbar

_CHUNK = 1 << 16


def keras_home():
    """`$KERAS_HOME` if set, else `~/.keras`."""
    return os.environ.get("KERAS_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras"
    )


def path_to_string(path):
    """The string form of a path-like object; anything else unchanged."""
    if isinstance(path, os.PathLike):
        return os.fspath(path)
    return path


# -- hashes ------------------------------------------------------------------
def _hasher(algorithm, file_hash=None):
    import hashlib

    if algorithm == "sha256":
        return hashlib.sha256()
    if algorithm == "md5":
        return hashlib.md5()
    if algorithm == "auto":
        if file_hash is not None and len(file_hash) == 64:
            return hashlib.sha256()
        return hashlib.md5()
    raise ValueError(
        '`hash_algorithm` must be one of "auto", "md5" or "sha256". '
        f"Received: hash_algorithm={algorithm!r}"
    )


def hash_file(fpath, algorithm="sha256", chunk_size=_CHUNK):
    """The hex digest of a file ("sha256", "md5", or "auto" = sha256)."""
    hasher = _hasher("sha256" if algorithm == "auto" else algorithm)
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=_CHUNK):
    """Whether the file's hash equals `file_hash` ("auto": by its length)."""
    hasher = _hasher(algorithm, file_hash)
    name = "sha256" if hasher.name == "sha256" else "md5"
    return hash_file(fpath, name, chunk_size) == str(file_hash).lower()


# -- archives ----------------------------------------------------------------
def _inside(base, name):
    """Whether `name` (relative to `base`) stays inside `base`."""
    base = os.path.realpath(base)
    target = os.path.realpath(os.path.join(base, name))
    return os.path.commonpath([base, target]) == base


def _safe_tar_members(archive, base):
    for info in archive.getmembers():
        ok = _inside(base, info.name)
        if ok and info.issym():
            link = os.path.join(os.path.dirname(info.name), info.linkname)
            ok = _inside(base, link)
        elif ok and info.islnk():
            ok = _inside(base, info.linkname)
        if ok and not (info.isdev() or info.isfifo()):
            yield info
        else:
            warnings.warn(
                "Skipping invalid path during archive extraction: "
                f"'{info.name}'.",
                stacklevel=3,
            )


def _safe_zip_members(archive, base):
    for info in archive.infolist():
        if _inside(base, info.filename):
            yield info
        else:
            warnings.warn(
                "Skipping invalid path during archive extraction: "
                f"'{info.filename}'.",
                stacklevel=3,
            )


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extracts a tar (.tar, .tar.gz, .tar.bz2, .tar.xz) or zip archive.

    Members that would land outside `path` (absolute names, "..", links
    pointing out) are skipped with a warning.

    Args:
        file_path: the archive.
        path: the folder to extract into.
        archive_format: "auto" (= ["tar", "zip"]), "tar", "zip", a list of
            those, or None (no extraction).

    Returns:
        True if the archive matched a format and was extracted, else False.
    """
    import shutil
    import tarfile
    import zipfile

    if archive_format is None:
        return False
    if archive_format == "auto":
        archive_format = ["tar", "zip"]
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    file_path, path = path_to_string(file_path), path_to_string(path)
    for kind in archive_format:
        if kind == "tar":
            matches, opener = tarfile.is_tarfile, tarfile.open
        elif kind == "zip":
            matches, opener = zipfile.is_zipfile, zipfile.ZipFile
        else:
            raise ValueError(
                '`archive_format` entries must be "tar" or "zip". '
                f"Received: {kind!r}"
            )
        if not matches(file_path):
            continue
        os.makedirs(path, exist_ok=True)
        try:
            with opener(file_path) as archive:
                if kind == "zip":
                    members = list(_safe_zip_members(archive, path))
                    archive.extractall(path, members=members)
                else:
                    members = list(_safe_tar_members(archive, path))
                    kwargs = {}
                    if hasattr(tarfile, "data_filter"):
                        kwargs["filter"] = "data"
                    archive.extractall(path, members=members, **kwargs)
        except (tarfile.TarError, zipfile.BadZipFile, OSError, RuntimeError):
            shutil.rmtree(path, ignore_errors=True)
            raise
        except KeyboardInterrupt:
            shutil.rmtree(path, ignore_errors=True)
            raise
        return True
    return False


# -- download ----------------------------------------------------------------
def _cache_folder(cache_dir, cache_subdir):
    """The folder for the file, falling back to /tmp/.keras if unwritable."""
    import tempfile

    base = os.path.expanduser(path_to_string(cache_dir))
    folder = os.path.join(base, cache_subdir)
    try:
        os.makedirs(folder, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    folder = os.path.join(tempfile.gettempdir(), ".keras", cache_subdir)
    os.makedirs(folder, exist_ok=True)
    return folder


def _download(origin, target, file_hash, hash_algorithm):
    """Streams `origin` into `target` (atomically: a temporary file first)."""
    import tempfile
    import urllib.error
    import urllib.request


    print(f"Downloading data from {origin}", flush=True)
    folder = os.path.dirname(target)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".download-")
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                response = urllib.request.urlopen(origin, timeout=60)
            except urllib.error.HTTPError as e:
                raise OSError(
                    f"URL fetch failure on {origin}: {e.code} -- {e.reason}"
                ) from None
            except (urllib.error.URLError, OSError) as e:
                reason = getattr(e, "reason", e)
                raise ConnectionError(
                    f"URL fetch failure on {origin}: {reason}. Could not "
                    "download the file: is this machine offline? Download it "
                    f"by hand and place it at {target}, or set KERAS_HOME to "
                    "a cache folder that already holds it."
                ) from None
            with response:
                size = response.headers.get("Content-Length")
                progbar = Progbar(int(size) if size else None)
                done = 0
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    out.write(chunk)
                    done += len(chunk)
                    progbar.update(done)
                if size and done < int(size):
                    raise ConnectionError(
                        f"URL fetch failure on {origin}: the connection "
                        f"closed after {done} of {size} bytes."
                    )
                if not size:
                    progbar.update(done, finalize=True)
        if file_hash is not None and not validate_file(
            tmp, file_hash, hash_algorithm
        ):
            raise ValueError(
                "Incomplete or corrupted file detected. The "
                f"{_algorithm_name(hash_algorithm, file_hash)} file hash of "
                f"the file downloaded from {origin} does not match the "
                f"provided value of {file_hash}."
            )
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _algorithm_name(algorithm, file_hash):
    if algorithm != "auto":
        return algorithm
    return "sha256" if file_hash is not None and len(file_hash) == 64 else "md5"


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
):
    """Downloads a file from a URL if it is not already in the cache.

    By default the file at `origin` goes to `~/.keras/datasets/fname` (the
    cache folder is `$KERAS_HOME` when set, else `~/.keras`; if it is not
    writable, `/tmp/.keras`). Files in `.tar`, `.tar.gz`, `.tar.bz2`, and
    `.zip` formats can also be extracted. With a `file_hash`, a cached file
    whose hash differs is downloaded again, and a download whose hash
    differs raises ValueError. Any URL that `urllib` opens works, including
    `file://`.

    Args:
        fname: the local name of the file. If `None`, the last part of the
            URL's path. With `extract=True`, a name without an extension is
            the extraction folder.
        origin: the URL of the file (required).
        untar: deprecated in favor of `extract`; extracts a tar archive.
        md5_hash: deprecated in favor of `file_hash`; an md5 hash.
        file_hash: the expected sha256 or md5 hash of the file.
        cache_subdir: subfolder of the cache folder (an absolute path is used
            as it is). Defaults to `"datasets"`.
        hash_algorithm: "md5", "sha256", or "auto" (detects it from the
            length of `file_hash`).
        extract: if `True`, extract the archive and return the folder.
        archive_format: "auto" (tar, then zip), "tar", "zip", or None.
        cache_dir: the cache folder (default `$KERAS_HOME` or `~/.keras`).
        force_download: download even if the file is cached.

    Returns:
        The path of the downloaded file, or of the extraction folder when
        extracting.

    Raises:
        ConnectionError: the URL could not be reached (e.g. offline).
        OSError: the server answered with an HTTP error.
        ValueError: bad arguments, or the downloaded file's hash differs.
    """
    if origin is None:
        raise ValueError(
            'Please specify the "origin" argument (URL of the file to '
            "download)."
        )
    origin = path_to_string(origin)
    if not isinstance(origin, str):
        raise TypeError(
            f"`origin` must be a URL string. Received: origin={origin!r}"
        )
    if cache_dir is None:
        cache_dir = keras_home()
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    _hasher(hash_algorithm)  # validates the name
    datadir = _cache_folder(cache_dir, cache_subdir)

    given_fname = path_to_string(fname)
    fname = given_fname
    if not fname:
        import urllib.parse

        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                "Can't parse the file name from the origin provided: "
                f"'{origin}'. Please specify the `fname` argument."
            )
    elif os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError(
            "Paths are not accepted as the `fname` argument. To choose the "
            "file's parent folder, use the `cache_dir` (and `cache_subdir`) "
            f"argument. Received: fname={fname}"
        )

    if extract or untar:
        if given_fname and "." in fname:
            target = os.path.join(datadir, fname)
            stem = fname[: fname.find(".")]
            extraction_dir = os.path.join(datadir, f"{stem}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            target = os.path.join(datadir, f"{fname}_archive")
    else:
        target = os.path.join(datadir, fname)

    download = True
    if not force_download and os.path.exists(target):
        download = False
        if file_hash is not None and not validate_file(
            target, file_hash, hash_algorithm
        ):
            print(
                "A local file was found, but it seems to be incomplete or "
                f"outdated because the "
                f"{_algorithm_name(hash_algorithm, file_hash)} file hash does "
                f"not match the original value of {file_hash} so we will "
                "re-download the data.",
                flush=True,
            )
            download = True
    if download:
        _download(origin, target, file_hash, hash_algorithm)

    if extract or untar:
        if download or not os.path.isdir(extraction_dir):
            fmt = "tar" if untar else archive_format
            if not extract_archive(target, extraction_dir, fmt):
                warnings.warn("Could not extract archive.", stacklevel=2)
        return extraction_dir
    return target
