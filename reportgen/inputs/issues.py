"""Problems found in the input, as values with addresses.

Every problem reportgen notices in the spreadsheets becomes an :class:`Issue` carrying the
file, sheet, row (numbered as Excel numbers it) and column it concerns, a plain-words message
and a hint saying what to do, and a ``code`` (stable English snake_case, the same in every
language) for programs. Issues are collected across the whole input, shown together, counted
in the documents and exported to ``data-quality.xlsx``.

The message and the hint are :class:`reportgen.i18n.Text` made with ``N_``: English when read
as text, shown in another language by :meth:`Issue.line` and :meth:`Issue.text`. The loader
never needs to know the language.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from reportgen.i18n import N_, render


class Severity(StrEnum):
    """How bad a problem is: errors make the data unusable, warnings do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value

    def word(self, lang: str) -> str:
        """The severity as the start of a line in ``lang`` ("warning", "警告")."""
        return render(_SEVERITY_WORDS[self], lang)


_SEVERITY_WORDS = {
    Severity.ERROR: N_("error"),
    Severity.WARNING: N_("warning"),
    Severity.INFO: N_("info"),
}


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
    #: Money (stored, 1/MONEY_SCALE units) carried by a skipped row, so excluded sales can be
    #: totalled.
    money: int | None = None
    #: True when a skipped row's own amount could not be read: its money is unknown, not
    #: zero, and ``money`` leaves it out.
    money_unread: bool = False
    #: True when the row this issue concerns was left out of the analysis.
    skipped: bool = False
    #: The sales region the row belongs to, where it can be told ("" otherwise).
    region: str = ""
    #: The client the row is about, where it names one ("" otherwise).
    client_id: str = ""

    def where(self, lang: str = "en") -> str:
        """The address as a supervisor reads it: ``file, sheet "Sales", row 12, column "x"``."""
        return where(lang, file=self.file, sheet=self.sheet, row=self.row, column=self.column)

    def text(self, lang: str = "en", seen: set[str] | None = None) -> tuple[str, str]:
        """The message and the hint in ``lang`` (canonical names explained once in ``seen``)."""
        seen = set() if seen is None else seen
        return render(self.message, lang, seen), render(self.hint, lang, seen)

    def line(self, lang: str = "en") -> str:
        """One line for the terminal: ``warning: <where>: <message> — <hint>``."""
        place = self.where(lang)
        message, hint = self.text(lang)
        if lang == "zh":
            text = f"{self.severity.word(lang)}：{place}：{message}" if place else (
                f"{self.severity.word(lang)}：{message}")
            return text + (f"——{hint}" if hint else "")
        text = f"{self.severity}: {place}: {message}" if place else (
            f"{self.severity}: {message}"
        )
        if hint:
            text += f" — {hint}"
        return text


def where(lang: str, *, file: str = "", sheet: str = "", row: int | None = None,
          column: str = "") -> str:
    """An address in ``lang``; names are shown as the workbook spells them."""
    parts = []
    if file:
        parts.append(file)
    if sheet:
        parts.append(render(N_('sheet "%(sheet)s"', sheet=sheet), lang))
    if row is not None:
        parts.append(render(N_("row %(row)s", row=row), lang))
    if column:
        parts.append(render(N_('column "%(column)s"', column=column), lang))
    return ("，" if lang == "zh" else ", ").join(parts)


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
