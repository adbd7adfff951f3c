"""Anomalies: intervals whose KPI value is far from what the same slot of the week usually shows.

Method (seasonal median and MAD, robust to the spikes it looks for):
  expected  = the median of the same weekday-and-time slot over the previous `history_weeks` weeks
              (for the day grain, the same weekday), using the weeks that have a value;
  scale     = 1.4826 × the median absolute deviation of those values (a robust standard
              deviation: equal to σ for normal data), but never below the noise of the interval
              itself — for a share of contacts (SL, abandonment…) the binomial standard error √(p(1−p)/n) over the interval's
              n contacts at the expected rate, taken as Agresti–Coull's p = (n·expected + 2)/(n + 4)
              so that an interval usually at 100% or 0% is not judged as noiseless, for a count the Poisson √expected (at least 1),
              for other KPIs 5% of the KPI's typical (median) level;
  robust z  = (value − expected) ÷ scale; an anomaly has |z| ≥ threshold (3 by default).
An interval is judged only with at least half its history weeks (and at least 2) behind it, and for
a ratio KPI with at least `min_volume` contacts. Counts are zero in intervals without contacts, so
an outage shows as a drop; other KPIs have no value there and are not judged.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from callscope.config import Config
from callscope.diagnose.common import as_period, normalise_filters
from callscope.kpi import KPI, Period, compute, get_kpi
from callscope.kpi.agent_time import bucket_starts
from callscope.kpi.model import Quantile, Sum
from callscope.store import Store

__all__ = ["anomalies", "seasonal_scores", "ANOMALY_GRAINS", "COLUMNS"]

ANOMALY_GRAINS = ("interval15", "interval30", "interval60", "hour", "day")
COLUMNS = ["start", "value", "expected", "deviation", "scale", "robust_z", "direction", "worse", "volume", "history"]
MAD_TO_SIGMA = 1.4826  # 1 / Φ⁻¹(3/4): the MAD of normal data times this is its standard deviation
RELATIVE_FLOOR = 0.05


def anomalies(
    store: Store,
    kpi: str,
    period: str | Period | None,
    *,
    grain: str = "interval30",
    history_weeks: int = 8,
    threshold: float = 3.0,
    filters: dict | None = None,
    min_volume: int = 10,
    flagged_only: bool = True,
    options: dict | None = None,
    config: Config | str | Path | None = None,
    targets: str | Path | None = None,
) -> pd.DataFrame:
    """Intervals of `period` whose `kpi` is far from its seasonal expectation (see the module doc).

    Columns: start (the interval's start), value, expected, deviation (value − expected), scale,
    robust_z, direction (above/below), worse (True when the deviation is in the KPI's bad direction;
    None for neutral KPIs), volume (the interval's denominator, or the count itself), history (weeks
    used). `flagged_only=False` returns every judged interval of the period.
    """
    k = get_kpi(kpi)
    if grain not in ANOMALY_GRAINS:
        raise ValueError(f"unknown grain {grain!r} for anomalies; use {', '.join(ANOMALY_GRAINS)}")
    if int(history_weeks) < 2:
        raise ValueError(f"history_weeks must be at least 2 (got {history_weeks})")
    if not threshold > 0:
        raise ValueError(f"threshold must be a positive number of robust standard deviations (got {threshold})")
    period = as_period(store, period)
    series = kpi_series(store, k, period, grain, int(history_weeks), normalise_filters(filters), dict(options=options, config=config, targets=targets))
    scored = seasonal_scores(series["value"], int(history_weeks), floor=_floor(k, series, min_volume), step=pd.Timedelta(days=7))
    frame = pd.concat([series, scored], axis=1).reset_index()
    frame = frame[(frame["start"] >= pd.Timestamp(period.start)) & (frame["start"] < pd.Timestamp(period.end))]
    if not k.additive and not isinstance(k.measure, Quantile):
        frame.loc[frame["volume"] < min_volume, "robust_z"] = np.nan
    frame = frame[frame["robust_z"].notna()].copy()
    frame["deviation"] = frame["value"] - frame["expected"]
    frame["direction"] = np.where(frame["deviation"] >= 0, "above", "below")
    frame["worse"] = _worse(k, frame["deviation"])
    if flagged_only:
        frame = frame[frame["robust_z"].abs() >= threshold]
    frame = frame[COLUMNS].reset_index(drop=True)
    frame.attrs.update(kpi=k.id, unit=k.unit, period=period.label, grain=grain, history_weeks=int(history_weeks), threshold=float(threshold))
    return frame


def kpi_series(store: Store, k: KPI, period: Period, grain: str, history_weeks: int, filters: dict, common: dict) -> pd.DataFrame:
    """The KPI per interval from `history_weeks` weeks before the period to its end, indexed by start,
    with columns value and volume. Counts get a zero for every interval without contacts."""
    first = period.start - pd.Timedelta(days=7 * history_weeks).to_pytimedelta()
    span = Period(first, period.end, "range", f"{first:%Y-%m-%d}..{period.end:%Y-%m-%d}")
    frame = compute(store, [k.id], by=[grain], period=span, filters=filters, **common)
    notes = [str(n) for n in frame["note"].dropna() if str(n).split(":")[0] in ("missing", "not_sliceable")]
    if notes:
        raise ValueError(f"{k.id} per {grain} over {span.label} cannot be computed ({notes[0]})")
    frame = frame[frame[grain].notna()]
    series = pd.DataFrame(
        {"value": pd.to_numeric(frame["value"], errors="coerce").to_numpy(float), "volume": pd.to_numeric(frame["denominator"], errors="coerce").to_numpy(float)},
        index=pd.DatetimeIndex(pd.to_datetime(frame[grain]), name="start"),
    )
    if k.additive:
        every = pd.DatetimeIndex(bucket_starts(span.start, span.end, grain), name="start")
        series = series.reindex(every)
        series["value"] = series["value"].fillna(0.0)
        series["volume"] = series["value"]
    return series.sort_index()


def seasonal_scores(values: pd.Series, history_weeks: int, *, floor, step: pd.Timedelta) -> pd.DataFrame:
    """Per timestamp: expected (median of the values 1…history_weeks steps earlier), scale
    (1.4826 × MAD, at least `floor`), robust_z and history (how many earlier values there were)."""
    earlier = {w: values.reindex(values.index - w * step).to_numpy(float) for w in range(1, history_weeks + 1)}
    past = pd.DataFrame(earlier, index=values.index)
    expected = past.median(axis=1)
    mad = past.sub(expected, axis=0).abs().median(axis=1)
    history = past.count(axis=1)
    floor = floor(expected) if callable(floor) else floor
    scale = np.maximum(MAD_TO_SIGMA * mad, floor)
    enough = history >= max(2, math.ceil(history_weeks / 2))
    z = ((values - expected) / scale).where(enough & values.notna())
    return pd.DataFrame({"expected": expected, "scale": scale, "robust_z": z, "history": history})


def _floor(k: KPI, series: pd.DataFrame, min_volume: int):
    """The smallest scale an interval is judged with: the noise its own volume allows."""
    if k.additive:
        return lambda expected: np.sqrt(np.maximum(expected.to_numpy(float), 1.0))
    if k.unit == "ratio" and isinstance(k.measure, Sum) and k.measure.scale == 1.0:  # a share of counted rows
        n = np.maximum(series["volume"].fillna(0).to_numpy(float), float(max(min_volume, 2)))

        def binomial(expected: pd.Series) -> np.ndarray:
            # Agresti–Coull's "plus four" rate keeps the normal approximation honest near 0 and 1.
            p = (np.clip(expected.to_numpy(float), 0.0, 1.0) * n + 2) / (n + 4)
            return np.sqrt(p * (1 - p) / n)

        return binomial
    typical = float(series["value"].abs().median()) if series["value"].notna().any() else 0.0
    return max(RELATIVE_FLOOR * typical, 1e-9)


def _worse(k: KPI, deviation: pd.Series) -> pd.Series:
    if k.direction == "neutral":
        return pd.Series([None] * len(deviation), index=deviation.index, dtype=object)
    return (deviation < 0) if k.direction == "higher" else (deviation > 0)
