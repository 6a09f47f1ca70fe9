"""Who gets the month's review packs: the recipient lists and the sender, as addresses.

One message per region pack goes to the region's leadership list, and one with the
all-regions pack to ``[email] leadership`` (SPEC, "E-mail"). This module reads those lists
(and ``[email] sender``) into checked addresses.

Decision taken where SPEC leaves room:

* **Recipients**: ``[email.regions]`` replaces the Regions sheet's list for a region (it is
  an override, not an addition). Addresses are split on ``,`` and ``;`` (also the full-width
  ``，``, ``；`` and ``、`` and line breaks, which Chinese spreadsheets hold), may be written
  ``Name <address>`` (the name is dropped) and are checked; a bad one is left out with a
  warning naming where it was written, and duplicates are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from reportgen.documents import fmt
from reportgen.errors import ConfigError
from reportgen.i18n import N_

__all__ = ["Recipients", "clean", "leadership_recipients", "region_recipients",
           "sender_address", "split_addresses"]

# An addr-spec without quoted local parts or address literals: what a supervisor writes.
_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
)
_SEPARATORS = re.compile(r"[,;，；、\r\n]+")
_NAMED_ADDRESS = re.compile(r"^[^<>]*<([^<>]*)>$")


@dataclass(frozen=True)
class Recipients:
    """Who gets one pack, and the problems met reading the list."""

    addresses: tuple[str, ...]
    problems: tuple[str, ...] = ()


def clean(text: str) -> str:
    """Text without control or invisible format characters, spaces collapsed."""
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in str(text) if unicodedata.category(c) != "Cf")
    return " ".join(kept.split())


def split_addresses(text: object) -> tuple[list[str], list[str]]:
    """The e-mail addresses in a cell or list, deduplicated; and the entries that are not one."""
    if text is None or fmt.is_blank(text):
        return [], []
    items = text if isinstance(text, list | tuple) else [text]
    good: list[str] = []
    bad: list[str] = []
    seen: set[str] = set()
    for item in items:
        for raw in _SEPARATORS.split(str(item)):
            entry = raw.strip()
            if not entry:
                continue
            named = _NAMED_ADDRESS.match(entry)
            address = (named.group(1) if named else entry).strip()
            if not _ADDRESS.fullmatch(address):
                bad.append(clean(entry))
            elif address.casefold() not in seen:
                seen.add(address.casefold())
                good.append(address)
    return good, bad


def _where(row: Mapping[Any, Any]) -> str:
    """The Regions-sheet address of a row, as a supervisor reads it."""
    parts = [str(row.get("_file") or ""), f'sheet "{row.get("_sheet")}"' if row.get("_sheet")
             else "", f"row {row.get('_row')}" if row.get("_row") is not None else ""]
    return ", ".join(p for p in parts if p)


def region_recipients(region: str, regions: pd.DataFrame | None,
                      overrides: Mapping[str, Sequence[str]]) -> Recipients:
    """A region's leadership list: ``[email.regions]`` if it names the region, else the sheet."""
    if region in overrides:
        good, bad = split_addresses(list(overrides[region]))
        return Recipients(tuple(good), tuple(
            N_('[email.regions] "%(region)s" in the settings file: "%(address)s" is not an '
               "e-mail address; it was left out", region=region, address=b) for b in bad))
    if regions is None:
        return Recipients(())
    names = regions["region"].astype("object")
    wanted = clean(region).casefold()
    rows = [row for name, row in zip(names, regions.to_dict("records"), strict=True)
            if name is not None and clean(str(name)).casefold() == wanted]
    if not rows:
        return Recipients(())
    addresses: list[str] = []
    problems: list[str] = []
    for row in rows:
        good, bad = split_addresses(row.get("leadership_emails"))
        for address in good:
            if address.casefold() not in {a.casefold() for a in addresses}:
                addresses.append(address)
        problems.extend(N_('the Regions sheet (%(where)s), column "leadership_emails": '
                           '"%(address)s" is not an e-mail address; it was left out — correct '
                           "it", where=_where(row), address=b) for b in bad)
    return Recipients(tuple(addresses), tuple(problems))


def leadership_recipients(leadership: Sequence[str]) -> Recipients:
    """The all-regions pack's list: ``[email] leadership``."""
    good, bad = split_addresses(list(leadership))
    return Recipients(tuple(good), tuple(
        N_('[email] leadership in the settings file: "%(address)s" is not an e-mail address; '
           "it was left out", address=b) for b in bad))


def sender_address(sender: str) -> str:
    """The bare address of ``sender`` ("Reports <r@example.com>" → "r@example.com")."""
    good, bad = split_addresses(sender)
    if len(good) != 1 or bad:
        raise ConfigError(N_('[email] sender = "%(sender)s" is not one e-mail address; write '
                             'it as sender = "reports@example.com"', sender=clean(sender)))
    return good[0]
