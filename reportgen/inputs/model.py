"""The loaded input: validated tables plus the issues found and the files they came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from reportgen.inputs.issues import Issue, Severity


@dataclass(frozen=True)
class InputFile:
    """One input file as it was read: its name inside the inputs folder and its hash."""

    name: str
    sha256: str
    size: int
    #: The sheets of this file that were used, as ``(sheet name, kind)`` pairs.
    sheets: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Dataset:
    """Every table reportgen understood, keyed by sheet kind (see :mod:`reportgen.inputs.schema`).

    Tables hold canonical columns plus ``_file``, ``_sheet`` and ``_row`` address columns.
    Only kinds found in the input are present; rows that failed validation are not in them
    (each left a skipped-row :class:`Issue`).
    """

    tables: Mapping[str, pd.DataFrame]
    issues: tuple[Issue, ...] = ()
    inputs: tuple[InputFile, ...] = ()
    #: True when the client list was derived from the sales lines (no Clients sheet).
    clients_derived: bool = False
    #: Canonical columns that were present in the input, per kind (absent ones are all-blank).
    present: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def has(self, kind: str) -> bool:
        """Whether a sheet of this kind was read."""
        return kind in self.tables

    def table(self, kind: str) -> pd.DataFrame:
        """The table of this kind (raises ``KeyError`` when it was not in the input)."""
        return self.tables[kind]

    def has_column(self, kind: str, column: str) -> bool:
        """Whether the input carried this column (as opposed to it being all blank by default)."""
        return column in self.present.get(kind, frozenset())

    @property
    def errors(self) -> tuple[Issue, ...]:
        """Issues of error severity."""
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """Issues of warning severity."""
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    @property
    def usable(self) -> bool:
        """Whether the required tables are there, so an analysis can run."""
        return "sales" in self.tables and "clients" in self.tables
