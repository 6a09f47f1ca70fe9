"""The send ledger of a month (``sent.json``): which pack went to whom, so each goes once.

Decision taken where SPEC leaves room:

* **The ledger** (``sent.json`` in the month's folder) lists every delivery: the pack, the
  recipients the server accepted, the attachment's SHA-256, the time. It is rewritten
  atomically after every message, so a failure part-way leaves it true. A message is
  "already sent" to the recipients the ledger lists for that pack; a rerun sends only to the
  others (new or previously refused addresses), and ``--resend`` sends to everyone again.
  A pack that changed after it was sent is not sent again by itself: the user is told and
  can ``--resend``.
* **Uncertain deliveries**: when the connection is lost after the whole message went to the
  server but before its answer came back, the server may have accepted it. The delivery is
  recorded with ``"status": "uncertain"``: those recipients count as served (a second copy
  is worse than asking), and only ``--resend`` for that pack mails them again.
* **One send at a time**: :func:`send_lock` holds an exclusive ``flock`` on ``send.lock`` in
  the month's folder for the whole send, so two sends cannot both read the ledger as "not
  sent"; the holder's PID and start time are written in it for the one that waits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import DataError, EnvironmentFailure
from reportgen.i18n import N_

__all__ = ["LEDGER_NAME", "LOCK_NAME", "UNCERTAIN", "Ledger", "read_ledger", "send_lock"]

#: The ledger of sent messages, in the month's output folder.
LEDGER_NAME = "sent.json"
#: The manifest/ledger key of the all-regions pack.
ALL_KEY = ""
#: The lock file a send holds in the month's output folder.
LOCK_NAME = "send.lock"
#: The ``status`` of a delivery the server may have accepted without saying so.
UNCERTAIN = "uncertain"


@dataclass
class Ledger:
    """Every delivery made for the month, as stored in ``sent.json``."""

    path: Path
    month: str
    deliveries: list[dict[str, Any]] = field(default_factory=list)

    def delivered(self, key: str) -> list[str]:
        """Every address the pack ``key`` was delivered to, in the order first delivered."""
        out: list[str] = []
        for entry in self.deliveries:
            if entry.get("key") == key:
                out.extend(a for a in entry.get("recipients", []) if a not in out)
        return out

    def last(self, key: str) -> dict[str, Any] | None:
        """The latest delivery of the pack ``key``."""
        found = [e for e in self.deliveries if e.get("key") == key]
        return found[-1] if found else None

    def uncertain(self, key: str) -> bool:
        """Whether the latest delivery of the pack ``key`` is one the server never confirmed."""
        last = self.last(key)
        return last is not None and last.get("status") == UNCERTAIN

    def record(self, entry: dict[str, Any]) -> None:
        """Add a delivery and write the ledger at once (atomically)."""
        from reportgen.outputs.write import write_text_atomic

        self.deliveries.append(entry)
        data = {"month": self.month, "deliveries": self.deliveries}
        write_text_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def read_ledger(folder: Path, month: str) -> Ledger:
    """The month's ledger (empty when nothing was sent yet); DataError when it is unreadable."""
    path = folder / LEDGER_NAME
    if not path.exists():
        return Ledger(path, month)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        deliveries = data["deliveries"]
        if not isinstance(deliveries, list) or not all(isinstance(e, dict) for e in deliveries):
            raise ValueError("deliveries is not a list of records")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(N_(
            "the send ledger %(path)s cannot be read (%(problem)s); it records what was "
            "already sent, so nothing was sent. Restore it from a backup, or delete it if you "
            "are sure nothing of this month was sent", path=str(path), problem=str(exc))
        ) from None
    return Ledger(path, month, deliveries)


@contextlib.contextmanager
def send_lock(folder: Path, wait: float, *, poll: float = 0.1) -> Iterator[None]:
    """Hold the month's send lock; EnvironmentFailure naming the holder after ``wait`` s."""
    import fcntl

    path = folder / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise EnvironmentFailure(N_("cannot create the send lock %(path)s (%(problem)s)",
                                    path=str(path), problem=exc.strerror or str(exc))) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _held(path, fd, wait) from None
                time.sleep(poll)
        started = dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {started}\n".encode(), 0)
        try:
            yield
        finally:
            # Emptied before it is released: a stale PID must not name a send that has ended.
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _held(path: Path, fd: int, wait: float) -> EnvironmentFailure:
    """The failure of a send that found the lock taken: who holds it, since when."""
    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
    pid = holder[0] if holder else "?"
    since = holder[1][:19].replace("T", " ") if len(holder) > 1 else "?"
    return EnvironmentFailure(N_(
        "another reportgen send (process %(pid)s, started %(since)s) is sending this month's "
        "messages; waited %(wait)s seconds. Let it finish, then run reportgen send again to "
        "send what is left (the lock is %(path)s)", pid=pid, since=since, wait=f"{wait:g}",
        path=str(path)))
