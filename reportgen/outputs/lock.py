"""One writer at a time in a month's folder: an exclusive lock file that names its holder.

Decisions taken where SPEC leaves room:

* **A lock per month folder and per kind of work**: ``run.lock`` for the commands that write
  the month's workbooks, documents, index and manifest (``run``, ``plans``, ``pack``,
  ``analyze``, ``watch``, ``demo``); the send ledger keeps its own ``send.lock``
  (``delivery/ledger.py``), and ``send`` also takes ``run.lock`` while it reads the documents
  and builds its messages, so it never mails a pack a run is rewriting. Every file is already written atomically, but two runs at once
  would still each read the manifest before the other wrote it, so the last one would drop
  the other's documents from it, and a folder could end with plans in two languages. Under
  the lock the second run starts from what the first left.
* **An advisory ``flock``**, released by the kernel when its process ends however it ends, so
  a killed run never leaves the folder locked. The holder writes its process id and start
  time into the file for the one that waits, and empties it before releasing, so a stale id
  never names a process that has finished. So ``run.lock`` is the one file of the month a
  run always writes, even one that changes nothing; it holds no output.
* **A bounded wait**: the second process polls for ``wait`` seconds, then stops with a message
  naming the holder; it never waits for ever.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from reportgen.errors import EnvironmentFailure
from reportgen.i18n import N_

__all__ = ["RUN_LOCK", "RUN_WAIT", "exclusive_lock", "month_lock"]

#: The lock file a run holds in the month's output folder while it writes there.
RUN_LOCK = "run.lock"
#: How long a run waits by default for another one writing to the same month's folder.
RUN_WAIT = 60.0


@contextlib.contextmanager
def exclusive_lock(path: Path, wait: float, busy: Callable[[str, str], EnvironmentFailure],
                   *, poll: float = 0.1) -> Iterator[None]:
    """Hold the lock file ``path``; raise ``busy(pid, since)`` when still taken after ``wait`` s."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise EnvironmentFailure(N_("cannot create the lock file %(path)s (%(problem)s)",
                                    path=str(path), problem=exc.strerror or str(exc))) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise busy(*_holder(fd)) from None
                time.sleep(poll)
        started = dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {started}\n".encode(), 0)
        try:
            yield
        finally:
            # Emptied before it is released: a stale PID must not name a process that has ended.
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(fd: int) -> tuple[str, str]:
    """The holder's process id and start time (``?`` for what it has not written yet)."""
    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
    pid = holder[0] if holder else "?"
    since = holder[1][:19].replace("T", " ") if len(holder) > 1 else "?"
    return pid, since


def month_lock(folder: Path, wait: float = RUN_WAIT) -> contextlib.AbstractContextManager[None]:
    """Hold the month folder's run lock (creating the folder), waiting at most ``wait`` s."""
    from reportgen.outputs.write import environment_failure

    path = folder / RUN_LOCK
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise environment_failure(path, exc) from None

    def busy(pid: str, since: str) -> EnvironmentFailure:
        return EnvironmentFailure(N_(
            "another reportgen (process %(pid)s, started %(since)s) is writing to %(folder)s; "
            "waited %(wait)s seconds. Let it finish, then run this again, or give --wait with "
            "more seconds (the lock is %(path)s)", pid=pid, since=since, folder=str(folder),
            wait=f"{wait:g}", path=str(path)))

    return exclusive_lock(path, wait, busy)
