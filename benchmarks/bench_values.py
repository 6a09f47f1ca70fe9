"""Time the cell parsers on a million cells (median of several runs)."""

from __future__ import annotations

import statistics
import time

import numpy as np

from reportgen.inputs.config import Config
from reportgen.inputs.schema import SHEETS
from reportgen.inputs.values.columns import convert_column

RUNS = 5
N = 1_000_000


def main() -> None:
    rng = np.random.default_rng(7)
    sales = SHEETS["sales"]
    days = np.datetime64("2020-01-01") + rng.integers(0, 2000, N)
    cases = {
        "ISO date text": (sales.column("date"), np.datetime_as_string(days).tolist()),
        "float amounts": (sales.column("amount"), (rng.integers(-10**7, 10**9, N) / 100).tolist()),
        "ids (20,000 distinct)": (sales.column("client_id"),
                                  [f"C{i:05d}" for i in rng.integers(0, 20_000, N)]),
    }
    config = Config()
    print(f"{'cells':<24}{'median s':>10}")
    for name, (column, cells) in cases.items():
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            convert_column(column, cells, config=config)
            times.append(time.perf_counter() - start)
        print(f"{name:<24}{statistics.median(times):>10.3f}")


if __name__ == "__main__":
    main()
