"""Fixtures for every test: the language of the tests' own environment does not leak in."""

from __future__ import annotations

import pytest

from reportgen.i18n import LANGUAGE_VARIABLES


@pytest.fixture(autouse=True)
def _english_environment(monkeypatch):
    # reportgen speaks the language the environment names (LANG=zh_CN.UTF-8 → Chinese);
    # the tests that expect English must get it on a developer's Chinese machine too.
    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
