"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Every output goes to a hidden temporary file in the same folder (so the final rename stays on
one file system), is flushed to disk, then renamed over the target. Whatever goes wrong - a
full disk, a read-only folder, Ctrl-C - the temporary file is removed and the old output, if
any, is left as it was. Operating-system errors become one plain ``EnvironmentFailure``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from reportgen.errors import EnvironmentFailure

# Read once at import: os.umask can only be read by setting it, which is not thread-safe.
_UMASK = os.umask(0)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK

_PLAIN_REASONS = {
    errno.ENOSPC: "the disk is full. Free some space, then run again",
    errno.EROFS: "the disk is read-only. Choose another --out folder",
    errno.EACCES: "permission denied. Choose another --out folder or ask for write access",
    errno.EPERM: "permission denied. Choose another --out folder or ask for write access",
    errno.ENOTDIR: "part of that path is a file, not a folder. Choose another --out folder",
    errno.EEXIST: "part of that path is a file, not a folder. Choose another --out folder",
    errno.EISDIR: "a folder is in the way of the file. Move it, then run again",
    errno.ENAMETOOLONG: "the file name is too long. Choose a shorter --out folder",
}
if hasattr(errno, "EDQUOT"):  # missing from errno on some platforms
    _PLAIN_REASONS[errno.EDQUOT] = "your disk quota is used up. Free some space, then run again"


def environment_failure(path: Path, error: OSError) -> EnvironmentFailure:
    """A plain-words EnvironmentFailure for an OSError raised while writing ``path``."""
    reason = _PLAIN_REASONS.get(error.errno or 0) or (error.strerror or str(error)).lower()
    failure = EnvironmentFailure(f"cannot write to {Path(path).parent}: {reason}")
    failure.__cause__ = error
    return failure


def _fsync_folder(folder: Path) -> None:
    """Flush the rename itself to disk (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # Some file systems refuse fsync on a folder; the data itself is already safe.
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes) -> None:
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            # mkstemp makes the file private (0600); outputs get the usual permissions.
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), _FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        # Also on KeyboardInterrupt: never leave a half-written hidden file behind.
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_folder(folder)


def write_bytes_atomic(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, creating its folder; EnvironmentFailure on error."""
    target = Path(path)
    try:
        _write_atomic(target, data)
    except OSError as error:
        raise environment_failure(target, error) from error


def write_text_atomic(path: Path | str, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (line endings kept as given)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def _same_content(path: Path, data: bytes) -> bool:
    try:
        if not path.is_file() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except FileNotFoundError:
        return False


def write_if_changed(path: Path | str, data: bytes | str) -> bool:
    """Write ``data`` atomically unless ``path`` already holds exactly it; True if written."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if _same_content(target, payload):
            return False
    except OSError as error:
        raise environment_failure(target, error) from error
    write_bytes_atomic(target, payload)
    return True
