"""Derived tags (seed 003, step 3): tenure band, peak/off-peak, complexity and customer tier.

Tags are Ibis expressions added to a table at query time, so changing the configuration changes
every figure at once without re-importing.
"""

from __future__ import annotations

import functools
import operator

import ibis
import ibis.expr.types as ir

from callscope.config import Config

__all__ = ["TAGS", "add_tags", "peak_flag", "WEEKDAYS"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TAGS = ("tenure_band", "peak", "complexity", "customer_tier")


def add_tags(t: ir.Table, time_col: str, config: Config, agents: ir.Table | None, wanted: set[str]) -> ir.Table:
    """`t` with the tags in `wanted` (re)computed from `time_col` and the configuration."""
    tags = config.tags
    out = {}
    if "peak" in wanted:
        out["peak"] = peak_flag(t[time_col], tags.get("peak") or [])
    if "complexity" in wanted and "complexity" in t.columns:
        spec = tags.get("complexity") or {}
        by_category = spec.get("by_category") or {}
        derived = t.category.substitute(by_category, else_=ibis.literal(spec.get("default", "simple"))) if "category" in t.columns and by_category else ibis.literal(spec.get("default", "simple"))
        out["complexity"] = ibis.coalesce(t.complexity, derived)
    if "customer_tier" in wanted and "customer_tier" in t.columns:
        mapping = (tags.get("customer_tier") or {}).get("map") or {}
        out["customer_tier"] = t.customer_tier.substitute(mapping) if mapping else t.customer_tier
    if out:
        t = t.mutate(**out)
    if agents is not None and "agent_id" in t.columns and wanted & {"tenure_band", "site", "team"}:
        t = _agent_attributes(t, time_col, agents, int(tags.get("tenure_new_days", 180)), wanted)
    return t


def peak_flag(ts: ir.TimestampValue, windows: list[dict]) -> ir.StringValue:
    """'peak' inside any configured window (weekday + time of day), else 'off_peak'."""
    if not windows:
        return ibis.literal("off_peak")
    weekday = ts.day_of_week.index()  # 0 = Monday on every Ibis backend
    minute = ts.hour() * 60 + ts.minute()
    hits = []
    for w in windows:
        days = [WEEKDAYS.index(str(d).lower()[:3]) for d in w.get("days", WEEKDAYS)]
        start, end = _minutes(w["from"]), _minutes(w["to"])
        hits.append(weekday.isin(days) & (minute >= start) & (minute < end))
    return ibis.cases((functools.reduce(operator.or_, hits), "peak"), else_="off_peak")


def _minutes(hhmm: str) -> int:
    hours, minutes = str(hhmm).split(":")
    return int(hours) * 60 + int(minutes)


def _agent_attributes(t: ir.Table, time_col: str, agents: ir.Table, new_days: int, wanted: set[str]) -> ir.Table:
    """Tenure band at the time of the row, the agent's site, and the team where the row has none."""
    roster = agents.select(_tag_agent=agents.agent_id, _tag_hired=agents.hire_date, _tag_team=agents.team, _tag_site=agents.site)
    joined = t.left_join(roster, t.agent_id == roster._tag_agent)
    extra = {}
    if "tenure_band" in wanted:
        cutoff = joined._tag_hired.cast("timestamp") + ibis.interval(days=new_days)
        extra["tenure_band"] = ibis.cases((joined._tag_hired.isnull(), ibis.null("string")), (joined[time_col] < cutoff, "new"), else_="senior")
    if "site" in wanted:
        extra["site"] = joined._tag_site
    if "team" in wanted:
        extra["team"] = ibis.coalesce(joined.team, joined._tag_team) if "team" in t.columns else joined._tag_team
    return joined.mutate(**extra).drop("_tag_agent", "_tag_hired", "_tag_team", "_tag_site")
