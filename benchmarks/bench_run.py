"""Time whole runs: `reportgen run` with --jobs 1 and 2, the unchanged rerun, and the floor.

The floor is WeasyPrint alone rendering the very HTML the run saved, in one process, so the
table shows what reportgen adds on top of the PDF engine. Every run is a fresh process; peak
memory is the largest resident size of any process of that run.

    python benchmarks/bench_run.py                  # the demo sample (300 clients)
    python benchmarks/bench_run.py --size small     # 2,000 clients / 100,000 lines
    python benchmarks/bench_run.py --runs 3 --lang zh
    python benchmarks/bench_run.py --size large --month   # the 20,000-client month, once
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_MEASURE = """
import os, resource, subprocess, sys, time

def tree(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found = [root]
    for pid in found:
        found.extend(children.get(pid, []))
    return found

def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
together = 0
while proc.poll() is None:
    if os.path.isdir("/proc"):
        together = max(together, sum(pss_kb(pid) for pid in tree(proc.pid)))
    time.sleep(0.5)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{wall} {peak} {together / 1024} {proc.returncode}")
"""


def measure_all(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, the largest process's peak MB and all processes' peak MB together.

    "Together" sums the proportional set size (shared pages split between the processes
    sharing them) of the command and all its descendants, sampled every half second; 0
    where /proc is missing.
    """
    out = subprocess.run([sys.executable, "-c", _MEASURE, *args], capture_output=True,
                         text=True, check=True).stdout.split()
    wall, peak, together, code = float(out[0]), float(out[1]), float(out[2]), int(out[3])
    if code != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {code}")
    return wall, peak, together


def measure(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak MB (largest process) of one command, run in a fresh process."""
    wall, peak, _ = measure_all(args)
    return wall, peak


def inputs_for(size: str, folder: Path) -> Path:
    """The inputs folder of the chosen dataset."""
    if size == "demo":
        from reportgen.sample.dataset import write_sample

        inputs = folder / "inputs"
        inputs.mkdir(exist_ok=True)
        write_sample(inputs)
        return inputs
    data = ROOT / "benchmarks" / "data" / size
    if not data.is_dir():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--size", size],
                       check=True)
    return data


def weasyprint_floor(folder: Path, limit: int) -> tuple[int, float, float]:
    """Documents, seconds of WeasyPrint alone, and seconds of reportgen's own render path."""
    import datetime as dt

    from weasyprint import HTML

    from reportgen.documents.pdf import font_configuration, render_pdf

    plans = sorted((folder / "plans").glob("*.html"))
    pages = sorted((folder / "packs").glob("*.html")) + (plans[:limit] if limit else plans)
    fonts = font_configuration()
    html = [p.read_text(encoding="utf-8") for p in pages]
    HTML(string=html[0]).write_pdf(font_config=fonts)  # warm caches
    start = time.perf_counter()
    for text in html:
        HTML(string=text).write_pdf(font_config=fonts)
    floor = time.perf_counter() - start
    generated = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    start = time.perf_counter()
    for text in html:
        render_pdf(text, generated=generated, title="t", lang="en")
    ours = time.perf_counter() - start
    return len(html), floor, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["demo", "small", "large"], default="demo")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    parser.add_argument("--month", action="store_true",
                        help="only one `run --jobs 2` (the large month's check): time, the "
                        "largest process's peak and all processes' peak memory together")
    parser.add_argument("--floor-plans", type=int, default=0,
                        help="plans in the WeasyPrint-alone comparison (default all; all packs "
                        "are always used)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = inputs_for(args.size, folder)
        out = folder / "out"
        base = [sys.executable, "-m", "reportgen", "run", "--inputs", str(inputs),
                "--out", str(out), "--lang", args.lang, "--quiet"]
        if args.month:
            wall, peak, together = measure_all([*base, "--jobs", "2"])
            files = sum(1 for p in out.rglob("*") if p.is_file())
            print(f"dataset: {args.size}, language: {args.lang}: run --jobs 2 took {wall:.1f} s "
                  f"and wrote {files:,} files; largest process {peak:,.0f} MB, all processes "
                  f"together {together:,.0f} MB")
            return
        rows = []
        for jobs in (1, 2):
            results = [measure([*base, "--jobs", str(jobs), "--force"])
                       for _ in range(args.runs)]
            rows.append((f"run --jobs {jobs} (everything rendered)",
                         statistics.median(r[0] for r in results),
                         max(r[1] for r in results)))
        rerun = [measure(base) for _ in range(args.runs)]
        rows.append(("unchanged rerun", statistics.median(r[0] for r in rerun),
                     max(r[1] for r in rerun)))
        month_folder = next(p for p in out.iterdir() if p.is_dir())
        manifest = json.loads((month_folder / "manifest.json").read_text(encoding="utf-8"))
        documents = {n.rsplit(".", 1)[0] for n in manifest["documents"]}
        count, floor, ours = weasyprint_floor(month_folder, args.floor_plans)

    print(f"dataset: {args.size}, language: {args.lang}, {len(documents)} documents "
          f"(HTML + PDF), median of {args.runs} run(s)")
    print(f"{'step':<42}{'seconds':>10}{'peak MB':>10}")
    for name, seconds, peak in rows:
        print(f"{name:<42}{seconds:>10.2f}{peak:>10.0f}")
    one, two, again = rows[0][1], rows[1][1], rows[2][1]
    print(f"speed-up of --jobs 2 over --jobs 1: {one / two:.2f}x")
    print(f"unchanged rerun / first run: {again / two:.1%}")
    print(f"PDF of {count} saved documents: WeasyPrint alone {floor:.2f} s, reportgen's "
          f"render path {ours:.2f} s, overhead {ours / floor - 1:+.1%}")
    if count == len(documents):
        print(f"whole run --jobs 1 against WeasyPrint alone on the same HTML: "
              f"overhead {one / floor - 1:+.1%}")


if __name__ == "__main__":
    main()
