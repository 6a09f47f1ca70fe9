"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Every output goes to a hidden temporary file in the same folder (so the final rename stays on
one file system), is flushed to disk, then renamed over the target. Whatever goes wrong - a
full disk, a read-only folder, Ctrl-C - the temporary file is removed and the old output, if
any, is left as it was. Operating-system errors become one plain ``EnvironmentFailure``.

A run killed outright (``kill -9``, a power cut) cannot remove its temporary file. Each one is
therefore named after the process writing it (``.<name>.<host>-<pid>.<random>.tmp``), and the
first write into a folder (or the check that a file is unchanged) removes the temporary files
there and in the folders directly below it whose process is gone - a month's folder with its
plans/ and packs/ - so the next run cleans up after the killed one without touching a file
another run is still writing.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import socket
import tempfile
import time
from pathlib import Path

from reportgen.errors import EnvironmentFailure
from reportgen.i18n import N_

# Read once at import: os.umask can only be read by setting it, which is not thread-safe.
_UMASK = os.umask(0)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK

#: This machine, as it appears in temporary file names (a folder may be shared by several).
_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
#: A temporary file of this module: .<target name>.<host>-<pid>.<mkstemp's random part>.tmp
_TEMP_NAME = re.compile(r"\A\..+\.(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)\.[a-z0-9_]+\.tmp\Z")
#: Any temporary file of ours this old is stale: no write takes a day, and a process id may
#: have been reused, or belong to another machine sharing the folder.
STALE_AFTER_SECONDS = 24 * 3600
#: Folders already cleaned by this process (each is swept once, on its first write).
_SWEPT: set[str] = set()

_DENIED = N_("permission denied. Choose another --out folder or ask for write access")
_NOT_A_FOLDER = N_("part of that path is a file, not a folder. Choose another --out folder")
_PLAIN_REASONS = {
    errno.ENOSPC: N_("the disk is full. Free some space, then run again"),
    errno.EROFS: N_("the disk is read-only. Choose another --out folder"),
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
    errno.ENOTDIR: _NOT_A_FOLDER,
    errno.EEXIST: _NOT_A_FOLDER,
    errno.EISDIR: N_("a folder is in the way of the file. Move it, then run again"),
    errno.ENAMETOOLONG: N_("the file name is too long. Choose a shorter --out folder"),
}
if hasattr(errno, "EDQUOT"):  # missing from errno on some platforms
    _PLAIN_REASONS[errno.EDQUOT] = N_("your disk quota is used up. Free some space, then run "
                                      "again")


def environment_failure(path: Path, error: OSError) -> EnvironmentFailure:
    """A plain-words EnvironmentFailure for an OSError raised while writing ``path``."""
    reason: object = _PLAIN_REASONS.get(error.errno or 0) or (error.strerror or str(error)).lower()
    failure = EnvironmentFailure(N_("cannot write to %(folder)s: %(reason)s",
                                    folder=Path(path).parent, reason=reason))
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


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return True


def is_stale_temp_file(name: str, age_seconds: float) -> bool:
    """True for a temporary file of this module whose writer is gone (a killed run's leftover)."""
    m = _TEMP_NAME.match(name)
    if m is None:
        return False
    if age_seconds > STALE_AFTER_SECONDS:
        return True
    # Another machine's process cannot be asked whether it still runs: wait the day out.
    return m["host"] == _HOST and not _process_alive(int(m["pid"]))


def remove_stale_temp_files(folder: Path | str, *, depth: int = 0) -> list[Path]:
    """Delete the temporary files killed runs left in ``folder`` (and ``depth`` levels below)."""
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed  # a folder that cannot be listed has nothing we can clean
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if depth > 0:
                    removed += remove_stale_temp_files(entry.path, depth=depth - 1)
                continue
            if not entry.name.endswith(".tmp") or not entry.is_file(follow_symlinks=False):
                continue
            if is_stale_temp_file(entry.name, now - entry.stat(follow_symlinks=False).st_mtime):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # gone already, or not ours to remove: never fail a write over it
    return removed


def _sweep_once(folder: Path) -> None:
    """Clean ``folder`` and the folders in it, the first time this process writes there."""
    key = os.fspath(folder)
    if key not in _SWEPT:
        _SWEPT.add(key)
        remove_stale_temp_files(folder, depth=1)


def _write_atomic(path: Path, data: bytes) -> None:
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    _sweep_once(folder)
    fd, temp_name = tempfile.mkstemp(
        dir=folder, prefix=f".{path.name}.{_HOST}-{os.getpid()}.", suffix=".tmp")
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
    # Also when nothing is written: a rerun after a killed run must still clean up after it.
    _sweep_once(target.parent)
    try:
        if _same_content(target, payload):
            return False
    except OSError as error:
        raise environment_failure(target, error) from error
    write_bytes_atomic(target, payload)
    return True
