"""Stage 4, the documents: account plans, review packs and the index, as HTML and PDF.

Owns the view-models (``plan``, ``pack``), charts, number and date formats, the Jinja
environment, PDF rendering and ``build``, which decides what to render (fingerprints) and
renders it in a pool of worker processes.

May import: ``reportgen.inputs``, ``reportgen.analysis``, ``reportgen.outputs``,
``reportgen.errors``, ``reportgen.i18n``.
"""
