"""Holidays, campaigns and outages as multiplicative effects on volume.

An event (a row of the `events` table) covers the intervals whose start falls in [start, end);
without an end it covers the rest of its start day. It applies to a series when its queue and
channel are empty or equal to the series' own. Its factor on volume is

* `1 + effect` when the row states an effect (0.2 = +20 %, -1 = closed);
* otherwise estimated from the history: Σ volume in the intervals the events *of that name* cover
  ÷ Σ volume one week earlier in the same intervals (pairs where the earlier interval is imputed
  or itself under an event are left out). A name with no such pair gets factor 1 and a note.

How factors are used (the same for every model, the seasonal-naive baseline included): the
history is divided by the factor before fitting, so the models learn the ordinary pattern, and
the forecast is multiplied by the factor of each future interval. Factor 0 (closed) intervals in
the history are treated like closed days: filled from a week earlier and never scored. Factors
of overlapping events multiply. AHT is not adjusted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["EVENT_COLUMNS", "EventEffects", "events_from_store", "events_from_file", "event_effects"]

EVENT_COLUMNS = ("event_id", "kind", "name", "start", "end", "queue", "channel", "effect")


@dataclass
class EventEffects:
    """Volume factors of one series on its history grid and on its forecast intervals."""

    history: np.ndarray
    future: np.ndarray
    estimated: dict[str, float] = field(default_factory=dict)  # event name → factor estimated from history
    unknown: list[str] = field(default_factory=list)  # names with no effect and nothing to estimate from


def events_from_store(store) -> pd.DataFrame:
    if not store.has_table("events"):
        return _empty()
    return _tidy(store.table("events").select(*EVENT_COLUMNS).to_pandas())


def events_from_file(path: str | Path) -> pd.DataFrame:
    """Events from a CSV with the `events` table's columns (at least `start`)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"events file {path} does not exist")
    raw = pd.read_csv(path)
    if "start" not in raw.columns:
        raise ValueError(f"{path}: no 'start' column; an events file needs at least start (and usually end, name, effect)")
    for column in EVENT_COLUMNS:
        if column not in raw.columns:
            raw[column] = None
    raw["event_id"] = raw["event_id"].fillna(pd.Series(range(1, len(raw) + 1), index=raw.index).astype(str))
    return _tidy(raw[list(EVENT_COLUMNS)], path)


def event_effects(
    events: pd.DataFrame,
    attributes: dict[str, str],
    history_stamps: pd.DatetimeIndex,
    history_values: np.ndarray,
    imputed: np.ndarray,
    future_stamps: pd.DatetimeIndex,
    season: int,
) -> EventEffects:
    """Factors for one series (`attributes` holds its queue/channel where known)."""
    mine = events[_applies(events, attributes)]
    result = EventEffects(np.ones(len(history_stamps)), np.ones(len(future_stamps)))
    covered_h = {row.event_id: _covers(row, history_stamps) for row in mine.itertuples()}
    covered_f = {row.event_id: _covers(row, future_stamps) for row in mine.itertuples()}
    any_event = np.logical_or.reduce(list(covered_h.values())) if covered_h else np.zeros(len(history_stamps), bool)
    for name, group in mine.groupby("label", sort=True):
        unstated = group[group.effect.isna()]
        if len(unstated):
            mask = np.logical_or.reduce([covered_h[e] for e in unstated.event_id])
            factor = _estimate(history_values, mask, imputed | any_event, season)
            if factor is None:
                result.unknown.append(name)
            else:
                result.estimated[name] = factor
        for row in group.itertuples():
            factor = 1.0 + row.effect if not pd.isna(row.effect) else result.estimated.get(name, 1.0)
            result.history[covered_h[row.event_id]] *= factor
            result.future[covered_f[row.event_id]] *= factor
    return result


def _estimate(values: np.ndarray, mask: np.ndarray, unusable: np.ndarray, season: int) -> float | None:
    at = np.flatnonzero(mask)
    at = at[at >= season]
    at = at[~unusable[at - season]]
    reference = values[at - season].sum()
    if at.size == 0 or reference <= 0:
        return None
    return float(values[at].sum() / reference)


def _applies(events: pd.DataFrame, attributes: dict[str, str]) -> pd.Series:
    ok = pd.Series(True, index=events.index)
    for dim in ("queue", "channel"):
        value = attributes.get(dim)
        ok &= events[dim].isna() | (events[dim] == value)
    return ok


def _covers(row, stamps: pd.DatetimeIndex) -> np.ndarray:
    end = row.end if not pd.isna(row.end) else row.start.normalize() + pd.Timedelta(days=1)
    return np.asarray((stamps >= row.start) & (stamps < end))


def _tidy(df: pd.DataFrame, path: Path | None = None) -> pd.DataFrame:
    df = df.copy()
    for column in ("start", "end"):
        df[column] = pd.to_datetime(df[column], errors="coerce", format="mixed").astype("datetime64[ns]")
    if df.start.isna().any():
        row = int(np.flatnonzero(df.start.isna().to_numpy())[0])
        raise ValueError(f"{_where(df, row, path)} has no valid start time; write e.g. 2024-10-01 or 2024-10-01 09:00")
    df["effect"] = pd.to_numeric(df["effect"], errors="coerce")
    bad = df.effect < -1
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(
            f"{_where(df, row, path)} has effect {df.effect.iloc[row]:g}; effects are ≥ -1 (-1 = closed, 0.2 = +20 %)"
        )
    for column in ("event_id", "kind", "name", "queue", "channel"):
        df[column] = df[column].where(df[column].notna(), None)
    # Events of the same name share an estimated effect (e.g. each year's "National Day").
    df["label"] = [n if n else f"{k or 'event'} {e}" for n, k, e in zip(df.name, df.kind, df.event_id)]
    return df


def _where(df: pd.DataFrame, row: int, path: Path | None) -> str:
    return f"{path} line {row + 2}: event" if path else f"events: event {df.event_id.iloc[row]!r}"


def _empty() -> pd.DataFrame:
    return _tidy(pd.DataFrame({c: pd.Series(dtype=object) for c in EVENT_COLUMNS}))
