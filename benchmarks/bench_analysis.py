"""Time and size the month-end analysis on generated workbooks: read, analyse, write.

    .venv/bin/python benchmarks/bench_analysis.py --size small|large [--runs 3] [--skip-naive]
                                                  [--naive-runs N] [--data DIR] [--regenerate]
                                                  [--profile] [--top 15]

Generates the data with ``benchmarks/generate.py`` when the folder lacks it (default
``benchmarks/data/<size>/``), then runs each measured step ``--runs`` times and prints the
medians of wall time, CPU time and memory:

* read + validate — ``reportgen.inputs.load.load_inputs`` on the whole folder;
* sales.xlsx alone, read + validate — ``load_inputs`` on a folder holding only the sales
  workbook: the figure to set against the references below. Its CPU seconds include the
  helper process that reads large sheets as columns, and "helper MB" is that helper's peak;
* analysis — ``reportgen.analysis.pipeline.resolve_month`` then ``analyse``;
* analysis workbooks — ``reportgen.outputs.workbooks.write_workbooks`` into a temporary folder;
* reference — the sales workbook alone read the naive way, ``pandas.read_excel(path,
  engine="openpyxl")``, and with ``engine="calamine"``. For ``large`` the naive read runs once
  (it takes minutes) unless ``--naive-runs`` says otherwise; ``--skip-naive`` leaves it out.

Every run is a fresh subprocess, so nothing is cached from one run to the next and memory is
the step's own: before each step the process's peak resident set size is reset (Linux
``/proc/self/clear_refs``), and the step's peak (``VmHWM``) is read after it. "peak MB" is that
peak; "+MB" is how far it rose above the memory held when the step began (the analysis runs
with the loaded data in memory, as in ``reportgen run``). Where the reset is not allowed, the
peak is the process's peak so far (``ru_maxrss``) and the table says so.

``--profile`` instead runs read + analysis once under cProfile and prints the top functions by
cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

HERE = Path(__file__).resolve().parent
GENERATOR = HERE / "generate.py"
DATA_DIR = HERE / "data"
SIZES = {"small": (2_000, 100_000), "large": (20_000, 1_000_000)}  # as in generate.py
INPUT_FILES = ("clients.xlsx", "plan.xlsx", "sales.xlsx")
#: Fixed generation time of the workbooks (a run is reproducible; the clock is not an input).
GENERATED = dt.datetime(2026, 11, 1, 8, 0, 0)
ENGINES: dict[str, Literal["openpyxl", "calamine"]] = {
    "openpyxl": "openpyxl", "calamine": "calamine"}
STEP_LABELS = {
    "load": "read + validate (load_inputs)",
    "analyse": "analysis (resolve_month + analyse)",
    "write": "analysis workbooks (write_workbooks)",
    "sales": "sales.xlsx: read + validate (load_inputs)",
    "naive": 'sales.xlsx: pandas.read_excel(engine="openpyxl")',
    "calamine": 'sales.xlsx: pandas.read_excel(engine="calamine")',
}


# ---------------------------------------------------------------------------------------------
# Memory of this process
# ---------------------------------------------------------------------------------------------


def _status_mb(field: str) -> float | None:
    """A ``VmRSS``/``VmHWM`` line of /proc/self/status, in MB (None off Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def reset_peak() -> bool:
    """Reset the process's peak resident set size; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def rss_mb() -> float:
    """Resident memory now, in MB (the peak so far where /proc is missing)."""
    now = _status_mb("VmRSS")
    return now if now is not None else peak_mb()


def peak_mb() -> float:
    """Peak resident memory since the last reset (or since the start), in MB."""
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1024 / 1024


def measure(step: Callable[[], Any]) -> tuple[Any, dict[str, float | bool]]:
    """Run ``step``; its result plus wall and CPU seconds, peak and added memory."""
    gc.collect()
    exact = reset_peak()
    start_mb = rss_mb()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = peak_mb()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Helper processes (the columnar reader's) count: their CPU, and the largest one's peak.
    cpu += (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    helper = after.ru_maxrss / 1024 if after.ru_maxrss > children.ru_maxrss else 0.0
    return result, {"wall": wall, "cpu": cpu, "peak_mb": peak, "added_mb": peak - start_mb,
                    "exact_peak": exact, "helper_mb": helper}


# ---------------------------------------------------------------------------------------------
# Workers: one fresh process per run
# ---------------------------------------------------------------------------------------------


def work_pipeline(data: Path) -> dict[str, Any]:
    """Read, analyse and write the workbooks once; each step measured."""
    from reportgen.analysis.pipeline import analyse, resolve_month
    from reportgen.inputs.config import Config
    from reportgen.inputs.load import load_inputs
    from reportgen.outputs.workbooks import write_workbooks

    config = Config()
    dataset, load = measure(lambda: load_inputs(data, config))
    if dataset.errors:
        raise SystemExit(f"the benchmark data has errors: {dataset.errors[0].message}")

    def analysis() -> Any:
        month, notes = resolve_month(dataset, None)
        return analyse(dataset, config, month, notes)

    result, analysed = measure(analysis)
    with tempfile.TemporaryDirectory(prefix="bench-analysis-") as folder:
        _, write = measure(lambda: write_workbooks(result, dataset, Path(folder), GENERATED))
    counts = {kind: len(frame) for kind, frame in dataset.tables.items()}
    return {"load": load, "analyse": analysed, "write": write, "counts": counts,
            "month": str(result.month), "issues": len(dataset.issues)}


def work_sales(data: Path) -> dict[str, Any]:
    """Read and validate the sales workbook alone, as reportgen does, measured."""
    from reportgen.inputs.config import Config
    from reportgen.inputs.load import load_inputs

    with tempfile.TemporaryDirectory(prefix="bench-sales-") as folder:
        # A copy: a link out of the inputs folder is not read.
        shutil.copyfile(data / "sales.xlsx", Path(folder) / "sales.xlsx")
        dataset, read = measure(lambda: load_inputs(Path(folder), Config()))
    return {"sales": read, "rows": len(dataset.tables["sales"])}


def work_read_excel(data: Path, engine: Literal["openpyxl", "calamine"]) -> dict[str, Any]:
    """Read the sales workbook with pandas.read_excel and ``engine``, measured."""
    import pandas as pd

    frame, read = measure(lambda: pd.read_excel(data / "sales.xlsx", engine=engine))
    return {"naive" if engine == "openpyxl" else "calamine": read, "rows": len(frame)}


def work_profile(data: Path, top: int) -> None:
    """Profile load_inputs and analyse once each with cProfile; print the hot spots."""
    from reportgen.analysis.pipeline import analyse, resolve_month
    from reportgen.inputs.config import Config
    from reportgen.inputs.load import load_inputs

    config = Config()
    profiler = cProfile.Profile()
    dataset = profiler.runcall(load_inputs, data, config)
    _print_profile("load_inputs", profiler, top)
    month, notes = resolve_month(dataset, None)
    profiler = cProfile.Profile()
    profiler.runcall(analyse, dataset, config, month, notes)
    _print_profile("analyse", profiler, top)


def _print_profile(title: str, profiler: cProfile.Profile, top: int) -> None:
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        text = out.getvalue()
        # Drop pstats' preamble up to the column header; keep the total line.
        total = next((ln for ln in text.splitlines() if "function calls" in ln), "").strip()
        table = text[text.find("   ncalls"):].rstrip()
        print(f"\n== {title}: top {top} by {order} time ({total})\n{table}")


def run_worker(argv: list[str]) -> None:
    """Entry point of a worker subprocess: print its measurements as one JSON line."""
    kind, data = argv[0], Path(argv[1])
    if kind == "pipeline":
        out = work_pipeline(data)
    elif kind == "sales":
        out = work_sales(data)
    elif kind in ENGINES:
        out = work_read_excel(data, ENGINES[kind])
    elif kind == "profile":
        work_profile(data, int(argv[2]))
        return
    else:
        raise SystemExit(f"unknown worker {kind!r}")
    print("RESULT " + json.dumps(out))


# ---------------------------------------------------------------------------------------------
# The driver
# ---------------------------------------------------------------------------------------------


def ensure_data(size: str, data: Path, regenerate: bool) -> None:
    """Generate the size's data set into ``data`` unless it is there already."""
    if not regenerate and all((data / name).exists() for name in INPUT_FILES):
        return
    print(f"generating the {size} data set into {data} …", flush=True)
    subprocess.run([sys.executable, str(GENERATOR), "--size", size, "--out", str(data)],
                   check=True)


def spawn(kind: str, data: Path, *extra: str) -> dict[str, Any]:
    """Run one worker in a fresh interpreter and return what it measured."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(data), *extra],
        capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"the {kind} worker failed (exit code {proc.returncode})")
    line = next(ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def median_of(runs: list[dict[str, float | bool]]) -> dict[str, float | bool | int]:
    """Each measure's median over the runs, and how many runs there were."""
    keys = ("wall", "cpu", "peak_mb", "added_mb", "helper_mb")
    out: dict[str, float | bool | int] = {k: statistics.median(float(r.get(k, 0.0))
                                                               for r in runs) for k in keys}
    out["exact_peak"] = all(bool(r["exact_peak"]) for r in runs)
    out["runs"] = len(runs)
    return out


def print_table(rows: dict[str, dict[str, float | bool | int]]) -> None:
    """The results, one line per step."""
    head = (f"{'step':<50}{'runs':>5}{'wall s':>9}{'cpu s':>9}{'peak MB':>10}{'+MB':>9}"
            f"{'helper MB':>11}")
    print(head)
    print("-" * len(head))
    for key, m in rows.items():
        mark = "" if m["exact_peak"] else "*"
        label = STEP_LABELS.get(key, key)
        helper = f"{m['helper_mb']:>11,.0f}" if m["helper_mb"] else f"{'':>11}"
        print(f"{label:<50}{m['runs']:>5}{m['wall']:>9.2f}{m['cpu']:>9.2f}"
              f"{m['peak_mb']:>9,.0f}{mark:1}{m['added_mb']:>9,.0f}{helper}")
    if not all(m["exact_peak"] for m in rows.values()):
        print("* peak of the whole process so far (the peak could not be reset per step)")


def main() -> None:
    """Parse the options, make sure the data is there, run the workers, print the table."""
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        run_worker(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, help="data folder (default benchmarks/data/SIZE)")
    parser.add_argument("--regenerate", action="store_true", help="write the data again first")
    parser.add_argument("--skip-naive", action="store_true",
                        help="leave out the pandas.read_excel openpyxl reference")
    parser.add_argument("--naive-runs", type=int,
                        help="runs of the openpyxl reference (default: --runs; 1 for large)")
    parser.add_argument("--profile", action="store_true",
                        help="profile load_inputs and analyse once instead of timing")
    parser.add_argument("--top", type=int, default=15, help="functions shown per profile")
    args = parser.parse_args()
    data = (args.data or DATA_DIR / args.size).resolve()
    ensure_data(args.size, data, args.regenerate)
    if args.profile:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", "profile",
                        str(data), str(args.top)], check=True)
        return

    clients, lines = SIZES[args.size]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.size}: {clients:,} clients, {lines:,} sales lines in {data}")
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load:.2f}")
    collected: dict[str, list[dict[str, Any]]] = {}
    info: dict[str, Any] = {}
    for n in range(args.runs):
        print(f"  pipeline run {n + 1}/{args.runs} …", flush=True)
        out = spawn("pipeline", data)
        info = out
        for step in ("load", "analyse", "write"):
            collected.setdefault(step, []).append(out[step])
    total = [{"wall": sum(collected[s][i]["wall"] for s in ("load", "analyse", "write")),
              "cpu": sum(collected[s][i]["cpu"] for s in ("load", "analyse", "write")),
              "peak_mb": max(collected[s][i]["peak_mb"] for s in ("load", "analyse", "write")),
              "added_mb": max(collected[s][i]["added_mb"] for s in ("load", "analyse", "write")),
              "exact_peak": True} for i in range(args.runs)]
    for n in range(args.runs):
        print(f"  sales.xlsx alone run {n + 1}/{args.runs} …", flush=True)
        collected.setdefault("sales", []).append(spawn("sales", data)["sales"])
    naive_runs = 0 if args.skip_naive else (
        args.naive_runs or (1 if args.size == "large" else args.runs))
    for engine, runs in (("openpyxl", naive_runs), ("calamine", args.runs)):
        for n in range(runs):
            print(f"  pandas.read_excel {engine} run {n + 1}/{runs} …", flush=True)
            out = spawn(engine, data)
            key = "naive" if engine == "openpyxl" else "calamine"
            collected.setdefault(key, []).append(out[key])
    rows = {step: median_of(runs) for step, runs in collected.items()}
    rows["read + analyse + write (sum)"] = median_of(total)
    order = ["load", "analyse", "write", "read + analyse + write (sum)", "sales", "naive",
             "calamine"]
    print(f"\nmonth {info['month']}; rows loaded: "
          + ", ".join(f"{k} {v:,}" for k, v in info["counts"].items())
          + f"; {info['issues']} issue(s)")
    print(f"medians of {args.runs} run(s), each in a fresh process\n")
    print_table({k: rows[k] for k in order if k in rows})
    if "naive" in rows:
        ours, naive = rows["sales"], rows["naive"]
        print(f"\nsales.xlsx read + validate against pandas.read_excel with openpyxl: "
              f"{float(naive['wall']) / float(ours['wall']):.1f}x faster (wall), "
              f"{float(naive['cpu']) / float(ours['cpu']):.1f}x less CPU")


if __name__ == "__main__":
    main()
