"""The bundled sample: the seeded demo dataset and ``init``'s example folder.

They, and ``benchmarks/generate.py``, write their workbooks with one small deterministic
.xlsx writer.

May import: ``reportgen.inputs`` (the schema the sample follows), ``reportgen.errors``,
``reportgen.i18n``. Only the command line imports it.
"""
