"""Read one large worksheet as Arrow columns in a helper process, while the parent checks it.

python-calamine builds a Python object for every cell; on a million-line sheet that is most
of the reading time. fastexcel parses the same XML (with the same calamine) straight into
typed Arrow columns. It runs in a helper process
(:mod:`reportgen.inputs.reading.columnar_child`) for two reasons:

* the parse overlaps the safety scan of the file, which the parent runs at the same time on
  the other core; the parent waits for the helper only after the scan has passed, and kills
  it when the scan refuses the file. calamine aborts its process on some hostile files: the
  abort ends the helper, never reportgen;
* nothing is shared with the parent but the result, written to an anonymous memory file and
  mapped by the parent without a copy.

Every failure (a column of mixed types, a crash, a missing fastexcel) returns None: the
caller then reads the sheet cell by cell, as it does small sheets.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

#: How long the parent waits for a helper once its own checks are done.
_WAIT_SECONDS = 900


class Helper:
    """One helper process, started before the sheet's header is known."""

    def __init__(self, path: Path) -> None:
        self._file: IO[bytes] | None = None
        if hasattr(os, "memfd_create"):
            self._fd = os.memfd_create("reportgen-columns", os.MFD_CLOEXEC)
        else:  # pragma: no cover - not Linux
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _close()
            self._fd = self._file.fileno()
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "reportgen.inputs.reading.columnar_child", str(path),
             str(self._fd), str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(self._fd,), close_fds=True)

    def request(self, sheet: str, skip: int) -> None:
        """Read ``sheet`` below its first ``skip`` rows (counted from row 1)."""
        self._send({"sheet": sheet, "skip": skip})

    def cancel(self) -> None:
        """Stop the helper (if it still runs) and free the memory file."""
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()  # type: ignore[union-attr]
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        self._close()

    def result(self) -> pa.RecordBatch | None:
        """The columns the helper wrote, or None when it could not read the sheet."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        try:
            code = proc.wait(timeout=_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = -1
        try:
            if code != 0:
                return None
            return self._mapped()
        finally:
            self._close()

    def _mapped(self) -> pa.RecordBatch | None:
        import pyarrow as pa

        size = os.fstat(self._fd).st_size
        if size == 0:
            return None
        # The mapping outlives the descriptor; the arrays keep it alive.
        view = mmap.mmap(self._fd, size, access=mmap.ACCESS_READ)
        try:
            reader = pa.ipc.open_file(pa.py_buffer(view))
            if reader.num_record_batches != 1:
                return None
            return reader.get_batch(0)
        except (pa.ArrowInvalid, OSError):
            return None

    def _send(self, request: object) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None:
            return
        try:
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            proc.stdin.close()
        except OSError:  # the helper is gone; result() will say None
            pass

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        elif self._fd >= 0:
            os.close(self._fd)
        self._fd = -1


def available() -> bool:
    """Whether fastexcel and pyarrow can be imported (checked without importing them)."""
    from importlib.util import find_spec

    return find_spec("fastexcel") is not None and find_spec("pyarrow") is not None


__all__ = ["Helper", "available"]
