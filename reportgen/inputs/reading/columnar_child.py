"""The helper process that reads one large worksheet into Arrow columns with fastexcel.

It runs as ``python -m reportgen.inputs.reading.columnar_child WORKBOOK OUT_FD``. It imports
fastexcel and pyarrow while the parent reads the sheet's first rows, then reads one line from
standard input: ``{"sheet": name, "skip": rows}``. It reads the sheet below the first ``skip``
rows, every column typed strictly (a column that mixes types is refused rather than coerced),
and writes the columns as an Arrow IPC file to ``OUT_FD``, one field per column, named by the
column's 0-based index in the sheet.

Exit status: 0 written, 3 a column mixes types, 1 anything else. The parent falls back to
its cell-by-cell reader whatever the reason, so nothing here is reported to the user.

The parent checks the file for safety while this process parses it, and kills it if the
file is refused; a parse that aborts (calamine aborts on some hostile files) ends only this
process.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys

EXIT_WRITTEN, EXIT_FAILED, EXIT_MIXED_TYPES = 0, 1, 3


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (else the check below suffices)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(EXIT_FAILED)


def main(argv: list[str]) -> int:
    """Read the requested sheet and write its columns; the exit status says how it went."""
    path, out_fd, parent = argv[0], int(argv[1]), int(argv[2])
    _die_with_parent(parent)
    # calamine logs dtype guesses on standard error; the user must not see them.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    import fastexcel
    import pyarrow as pa

    reader = fastexcel.read_excel(path)
    request = json.loads(sys.stdin.readline() or "null")
    if not request:
        return EXIT_FAILED
    try:
        sheet = reader.load_sheet(
            request["sheet"], header_row=None, skip_rows=int(request["skip"]),
            dtype_coercion="strict", schema_sample_rows=None)
        columns = [c.absolute_index for c in sheet.available_columns()]
        batch = sheet.to_arrow()
    except fastexcel.UnsupportedColumnTypeCombinationError:
        return EXIT_MIXED_TYPES
    batch = pa.RecordBatch.from_arrays(batch.columns, names=[str(c) for c in columns])
    with os.fdopen(out_fd, "wb", closefd=True) as out, \
            pa.ipc.new_file(out, batch.schema) as writer:
        writer.write_batch(batch)
    return EXIT_WRITTEN


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except BaseException:  # noqa: BLE001 - any failure means "read it the other way"
        code = EXIT_FAILED
    sys.stdout.flush()
    os._exit(code)
