"""Stage 3, the outputs: every byte reportgen writes goes through here.

Owns atomic writes, safe file names and the documents' paths, the .xlsx writer, the analysis
workbooks and ``manifest.json``.

May import: ``reportgen.inputs``, ``reportgen.analysis``, ``reportgen.errors``,
``reportgen.i18n``.
"""
