"""Time the monthly review pack on the demo data: view-model, HTML and PDF, per page.

    .venv/bin/python benchmarks/bench_pack.py [--runs 5] [--region 华东]

Writes the demo inputs to a temporary folder, analyses them, then for the region's pack and
the all-regions pack, in English and Chinese, prints the median of ``--runs`` renders: the
view-model, the HTML and the PDF, each in CPU seconds of this process (one core: WeasyPrint is
single-threaded), the number of pages, and the PDF time per page. Target (issue 5): a pack
page at most 0.3 s of one core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from reportgen.analysis.pipeline import analyse, resolve_month
from reportgen.documents.pack.view import PACK_TEMPLATE, pack_document_title, pack_view
from reportgen.documents.pdf import render_pdf
from reportgen.documents.render import make_environment
from reportgen.inputs.config import load_config
from reportgen.inputs.load import load_inputs
from reportgen.sample.dataset import write_sample

GENERATED = dt.datetime(2026, 11, 3, 9, 30)


def cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    value = fn()
    return time.process_time() - start, value


def median(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    fn()  # warm-up: fonts, catalogs, the comparison months' KPIs
    results = [cpu(fn) for _ in range(runs)]
    return statistics.median(t for t, _ in results), results[-1][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--region", default="华东")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inputs"
        write_sample(folder)
        config = load_config(None)
        dataset = load_inputs(folder, config)
        month, notes = resolve_month(dataset, None)
        analysis = analyse(dataset, config, month, notes)

    print(f"demo data, month {month}; medians of {args.runs} runs, CPU seconds")
    print(f"{'pack':<14}{'lang':<6}{'view':>8}{'html':>8}{'pdf':>8}{'pages':>7}{'pdf/page':>10}")
    worst = 0.0
    for region in (args.region, None):
        for lang in ("en", "zh"):
            env = make_environment(lang)
            view_s, view = median(
                lambda r=region, lg=lang: pack_view(analysis, dataset, r, config, lg), args.runs)
            html_s, html = median(
                lambda v=view, e=env: e.get_template(PACK_TEMPLATE).render(
                    **v, generated=GENERATED), args.runs)
            pdf_s, pdf = median(
                lambda h=html, v=view, lg=lang: render_pdf(
                    h, generated=GENERATED, title=pack_document_title(v), lang=lg), args.runs)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            per_page = pdf_s / pages
            worst = max(worst, per_page)
            name = region or "all regions"
            print(f"{name:<14}{lang:<6}{view_s:>8.3f}{html_s:>8.3f}{pdf_s:>8.3f}{pages:>7}"
                  f"{per_page:>10.3f}")
    verdict = "within" if worst <= 0.3 else "OVER"
    print(f"slowest PDF page: {worst:.3f} s ({verdict} the 0.3 s target)")


if __name__ == "__main__":
    main()
