"""Opening one spreadsheet file safely: its sheets as raw rows of Python values.

Owns the entry point (:mod:`~reportgen.inputs.reading.workbook`); the guards a file passes
before any parser sees it (:mod:`~reportgen.inputs.reading.archive` for zip packages,
:mod:`~reportgen.inputs.reading.xmlscan` for their XML parts,
:mod:`~reportgen.inputs.reading.biffscan` for .xls, :mod:`~reportgen.inputs.reading.extent` for
the limits on a sheet's grid); the openers of each format (:mod:`~reportgen.inputs.reading.xlsx`,
:mod:`~reportgen.inputs.reading.ods`, :mod:`~reportgen.inputs.reading.xls`,
:mod:`~reportgen.inputs.reading.delimited` for CSV) and what they share
(:mod:`~reportgen.inputs.reading.sheets`, :mod:`~reportgen.inputs.reading.refusal`); and the
columnar path for large sheets (:mod:`~reportgen.inputs.reading.columnar`, whose helper process
runs :mod:`~reportgen.inputs.reading.columnar_child`).

May import: the standard library, third-party readers, ``reportgen.inputs.config``,
``reportgen.inputs.issues`` and ``reportgen.inputs.tail`` (a large sheet's rows as columns).
Nothing that finds headers, maps columns or types values: those layers are above.
"""
