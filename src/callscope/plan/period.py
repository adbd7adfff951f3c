"""The period a plan covers: `--period 2024-10-07..2024-10-13` (whole days) or `--horizon 7d`.

With a period, the history ends where the period starts (so a past week can be planned honestly
and compared with what happened), and the forecast runs from the first day after the history to
the period's last day; the days before the period are cut off afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from callscope.forecast.forecast import horizon_days

__all__ = ["Period", "parse_period"]


@dataclass(frozen=True)
class Period:
    first: dt.date | None  # None: the horizon starts after the history, wherever that ends
    last: dt.date | None
    horizon: str  # as `callscope.forecast.forecast` takes it, e.g. "7d"

    @property
    def history_end(self) -> dt.datetime | None:
        """History before this time (exclusive): the period's first midnight."""
        return None if self.first is None else dt.datetime.combine(self.first, dt.time())

    def horizon_after(self, last_history: pd.Timestamp) -> str:
        """Days to forecast from the day after the history's last interval to the period's end."""
        if self.last is None:
            return self.horizon
        return f"{max((self.last - last_history.date()).days, 1)}d"

    def clip(self, frame: pd.DataFrame, column: str = "interval_start") -> pd.DataFrame:
        if self.first is None:
            return frame
        day = frame[column].dt.date
        return frame[(day >= self.first) & (day <= self.last)].reset_index(drop=True)


def parse_period(period: str | None, horizon: str | None) -> Period:
    """`FIRST..LAST` (dates, both included) or a forecast horizon (7d, 2w); one of the two."""
    if period and horizon:
        raise ValueError(f"--period {period!r} and --horizon {horizon!r} both given; use one")
    if not period:
        text = horizon or "7d"
        horizon_days(text)  # a bad horizon fails here with the forecast's message
        return Period(None, None, text)
    parts = period.split("..")
    try:
        first, last = (dt.date.fromisoformat(p.strip()) for p in parts)
    except ValueError:
        raise ValueError(f"--period {period!r}: write FIRST..LAST as dates, e.g. 2024-10-07..2024-10-13") from None
    if last < first:
        raise ValueError(f"--period {period!r}: the last day {last} is before the first {first}")
    days = (last - first).days + 1
    return Period(first, last, f"{days}d")
