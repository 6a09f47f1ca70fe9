"""Values spelt from a list: enum codes, 1–5 scores and yes/no, matched like column names.

Each accepted value has its spellings (``schema.VALUE_SPELLINGS`` plus ``[values.<column>]``
in reportgen.toml), matched after the same normalisation as column names.

Scores are whole numbers 1–5: a half point is an error rather than a silent rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from reportgen.i18n import N_, Join, Term
from reportgen.inputs import schema
from reportgen.inputs.values.amounts import A_NUMBER, decimal_of, text_decimal
from reportgen.inputs.values.cells import (
    BLANK,
    BOOL,
    FLOAT,
    INT,
    STR,
    CellValueError,
    cannot_read,
    clean_text,
    common_failures,
    is_blank_text,
    kind_of,
    number_text,
    quote,
)


def spelling_lookup(spellings: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Normalised spelling → canonical code (each code also spells itself; first one wins)."""
    lookup: dict[str, str] = {}
    for code, words in spellings.items():
        for word in (code, *words):
            lookup.setdefault(schema.normalise_name(word), code)
    return lookup


def _accepted(spellings: Mapping[str, Iterable[str]]) -> Join:
    """The accepted codes, each with its first Chinese spelling: ``lead (线索), won (赢单)``."""
    parts = []
    for code, words in spellings.items():
        chinese = next((w for w in words if not w.isascii()), "")
        parts.append(Term(f"{code} ({chinese})" if chinese else code,
                          words={"zh": f"{chinese}（{code}）" if chinese else code}))
    return Join(parts)


def _spelled(cell: object, lookup: Mapping[str, str]) -> str | None:
    """The code a text (or TRUE/FALSE, or a whole number) spells, or None."""
    kind = kind_of(cell)
    if kind == BOOL:
        key = "true" if cell else "false"
    elif kind == STR:
        key = schema.normalise_name(str(cell))
    elif kind in (FLOAT, INT):
        key = schema.normalise_name(number_text(float(cell)))  # type: ignore[arg-type]
    else:
        return None
    return lookup.get(key)


def parse_enum(cell: object, spellings: Mapping[str, Iterable[str]], *,
               column: str = "") -> str | None:
    """The canonical code a cell spells (matched like column names), or None for a blank cell."""
    return read_enum(cell, spellings, spelling_lookup(spellings), column)


def read_enum(cell: object, spellings: Mapping[str, Iterable[str]], lookup: Mapping[str, str],
              column: str) -> str | None:
    """:func:`parse_enum` with the spelling lookup already built."""
    kind = kind_of(cell)
    if kind == BLANK or (kind == STR and is_blank_text(str(cell))):
        return None
    hint = N_("write one of these values")
    if column:
        hint = N_("write one of these values, or add this spelling under [values.%(column)s] "
                  "in reportgen.toml", column=column)
    common_failures(cell, N_("a value"), hint)
    code = _spelled(cell, lookup)
    if code is None:
        raise CellValueError(N_("%(value)s is not one of: %(accepted)s", value=quote(cell),
                                accepted=_accepted(spellings)), hint)
    return code


_SCORE_HINT = N_("write a score from 1 to 5, or yes / maybe / no (是 / 待定 / 否)")
_A_SCORE = N_("a score")


def parse_score(cell: object, spellings: Mapping[str, Iterable[str]] | None = None) -> int | None:
    """A 1–5 score; yes / maybe / no (是 / 待定 / 否) give 5 / 3 / 1. Halves are errors."""
    lookup = spelling_lookup(spellings if spellings is not None
                             else schema.VALUE_SPELLINGS["answer"])
    return read_score(cell, lookup)


def read_score(cell: object, lookup: Mapping[str, str]) -> int | None:
    """:func:`parse_score` with the spelling lookup already built."""
    kind = kind_of(cell)
    if kind == BLANK or (kind == STR and is_blank_text(str(cell))):
        return None
    common_failures(cell, _A_SCORE, _SCORE_HINT)
    code = _spelled(cell, lookup) if kind in (STR, BOOL) else None
    if code is not None:
        return int(code)
    if kind == BOOL:
        raise CellValueError(cannot_read(cell, _A_SCORE), _SCORE_HINT)
    if kind == STR:
        text = clean_text(str(cell)).removesuffix("分").strip()
        value: Decimal | None
        try:
            value = text_decimal(text, decimal_comma=False, noun=A_NUMBER, currency=False)
        except CellValueError:
            raise CellValueError(cannot_read(cell, _A_SCORE), _SCORE_HINT) from None
    else:
        value = decimal_of(cell, noun=A_NUMBER, decimal_comma=False, currency=False)
        assert value is not None
    # A half point (2.5) is rejected rather than rounded: the screen's "no answer is a 1"
    # rule needs whole answers, and a silent rounding would change a gate's verdict.
    if value != value.to_integral_value() or not 1 <= value <= 5:
        raise CellValueError(N_("the score %(value)s is not a whole number from 1 to 5",
                                value=quote(cell)), _SCORE_HINT)
    return int(value)


_BOOL_HINT = N_("write yes or no (是 / 否)")
_YES_OR_NO = N_("yes or no")


def parse_bool(cell: object, spellings: Mapping[str, Iterable[str]] | None = None) -> bool | None:
    """Yes/no: TRUE/FALSE cells, 1/0, and the ``bool`` spellings (yes, 是, resolved…)."""
    lookup = spelling_lookup(spellings if spellings is not None
                             else schema.VALUE_SPELLINGS["bool"])
    return read_bool(cell, lookup)


def read_bool(cell: object, lookup: Mapping[str, str]) -> bool | None:
    """:func:`parse_bool` with the spelling lookup already built."""
    kind = kind_of(cell)
    if kind == BLANK or (kind == STR and is_blank_text(str(cell))):
        return None
    common_failures(cell, _YES_OR_NO, _BOOL_HINT)
    if kind == BOOL:
        return bool(cell)
    if kind in (FLOAT, INT) and float(cell) in (0.0, 1.0):  # type: ignore[arg-type]
        return float(cell) == 1.0  # type: ignore[arg-type]
    code = _spelled(cell, lookup) if kind == STR else None
    if code is None:
        raise CellValueError(cannot_read(cell, _YES_OR_NO), _BOOL_HINT)
    return code == "true"
