"""The rows of a large sheet below its header, held as Arrow columns instead of Python cells.

A million-line sheet read cell by cell costs a Python object per cell. When the reader gets
a sheet's data rows as typed columns from fastexcel (:mod:`reportgen.inputs.reading.columnar`), they
stay here as Arrow arrays, and each column is turned into Python values only once per
*distinct* value: a ledger repeats its client ids, dates, products and regions thousands of
times. The converters of :mod:`reportgen.inputs.values.columns` then read those distinct
cells exactly as they read cells from the cell-by-cell reader, so both paths give the same
values, problems and notes (tests/inputs/test_columnar.py compares them).

A column of a type this module does not hand over faithfully (durations, times of day,
mixed types) makes the whole sheet fall back to the cell-by-cell reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reportgen.inputs import schema
from reportgen.inputs.config import Config
from reportgen.inputs.values.cells import ColumnResult
from reportgen.inputs.values.columns import convert_column

#: python-calamine reads a serial below 1 as a time of day, which Arrow holds as a timestamp
#: on 1899-12-31: such a column is not handed over.
_FIRST_DAY = dt.datetime(1900, 1, 1)
_MIDNIGHT = dt.time(0, 0)


class NotColumnar(Exception):
    """A column holds values whose Python form would differ from the cell-by-cell reader's."""


def _python(value: object) -> object:
    """One Arrow value as python-calamine gives it: "" is blank, a whole-day timestamp a date."""
    if value == "":
        return None
    if isinstance(value, dt.datetime):
        if value < _FIRST_DAY:
            raise NotColumnar("time of day")
        return value.date() if value.time() == _MIDNIGHT else value
    return value


def _supported(t: pa.DataType) -> bool:
    return (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_float64(t)
            or pa.types.is_int64(t) or pa.types.is_boolean(t) or pa.types.is_null(t)
            or (pa.types.is_timestamp(t) and t.tz is None))


@dataclass
class Column:
    """One column's distinct values (in order of first appearance) and each row's code."""

    codes: np.ndarray  # int64 index into ``cells`` for every row
    cells: list[object]  # distinct Python values; None (blank) included when a row is blank


def _encode(array: pa.Array) -> Column:
    if pa.types.is_null(array.type):
        return Column(np.zeros(len(array), dtype=np.int64), [None])
    encoded = array.dictionary_encode()
    cells: list[object] = encoded.dictionary.to_pylist()
    t = array.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        if "" in cells:  # the distinct values hold each text once
            cells[cells.index("")] = None
    elif pa.types.is_timestamp(t):
        cells = [_python(v) for v in cells]
    indices = encoded.indices
    codes = indices.to_numpy(zero_copy_only=False)
    if indices.null_count:
        codes = np.where(indices.is_null().to_numpy(zero_copy_only=False), len(cells),
                         codes)
        cells.append(None)
    return Column(codes.astype(np.int64, copy=False), cells)


@dataclass
class Tail:
    """The data rows of a sheet: Arrow arrays by 0-based absolute column, all of one height."""

    arrays: dict[int, pa.Array]
    height: int
    _columns: dict[int, Column] = field(default_factory=dict, repr=False)

    @classmethod
    def from_batch(cls, batch: pa.RecordBatch) -> Tail:
        """The tail of a batch whose fields are named by absolute column; NotColumnar if unfit."""
        arrays = {int(name): batch.column(i) for i, name in enumerate(batch.schema.names)}
        for array in arrays.values():
            if not _supported(array.type):
                raise NotColumnar(str(array.type))
            if pa.types.is_timestamp(array.type) and array.null_count < len(array):
                earliest = pc.min(array).as_py()
                if earliest is not None and earliest < _FIRST_DAY:
                    raise NotColumnar("time of day")
        return cls(arrays, batch.num_rows)

    def blank_cells(self, cells: Iterable[tuple[int, int]], first_row: int) -> None:
        """Make the cells at (Excel row, absolute column) blank; row ``first_row`` is row 0."""
        by_col: dict[int, list[int]] = {}
        for row, col in cells:
            if col in self.arrays and 0 <= row - first_row < self.height:
                by_col.setdefault(col, []).append(row - first_row)
        for col, rows in by_col.items():
            mask = np.zeros(self.height, dtype=bool)
            mask[rows] = True
            array = self.arrays[col]
            self.arrays[col] = pc.if_else(pa.array(mask), pa.nulls(1, array.type)[0], array)
            self._columns.pop(col, None)

    def column(self, col: int) -> Column:
        """The distinct values and codes of absolute column ``col`` (all blank if absent)."""
        found = self._columns.get(col)
        if found is None:
            array = self.arrays.get(col)
            found = (_encode(array) if array is not None
                     else Column(np.zeros(self.height, dtype=np.int64), [None]))
            self._columns[col] = found
        return found

    def rows(self, start: int, stop: int) -> list[list[object]]:
        """Rows ``start:stop`` as Python values, ordered by absolute column."""
        out: list[list[object]] = [[] for _ in range(start, stop)]
        for col in sorted(self.arrays):
            values = [_python(v) for v in self.arrays[col].slice(start, stop - start).to_pylist()]
            for row, value in zip(out, values, strict=True):
                row.append(value)
        return out

    def row(self, i: int) -> list[object]:
        """Row ``i`` as Python values, ordered by absolute column."""
        out = []
        for col in sorted(self.arrays):
            column = self.column(col)
            out.append(column.cells[int(column.codes[i])])
        return out

    def blank_rows(self) -> np.ndarray:
        """True for each row whose every cell is blank (empty text counts as blank)."""
        blank = np.ones(self.height, dtype=bool)
        for array in self.arrays.values():
            if pa.types.is_null(array.type):
                continue
            empty = array.is_null()
            if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
                empty = pc.or_kleene(empty, pc.equal(array, ""))
            blank &= empty.to_numpy(zero_copy_only=False)
        return blank

    def matches(self, rows: Sequence[Sequence[object]], first_col: int) -> bool:
        """Whether the first rows of the tail hold exactly ``rows`` (cells from ``first_col``)."""
        if len(rows) > self.height:
            return False
        if any(v is not None and first_col + j not in self.arrays
               for row in rows for j, v in enumerate(row)):
            return False
        mine = self.rows(0, len(rows))
        order = sorted(self.arrays)
        for got, row in zip(mine, rows, strict=True):
            expected = [row[c - first_col] if 0 <= c - first_col < len(row) else None
                        for c in order]
            if any(type(a) is not type(b) or a != b for a, b in zip(got, expected, strict=True)):
                return False
        return True

    def convert(self, column: schema.Column, col: int, *, config: Config,
                date1904: bool) -> ColumnResult:
        """Absolute column ``col`` converted as ``column``: the distinct cells, then every row."""
        found = self.column(col)
        result = convert_column(column, found.cells, config=config, date1904=date1904)
        codes = found.codes
        values = result.values
        if values.dtype == object:
            expanded = pd.Series(np.asarray(values, dtype=object)[codes], dtype=object)
        else:
            expanded = pd.Series(values.array.take(codes))
        if not result.problems:
            return ColumnResult(expanded, (), result.column_notes)
        by_cell = {p.index: p for p in result.problems}
        flagged = np.zeros(len(found.cells), dtype=bool)
        flagged[list(by_cell)] = True
        problems = tuple(replace(by_cell[int(codes[i])], index=int(i))
                         for i in np.flatnonzero(flagged[codes]).tolist())
        return ColumnResult(expanded, problems, result.column_notes)


__all__ = ["NotColumnar", "Tail"]
