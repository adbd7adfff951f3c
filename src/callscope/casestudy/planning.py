"""The planning example: forecast the US bank's calls (interval_stats) and staff the next week by Erlang C."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from callscope.casestudy.bank import Target
from callscope.forecast import DEFAULT_MODELS, forecast, history_from_intervals
from callscope.forecast.models import BASELINE
from callscope.staffing import staff_intervals

__all__ = ["Plan", "plan", "SOURCE"]

SOURCE = "us_bank_weinberg"  # the `source` the us_bank_5min profile writes
TRAIN_WEEKS = 8  # each fit sees 8 weeks (callscope forecast's default; docs/forecast.md)


@dataclass
class Plan:
    backtest: pd.DataFrame  # one row per series: chosen model, its wMAPE/MASE/coverage and seasonal-naive's
    intervals: pd.DataFrame  # the forecast per interval with the agents Erlang C needs
    by_hour: pd.DataFrame  # weekday × hour: forecast calls and peak agents
    notes: list
    history_days: int
    history_start: pd.Timestamp
    history_end: pd.Timestamp
    source_minutes: int
    interval_minutes: int
    partial: dict  # the day's last interval when the source covers only part of it (start, end, minutes, seconds)
    train_weeks: float
    aht: float
    horizon: str
    backtest_weeks: float


def plan(store, aht: float, target: Target = Target(), *, interval_minutes: int = 30, horizon: str = "7d", backtest_weeks: float = 4, models: tuple[str, ...] = DEFAULT_MODELS) -> Plan:
    """Backtest and forecast the bank's interval_stats, then the agents each interval needs at `aht`."""
    history = history_from_intervals(store, by=(), source=SOURCE)
    source_minutes = int(history.interval_start.diff().dt.total_seconds().div(60).min())
    result = forecast(history, horizon, interval_minutes=interval_minutes, backtest_weeks=backtest_weeks, models=models, train_weeks=TRAIN_WEEKS)
    fc = result.forecast[result.forecast.measure == "offered"].copy()
    fc["open_s"] = fc.interval_start.map(_open_seconds(history, interval_minutes)).fillna(interval_minutes * 60)
    need = staff_intervals(fc.forecast.to_numpy(), fc.open_s.to_numpy(), aht, sl=target.sl, answer_time=target.answer_time)
    fc["agents"] = need.agents.to_numpy().astype(int)
    fc["service_level"] = need.service_level.to_numpy()
    fc["occupancy"] = need.occupancy.to_numpy()
    days = history.interval_start.dt.normalize()
    return Plan(
        backtest=_backtest_table(result.backtest),
        intervals=fc.reset_index(drop=True),
        by_hour=_by_hour(fc),
        notes=result.notes,
        history_days=int(days.nunique()),
        history_start=days.min(),
        history_end=days.max(),
        source_minutes=source_minutes,
        interval_minutes=interval_minutes,
        partial=_last_interval(history, fc),
        train_weeks=TRAIN_WEEKS,
        aht=aht,
        horizon=horizon,
        backtest_weeks=backtest_weeks,
    )


def _open_seconds(history: pd.DataFrame, minutes: int):
    """Seconds of each forecast interval (by time of day) that the source's intervals cover.

    The bank's day is 169 five-minute intervals, 07:00–21:05: the 21:00 half hour holds only
    21:00–21:05, so its calls arrive within 300 s, not 1,800.
    """
    step = history.interval_start.diff().dt.total_seconds().min()
    times = pd.Series(history.interval_start.dt.hour * 60 + history.interval_start.dt.minute).drop_duplicates()
    covered = times.groupby(times // minutes * minutes).size() * step
    return lambda ts: covered.get(ts.hour * 60 + ts.minute, minutes * 60)


def _last_interval(history: pd.DataFrame, fc: pd.DataFrame) -> dict:
    """The day's last forecast interval and how much of it the source's intervals cover."""
    last = fc.iloc[-1]
    step = pd.Timedelta(seconds=history.interval_start.diff().dt.total_seconds().min())
    opens = history.interval_start.dt.hour * 60 + history.interval_start.dt.minute
    first, final = opens.min(), opens.max()
    return {
        "start": f"{last.interval_start:%H:%M}",
        "end": f"{last.interval_start.normalize() + pd.Timedelta(minutes=int(final)) + step:%H:%M}",
        "day_start": f"{int(first) // 60:02d}:{int(first) % 60:02d}",
        "minutes": int(last.open_s // 60),
        "seconds": float(last.open_s),
    }


def _backtest_table(bt: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (series, measure), group in bt.groupby(["series", "measure"], sort=True):
        chosen = group[group.chosen].iloc[0]
        base = group[group.model == BASELINE].iloc[0]
        rows.append({
            "series": series, "measure": measure, "model": chosen.model, "wmape": chosen.wmape, "mase": chosen.mase,
            "coverage_80": chosen.coverage_80, "coverage_95": chosen.coverage_95, "points": int(chosen.points), "windows": int(chosen.windows),
            "naive_wmape": base.wmape, "naive_mase": base.mase,
            "candidates": group[["model", "wmape", "mase"]].reset_index(drop=True),
        })
    return pd.DataFrame(rows)


def _by_hour(fc: pd.DataFrame) -> pd.DataFrame:
    """Weekday × hour of day: forecast calls (sum) and the agents of the busier interval (max)."""
    frame = fc.assign(day=fc.interval_start.dt.normalize(), hour=fc.interval_start.dt.hour)
    return frame.groupby(["day", "hour"]).agg(calls=("forecast", "sum"), agents=("agents", "max")).reset_index()
