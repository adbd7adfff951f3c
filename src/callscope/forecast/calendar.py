"""Opening hours: which intervals a series is modelled on, and how gaps in the history are filled.

Many centres close at night, at weekends and on holidays. Modelling the closed hours as long runs
of zeros wastes effort and blurs the daily pattern, so each series is modelled on a regular grid
of *template* intervals only:

* open weekdays: weekdays on which the centre had contacts on at least half of their dates in the
  history span (e.g. Monday–Friday for the US bank data);
* slots: every time of day at which the series ever had a contact, on any open weekday (07:00,
  07:30, … 21:00 for the bank data at 30 minutes).

The grid is every slot of every open-weekday date, so the daily season is `len(slots)` intervals
and the weekly season `len(slots) × len(weekdays)` (169 and 845 for the bank's 5-minute data, the
periods of Hyndman & Athanasopoulos, FPP3 §12.1). A slot that was never open on a given weekday
(e.g. Saturday afternoon when Saturday closes at noon) stays on the grid and is forecast as 0.

Gaps: an open-weekday date with no contacts in *any* series (a holiday, an outage of the data
feed) is a closed day. Its intervals are filled with the values one week earlier (one week later
at the very start) so the weekly season stays aligned, and they are flagged `imputed`: imputed
intervals are never scored in a backtest. On a day the centre was open, an interval with no
contacts in a series is a true zero. Contacts outside the grid (a stray call on a Sunday when the
centre is closed on Sundays) are counted and reported, not modelled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Calendar", "infer_calendar", "closed_days", "regularise", "fill_masked"]

MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class Calendar:
    """The template grid of one series."""

    grain: int  # interval length, minutes
    weekdays: tuple[int, ...]  # open weekdays, Monday = 0
    slots: tuple[int, ...]  # start of each modelled interval, minutes after midnight
    open_slots: frozenset[tuple[int, int]]  # (weekday, minute) pairs with contacts in the history

    @property
    def daily(self) -> int:
        return len(self.slots)

    @property
    def weekly(self) -> int:
        return len(self.slots) * len(self.weekdays)

    def days(self, first: dt.date, last: dt.date) -> pd.DatetimeIndex:
        """Open-weekday dates from `first` to `last`, both included."""
        dates = pd.date_range(pd.Timestamp(first), pd.Timestamp(last), freq="D")
        return dates[np.isin(dates.weekday, self.weekdays)]

    def stamps(self, days: pd.DatetimeIndex) -> pd.DatetimeIndex:
        """Every template interval start on the given days, in time order."""
        offsets = pd.to_timedelta(np.asarray(self.slots, dtype="int64"), unit="min")
        return pd.DatetimeIndex((days.values[:, None] + offsets.values[None, :]).ravel())

    def is_open(self, stamps: pd.DatetimeIndex) -> np.ndarray:
        minutes = stamps.hour * 60 + stamps.minute
        return np.array([(d, m) in self.open_slots for d, m in zip(stamps.weekday, minutes)], dtype=bool)


def closed_days(history: pd.DataFrame) -> set[dt.date]:
    """Dates without a single contact in any series, on weekdays the centre is usually open."""
    active = history.loc[history.offered > 0, "interval_start"].dt.normalize().drop_duplicates()
    if active.empty:
        return set()
    span = pd.date_range(active.min(), active.max(), freq="D")
    weekdays = _open_weekdays(pd.DatetimeIndex(active), span)
    seen = set(active)
    return {d.date() for d in span if d.weekday() in weekdays and d not in seen}


def infer_calendar(series: pd.DataFrame, grain: int) -> Calendar:
    """The template grid of one series' history (rows of one series, any order)."""
    busy = series.loc[series.offered > 0, "interval_start"]
    if busy.empty:
        raise ValueError(f"series {series.series.iloc[0]!r} has no offered contacts; nothing to forecast")
    days = pd.DatetimeIndex(busy.dt.normalize().drop_duplicates())
    weekdays = _open_weekdays(days, pd.date_range(days.min(), days.max(), freq="D"))
    on_open_day = busy[busy.dt.weekday.isin(weekdays)]
    minutes = on_open_day.dt.hour * 60 + on_open_day.dt.minute
    slots = tuple(sorted(set(minutes)))
    return Calendar(grain, tuple(sorted(weekdays)), slots, frozenset(zip(on_open_day.dt.weekday, minutes)))


def regularise(series: pd.DataFrame, calendar: Calendar, closed: set[dt.date]) -> tuple[pd.DataFrame, float]:
    """The series on its template grid, closed days filled from a week earlier.

    Returns the grid frame (interval_start, offered, attempts, handled, handle_s, imputed) and the
    offered contacts that fell outside the grid.
    """
    first, last = series.interval_start.min().date(), series.interval_start.max().date()
    grid = pd.DataFrame({"interval_start": calendar.stamps(calendar.days(first, last))})
    values = series.drop(columns="series")
    merged = grid.merge(values, on="interval_start", how="left")
    outside = float(values.offered.sum() - merged.offered.sum())
    merged[["offered", "attempts"]] = merged[["offered", "attempts"]].fillna(0.0)
    has_handle = values.handled.notna().any()
    merged[["handled", "handle_s"]] = merged[["handled", "handle_s"]].fillna(0.0) if has_handle else np.nan
    imputed = merged.interval_start.dt.date.isin(closed).to_numpy()
    for column in ("offered", "attempts", "handled", "handle_s"):
        merged[column] = fill_masked(merged[column].to_numpy(float), imputed, calendar.weekly)
    merged["imputed"] = imputed
    return merged, outside


def fill_masked(values: np.ndarray, mask: np.ndarray, season: int) -> np.ndarray:
    """Replace masked values by the value one season earlier (later where there is none earlier)."""
    out = values.copy()
    for i in np.flatnonzero(mask):
        if i >= season:
            out[i] = out[i - season]  # already filled if it was masked itself
            continue
        later = np.arange(i + season, len(out), season)
        usable = later[~mask[later]]
        out[i] = out[usable[0]] if usable.size else 0.0
    return out


def _open_weekdays(active: pd.DatetimeIndex, span: pd.DatetimeIndex) -> set[int]:
    """Weekdays active on at least half of their dates in the span."""
    seen = pd.Series(active.weekday).value_counts()
    possible = pd.Series(span.weekday).value_counts()
    return {int(d) for d, n in seen.items() if n * 2 >= possible[d]}
