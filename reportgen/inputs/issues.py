"""Problems found in the input, as values with addresses.

Every problem reportgen notices in the spreadsheets becomes an :class:`Issue` carrying the
file, sheet, row (numbered as Excel numbers it) and column it concerns, a plain-words message
and a hint saying what to do. Issues are collected across the whole input, shown together,
counted in the documents and exported to ``data-quality.xlsx``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: errors make the data unusable, warnings do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Issue:
    """One problem in the input, with its address and what to do about it."""

    severity: Severity
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    hint: str = ""
    code: str = ""
    #: Money (in cents) carried by a skipped row, so excluded sales can be totalled.
    amount_cents: int | None = None
    #: True when the row this issue concerns was left out of the analysis.
    skipped: bool = False
    #: The sales region the row belongs to, where it can be told ("" otherwise).
    region: str = ""
    #: The client the row is about, where it names one ("" otherwise).
    client_id: str = ""

    def where(self) -> str:
        """The address as a supervisor reads it: ``file, sheet "Sales", row 12, column "x"``."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f'column "{self.column}"')
        return ", ".join(parts)

    def line(self) -> str:
        """One line for the terminal: ``warning: <where>: <message> (<hint>)``."""
        where = self.where()
        text = f"{self.severity}: {where}: {self.message}" if where else (
            f"{self.severity}: {self.message}"
        )
        if self.hint:
            text += f" — {self.hint}"
        return text


@dataclass
class IssueLog:
    """Collects issues while the input is read; the only mutable piece of the pipeline."""

    items: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        """Record one issue."""
        self.items.append(issue)

    def error(self, message: str, **where: object) -> None:
        """Record an error."""
        self.items.append(Issue(Severity.ERROR, message, **where))  # type: ignore[arg-type]

    def warning(self, message: str, **where: object) -> None:
        """Record a warning."""
        self.items.append(Issue(Severity.WARNING, message, **where))  # type: ignore[arg-type]

    def info(self, message: str, **where: object) -> None:
        """Record a note."""
        self.items.append(Issue(Severity.INFO, message, **where))  # type: ignore[arg-type]

    def extend(self, issues: Iterable[Issue]) -> None:
        """Record several issues."""
        self.items.extend(issues)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Issue]:
        """The issues of error severity."""
        return [i for i in self.items if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        """The issues of warning severity."""
        return [i for i in self.items if i.severity is Severity.WARNING]
