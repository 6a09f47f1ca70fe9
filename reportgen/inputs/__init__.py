"""Stage 1, the inputs: from a folder of workbooks to one validated ``Dataset``.

Owns opening files safely, typing cell values, the sheet schema and its synonyms, the
settings file (``reportgen.toml`` is an input too), the columnar path for large sheets, and
loading with validation. Problems are ``Issue`` values with addresses, never exceptions.

May import: the standard library, third-party readers, ``reportgen.errors`` and
``reportgen.i18n``. Nothing from a later stage.
"""
