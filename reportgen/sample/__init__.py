"""The bundled sample: the seeded demo dataset and ``init``'s example folder.

``dataset`` writes the demo dataset (its clients and sales lines are drawn in ``clients``),
``init_example`` the example workbook and commented reportgen.toml of ``reportgen init``, and
``spelling`` is how both put names and values in English or Chinese. They, and
``benchmarks/generate.py``, write their workbooks with one small deterministic .xlsx writer,
``writer``.

May import: ``reportgen.inputs`` (the schema the sample follows), ``reportgen.errors``,
``reportgen.i18n``. Only the command line imports it.
"""
