"""Time the month KPIs on a large seeded data set (inputs built directly with numpy).

    .venv/bin/python benchmarks/bench_kpis.py [--clients 20000] [--lines 1000000]

Prints the median of three runs of ``month_kpis`` in seconds. Target: well under 2 s for
1,000,000 sales lines, 20,000 clients, 10 regions and 100 account managers.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from reportgen.analysis.kpis import CATEGORIES, VERDICTS, month_kpis
from reportgen.inputs.config import Config

MONTH = pd.Period("2024-12", freq="M")
TIERS = np.array(["major", "named", "non_named", "mass"], dtype=object)
MIGRATIONS = np.array(["up", "down", "same", "new", "lost"], dtype=object)


def _text(values: np.ndarray) -> pd.Series:
    """An object column of str / None, as the loader hands it over."""
    return pd.Series(values, dtype=object)


def make_inputs(n_clients: int, n_lines: int, seed: int = 20241231) -> dict[str, object]:
    """Every input of ``month_kpis``, shaped like a two-year ledger with blanks and returns."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"C{i:06d}" for i in range(n_clients)], dtype=object)
    regions = np.array([f"Region {i}" for i in range(10)], dtype=object)
    managers = np.array([f"AM{i:03d}" for i in range(100)], dtype=object)
    client_manager = rng.integers(0, 100, n_clients)
    clients = pd.DataFrame({
        "client_id": _text(ids),
        "name": _text(np.array([f"Client {i}" for i in range(n_clients)], dtype=object)),
        # A manager works in one region (manager i in region i // 10) …
        "region": _text(regions[client_manager // 10]),
        "account_manager": _text(managers[client_manager]),
    })
    who = rng.integers(0, n_clients, n_lines)
    start = np.datetime64("2023-01-01")
    days = rng.integers(0, 731 + 31, n_lines)  # two years up to M, and a month after it
    amount = rng.integers(1_000, 5_000_000, n_lines)
    amount = np.where(rng.random(n_lines) < 0.04, -amount // 3, amount)
    # … but 10% of the lines name another region and 30% no region (the client's is used).
    line_region = np.where(
        rng.random(n_lines) < 0.1, regions[rng.integers(0, 10, n_lines)],
        np.where(rng.random(n_lines) < 0.3, None, regions[client_manager[who] // 10]),
    ).astype(object)
    orders = np.array([f"O{i}" for i in range(n_lines // 3)], dtype=object)
    picked = orders[rng.integers(0, len(orders), n_lines)]
    order_id = np.where(rng.random(n_lines) < 0.05, None, picked)
    cost = pd.array(amount * 7 // 10, dtype="Int64")
    cost[rng.random(n_lines) < 0.001] = pd.NA
    sales = pd.DataFrame({
        "date": (start + days.astype("timedelta64[D]")).astype("datetime64[ns]"),
        "client_id": _text(ids[who]),
        "amount": pd.array(amount, dtype="Int64"),
        "order_id": _text(order_id.astype(object)),
        "cost": cost,
        "profit": pd.array([pd.NA] * n_lines, dtype="Int64"),
        "region": _text(line_region),
        "account_manager": _text(np.where(rng.random(n_lines) < 0.5, None, managers[
            client_manager[who]]).astype(object)),
    })
    first = start + rng.integers(0, 731, n_clients).astype("timedelta64[D]")
    lost = rng.random(n_clients) < 0.02
    tiers = pd.DataFrame({
        "current_value": pd.array(rng.integers(-1_000, 50_000_000, n_clients), dtype="Int64"),
        "tier": _text(TIERS[rng.integers(0, 4, n_clients)]),
        "migration": _text(MIGRATIONS[rng.integers(0, 5, n_clients)]),
    }, index=pd.Index(ids, name="client_id"))
    lifecycle = pd.DataFrame({
        "first_purchase": pd.Series(first.astype("datetime64[ns]")),
        "is_new_in_month": first >= np.datetime64("2024-12-01"),
        "lost_in_month": lost,
        "lost_value": pd.array(np.where(lost, 1_000_000, 0), dtype="Int64"),
    }).set_index(pd.Index(ids, name="client_id"))
    n_opps = n_clients // 4
    screened = pd.DataFrame({
        "opp_id": _text(np.array([f"P{i}" for i in range(n_opps)], dtype=object)),
        "client_id": _text(ids[rng.integers(0, n_clients, n_opps)]),
        "value": pd.array(rng.integers(0, 10_000_000, n_opps), dtype="Int64"),
        "weighted_value": pd.array(rng.integers(0, 5_000_000, n_opps), dtype="Int64"),
        "verdict": _text(np.array(VERDICTS, dtype=object)[rng.integers(0, 6, n_opps)]),
        "is_open": rng.random(n_opps) < 0.8,
    })
    n_fb = n_clients
    feedback = pd.DataFrame({
        "date": (start + rng.integers(0, 731, n_fb).astype("timedelta64[D]")).astype(
            "datetime64[ns]"
        ),
        "client_id": _text(ids[rng.integers(0, n_clients, n_fb)]),
        "type": _text(np.array(["complaint", "praise", "survey"], dtype=object)[
            rng.integers(0, 3, n_fb)]),
        "category": _text(np.array(CATEGORIES, dtype=object)[rng.integers(0, 6, n_fb)]),
        "score": np.where(rng.random(n_fb) < 0.5, rng.integers(1, 6, n_fb), np.nan),
        "resolved": pd.array(rng.random(n_fb) < 0.7, dtype="boolean"),
    })
    targets = pd.DataFrame({
        "month": _text(np.array(["2024-12"] * 110, dtype=object)),
        "region": _text(np.concatenate([regions, regions[np.arange(100) // 10]])),
        "account_manager": _text(np.concatenate([[None] * 10, managers]).astype(object)),
        "sales_target": pd.array(rng.integers(1, 10**10, 110), dtype="Int64"),
        "new_clients_target": pd.array(rng.integers(0, 50, 110), dtype="Int64"),
    })
    return {
        "sales": sales, "clients": clients, "tiers": tiers, "lifecycle": lifecycle,
        "screened": screened, "feedback": feedback, "targets": targets,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    inputs = make_inputs(args.clients, args.lines)
    config = Config()
    times = []
    for _ in range(3):
        began = time.perf_counter()
        tables = month_kpis(month=MONTH, config=config, **inputs)  # type: ignore[arg-type]
        times.append(time.perf_counter() - began)
    print(
        f"month_kpis: {args.lines:,} lines, {args.clients:,} clients, "
        f"{len(tables.by_region) - 1} regions, {len(tables.by_manager)} manager rows: "
        f"median {statistics.median(times):.3f} s of {len(times)} runs"
    )


if __name__ == "__main__":
    main()
