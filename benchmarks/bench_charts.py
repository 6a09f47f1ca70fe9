"""Time the document charts: SVG generation per chart type, then WeasyPrint on a page of them.

    .venv/bin/python benchmarks/bench_charts.py [--runs 20] [--clients 20000] [--lang zh]

Prints the median time of each chart type (SVG string out) and the median WeasyPrint time of
one A4 page of the six charts embedded inline (``<svg>``) and as images
(``<img src="data:image/svg+xml;base64,...">``), against the same page without charts.
Times are CPU time of this process, and the three pages are rendered in turn each round, so
other work on the machine skews the comparison less than wall-clock time would.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from reportgen.documents.charts.bars import bar_chart, pipeline_by_verdict
from reportgen.documents.charts.pareto import pareto_curve
from reportgen.documents.charts.pyramid import tier_pyramid
from reportgen.documents.charts.quadrant import value_potential_quadrant
from reportgen.documents.charts.svg import Chart
from reportgen.documents.charts.trend import sales_trend


def cpu_ms(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm-up: imports, font configuration, caches
    return statistics.median(cpu_ms(fn) for _ in range(runs))


def makers(clients: int, lang: str) -> dict[str, Callable[[], Chart | None]]:
    """One chart of each kind on seeded data shaped like a region's (Pareto-skewed clients)."""
    rng = random.Random(20261031)
    zh = lang == "zh"
    months = [
        f"{2025 + i // 12}年{i % 12 + 1}月" if zh else f"{i % 12 + 1:02d}/{2025 + i // 12}"
        for i in range(24)
    ]
    actual: list[float | None] = [1.2e6 + 3.5e4 * i + rng.uniform(-2e5, 2e5) for i in range(24)]
    actual[7] = None
    target: list[float | None] = [1.3e6 + 3e4 * i for i in range(24)]
    prior: list[float | None] = [None] * 12 + actual[:12]
    current = [rng.paretovariate(1.16) * 5e3 for _ in range(clients)]
    points = []
    for i, cur in enumerate(current):
        pot = max(0.0, rng.paretovariate(1.0) * 8e3 - cur)
        tier = (
            "major"
            if cur > 5e4 and pot > 5e4
            else "named"
            if cur > 5e4 or pot > 5e4
            else "non_named"
            if cur > 2e4
            else "mass"
        )
        points.append((f"客户{i}有限公司" if zh else f"Client {i} Ltd", cur, pot, tier))
    tiers = [
        ("Major", 12, 0.35),
        ("Named", 140, 0.3),
        ("Non-named", 900, 0.2),
        ("Mass", clients - 1052, 0.15),
    ]
    verdicts = [
        (v, rng.uniform(1e5, 3e6), rng.uniform(1e4, 1e6))
        for v in ("pursue", "qualify", "strengthen", "reconsider", "partner_or_drop", "drop")
    ]
    products = [f"产品{i}" if zh else f"Product {i}" for i in range(12)]
    return {
        "sales_trend": lambda: sales_trend(
            months, actual, target, lang=lang, title="Sales", prior_year=prior
        ),
        "tier_pyramid": lambda: tier_pyramid(tiers, lang=lang),
        f"quadrant ({clients} clients)": lambda: value_potential_quadrant(
            points, 5e4, 5e4, lang=lang
        ),
        f"pareto ({clients} clients)": lambda: pareto_curve(current, lang=lang),
        "pipeline": lambda: pipeline_by_verdict(verdicts, lang=lang),
        "bar_chart (12 bars)": lambda: bar_chart(
            products, [rng.uniform(1e4, 4e6) for _ in products], lang=lang, title="Product mix"
        ),
    }


def page(charts: list[Chart], mode: str) -> str:
    """A one-page A4 document holding the charts inline, as data-URI images, or not at all."""
    if mode == "inline":
        body = "".join(f"<figure>{c.svg}</figure>" for c in charts)
    elif mode == "data-uri":
        body = "".join(f'<figure><img src="{c.data_uri}" alt="{c.alt}"></figure>' for c in charts)
    else:
        body = "".join(f"<figure><p>{c.alt}</p></figure>" for c in charts)
    return (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><style>'
        "@page{size:A4;margin:1cm} body{font-family:'Noto Sans CJK SC',sans-serif}"
        "figure{margin:0;width:9cm;display:inline-block} svg,img{width:9cm;height:auto}"
        "</style></head><body><h1>图表 Charts</h1>" + body + "</body></html>"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--lang", choices=["en", "zh"], default="zh")
    args = parser.parse_args()

    import weasyprint

    charts: list[Chart] = []
    print(f"SVG generation, median of {args.runs} runs:")
    for name, make in makers(args.clients, args.lang).items():
        chart = make()
        assert chart is not None
        charts.append(chart)
        ms = median_ms(make, args.runs)
        print(f"  {name:28s} {ms:8.2f} ms  {len(chart.svg.encode()):7d} bytes")

    runs = max(3, args.runs // 2)
    pages = {mode: page(charts, mode) for mode in ("no charts", "inline", "data-uri")}
    times: dict[str, list[float]] = {mode: [] for mode in pages}
    for html in pages.values():
        weasyprint.HTML(string=html).write_pdf()  # warm-up
    for _ in range(runs):
        for mode, html in pages.items():
            times[mode].append(cpu_ms(lambda h=html: weasyprint.HTML(string=h).write_pdf()))
    print(f"WeasyPrint, one page of {len(charts)} charts, median of {runs} runs:")
    for mode, values in times.items():
        print(f"  {mode:28s} {statistics.median(values):8.0f} ms")


if __name__ == "__main__":
    main()
