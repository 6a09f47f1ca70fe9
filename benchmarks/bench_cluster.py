"""Time the month rendered by the local pool (--jobs 2) and on a local two-worker Dask cluster.

The cluster is Dask's own LocalCluster on this machine: a scheduler and two worker processes
with one thread each, the same two cores the local pool uses. Before each cluster run the
workers are restarted, so that run, like the local one, starts with workers that have not
loaded WeasyPrint yet. Every run is a fresh `reportgen run --force` process.

From the cluster run it works out what one document costs a worker (its wall time, less the
client's own reading and analysis, times the two workers, over the documents) and states the
wall time expected for 100,000 clients on 10 and on 50 four-core workers: the documents and
the client's reading and analysis (less Python's start-up) grow in proportion to the clients.

    python benchmarks/bench_cluster.py                  # the 2,000-client set, 3 runs each
    python benchmarks/bench_cluster.py --runs 1
    python benchmarks/bench_cluster.py --size demo      # the 300-client sample, a quick check
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
from pathlib import Path

from bench_run import inputs_for, measure

#: The group the projection is for, and the clusters it is stated on.
TARGET_CLIENTS = 100_000
CLUSTERS = (10, 50)
CORES_PER_WORKER = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["demo", "small", "large"], default="small")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as tmp, LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=":0", silence_logs=logging.ERROR) as cluster, Client(
            cluster, set_as_default=False) as client:
        folder = Path(tmp)
        inputs = inputs_for(args.size, folder)
        out = folder / "out"
        base = [sys.executable, "-m", "reportgen", "run", "--inputs", str(inputs),
                "--out", str(out), "--lang", args.lang, "--quiet", "--force"]
        local, remote = [], []
        for _ in range(args.runs):
            local.append(measure([*base, "--jobs", "2"])[0])
            client.restart()
            remote.append(measure([*base, "--cluster", cluster.scheduler_address])[0])
        # The client's own part: reading, checking, analysis and the four workbooks.
        analyze = [sys.executable, "-m", "reportgen", "analyze", "--inputs", str(inputs),
                   "--out", str(folder / "analyze"), "--lang", args.lang, "--quiet"]
        fixed = statistics.median(measure(analyze)[0] for _ in range(args.runs))
        # What does not grow with the data: starting Python and importing reportgen.
        startup = statistics.median(
            measure([sys.executable, "-m", "reportgen", "--help"])[0] for _ in range(3))
        month = next(p for p in out.iterdir() if p.is_dir())
        manifest = json.loads((month / "manifest.json").read_text(encoding="utf-8"))
        documents = len({n.rsplit(".", 1)[0] for n in manifest["documents"]})
        clients = manifest["counts"]["clients"]

    one_local, one_cluster = statistics.median(local), statistics.median(remote)
    per_document = (one_cluster - fixed) * 2 / documents
    print(f"dataset: {args.size} ({clients:,} clients), language: {args.lang}, {documents:,} "
          f"documents (HTML + PDF), median of {args.runs} run(s)")
    print(f"{'run':<52}{'seconds':>10}")
    print(f"{'run --jobs 2 (local pool, 2 processes)':<52}{one_local:>10.1f}")
    print(f"{'run --cluster (LocalCluster, 2 workers x 1 thread)':<52}{one_cluster:>10.1f}")
    print(f"{'analyze alone (reading, analysis, workbooks)':<52}{fixed:>10.1f}")
    print(f"{'start-up alone (reportgen --help)':<52}{startup:>10.1f}")
    print(f"all runs, local: {', '.join(f'{s:.1f}' for s in local)}; cluster: "
          f"{', '.join(f'{s:.1f}' for s in remote)}")
    print(f"cluster against local pool: {one_cluster / one_local - 1:+.1%} (target: within "
          f"+15%)")
    print(f"one document costs a worker core {per_document:.2f} s")
    scale = TARGET_CLIENTS / clients
    target_documents = round(documents * scale)
    target_fixed = startup + (fixed - startup) * scale
    for workers in CLUSTERS:
        cores = workers * CORES_PER_WORKER
        render = target_documents * per_document / cores
        total = target_fixed + render
        print(f"{TARGET_CLIENTS:,} clients (about {target_documents:,} documents) on {workers} "
              f"{CORES_PER_WORKER}-core workers: about {total / 60:.1f} min "
              f"({target_fixed / 60:.1f} min reading and analysis in the client, "
              f"{render / 60:.1f} min rendering)")


if __name__ == "__main__":
    main()
