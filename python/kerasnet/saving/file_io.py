"""Atomic file writes and the guarded reading of zip members.

`atomic_path(path)` yields a temporary path in the same folder; when the
block ends without error the file is flushed to disk and renamed over
`path` (one `os.replace`), so a crash or kill during a save leaves the
previous file intact. Zip members that declare a size far beyond what they
store are refused before anything is read (Keras' decompression-bomb rule).
"""

import contextlib
import os
import tempfile

# A member declaring more than this must store at least 1/_ZIP_MAX_EXPANSION
# of it (Keras: 4 GiB and 100x).
ZIP_BOMB_FLOOR_BYTES = 1 << 32
ZIP_MAX_EXPANSION = 100


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(filepath):
    """Yields a temporary path beside `filepath`; renames it into place on success."""
    filepath = os.fspath(filepath)
    directory = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            f"Cannot save to '{filepath}': the folder '{directory}' does not exist."
        )
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(filepath) + ".",
                               suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, filepath)
        _fsync_dir(directory)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def check_zip_member(archive, name, source):
    """Raises ValueError if member `name` of `archive` is absent or a zip bomb."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ValueError(
            f"'{source}' is not a valid .keras file: it has no '{name}' member "
            f"(members: {archive.namelist()[:10]})."
        ) from None
    if info.file_size > ZIP_BOMB_FLOOR_BYTES and info.file_size > ZIP_MAX_EXPANSION * max(
            info.compress_size, 1):
        raise ValueError(
            f"Not allowed: zip member '{name}' of '{source}' declares "
            f"{info.file_size} bytes but stores only {info.compress_size}; "
            "refusing to load a potential decompression bomb."
        )
    return info


def read_zip_member(archive, name, source):
    """The bytes of member `name`, after `check_zip_member`."""
    check_zip_member(archive, name, source)
    with archive.open(name, "r") as f:
        return f.read()


def ask_to_proceed_with_overwrite(filepath):
    """Asks on the terminal whether to overwrite `filepath` (Keras' prompt)."""
    try:
        answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n] ")
    except EOFError:
        return False
    while answer.strip().lower() not in ("y", "n"):
        try:
            answer = input('Enter "y" (overwrite) or "n" (cancel): ')
        except EOFError:
            return False
    return answer.strip().lower() == "y"
