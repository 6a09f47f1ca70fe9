"""The month's targets (SPEC, "Month KPIs"): per region, per (region, manager) pair and for ALL.

Decisions the SPEC leaves open, taken here. Only the Targets rows whose month is M count. A
region's target is the sum of its own rows (region set, manager blank), else the sum of its
managers' rows; a (region, manager) pair's is the sum of the rows naming that manager and
region. A manager row with a blank region belongs to the manager's home region
(:func:`home_regions`): the region of most of the manager's clients (ties: code-point first),
else the first region of the manager's rows. ALL's target is the sum of rows whose region is
``ALL``/``全部`` (manager blank), else the sum of the region targets (blank when none has one).
Each measure (sales_target, new_clients_target) is resolved on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from reportgen.analysis.arrays import column_of, is_blank
from reportgen.analysis.grouping import Clients

#: Targets-row region spellings that mean "the whole company" (compared after casefold).
ALL_NAMES: tuple[str, ...] = ("all", "全部")


def _clean_text(value: object) -> str | None:
    """Trimmed text, None when blank."""
    if not isinstance(value, str):
        return None if is_blank(value) else str(value)
    value = value.strip()
    return value or None


def home_regions(
    facts: Clients, regions: np.ndarray, managers: np.ndarray, pairs: Sequence[tuple[str, str]]
) -> dict[str, str]:
    """Each manager's home region: most clients (ties code-point first), else the first pair."""
    home: dict[str, str] = {}
    ok = (facts.region >= 0) & (facts.manager >= 0)
    if ok.any():
        counts = np.zeros((len(managers), len(regions)), dtype=np.int64)
        np.add.at(counts, (facts.manager[ok], facts.region[ok]), 1)
        # argmax takes the first maximum, and region codes are in code-point order.
        best = counts.argmax(axis=1)
        for code in np.flatnonzero(counts.max(axis=1) > 0):
            home[str(managers[code])] = str(regions[best[code]])
    for region, manager in sorted(pairs):
        home.setdefault(manager, region)
    return home


def month_targets(
    targets: pd.DataFrame | None, month: pd.Period, regions: Sequence[str],
    pairs: Sequence[tuple[str, str]], home: dict[str, str], measure: str,
) -> tuple[list[int | None], list[int | None], int | None]:
    """One target measure for M: per region, per (region, manager) pair, and for ALL."""
    none_r: list[int | None] = [None] * len(regions)
    none_p: list[int | None] = [None] * len(pairs)
    if targets is None or measure not in targets.columns:
        return none_r, none_p, None
    own: dict[str, int] = {}
    by_pair: dict[tuple[str, str], int] = {}
    everything: int | None = None
    for month_text, region, manager, value in zip(
        targets["month"], column_of(targets, "region"), column_of(targets, "account_manager"),
        targets[measure], strict=True,
    ):
        if _clean_text(month_text) != str(month) or is_blank(value):
            continue
        region, manager, value = _clean_text(region), _clean_text(manager), int(value)
        is_all = region is not None and region.casefold() in ALL_NAMES
        if manager is None:
            if is_all:
                everything = (everything or 0) + value
            elif region is not None:
                own[region] = own.get(region, 0) + value
            continue
        region = None if is_all else region
        place = region if region is not None else home.get(manager)
        if place is not None:
            by_pair[(place, manager)] = by_pair.get((place, manager), 0) + value

    from_managers: dict[str, int] = {}
    for (region, _manager), value in by_pair.items():
        from_managers[region] = from_managers.get(region, 0) + value
    per_region = [own.get(r, from_managers.get(r)) for r in regions]
    per_pair = [by_pair.get(p) for p in pairs]
    if everything is None:
        known = [v for v in per_region if v is not None]
        everything = sum(known) if known else None
    return per_region, per_pair, everything
