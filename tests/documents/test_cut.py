"""How much text and how many rows a document shows (documents/cut.py)."""

from __future__ import annotations

import pytest

from reportgen.documents.charts.text import _fit
from reportgen.documents.cut import cut, first, listed


@pytest.mark.parametrize(("text", "limit", "shown"), [
    ("Northwind", 9, "Northwind"),        # fits exactly: left whole
    ("Northwind", 8, "Northwi…"),         # 7 characters and "…"
    ("North wind", 7, "North…"),          # no space left before the "…"
    ("恒通机电有限公司", 5, "恒通机电…"),
    ("", 3, ""),
])
def test_cut_keeps_the_start_and_an_ellipsis_within_the_limit(text, limit, shown):
    assert cut(text, limit) == shown
    assert len(cut(text, limit)) <= limit


def test_first_rows_and_how_many_more():
    assert first(list(range(25)), 20) == (list(range(20)), 5)
    assert first([1, 2], 20) == ([1, 2], 0)
    section = {"rows": list(range(20_000)), "note": None}
    cut_section = listed(section)
    assert cut_section["rows"] == list(range(20)) and cut_section["rows_more"] == 19_980
    assert section["rows"] == list(range(20_000))  # the whole list is left as it was


def test_a_megabyte_chart_label_is_fitted_without_measuring_every_character():
    # A Latin glyph (and "…") is 0.6 em of 12 px, 7.2 px: 100 px hold 12 of them and "…".
    assert _fit("Northwind " * 100_000, 100, 12) == "Northwind No…"
    assert _fit("Northwind", 100, 12) == "Northwind"
