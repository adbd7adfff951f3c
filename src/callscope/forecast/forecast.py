"""The public entry: forecast volume and AHT per series from a history frame, with a backtest.

    result = forecast(history, "7d", interval_minutes=30, backtest_weeks=4)
    result.forecast   # series, measure, interval_start, model, forecast, lo_80, hi_80, lo_95, hi_95
    result.backtest   # series, measure, model, wmape, mase, points, windows, chosen, coverage_80, …

Per series: the opening calendar gives the template grid (`calendar`), events give volume factors
(`events`), every candidate model is backtested on rolling origins (`backtest`), the one with the
lower wMAPE is refitted on the recent history and forecasts the horizon, with intervals calibrated
on its backtest errors (`intervals`). Measures: `offered` (true demand) and, where the history has
handle time, `aht_s` (average handle time, seconds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from callscope.forecast.backtest import Target, fit_and_forecast, run_backtest
from callscope.forecast.calendar import Calendar, closed_days, fill_masked, infer_calendar, regularise
from callscope.forecast.events import event_effects
from callscope.forecast.history import aggregate, infer_grain, series_attributes
from callscope.forecast.models import BASELINE, DEFAULT_MODELS, MODEL_NAMES, seasonal_periods

__all__ = ["ForecastResult", "Note", "forecast", "horizon_days"]

MEASURES = ("offered", "aht_s")


@dataclass(frozen=True)
class Note:
    """Something the user should know, as a message key of locales/*/forecast.yaml and its values."""

    key: str
    values: dict = field(default_factory=dict)


@dataclass
class ForecastResult:
    forecast: pd.DataFrame
    backtest: pd.DataFrame
    notes: list[Note]
    interval_minutes: int


def forecast(
    history: pd.DataFrame,
    horizon: str | int = "7d",
    *,
    interval_minutes: int | None = None,
    levels: tuple[int, ...] = (80, 95),
    backtest_weeks: float = 4,
    train_weeks: float | None = 8,
    models: tuple[str, ...] = DEFAULT_MODELS,
    events: pd.DataFrame | None = None,
) -> ForecastResult:
    """Forecast every series of `history` (see `callscope.forecast.history`) over `horizon`.

    horizon: "7d" (calendar days from the first open day after the history), "2w", or a number
    of intervals.
    interval_minutes: aggregate the history to this length first (default: its own).
    backtest_weeks: how much recent history the rolling-origin backtest covers (0 = none).
    train_weeks: each fit sees at most this many weeks of history (None = all; needed for a yearly
    season, which MSTL adds once two years of history are in the window).
    """
    levels = _check_levels(levels)
    horizon_days(horizon)  # a bad horizon fails before any work
    if not models:
        raise ValueError(f"no candidate models given; choose from {', '.join(MODEL_NAMES)}")
    if history.empty:
        raise ValueError("the history is empty: no offered contacts in the chosen period and series")
    grain = infer_grain(history)
    if interval_minutes and interval_minutes != grain:
        history = aggregate(history, interval_minutes)
        grain = interval_minutes
    closed = closed_days(history)
    attributes = series_attributes(history)
    notes = [Note("closed_days", {"n": len(closed), "days": _list_days(closed)})] if closed else []
    settings = _Settings(horizon, levels, backtest_weeks, train_weeks, tuple(models))
    frames, tables = [], []
    for name, series in history.groupby("series", sort=True):
        fc, bt, series_notes = _forecast_series(name, series, grain, closed, attributes.get(name, {}), events, settings)
        frames.append(fc)
        tables.append(bt)
        notes.extend(series_notes)
    return ForecastResult(pd.concat(frames, ignore_index=True), pd.concat(tables, ignore_index=True), notes, grain)


def horizon_days(horizon: str | int) -> tuple[int | None, int | None]:
    """(calendar days, intervals) from "7d", "2w" or a number of intervals."""
    if isinstance(horizon, int) or str(horizon).isdigit():
        steps = int(horizon)
        if steps < 1:
            raise ValueError(f"horizon {horizon!r} must be at least one interval")
        return None, steps
    match = re.fullmatch(r"\s*(\d+)\s*([dw])\s*", str(horizon).lower())
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"horizon {horizon!r} is not understood; write e.g. 7d (days), 2w (weeks) or 96 (intervals)")
    return int(match.group(1)) * (7 if match.group(2) == "w" else 1), None


@dataclass(frozen=True)
class _Settings:
    horizon: str | int
    levels: tuple[int, ...]
    backtest_weeks: float
    train_weeks: float | None
    models: tuple[str, ...]


def _forecast_series(name, series, grain, closed, attributes, events, settings: _Settings):
    calendar = infer_calendar(series, grain)
    grid, outside = regularise(series, calendar, closed)
    notes = [Note("outside_calendar", {"series": name, "n": round(outside)})] if outside > 0 else []
    future = _future_stamps(calendar, grid.interval_start.iloc[-1], settings.horizon)
    targets, event_notes = _targets(name, grid, calendar, future, events, attributes)
    notes += event_notes
    n, h = len(grid), len(future)
    weeks = settings.train_weeks
    train_size = None if weeks is None else max(int(round(weeks * calendar.weekly)), 2 * calendar.daily)
    n_windows = _windows(n, h, settings.backtest_weeks, calendar)
    if settings.backtest_weeks and n_windows == 0:
        notes.append(Note("no_backtest", {"series": name}))
    periods = seasonal_periods(calendar.daily, calendar.weekly, min(n - n_windows * h, train_size or n))
    frames, tables = [], []
    for target in targets:
        fc, table = _forecast_target(target, settings.models, periods, h, n_windows, train_size, settings.levels)
        fc.insert(0, "interval_start", future[fc.position.to_numpy() - n])
        frames.append(fc.drop(columns="position").assign(series=name, measure=target.measure))
        tables.append(table.assign(series=name, measure=target.measure))
    bounds = [f"{b}_{lv}" for lv in settings.levels for b in ("lo", "hi")]
    fc = pd.concat(frames, ignore_index=True)[["series", "measure", "interval_start", "model", "forecast", *bounds]]
    bt = pd.concat(tables, ignore_index=True)
    bt = bt[["series", "measure"] + [c for c in bt.columns if c not in ("series", "measure")]]
    return fc, bt, notes


def _targets(name, grid, calendar, future, events, attributes) -> tuple[list[Target], list[Note]]:
    """Volume (÷ event factors, closed intervals filled) and, where handle time is known, AHT."""
    stamps = pd.DatetimeIndex(grid.interval_start)
    imputed, offered = grid.imputed.to_numpy(), grid.offered.to_numpy()
    factor_hist, factor_future, notes = np.ones(len(stamps)), np.ones(len(future)), []
    if events is not None and len(events):
        effects = event_effects(events, attributes, stamps, offered, imputed, future, calendar.weekly)
        factor_hist, factor_future = effects.history, effects.future
        notes += [Note("event_estimated", {"series": name, "event": e, "factor": f"{f:.2f}"}) for e, f in effects.estimated.items()]
        notes += [Note("event_unknown", {"series": name, "event": e}) for e in effects.unknown]
    closed_by_event = factor_hist == 0
    masked = imputed | closed_by_event
    adjusted = np.where(closed_by_event, 0.0, offered / np.where(closed_by_event, 1.0, factor_hist))
    open_future = calendar.is_open(future).astype(float)
    factor = np.concatenate([factor_hist, factor_future * open_future])
    targets = [Target("offered", fill_masked(adjusted, masked, calendar.weekly), offered, factor, ~masked, calendar.weekly)]
    if not grid.handled.isna().all():
        targets.append(_aht_target(grid, masked, open_future, calendar))
    return targets, notes


def _forecast_target(target, models, periods, h, n_windows, train_size, levels):
    if n_windows:
        bt = run_backtest(target, models, periods, h=h, n_windows=n_windows, train_size=train_size, levels=levels)
        chosen, scores, table = bt.chosen, bt.scores, bt.metrics.assign(chosen=lambda m: m.model == bt.chosen)
    else:
        # Without a backtest the intervals are the model's own; mstl_ses has none, so prefer the others.
        preferred = ("mstl_ets", "mstl_arima") if periods.seasons else ()
        chosen = next((m for m in preferred + (BASELINE,) if m in models), models[0])
        scores, table = None, pd.DataFrame({"model": [chosen], "chosen": [True]})
    fc = fit_and_forecast(target, chosen, periods, h=h, train_size=train_size, levels=levels, scores=scores)
    return fc.assign(model=chosen), table


def _aht_target(grid: pd.DataFrame, masked: np.ndarray, open_future: np.ndarray, calendar: Calendar) -> Target:
    """AHT per interval; intervals without handled contacts take the slot-of-week average AHT."""
    handled, handle_s = grid.handled.to_numpy(), grid.handle_s.to_numpy()
    week_slot = np.arange(len(grid)) % calendar.weekly
    use = ~masked
    slot_handled = np.bincount(week_slot[use], handled[use], minlength=calendar.weekly)
    slot_seconds = np.bincount(week_slot[use], handle_s[use], minlength=calendar.weekly)
    overall = handle_s[use].sum() / max(handled[use].sum(), 1.0)
    profile = np.where(slot_handled > 0, slot_seconds / np.maximum(slot_handled, 1.0), overall)
    has_contacts = handled > 0
    aht = np.where(has_contacts, handle_s / np.maximum(handled, 1.0), profile[week_slot])
    weeks_seen = np.maximum(np.bincount(week_slot[use], minlength=calendar.weekly), 1)
    factor = np.concatenate([np.ones(len(grid)), open_future])
    return Target("aht_s", aht, aht, factor, use & has_contacts, calendar.weekly, slot_handled / weeks_seen)


def _future_stamps(calendar: Calendar, last: pd.Timestamp, horizon) -> pd.DatetimeIndex:
    """Horizon in days: that many calendar days from the first open day after the history."""
    days, steps = horizon_days(horizon)
    first = calendar.days(last.date() + pd.Timedelta(days=1), last.date() + pd.Timedelta(days=7))[0]
    if days is not None:
        return calendar.stamps(calendar.days(first.date(), (first + pd.Timedelta(days=days - 1)).date()))
    weeks = steps // calendar.weekly + 1
    return calendar.stamps(calendar.days(first.date(), (first + pd.Timedelta(weeks=weeks)).date()))[:steps]


def _windows(n: int, h: int, backtest_weeks: float, calendar: Calendar) -> int:
    """Backtest windows of the horizon's length that cover the last `backtest_weeks` weeks."""
    if not backtest_weeks or h == 0:
        return 0
    wanted = max(1, int(round(backtest_weeks * calendar.weekly)) // h)
    room = (n - 2 * calendar.daily) // h  # every window leaves at least two days to learn from
    return max(0, min(wanted, room))


def _check_levels(levels) -> tuple[int, ...]:
    levels = tuple(sorted(int(lv) for lv in levels))
    bad = [lv for lv in levels if not 0 < lv < 100]
    if bad:
        raise ValueError(f"prediction interval level {bad[0]} is not between 0 and 100 (write e.g. 80,95)")
    return levels


def _list_days(days: set) -> str:
    shown = sorted(days)[:8]
    return ", ".join(d.isoformat() for d in shown) + (" …" if len(days) > len(shown) else "")
