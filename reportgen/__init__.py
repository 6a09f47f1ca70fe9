"""reportgen: account plans and monthly review packs from sales spreadsheets."""

import pandas as _pd

__version__ = "0.1.0"

# pyarrow is installed for the columnar reader (reportgen.inputs.reading.columnar); pandas
# would then back every text column with Arrow, which refuses text Python can hold (a lone
# surrogate from a damaged file) and changes how blanks compare. Text stays in Python strings,
# as without it.
_pd.set_option("mode.string_storage", "python")
