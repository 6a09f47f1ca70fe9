"""Time account plans: view-model, HTML and PDF per plan, in English and Chinese.

    .venv/bin/python benchmarks/bench_plan.py [--inputs DIR] [--clients 10] [--runs 5]

Uses the demo inputs (written to a temporary folder when --inputs is not given), analyses the
latest month once, then for the first N default plan clients (Major, then Named) renders each
plan ``--runs`` times per language and prints the median CPU time of each step per plan, and
the median over the clients. CPU time of this process (``time.process_time``), so other work on
the machine skews it less than wall-clock time would. The first render of each language is a
warm-up (font configuration, template compilation, catalogs) and is not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from reportgen.analysis.pipeline import analyse, resolve_month
from reportgen.documents.pdf import render_pdf
from reportgen.documents.plan.view import (
    PLAN_TEMPLATE,
    default_plan_clients,
    plan_document_title,
    plan_view,
)
from reportgen.documents.render import make_environment
from reportgen.inputs.config import load_config
from reportgen.inputs.load import load_inputs
from reportgen.sample.dataset import write_sample

GENERATED = dt.datetime(2026, 11, 3, 9, 0)


def cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def demo_inputs(folder: Path) -> Path:
    inputs = folder / "inputs"
    inputs.mkdir()
    write_sample(inputs)
    return inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        inputs = args.inputs or demo_inputs(Path(tmp))
        config = load_config(None)
        dataset = load_inputs(inputs, config)
        month, notes = resolve_month(dataset, None)
        analysis = analyse(dataset, config, month, notes)
    clients = default_plan_clients(analysis)[: args.clients]
    print(f"{len(clients)} plans, month {month}, {args.runs} runs each; CPU seconds, medians")
    for lang in ("en", "zh"):
        env = make_environment(lang, currency=config.format.currency)
        template = env.get_template(PLAN_TEMPLATE)
        warm = plan_view(analysis, dataset, clients[0], config, lang)
        render_pdf(template.render(**warm, generated=GENERATED.date()), generated=GENERATED,
                   title=plan_document_title(warm), lang=lang)
        totals: dict[str, list[float]] = {"view": [], "html": [], "pdf": []}
        print(f"\n{lang}: client      view    html     pdf   pages")
        for client_id in clients:
            times: dict[str, list[float]] = {"view": [], "html": [], "pdf": []}
            pages = 0
            for _ in range(args.runs):
                t_view, view = cpu(partial(plan_view, analysis, dataset, client_id, config, lang))
                t_html, html = cpu(partial(template.render, **view, generated=GENERATED.date()))
                t_pdf, pdf = cpu(partial(render_pdf, html, generated=GENERATED,
                                         title=plan_document_title(view), lang=lang))
                times["view"].append(t_view)
                times["html"].append(t_html)
                times["pdf"].append(t_pdf)
                pages = len(PdfReader(io.BytesIO(pdf)).pages)
            medians = {k: statistics.median(v) for k, v in times.items()}
            for key, value in medians.items():
                totals[key].append(value)
            print(f"    {client_id:<10} {medians['view']:6.3f}  {medians['html']:6.3f}  "
                  f"{medians['pdf']:6.3f}   {pages}")
        whole = [sum(parts) for parts in zip(*totals.values(), strict=True)]
        print(f"  median per plan: view {statistics.median(totals['view']):.3f}  "
              f"html {statistics.median(totals['html']):.3f}  "
              f"pdf {statistics.median(totals['pdf']):.3f}  "
              f"all {statistics.median(whole):.3f}  (max {max(whole):.3f})")


if __name__ == "__main__":
    main()
