"""Watching the inputs folder: wait until a dropped workbook has settled, then act on it.

The watcher only notices and waits; what to do with the change (run the month again) is
the caller's ``on_change``. Decisions:

* **What counts.** Files directly in the inputs folder (the loader does not read sub-folders)
  that the loader would read, or would report as unreadable (an Apple Numbers file, say);
  Office and LibreOffice lock files (``~$x.xlsx``, ``.~lock.x.xlsx#``), hidden files, editor
  backups and temporary files (``~WRL0001.tmp``, Excel's extension-less save files) are
  ignored. Creations, changes, deletions and renames into or out of the folder all count.
  Events of files merely opened or closed without writing are ignored - the loader itself
  opens every workbook, and must not set off another run.
* **Settled.** A change is acted on once no event has come for ``settle`` seconds *and* the
  changed files' size and modification time are what they were at the last event (a copy
  onto a network share may write without events). Changes that arrive while ``on_change``
  runs are kept for the next round.
* **Stopping.** ``stop`` (a :class:`threading.Event`) ends the loop between rounds; Ctrl-C
  in the calling thread ends it too. The observer thread is always stopped and joined;
  what watchdog logs while it is being torn down (an emitter stopped in the middle of a read
  logs an error, in English) is not shown: it says nothing about the month's inputs.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler

__all__ = ["DEFAULT_SETTLE", "Changes", "is_watched", "wait_for_changes", "watch_inputs"]

#: Seconds a changed file must stay unchanged before the month is run again.
DEFAULT_SETTLE = 2.0
#: How often the settle loop looks at the clock and the stop flag.
POLL = 0.05
#: Event types that say nothing about a file's content.
_IGNORED_EVENTS = frozenset({"opened", "closed_no_write"})

_Stat = tuple[int, int] | None
#: The loggers of watchdog's observers (each module logs under its own name).
_OBSERVER_LOGGERS = ("watchdog.observers", "watchdog.observers.inotify",
                     "watchdog.observers.inotify_c", "watchdog.observers.polling", "fsevents")


def _drop(_record: logging.LogRecord) -> bool:
    return False


def is_watched(path: Path, inputs: Path) -> bool:
    """Whether a change to ``path`` concerns the month's inputs in the folder ``inputs``."""
    # Imported here so that `reportgen --help` does not pay for the reader and its settings.
    from reportgen.inputs.reading.workbook import UNSUPPORTED_SPREADSHEETS, is_ignored_file

    if Path(os.path.abspath(path.parent)) != Path(os.path.abspath(inputs)):
        return False
    if not is_ignored_file(path):
        return True
    # Formats the loader cannot read still count, as the run reports them by name (the same
    # test as the loader's folder scan).
    return (path.suffix.lower() in UNSUPPORTED_SPREADSHEETS
            and not path.name.startswith((".", "~$")))


def _stat(path: Path) -> _Stat:
    """(size, modification time) of ``path``, or None when it is gone."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


class Changes(FileSystemEventHandler):
    """The changed input files noticed so far, with the time of the latest event."""

    def __init__(self, inputs: Path) -> None:
        super().__init__()
        self.inputs = Path(os.path.abspath(inputs))
        self._lock = threading.Lock()
        self._seen: dict[Path, _Stat] = {}
        self._last = 0.0
        self.wake = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Note the input files an event touches (watchdog calls this from its thread)."""
        if event.is_directory or event.event_type in _IGNORED_EVENTS:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self.add(Path(os.fsdecode(raw)))

    def add(self, path: Path) -> None:
        """Note a change to ``path`` if it is an input file."""
        if not is_watched(path, self.inputs):
            return
        with self._lock:
            self._seen[path] = _stat(path)
            self._last = time.monotonic()
        self.wake.set()

    def peek(self) -> tuple[dict[Path, _Stat], float]:
        """The files changed so far with their state at the last event, and that event's time."""
        with self._lock:
            return dict(self._seen), self._last

    def restart_clock(self, state: dict[Path, _Stat]) -> None:
        """Files changed without an event: remember their new state and wait again."""
        with self._lock:
            self._seen.update(state)
            self._last = time.monotonic()

    def take(self) -> list[Path]:
        """The changed files, forgotten from now on, sorted by name."""
        with self._lock:
            paths = sorted(self._seen)
            self._seen.clear()
            self.wake.clear()
            return paths


def wait_for_changes(changes: Changes, *, settle: float, stop: threading.Event,
                     poll: float = POLL) -> list[Path] | None:
    """Block until changed files have been quiet for ``settle`` seconds; None once stopped."""
    while not stop.is_set():
        seen, last = changes.peek()
        if not seen:
            changes.wake.wait(poll)
            continue
        quiet = time.monotonic() - last
        if quiet < settle:
            stop.wait(min(poll, settle - quiet))
            continue
        now = {path: _stat(path) for path in seen}
        if now != seen:
            changes.restart_clock(now)
            continue
        return changes.take()
    return None


def watch_inputs(inputs: Path, on_change: Callable[[Sequence[Path]], Any], *,
                 settle: float = DEFAULT_SETTLE, stop: threading.Event | None = None,
                 poll: float = POLL, started: Callable[[], Any] | None = None) -> None:
    """Call ``on_change(files)`` each time files in ``inputs`` have changed and settled."""
    from watchdog.observers import Observer

    stop = stop or threading.Event()
    changes = Changes(inputs)
    observer = Observer()
    observer.schedule(changes, str(inputs), recursive=False)
    observer.start()
    try:
        if started is not None:
            started()
        while True:
            batch = wait_for_changes(changes, settle=settle, stop=stop, poll=poll)
            if batch is None:
                return
            on_change(batch)
    finally:
        # A logger's filter sees only what that logger itself logs, hence one per module.
        loggers = [logging.getLogger(name) for name in _OBSERVER_LOGGERS]
        for logger in loggers:
            logger.addFilter(_drop)
        try:
            observer.stop()
            observer.join(timeout=5)
        finally:
            for logger in loggers:
                logger.removeFilter(_drop)
