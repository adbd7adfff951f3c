"""Base tables ready for KPIs: period filter, tags, slice columns, exclusion flags, extra columns.

`prepared(ctx, base, needs)` returns an Ibis table with the canonical columns plus
- the slice columns the context asks for (`agent`, `hour_of_day`, `weekday`, the time bucket, tags),
- `_keep_<family>` (no exclusion rule for that KPI family drops the row; which rule dropped the
  others is a group key of the engine's query, see kpi/engine.py),
- for interactions, on request: `_fcr_ok`/`_fcr_known` and the per-conversation message summary `_m_*`.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from callscope.clean import FAMILIES, add_tags, exclusion_flags, exclusion_rules
from callscope.kpi.catalogue.common import seconds_between
from callscope.kpi.context import KpiContext
from callscope.kpi.dims import bucket, weekday
from callscope.kpi import conversations
from callscope.kpi.lexicon import sensitive_words

__all__ = ["TIME_COLUMN", "BASE_DIMS", "prepared", "message_summary", "with_message_summary", "apply_filters"]

TIME_COLUMN = {
    "interactions": "arrived_at",
    "tickets": "created_at",
    "events": "start",
    "knowledge_hotspots": "flagged_at",
    "messages": "ts",
    "agent_states": "start",
    "schedules": "start",
    "interval_stats": "interval_start",
}
_CONTACT_DIMS = ("channel", "queue", "category", "complexity", "customer_tier", "team", "agent", "site", "tenure_band", "peak", "hour_of_day", "weekday")
BASE_DIMS = {
    "interactions": (*_CONTACT_DIMS, "direction"),
    "tickets": (*_CONTACT_DIMS, "priority"),
    "events": ("channel", "queue", "hour_of_day", "weekday"),
    "knowledge_hotspots": ("category", "hour_of_day", "weekday"),
    "interval_stats": ("channel", "queue", "peak", "hour_of_day", "weekday"),
}


def prepared(ctx: KpiContext, base: str, needs: set[str]) -> ir.Table:
    key = ("prepared", base, frozenset(needs))
    if key not in ctx.cache:
        ctx.cache[key] = _prepare(ctx, base, needs)
    return ctx.cache[key]


def _prepare(ctx: KpiContext, base: str, needs: set[str]) -> ir.Table:
    store = ctx.store
    t = ctx.table(base)
    if base == "events":
        t = t.mutate(start=ibis.coalesce(t.detected_at, t.start))
    time_col = TIME_COLUMN[base]
    if base == "interactions" and "fcr" in needs and ctx.opts["fcr_method"] == "repeat":
        t = _with_next_contact(t)
    t = t.filter(ctx.within(t[time_col]))
    wanted = set(ctx.dims) | set(ctx.filters)
    agents = ctx.table("agents") if wanted & {"tenure_band", "site", "team"} and "agent_id" in t.columns else None
    t = add_tags(t, time_col, ctx.config, agents, wanted)
    t = t.mutate(**_slice_columns(t, time_col, ctx))
    t = apply_filters(t, ctx.filters)
    rules = exclusion_rules(ctx.config, base)
    t = t.mutate(**{f"_keep_{family}": exclusion_flags(t, rules, family)[f"_keep_{family}"] for family in FAMILIES})
    if base == "interactions" and "fcr" in needs:
        t = _fcr_columns(t, ctx)
    if base == "interactions" and "messages" in needs:
        t = with_message_summary(ctx, t)
    return t


def with_message_summary(ctx: KpiContext, t: ir.Table) -> ir.Table:
    """Interactions `t` with the per-conversation message summary columns `_m_*` (NULL without messages)."""
    summary = message_summary(ctx)
    return t.left_join(summary, [t.source == summary._ms_source, t.interaction_id == summary._ms_id]).drop("_ms_source", "_ms_id")


def _slice_columns(t: ir.Table, time_col: str, ctx: KpiContext) -> dict:
    ts = t[time_col]
    cols = {}
    if "agent" in ctx.columns + list(ctx.filters) and "agent_id" in t.columns:
        cols["agent"] = t.agent_id
    if "hour_of_day" in ctx.columns + list(ctx.filters):
        cols["hour_of_day"] = ts.hour()
    if "weekday" in ctx.columns + list(ctx.filters):
        cols["weekday"] = weekday(ts)
    if ctx.grain:
        cols[ctx.grain] = bucket(ts, ctx.grain)
    return cols


def apply_filters(t: ir.Table, filters: dict[str, list]) -> ir.Table:
    for name, values in filters.items():
        if name not in t.columns:
            raise ValueError(f"cannot filter on {name!r}: not a column of this table")
        t = t.filter(t[name].isin(list(values)))
    return t


def _with_next_contact(t: ir.Table) -> ir.Table:
    """Seconds until the same customer's next contact, over all the data (not just the period)."""
    nxt = t.arrived_at.lead().over(ibis.window(group_by=t.customer_id, order_by=t.arrived_at))
    return t.mutate(_next_contact_s=ibis.cases((t.customer_id.notnull(), seconds_between(t.arrived_at, nxt)), else_=ibis.null("float64")))


def _fcr_columns(t: ir.Table, ctx: KpiContext) -> ir.Table:
    if ctx.opts["fcr_method"] == "flag":
        return t.mutate(_fcr_ok=t.resolved.fill_null(False), _fcr_known=t.resolved.notnull())
    window_s = float(ctx.opts["fcr_repeat_days"]) * 86400
    data_end = _data_end(ctx)
    # A contact whose repeat window runs past the last contact in the data cannot be judged yet.
    known = t.customer_id.notnull() & (t.arrived_at + ibis.interval(seconds=int(window_s)) <= ibis.literal(data_end))
    ok = known & (t._next_contact_s.isnull() | (t._next_contact_s > window_s))
    return t.mutate(_fcr_ok=ok, _fcr_known=known)


def _data_end(ctx: KpiContext):
    key = ("data_end",)
    if key not in ctx.cache:
        ctx.cache[key] = ctx.table("interactions").arrived_at.max().to_pyarrow().as_py()
    return ctx.cache[key]


def message_summary(ctx: KpiContext) -> ir.Table:
    """Per conversation: message counts, scripts, adoptions, sensitive words, reply gaps (see
    kpi/conversations.py) — from the stored statistics when they are current, else computed now."""
    stored = conversations.current(ctx.store, ctx.config)
    if stored is not None:
        return stored
    m = ctx.table("messages")
    interactions = ctx.table("interactions")
    keys = interactions.filter(ctx.within(interactions.arrived_at)).select(_k_source=interactions.source, _k_id=interactions.interaction_id)
    m = m.semi_join(keys, [m.source == keys._k_source, m.interaction_id == keys._k_id])
    return conversations.summarise(m, sensitive_words(ctx.config))
