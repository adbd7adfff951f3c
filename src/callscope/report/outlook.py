"""Targets in effect for a period, grouped by the slices they need, and next month's expected volume.

Targets come from the store's `targets` table, the configuration and a targets file (the KPI
engine's own loader). A target on `channel=voice` is only matched by results sliced by channel,
so the report asks the engine once per set of slice dimensions.

Expected volume: the engine's daily `offered` per channel over the last weeks, forecast with
`callscope.forecast` (seasonal naive against MSTL-ETS, picked by a short backtest) over the
next month's days.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from callscope.kpi.period import Period
from callscope.kpi.targets import Target

__all__ = ["targets_in_effect", "by_slice_dims", "slice_text", "expected_volume", "next_month"]


def targets_in_effect(targets: list[Target], period: Period) -> list[Target]:
    return [t for t in targets if t.in_effect(period.start)]


def by_slice_dims(targets: list[Target]) -> dict[tuple[str, ...], list[str]]:
    """{slice dimensions: KPI ids with a target on exactly those dimensions}."""
    out: dict[tuple[str, ...], list[str]] = {}
    for t in targets:
        dims = tuple(sorted(t.slice))
        if t.kpi not in out.setdefault(dims, []):
            out[dims].append(t.kpi)
    return dict(sorted(out.items(), key=lambda kv: (len(kv[0]), kv[0])))


def slice_text(row: dict, dims: tuple[str, ...], everything: str) -> str:
    return ", ".join(f"{row[d]}" for d in dims) if dims else everything


def expected_volume(daily: pd.DataFrame, next_period: Period, *, events: pd.DataFrame | None = None):
    """Forecast of daily offered per channel over `next_period` from an engine result by channel, day.

    Returns (forecast frame: channel, day, forecast, lo_80, hi_80; backtest frame), or None when
    the history is too short (fewer than two weeks of days with contacts).
    """
    from callscope.forecast import forecast

    rows = daily[daily["channel"].notna() & (daily["value"] > 0)]
    if rows.empty or rows["day"].nunique() < 14:
        return None
    history = pd.DataFrame(
        {
            "series": rows["channel"].astype(str),
            "interval_start": pd.to_datetime(rows["day"]),
            "offered": rows["value"].astype(float),
            "attempts": rows["value"].astype(float),
            "handled": np.nan,
            "handle_s": np.nan,
        }
    )
    days = (next_period.end - next_period.start).days
    result = forecast(history, f"{days}d", backtest_weeks=2, train_weeks=None, models=("seasonal_naive", "mstl_ets"), events=events)
    fc = result.forecast[result.forecast["measure"] == "offered"]
    fc = fc[(fc["interval_start"] >= next_period.start) & (fc["interval_start"] < next_period.end)]
    out = fc.rename(columns={"series": "channel", "interval_start": "day"})[["channel", "day", "forecast", "lo_80", "hi_80", "model"]]
    return out.reset_index(drop=True), result.backtest


def next_month(period: Period) -> Period:
    start = period.end
    month = start.month % 12 + 1
    end = dt.datetime(start.year + (start.month == 12), month, 1)
    return Period(start, end, "month", f"{start:%Y-%m}")
