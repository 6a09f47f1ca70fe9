"""Every benchmark in one go, then the issue's targets with the figures measured against them.

    .venv/bin/python benchmarks/bench_all.py [--size small|large] [--runs 3] [--skip-naive]

Runs, each in its own process and printed as it goes:

1. ``bench_analysis.py``: reading (reportgen and the naive pandas+openpyxl read of the same
   sales workbook), analysis, the analysis workbooks, with peak memory;
2. ``bench_charts.py``: drawing the charts;
3. ``bench_plan.py`` on the chosen data set: view-model, HTML and PDF per plan, English and
   Chinese;
4. ``bench_pack.py`` (the demo data): view-model, HTML, PDF and PDF per page of each pack;
5. ``bench_run.py``: whole runs with ``--jobs 1`` and ``--jobs 2``, the unchanged rerun, and
   WeasyPrint alone on the saved HTML.

All figures are medians of ``--runs`` runs (see each script). The run of the large set takes
about an hour (the whole runs render some 5,800 documents each): use ``small`` for the
table in the README.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(script: str, *args: str) -> str:
    """Run one benchmark script, echoing its output; its output."""
    print(f"\n=== {script} {' '.join(args)}", flush=True)
    proc = subprocess.run([sys.executable, str(HERE / script), *args], capture_output=True,
                          text=True)
    print(proc.stdout.rstrip(), flush=True)
    if proc.returncode:
        print(proc.stderr.rstrip(), file=sys.stderr)
        raise SystemExit(f"{script} failed (exit code {proc.returncode})")
    return proc.stdout


def found(pattern: str, text: str) -> float | None:
    """The first number captured by ``pattern`` in ``text``, or None."""
    match = re.search(pattern, text)
    return float(match.group(1).replace(",", "")) if match else None


def main() -> None:
    """Run the benchmarks and print the targets table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["small", "large"], default="small")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-naive", action="store_true",
                        help="leave out the pandas+openpyxl reference read")
    args = parser.parse_args()
    runs = str(args.runs)
    naive = ["--skip-naive"] if args.skip_naive else []
    analysis = run("bench_analysis.py", "--size", args.size, "--runs", runs, *naive)
    run("bench_charts.py", "--runs", "20")
    plans = run("bench_plan.py", "--inputs", str(HERE / "data" / args.size), "--runs", runs)
    packs = run("bench_pack.py", "--runs", runs)
    whole = run("bench_run.py", "--size", args.size, "--runs", runs)

    plan_pdf = [float(x) for x in re.findall(r"median per plan: .* pdf ([\d.]+)", plans)]
    rows = [
        ("reading: sales.xlsx vs pandas+openpyxl", "≥ 20×",
         found(r"with openpyxl: ([\d.]+)x faster", analysis), "×"),
        ("PDF of one account plan (worst language)", "≤ 0.5 s",
         max(plan_pdf) if plan_pdf else None, "s"),
        ("PDF per pack page (slowest)", "≤ 0.3 s",
         found(r"slowest PDF page: ([\d.]+) s", packs), "s"),
        ("run --jobs 2 speed-up over --jobs 1", "≥ 1.8×",
         found(r"speed-up of --jobs 2 over --jobs 1: ([\d.]+)x", whole), "×"),
        ("unchanged rerun / first run", "≤ 5%",
         found(r"unchanged rerun / first run: ([\d.]+)%", whole), "%"),
        ("whole --jobs 1 run above WeasyPrint alone", "< 20%",
         found(r"WeasyPrint alone on the same HTML: overhead \+?(-?[\d.]+)%", whole), "%"),
    ]
    limits = {"≥": lambda v, t: v >= t, "≤": lambda v, t: v <= t, "<": lambda v, t: v < t}
    print(f"\n=== targets ({args.size} data set)")
    print(f"{'figure':<44}{'target':>10}{'measured':>12}  verdict")
    for name, target, value, unit in rows:
        if value is None:
            print(f"{name:<44}{target:>10}{'—':>12}  not measured")
            continue
        sign, number = target.split()[0], float(re.sub(r"[^\d.]", "", target))
        verdict = "met" if limits[sign](value, number) else "NOT met"
        print(f"{name:<44}{target:>10}{value:>11.2f}{unit}  {verdict}")


if __name__ == "__main__":
    main()
