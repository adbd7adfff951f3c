"""Comparisons: with the previous period, the same period a year earlier, the total across slices,
and the target. A change is given as absolute and relative."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from callscope.kpi.context import KpiContext
from callscope.kpi.dims import GRAIN_MINUTES
from callscope.kpi.period import Period
from callscope.kpi.targets import Target

__all__ = ["COMPARISONS", "normalise_compare", "previous_context", "year_earlier_context", "join_comparison", "add_targets", "add_total"]

# prev compares each row with the bucket (or period) just before it; mom/qoq/wow/dod are its names.
COMPARISONS = {"prev": "prev", "mom": "prev", "qoq": "prev", "wow": "prev", "dod": "prev", "yoy": "yoy", "target": "target", "total": "total", "slices": "total"}


def normalise_compare(compare) -> list[str]:
    items = [c.strip().lower() for c in (compare.split(",") if isinstance(compare, str) else (compare or [])) if c.strip()]
    out = []
    for item in items:
        if item not in COMPARISONS:
            raise ValueError(f"unknown comparison {item!r}; use {', '.join(COMPARISONS)}")
        if COMPARISONS[item] not in out:
            out.append(COMPARISONS[item])
    return out


def _step(grain: str, kind: str) -> pd.DateOffset | dt.timedelta:
    if kind == "yoy":
        return pd.DateOffset(years=1) if grain in ("day", "month", "quarter") else dt.timedelta(days=364)
    if grain in GRAIN_MINUTES or grain == "hour":
        return dt.timedelta(minutes=GRAIN_MINUTES.get(grain, 60))
    return {"day": dt.timedelta(days=1), "week": dt.timedelta(days=7), "month": pd.DateOffset(months=1), "quarter": pd.DateOffset(months=3)}[grain]


def _shifted(period: Period, step, sign: int) -> Period:
    start = (pd.Timestamp(period.start) + sign * step).to_pydatetime()
    end = (pd.Timestamp(period.end) + sign * step).to_pydatetime()
    return Period(start, end, "range", f"{start:%Y-%m-%d}..{end - dt.timedelta(seconds=1):%Y-%m-%d}")


def previous_context(ctx: KpiContext) -> KpiContext:
    if ctx.grain is None:
        return ctx.for_period(ctx.period.previous())
    return ctx.for_period(_shifted(ctx.period, _step(ctx.grain, "prev"), -1))


def year_earlier_context(ctx: KpiContext) -> KpiContext:
    if ctx.grain is None:
        return ctx.for_period(ctx.period.year_earlier())
    return ctx.for_period(_shifted(ctx.period, _step(ctx.grain, "yoy"), -1))


def join_comparison(ctx: KpiContext, current: pd.DataFrame, earlier: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Add {prefix}_value, {prefix}_change (absolute) and {prefix}_change_pct (relative) to `current`."""
    earlier = earlier[ctx.columns + ["kpi", "value"]].copy()
    if ctx.grain:
        step = _step(ctx.grain, prefix)
        earlier[ctx.grain] = pd.to_datetime(earlier[ctx.grain]) + step
        current = current.copy()
        current[ctx.grain] = pd.to_datetime(current[ctx.grain])
    earlier = earlier.rename(columns={"value": f"{prefix}_value"})
    keys = ctx.columns + ["kpi"]
    merged = current.merge(_keyable(earlier, keys), on=keys, how="left") if keys else current
    merged[f"{prefix}_change"] = merged["value"] - merged[f"{prefix}_value"]
    base = merged[f"{prefix}_value"].where(merged[f"{prefix}_value"] != 0)
    merged[f"{prefix}_change_pct"] = merged[f"{prefix}_change"] / base.abs()
    return merged


def _keyable(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.drop_duplicates(subset=keys)


def add_total(ctx: KpiContext, current: pd.DataFrame, total: pd.DataFrame) -> pd.DataFrame:
    """Compare each slice with the same KPI over all slices of the period (across-slice comparison)."""
    total = total[["kpi", "value"]].rename(columns={"value": "total_value"}).drop_duplicates("kpi")
    merged = current.merge(total, on="kpi", how="left")
    merged["vs_total"] = merged["value"] - merged["total_value"]
    return merged


def add_targets(ctx: KpiContext, frame: pd.DataFrame, targets: list[Target]) -> pd.DataFrame:
    """target, gap (value − target) and status (met / missed) for every row with a matching target.

    For each row the most specific applicable target wins (most slice conditions, then a dated
    target over an undated one): targets are applied from least to most specific, each
    overwriting the rows it matches.
    """
    frame = frame.copy(deep=False)  # new columns, not the caller's frame; rows are addressed by position
    target = np.full(len(frame), np.nan)
    operator = np.full(len(frame), None, dtype=object)
    rows_of = {kpi: np.asarray(rows) for kpi, rows in frame.groupby("kpi", sort=False).indices.items()}
    for t in sorted(targets, key=lambda t: (len(t.slice), t.start is not None)):
        if not t.in_effect(ctx.period.start) or t.kpi not in rows_of or any(c not in ctx.dims for c in t.slice):
            continue
        rows = rows_of[t.kpi]
        for column, wanted in t.slice.items():
            rows = rows[frame[column].to_numpy()[rows].astype(str) == str(wanted)]
        target[rows] = t.value
        operator[rows] = t.operator
    frame["target"] = target
    value = pd.to_numeric(frame["value"], errors="coerce")
    frame["gap"] = value - frame["target"]
    met = ((operator == ">=") & (value >= target)) | ((operator == "<=") & (value <= target))
    frame["status"] = np.where(frame["target"].notna() & value.notna(), np.where(met, "met", "missed"), None)
    return frame
