"""Time the analysis core (value tiers, tier migration, lifecycle) on a large seeded data set.

    .venv/bin/python benchmarks/bench_analysis_core.py [--clients 20000] [--lines 1000000]

Prints the median of three runs of each step, in seconds. SPEC's target: the whole analysis
of 1,000,000 sales lines and 20,000 clients well under 10 s on a 2-core laptop.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from reportgen.analysis.lifecycle import lifecycle
from reportgen.analysis.tiers import migration_matrix, tier_migration, value_tiers
from reportgen.inputs.config import Config

MONTH = pd.Period("2024-12", freq="M")


def make_data(n_clients: int, n_lines: int, seed: int = 20241231) -> dict[str, pd.DataFrame]:
    """Canonical sales, clients and feedback frames shaped like a real ledger (Pareto clients)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"C{i:06d}" for i in range(n_clients)], dtype=object)
    # A few big clients buy most: Zipf-like weights over a shuffled client order.
    weights = 1.0 / np.arange(1, n_clients + 1) ** 0.9
    weights = rng.permutation(weights / weights.sum())
    who = rng.choice(n_clients, size=n_lines, p=weights)
    start = np.datetime64("2022-01-01")
    # Three years up to M plus a month after M (which the analysis must ignore).
    days = rng.integers(0, (np.datetime64("2025-01-31") - start).astype(int) + 1, size=n_lines)
    dates = (start + days.astype("timedelta64[D]")).astype("datetime64[ns]")
    amount = rng.integers(1_000, 5_000_000, size=n_lines)
    returns = rng.random(n_lines) < 0.04
    amount = np.where(returns, -amount // 3, amount)
    sales = pd.DataFrame(
        {
            "date": dates,
            "client_id": pd.Series(ids[who], dtype=object),
            "amount": pd.array(amount, dtype="Int64"),
            "order_id": pd.Series([f"O{i}" for i in range(n_lines)], dtype=object),
        }
    )
    # Potential: the client's expected yearly purchases times 0.8..4 (we hold part of its wallet).
    yearly = weights * n_lines * 2_500_000 * 12 / 37
    potential = (yearly * rng.uniform(0.8, 4.0, size=n_clients)).astype(np.int64)
    overrides = np.where(rng.random(n_clients) < 0.01, "major", None).astype(object)
    limit = rng.integers(0, 50_000_000, size=n_clients)
    clients = pd.DataFrame(
        {
            "client_id": pd.Series(ids, dtype=object),
            "name": pd.Series([f"Client {i}" for i in range(n_clients)], dtype=object),
            "region": pd.Series(rng.choice(["East", "West", "North"], n_clients), dtype=object),
            "account_manager": pd.Series(
                [f"AM{i}" for i in rng.integers(0, 200, n_clients)], dtype=object
            ),
            "relationship": pd.Series(
                rng.choice(["transactional", "partnership"], n_clients), dtype=object
            ),
            "potential_value": pd.array(potential, dtype="Int64"),
            "credit_limit": pd.array(limit, dtype="Int64"),
            "receivables": pd.array(rng.integers(0, 60_000_000, size=n_clients), dtype="Int64"),
            "tier_override": pd.Series(overrides, dtype=object),
        }
    )
    clients.loc[rng.random(n_clients) < 0.2, "potential_value"] = pd.NA
    n_feedback = n_clients
    feedback = pd.DataFrame(
        {
            "date": (start + rng.integers(0, 1_100, n_feedback).astype("timedelta64[D]")).astype(
                "datetime64[ns]"
            ),
            "client_id": pd.Series(ids[rng.integers(0, n_clients, n_feedback)], dtype=object),
            "type": pd.Series(
                rng.choice(["complaint", "praise", "survey"], n_feedback), dtype=object
            ),
            "resolved": pd.array(rng.random(n_feedback) < 0.7, dtype="boolean"),
        }
    )
    return {"sales": sales, "clients": clients, "feedback": feedback}


def median_time(step: Callable[[], object], runs: int = 3) -> float:
    """Median wall-clock seconds of ``runs`` calls of ``step``."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        step()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    """Generate the data, run each step three times and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    data = make_data(args.clients, args.lines)
    sales, clients, feedback = data["sales"], data["clients"], data["feedback"]
    cfg = Config()
    tiers = value_tiers(sales, clients, MONTH, cfg.tiers)
    life = lifecycle(sales, clients, feedback, MONTH, cfg.lifecycle)
    steps: dict[str, Callable[[], object]] = {
        "value_tiers": lambda: value_tiers(sales, clients, MONTH, cfg.tiers),
        "lifecycle": lambda: lifecycle(sales, clients, feedback, MONTH, cfg.lifecycle),
        "tier_migration (given tiers at M)": lambda: tier_migration(
            sales, clients, MONTH, cfg.tiers, life, current=tiers
        ),
        "tier_migration (alone)": lambda: tier_migration(sales, clients, MONTH, cfg.tiers, life),
    }
    print(f"{args.clients:,} clients, {args.lines:,} sales lines, month {MONTH}")
    total = 0.0
    for name, step in steps.items():
        seconds = median_time(step)
        if name != "tier_migration (alone)":
            total += seconds
        print(f"  {name:<36} {seconds:6.3f} s (median of 3)")
    print(f"  {'all three (tiers + lifecycle + migration)':<36} {total:6.3f} s")
    matrix = migration_matrix(tier_migration(sales, clients, MONTH, cfg.tiers, life, tiers))
    print("\nstage counts:", life["stage"].value_counts().to_dict())
    print("tier counts:", tiers["tier"].value_counts().to_dict())
    print(matrix.to_string())


if __name__ == "__main__":
    main()
