"""The account plan's view-model: one client's position, value, goal, people and next steps.

``view.plan_view`` is the entry point (with ``PLAN_TEMPLATE``, ``plan_document_title`` and
``default_plan_clients``); it assembles the sections the other modules build. Inside the folder
imports point one way: ``context`` (one plan's inputs and the cell converters) <- ``words`` (the
plan's glossary) <- the sections (``header``, ``value``, ``relationship``, ``opportunities``,
then ``actions``, which repeats the header's risk signals) <- ``view``.

May import: ``reportgen.documents.charts`` and ``reportgen.documents.fmt``, ``reportgen.inputs``,
``reportgen.analysis``, ``reportgen.errors``, ``reportgen.i18n``.
"""
