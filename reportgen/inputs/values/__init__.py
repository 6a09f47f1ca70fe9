"""Typed cell values (SPEC, "Values"): raw spreadsheet cells in, canonical values and problems out.

The scalar parsers (``parse_money``, ``parse_date``, …) can be used alone; they return ``None``
for a blank cell and raise ``CellValueError`` (a ``ValueError``) with a message a sales
supervisor can act on. ``columns.convert_column`` converts a whole column at once.

The modules, each importing only those listed before it:

* ``cells``: what every type shares: ``CellValueError``, ``CellProblem``, ``ColumnResult``,
  the kind of a cell, its text for a message (``show``), and reading a column's cells each
  distinct cell once;
* ``amounts``: money (exact, to six decimals), numbers, whole numbers and percentages, and
  their bulk paths;
* ``dates``: dates and months, the day/month order of a column, Excel serials, and their bulk
  paths;
* ``ids``: ids, free text and e-mail addresses;
* ``choices``: values spelt from a list: enum codes, 1–5 scores, yes/no (scores read numbers
  through ``amounts``);
* ``columns``: ``convert_column``, which picks the converter of a column's type.

May import: ``reportgen.inputs.schema``, ``reportgen.inputs.config`` and
``reportgen.inputs.issues``; nothing else of reportgen.
"""
