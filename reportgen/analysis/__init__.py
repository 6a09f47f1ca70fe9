"""Stage 2, the analysis: pure functions from the loaded tables to the month's figures.

Owns value tiers, tier migration, lifecycle stages, the opportunity screen, the month KPIs
(``kpis``, built from ``grouping``, ``targets``, ``rag`` and ``arrays``) and
``pipeline.analyse``, which runs them all into one ``Analysis``. Nothing here touches the disk
or the clock: the report month and the settings are arguments.

May import: ``reportgen.inputs`` (the tables' schema and the settings), ``reportgen.errors``,
``reportgen.i18n``.
"""
