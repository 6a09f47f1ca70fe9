"""Vector charts for the documents: plain data in, a standalone SVG string out.

Why hand-written SVG and not a charting library (measured 2026-11 on this machine, CPU time,
medians; a 24-month line with target and an 8-bar chart, Chinese labels): matplotlib takes
~80-100 ms to draw and serialise a chart, pygal ~4-7 ms, this module under 1 ms. WeasyPrint
renders a page of three such charts in ~170 ms as ``<img>`` / ~195 ms inline, against ~235 /
~370-415 ms for the libraries' 3-6x larger SVG (the empty page alone: ~50 ms). pygal also puts
random ids, a date and a ``<script>`` in its SVG, and its CSS-styled grid renders as heavy
dashed lines in WeasyPrint. ``benchmarks/bench_charts.py`` times this module.

For the PDF, embed ``Chart.data_uri`` in ``<img>`` rather than ``Chart.svg`` inline: WeasyPrint
reads an image's SVG with ``xml.etree`` (C) but inline SVG goes through its pure-Python HTML
parser (tinyhtml5), so a page of charts renders 10-35% faster, and the chart text is still real
(searchable) text in the PDF.

Every chart:

* is one ``<svg>`` element with ``xmlns``, ``width``, ``height`` and ``viewBox``, no ids, no
  ``<script>``, no external reference, no font by URL; text uses :data:`FONT_FAMILY`, so Chinese
  renders with the Noto/Source Han CJK fonts in WeasyPrint and in browsers;
* escapes every label (labels come from spreadsheets) and drops characters XML cannot carry;
* reads in greyscale: series differ by lightness *and* by dash, marker or shape;
* is deterministic: the same data gives the same bytes;
* treats a blank value (None, NaN, pandas NA) as a gap, never as 0.

A chart with nothing to draw (no months with sales, no clients, no positive value ...) is
``None``: the documents leave such a chart out "with a sentence saying why", and only the caller
knows why. Malformed input (lists of different lengths, an unknown tier code or language) is a
programming error and raises ``ValueError``.

The folder: ``text`` (the words, amounts and percents a chart writes; the escaping and fitting
of its text), ``svg`` (:class:`~reportgen.documents.charts.svg.Chart`, the colours, ticks, tags,
markers, axes and legend every chart is drawn with), then one module per kind of chart:
``trend``, ``bars`` (with the open pipeline by verdict), ``pyramid``, ``quadrant``, ``pareto``,
``waterfall`` (the bridge from a comparator to the actual).
A new kind of chart is a new module drawing with ``svg`` and ``text``; their underscore names
are shared by the modules of this folder, not by its callers.

May import: the standard library only.
"""
