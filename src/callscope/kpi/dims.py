"""Dimensions to slice by, and time grains to bucket by, with their zh/en labels.

A dimension is a column of a prepared base table (`agent` is agent_id; hour_of_day and weekday are
computed from the base's time column). A time grain turns the time column into the start of its
bucket: 15/30/60-minute interval, hour, day, week (ISO, Monday), month, quarter.
"""

from __future__ import annotations

import ibis.expr.types as ir

__all__ = ["DIMENSIONS", "GRAINS", "ALIASES", "normalise_by", "bucket", "GRAIN_MINUTES"]

DIMENSIONS = (
    "channel",
    "direction",
    "queue",
    "category",
    "complexity",
    "customer_tier",
    "team",
    "agent",
    "site",
    "tenure_band",
    "peak",
    "priority",
    "hour_of_day",
    "weekday",
)
GRAINS = ("interval15", "interval30", "interval60", "hour", "day", "week", "month", "quarter")
GRAIN_MINUTES = {"interval15": 15, "interval30": 30, "interval60": 60}
ALIASES = {"tier": "customer_tier", "agent_id": "agent", "tenure": "tenure_band", "hod": "hour_of_day", "dow": "weekday"}
_TRUNC = {"hour": "h", "interval60": "h", "day": "D", "week": "W", "month": "M", "quarter": "Q"}


def normalise_by(by: list[str] | str | None) -> list[str]:
    """Validated dimension and grain names, aliases resolved, order kept."""
    if by is None:
        return []
    items = [b.strip() for b in (by.split(",") if isinstance(by, str) else by) if b.strip()]
    out = []
    for item in items:
        name = ALIASES.get(item, item)
        if name not in DIMENSIONS and name not in GRAINS:
            raise ValueError(f"cannot slice by {item!r}; dimensions: {', '.join(DIMENSIONS)}; time grains: {', '.join(GRAINS)}")
        if name not in out:
            out.append(name)
    grains = [n for n in out if n in GRAINS]
    if len(grains) > 1:
        raise ValueError(f"slice by one time grain at a time (got {', '.join(grains)})")
    return out


def bucket(ts: ir.TimestampValue, grain: str) -> ir.TimestampValue:
    """Start of the time bucket of `ts` (portable: truncation plus whole minutes)."""
    if grain in ("interval15", "interval30"):
        size = GRAIN_MINUTES[grain]
        minutes = (ts.minute() // size) * size
        return ts.truncate("h") + minutes.as_interval("m")
    return ts.truncate(_TRUNC[grain])


def weekday(ts: ir.TimestampValue) -> ir.IntegerValue:
    """0 = Monday … 6 = Sunday on every backend."""
    return ts.day_of_week.index()
