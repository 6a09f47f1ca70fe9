"""Calendar-month windows around the report month M, and sales lines coded for fast sums.

Months are handled as integer *ordinals* (months since January 1970, the same number as
``pandas.Period.ordinal``), so a window such as T12M (months M−11..M) is a plain integer
range and every per-client sum is one vectorised pass over the sales lines. The client list
every result is indexed by, and the exact fractions used at rule boundaries, live here too,
because the tier and lifecycle modules share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

#: Months in a T12M window (months M−11..M).
T12M_MONTHS = 12


def exact(value: float) -> Fraction:
    """A config fraction as the decimal the user wrote (0.8 → 4/5, not the nearest binary float)."""
    return Fraction(repr(value))


def client_index(clients: pd.DataFrame) -> pd.Index:
    """The client ids of the Clients frame, in its order, as the index every result uses."""
    ids = pd.Index(clients["client_id"].to_numpy(dtype=object), name="client_id", dtype=object)
    if ids.has_duplicates or ids.hasnans:
        # The loader skips duplicate and blank ids; reaching here is a programming error.
        raise ValueError("the Clients frame must have unique, non-blank client_id values")
    return ids


def nullable_int(values: np.ndarray, present: np.ndarray) -> pd.arrays.IntegerArray:
    """An ``Int64`` array of ``values``, blank (``<NA>``) where ``present`` is False."""
    return pd.arrays.IntegerArray(
        np.asarray(values, dtype=np.int64), ~np.asarray(present, dtype=bool)
    )


def result_frame(columns: dict[str, Any], index: pd.Index) -> pd.DataFrame:
    """A result frame on ``index``; object arrays stay ``object`` with ``None`` for blanks.

    pandas 3 would turn an object array of strings into its ``str`` dtype (blanks become
    NaN); the canonical convention for codes and text is ``str`` objects or ``None``.
    """
    data = {
        name: pd.Series(values, index=index, dtype=object)
        if isinstance(values, np.ndarray) and values.dtype == object
        else values
        for name, values in columns.items()
    }
    return pd.DataFrame(data, index=index)


def positions(client_ids: pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in ``client_ids`` (int64), −1 for ids not in the list."""
    return np.asarray(client_ids.get_indexer(pd.Index(values, dtype=object)), dtype=np.int64)


def as_month(value: pd.Period | str) -> pd.Period:
    """The report month as a monthly ``pandas.Period`` (accepts a Period or ``"YYYY-MM"``)."""
    if isinstance(value, pd.Period):
        if value.freqstr != "M":
            raise ValueError(f"the report month must be a monthly period, not {value.freqstr!r}")
        return value
    return pd.Period(value, freq="M")


def ordinal(month: pd.Period | str) -> int:
    """The month as an integer: months since January 1970."""
    return int(as_month(month).ordinal)


def from_ordinal(value: int) -> pd.Period:
    """The monthly Period for a month ordinal."""
    return pd.Period(ordinal=int(value), freq="M")


def t12m(month: pd.Period | str) -> tuple[pd.Period, pd.Period]:
    """First and last month of T12M, the twelve calendar months ending with M."""
    end = as_month(month)
    return end - (T12M_MONTHS - 1), end


def month_start(month: pd.Period | str) -> pd.Timestamp:
    """Midnight of the month's first day."""
    return as_month(month).start_time


def month_end(month: pd.Period | str) -> pd.Timestamp:
    """Midnight of the month's last day (dates are stored at midnight)."""
    return as_month(month).asfreq("D", how="end").to_timestamp()


def months_between(start: pd.Period | str, end: pd.Period | str) -> int:
    """Whole calendar months from ``start`` to ``end`` (positive when ``end`` is later)."""
    return ordinal(end) - ordinal(start)


def month_ordinals(dates: pd.Series) -> np.ndarray:
    """Month ordinal of each date (int64); ``NaT`` gives the smallest int64."""
    return dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)


def day_ordinals(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of each date (int64); ``NaT`` gives the smallest int64."""
    return dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def months_of_days(days: np.ndarray) -> np.ndarray:
    """Month ordinal of each day ordinal; the smallest int64 (no date) stays the smallest int64."""
    as_days = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return as_days.astype("datetime64[M]").astype(np.int64)


def day_ordinal(day: pd.Timestamp) -> int:
    """Days since 1970-01-01 of one timestamp."""
    return int((day.normalize() - pd.Timestamp("1970-01-01")).days)


def ordinal_to_date(days: np.ndarray) -> np.ndarray:
    """Day ordinals back to midnight dates (``datetime64[ns]``); the smallest int64 is NaT."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[ns]")


@dataclass(frozen=True)
class Lines:
    """Sales lines up to M, coded against a client list: one int64 array per column.

    Lines after M, lines with no date and lines for clients not in the list are left out,
    so every array covers exactly the lines the analysis may use.
    """

    #: Position of the line's client in the client list.
    client: np.ndarray
    #: Month ordinal of the line's date.
    month: np.ndarray
    #: Day ordinal of the line's date.
    day: np.ndarray
    #: Net amount, stored money (returns are negative).
    amount: np.ndarray
    #: Number of clients in the list the positions refer to.
    n_clients: int
    #: The report month M as an ordinal.
    last_month: int

    def monthly(self, first: int, last: int) -> np.ndarray:
        """Net stored money per client (rows) and month ``first..last`` (columns), exact int64."""
        width = last - first + 1
        keep = (self.month >= first) & (self.month <= last)
        flat = self.client[keep] * width + (self.month[keep] - first)
        # np.add.at sums in int64, so totals stay exact (bincount would go through float64).
        out = np.zeros(self.n_clients * width, dtype=np.int64)
        np.add.at(out, flat, self.amount[keep])
        return out.reshape(self.n_clients, width)

    def window_sum(self, first: int, last: int) -> np.ndarray:
        """Net stored money per client over months ``first..last`` (inclusive), exact int64."""
        return self.monthly(first, last).sum(axis=1)


def encode_lines(sales: pd.DataFrame, client_ids: pd.Index, month: pd.Period | str) -> Lines:
    """Code the sales lines up to the end of ``month`` against ``client_ids`` (see ``Lines``)."""
    last = ordinal(month)
    client = positions(client_ids, sales["client_id"])
    days = day_ordinals(sales["date"])
    months = months_of_days(days)
    amount = sales["amount"].to_numpy(dtype=np.int64, na_value=0)
    keep = (client >= 0) & (days != np.iinfo(np.int64).min) & (months <= last)
    return Lines(
        client=client[keep], month=months[keep], day=days[keep], amount=amount[keep],
        n_clients=len(client_ids), last_month=last,
    )
