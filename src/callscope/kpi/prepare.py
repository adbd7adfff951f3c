"""Base tables ready for KPIs: period filter, tags, slice columns, exclusion flags, extra columns.

`prepared(ctx, base, needs)` returns an Ibis table with the canonical columns plus
- the slice columns the context asks for (`agent`, `hour_of_day`, `weekday`, the time bucket, tags),
- `_keep_<family>` (no exclusion rule for that KPI family drops the row) and `_ex_<family>__<rule>`
  (that rule is the first to drop it),
- for interactions, on request: `_fcr_ok`/`_fcr_known` and the per-conversation message summary `_m_*`.
"""

from __future__ import annotations

import re

import ibis
import ibis.expr.types as ir

from callscope.clean import FAMILIES, add_tags, exclusion_flags, exclusion_rules
from callscope.kpi.catalogue.common import seconds_between
from callscope.kpi.context import KpiContext
from callscope.kpi.dims import bucket, weekday
from callscope.kpi.lexicon import sensitive_words

__all__ = ["TIME_COLUMN", "BASE_DIMS", "prepared", "message_summary", "apply_filters"]

TIME_COLUMN = {
    "interactions": "arrived_at",
    "tickets": "created_at",
    "events": "start",
    "knowledge_hotspots": "flagged_at",
    "messages": "ts",
    "agent_states": "start",
    "schedules": "start",
}
_CONTACT_DIMS = ("channel", "queue", "category", "complexity", "customer_tier", "team", "agent", "site", "tenure_band", "peak", "hour_of_day", "weekday")
BASE_DIMS = {
    "interactions": (*_CONTACT_DIMS, "direction"),
    "tickets": (*_CONTACT_DIMS, "priority"),
    "events": ("channel", "queue", "hour_of_day", "weekday"),
    "knowledge_hotspots": ("category", "hour_of_day", "weekday"),
}


def prepared(ctx: KpiContext, base: str, needs: set[str]) -> ir.Table:
    key = ("prepared", base, frozenset(needs))
    if key not in ctx.cache:
        ctx.cache[key] = _prepare(ctx, base, needs)
    return ctx.cache[key]


def _prepare(ctx: KpiContext, base: str, needs: set[str]) -> ir.Table:
    store = ctx.store
    t = store.table(base)
    if base == "events":
        t = t.mutate(start=ibis.coalesce(t.detected_at, t.start))
    time_col = TIME_COLUMN[base]
    if base == "interactions" and "fcr" in needs and ctx.opts["fcr_method"] == "repeat":
        t = _with_next_contact(t)
    t = t.filter(ctx.within(t[time_col]))
    wanted = set(ctx.dims) | set(ctx.filters)
    agents = store.table("agents") if wanted & {"tenure_band", "site", "team"} and "agent_id" in t.columns else None
    t = add_tags(t, time_col, ctx.config, agents, wanted)
    t = t.mutate(**_slice_columns(t, time_col, ctx))
    t = apply_filters(t, ctx.filters)
    rules = exclusion_rules(ctx.config, base)
    t = t.mutate(**{name: flag for family in FAMILIES for name, flag in exclusion_flags(t, rules, family).items()})
    if base == "interactions" and "fcr" in needs:
        t = _fcr_columns(t, ctx)
    if base == "interactions" and "messages" in needs:
        summary = message_summary(ctx)
        t = t.left_join(summary, [t.source == summary._ms_source, t.interaction_id == summary._ms_id]).drop("_ms_source", "_ms_id")
    return t


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
        ctx.cache[key] = ctx.store.table("interactions").arrived_at.max().to_pyarrow().as_py()
    return ctx.cache[key]


def message_summary(ctx: KpiContext) -> ir.Table:
    """Per conversation: message counts by sender, scripts used, adoptions, sensitive words, reply gaps."""
    m = ctx.store.table("messages")
    interactions = ctx.store.table("interactions")
    keys = interactions.filter(ctx.within(interactions.arrived_at)).select(_k_source=interactions.source, _k_id=interactions.interaction_id)
    m = m.semi_join(keys, [m.source == keys._k_source, m.interaction_id == keys._k_id])
    agent = m.sender == "agent"
    counts = m.group_by(_ms_source=m.source, _ms_id=m.interaction_id).aggregate(
        _m_agent_msgs=agent.sum(),
        _m_customer_msgs=(m.sender == "customer").sum(),
        _m_scripts=(agent & m.script_id.notnull()).sum(),
        _m_adopted=m.adopted.fill_null(False).sum(),
        _m_sensitive=ibis.cases((agent, sensitive_hits(m.text, sensitive_words(ctx.config))), else_=0).sum(),
    )
    gaps = _reply_gaps(m)
    return counts.left_join(gaps, [counts._ms_source == gaps._g_source, counts._ms_id == gaps._g_id]).drop("_g_source", "_g_id")


def _reply_gaps(m: ir.Table) -> ir.Table:
    """For each agent reply after customer messages: seconds since the first unanswered customer message."""
    talk = m.filter(m.sender.isin(["customer", "agent"]))
    order = ibis.window(group_by=[talk.source, talk.interaction_id], order_by=talk.seq)
    talk = talk.mutate(_prev=talk.sender.lag().over(order))
    starts = (talk.sender == "customer") & (talk._prev.isnull() | (talk._prev != "customer"))
    running = ibis.window(group_by=[talk.source, talk.interaction_id], order_by=talk.seq, rows=(None, 0))
    talk = talk.mutate(_run_start=ibis.cases((starts, talk.ts), else_=ibis.null("timestamp")).max().over(running))
    reply = (talk.sender == "agent") & (talk._prev == "customer")
    talk = talk.mutate(_gap=ibis.cases((reply, seconds_between(talk._run_start, talk.ts)), else_=ibis.null("float64")))
    return talk.group_by(_g_source=talk.source, _g_id=talk.interaction_id).aggregate(_m_gap_sum=talk._gap.sum(), _m_gap_n=talk._gap.count())


_REGEX_SPECIAL = re.compile(r"([.^$*+?()\[\]{}|\\])")


def sensitive_hits(text: ir.StringValue, words: list[str]) -> ir.IntegerValue:
    """Occurrences of any lexicon word in `text`: one alternation pattern, compiled once by the engine.

    Each match is replaced by one marker character; the count of markers is the number of hits
    (portable across DuckDB, PostgreSQL and Spark, which all lack a common 'count matches').
    """
    if not words:
        return ibis.literal(0)
    pattern = "(?i)(" + "|".join(_REGEX_SPECIAL.sub(r"\\\1", w) for w in sorted(words, key=len, reverse=True)) + ")"
    clean = text.fill_null("").replace("\x01", "")
    marked = clean.re_replace(pattern, "\x01")
    return marked.length() - marked.replace("\x01", "").length()
