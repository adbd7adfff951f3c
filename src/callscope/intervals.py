"""Interval statistics from call records: the `interval_stats` rows an ACD's interval report would
give, computed from `interactions`.

Many centres can export only interval reports, so `interval_stats` is a canonical table of its own
(filled by importing those reports, see docs/formats/interval-stats.md). Aggregating call records
gives the same shape, so the same forecasting and the same interval KPIs run on either:

    rows = from_interactions(store, 30)                 # an Ibis table in interval_stats' shape
    rows.to_pandas()

Each contact counts in the interval its `arrived_at` falls in. Test contacts are left out, and so
are phantom records unless `include_phantom` (an ACD's own report may count them: the Technion
6-minute file does).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from callscope.schema import table_spec

__all__ = ["from_interactions", "OFFERED_OUTCOMES", "DIMENSIONS", "CLOSED"]

# Outcomes of contacts that reached the agent queue (as the KPI catalogue's `offered`).
OFFERED_OUTCOMES = ("answered", "abandoned", "overflow", "callback")
DIMENSIONS = ("queue", "channel")
# Which end of an interval is inside it: left = [start, end) as ACDs report; right = (start, end]
# as R's cut() makes them (00:00:00 then falls in the day's first interval).
CLOSED = ("left", "right")


def from_interactions(
    store,
    interval_minutes: int,
    *,
    by: tuple[str, ...] = DIMENSIONS,
    threshold_s: float = 20,
    closed: str = "left",
    include_phantom: bool = False,
    start=None,
    end=None,
) -> ir.Table:
    """Contacts per source × `by` × interval, in the columns of `interval_stats` (no lineage).

    arrivals = every contact; offered = contacts that reached the agent queue (answered, abandoned,
    overflow, callback); answered_within counts answered contacts that waited ≤ `threshold_s`;
    handled, handle_s and talk_s cover answered contacts with a known talk time; staffed_s is left
    empty (agent time is in agent_states). Dimensions not in `by` are empty (all together).
    `start`/`end` bound arrived_at (start inclusive, end exclusive).
    """
    _check(interval_minutes, by, closed)
    t = store.table("interactions")
    t = t.filter(t.is_test.fill_null(False) == False, t.direction.isnull() | (t.direction == "inbound"))  # noqa: E712
    if not include_phantom:
        t = t.filter(t.is_phantom.fill_null(False) == False)  # noqa: E712
    if start is not None:
        t = t.filter(t.arrived_at >= ibis.literal(start).cast("timestamp"))
    if end is not None:
        t = t.filter(t.arrived_at < ibis.literal(end).cast("timestamp"))
    t = t.mutate(_interval=interval_of(t.arrived_at, interval_minutes, closed))
    answered = t.outcome == "answered"
    handled = answered & t.talk_s.notnull()
    handle = t.talk_s + t.hold_s.fill_null(0) + t.acw_s.fill_null(0)
    keys = {d: (t[d] if d in by else ibis.null("string")) for d in DIMENSIONS}
    counts = t.group_by(source=t.source, interval_start=t._interval, **keys).aggregate(
        arrivals=t.count(),
        offered=t.count(where=t.outcome.isin(OFFERED_OUTCOMES)),
        answered=t.count(where=answered),
        abandoned=t.count(where=t.outcome == "abandoned"),
        answered_within=t.count(where=answered & (t.wait_s <= threshold_s)),
        answer_wait_s=t.wait_s.sum(where=answered),
        handled=t.count(where=handled),
        handle_s=handle.sum(where=handled),
        talk_s=t.talk_s.sum(where=handled),
    )
    extra = {
        "interval_minutes": ibis.literal(interval_minutes, type="int64"),
        "threshold_s": ibis.literal(float(threshold_s), type="float64"),
        "staffed_s": ibis.null("float64"),
    }
    spec = table_spec("interval_stats")
    return counts.select(**{f.name: (counts[f.name] if f.name in counts.columns else extra[f.name]).cast(f.dtype) for f in spec.fields})


def interval_of(ts: ir.TimestampValue, minutes: int, closed: str = "left") -> ir.TimestampValue:
    """The start of the interval of `minutes` (which divides a day) that `ts` falls in."""
    length = minutes * 60
    seconds = ts.hour() * 3600 + ts.minute() * 60 + ts.second() + ts.millisecond() / 1000
    if closed == "left":
        slot = (seconds / length).floor()
    else:
        slot = ibis.greatest((seconds / length).ceil() - 1, 0)
    return ts.truncate("D") + (slot.cast("int64") * minutes).as_interval("m")


def _check(minutes: int, by: tuple[str, ...], closed: str) -> None:
    if not isinstance(minutes, int) or minutes <= 0 or 1440 % minutes:
        raise ValueError(f"interval of {minutes!r} minutes does not divide a day; use e.g. 5, 6, 15, 30 or 60")
    bad = [d for d in by if d not in DIMENSIONS]
    if bad:
        raise ValueError(f"cannot break interval statistics down by {', '.join(bad)}; choose from {', '.join(DIMENSIONS)}")
    if closed not in CLOSED:
        raise ValueError(f"closed={closed!r}: use 'left' (start ≤ t < end, as ACDs report) or 'right' (start < t ≤ end)")
