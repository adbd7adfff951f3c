"""Agent time: state and schedule seconds split exactly into time buckets, and interval sweeps.

A state or schedule row is clipped to the period and, when the result is sliced by time, split at
the bucket edges by joining it with the buckets it overlaps. The heavy lifting is Ibis on the
store's engine; the small grouped results are combined with pandas.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from callscope.clean import exclusion_flags, exclusion_rules
from callscope.kpi.catalogue.common import seconds_between
from callscope.kpi.context import KpiContext
from callscope.kpi.dims import GRAIN_MINUTES
from callscope.kpi.prepare import apply_filters

__all__ = ["state_seconds", "max_concurrency", "contacts_per_hour", "cost_per_contact", "schedule_coverage", "bucket_starts", "COVERAGE_INTERVAL"]

HANDLING = ("on_contact", "acw")
PRODUCTIVE = ("available", "on_contact", "acw", "outbound")
PAID = ("work", "break", "training", "meeting", "coaching", "leave")
# Which states honour which scheduled activity.
ADHERES = {"work": PRODUCTIVE, "break": ("break",), "lunch": ("lunch",), "training": ("training",), "meeting": ("meeting",), "coaching": ("coaching",)}
AGENT_ATTRIBUTES = ("team", "site", "tenure_band")


def bucket_starts(start: dt.datetime, end: dt.datetime, grain: str) -> list[dt.datetime]:
    """Every bucket start of `grain` from the one containing `start` up to `end`."""
    if grain in GRAIN_MINUTES or grain == "hour":
        step = dt.timedelta(minutes=GRAIN_MINUTES.get(grain, 60))
        first = start.replace(minute=0, second=0, microsecond=0)
        out, t = [], first
        while t < end:
            if t + step > start:
                out.append(t)
            t += step
        return out
    if grain == "day":
        first = start.replace(hour=0, minute=0, second=0, microsecond=0)
        return list(pd.date_range(first, end, freq="D", inclusive="left").to_pydatetime())
    if grain == "week":
        first = (start - dt.timedelta(days=start.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        return list(pd.date_range(first, end, freq="7D", inclusive="left").to_pydatetime())
    months = {"month": 1, "quarter": 3}[grain]
    first = start.replace(month=(start.month - 1) // months * months + 1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return list(pd.date_range(first, end, freq=f"{months}MS", inclusive="left").to_pydatetime())


def _time_grain(ctx: KpiContext) -> str | None:
    """Bucketing needed: the context's grain, or hours when slicing by hour of day or weekday."""
    if ctx.grain:
        return ctx.grain
    return "hour" if {"hour_of_day", "weekday"} & set(ctx.dims) else None


def _allocate(ctx: KpiContext, segments: ir.Table, sums: dict[str, ir.BooleanValue]) -> pd.DataFrame:
    """Σ seconds of each segment (agent_id, _s, _e) falling into each (agent, bucket), per condition in `sums`."""
    p = ctx.period
    s = segments.filter((segments._s < ibis.literal(p.end)) & (segments._e > ibis.literal(p.start)))
    s = s.mutate(_s=ibis.greatest(s._s, ibis.literal(p.start)), _e=ibis.least(s._e, ibis.literal(p.end)))
    grain = _time_grain(ctx)
    keys = ["agent_id"]
    if grain:
        starts = bucket_starts(p.start, p.end, grain)
        ends = starts[1:] + [_next_bucket(starts[-1], grain)] if starts else []
        buckets = ibis.memtable({"_b": starts, "_be": ends}, schema={"_b": "timestamp", "_be": "timestamp"})
        s = s.inner_join(buckets, (s._s < buckets._be) & (s._e > buckets._b))
        s = s.mutate(_s=ibis.greatest(s._s, s._b), _e=ibis.least(s._e, s._be))
        keys.append("_b")
    seconds = seconds_between(s._s, s._e)
    aggs = {name: ibis.cases((cond, seconds), else_=0.0).sum() for name, cond in sums.items()}
    return s.group_by(keys).aggregate(**aggs).to_pandas()


def _next_bucket(start: dt.datetime, grain: str) -> dt.datetime:
    if grain in GRAIN_MINUTES or grain == "hour":
        return start + dt.timedelta(minutes=GRAIN_MINUTES.get(grain, 60))
    if grain == "day":
        return start + dt.timedelta(days=1)
    if grain == "week":
        return start + dt.timedelta(days=7)
    return (pd.Timestamp(start) + pd.DateOffset(months={"month": 1, "quarter": 3}[grain])).to_pydatetime()


def _slice(ctx: KpiContext, frame: pd.DataFrame, value_cols: list[str]) -> pd.DataFrame:
    """Per-agent, per-bucket sums → sums per the context's slice columns (agent attributes, time)."""
    frame = _with_agent_attributes(ctx, frame)
    frame = _filter_frame(frame, ctx.filters)
    if "_b" in frame.columns:
        if ctx.grain:
            frame[ctx.grain] = frame["_b"]
        frame["hour_of_day"] = pd.to_datetime(frame["_b"]).dt.hour
        frame["weekday"] = pd.to_datetime(frame["_b"]).dt.weekday
    frame["agent"] = frame["agent_id"]
    cols = ctx.columns
    if not cols:
        return frame[value_cols].sum().to_frame().T
    return frame.groupby(cols, dropna=False)[value_cols].sum().reset_index()


def _with_agent_attributes(ctx: KpiContext, frame: pd.DataFrame) -> pd.DataFrame:
    wanted = (set(ctx.dims) | set(ctx.filters)) & set(AGENT_ATTRIBUTES)
    if not wanted:
        return frame
    agents = ctx.table("agents").select("agent_id", "team", "site", "hire_date").to_pandas()
    frame = frame.merge(agents, on="agent_id", how="left")
    if "tenure_band" in wanted:
        when = pd.to_datetime(frame["_b"]) if "_b" in frame.columns else pd.Timestamp(ctx.period.start)
        cutoff = pd.to_datetime(frame["hire_date"]) + pd.Timedelta(days=int(ctx.config.tags.get("tenure_new_days", 180)))
        frame["tenure_band"] = (when < cutoff).map({True: "new", False: "senior"}).where(frame["hire_date"].notna())
    return frame


def _filter_frame(frame: pd.DataFrame, filters: dict) -> pd.DataFrame:
    for name, values in filters.items():
        column = "agent_id" if name == "agent" else name
        if column not in frame.columns:
            raise ValueError(f"agent KPIs cannot be filtered on {name!r}")
        frame = frame[frame[column].isin(list(values))]
    return frame


def state_seconds(ctx: KpiContext) -> pd.DataFrame:
    """Seconds per slice: handling, ready, logged in, productive, paid, scheduled, adherent."""
    key = ("state_seconds",)
    if key in ctx.cache:
        return ctx.cache[key].copy()
    st = ctx.table("agent_states")
    states = st.select("agent_id", "state", _s=st.start, _e=st["end"])
    frames = [
        _allocate(
            ctx,
            states,
            {
                "handling_s": states.state.isin(HANDLING),
                "ready_s": states.state.isin((*HANDLING, "available")),
                "logged_in_s": states.state != "offline",
                "productive_s": states.state.isin(PRODUCTIVE),
            },
        )
    ]
    sc = ctx.table("schedules")
    plan = sc.select("agent_id", "activity", _s=sc.start, _e=sc["end"])
    frames.append(_allocate(ctx, plan, {"paid_s": plan.activity.isin(PAID), "scheduled_s": plan.activity != "off"}))
    frames.append(_allocate(ctx, _adherent_segments(states, plan), {"adherent_s": ibis.literal(True)}))
    keys = ["agent_id"] + (["_b"] if _time_grain(ctx) else [])
    merged = frames[0]
    for other in frames[1:]:
        merged = merged.merge(other, on=keys, how="outer")
    columns = ["handling_s", "ready_s", "logged_in_s", "productive_s", "paid_s", "scheduled_s", "adherent_s"]
    merged[columns] = merged[columns].fillna(0.0)
    result = _slice(ctx, merged, columns)
    ctx.cache[key] = result
    return result.copy()


def _adherent_segments(states: ir.Table, plan: ir.Table) -> ir.Table:
    """The overlap of each scheduled activity with the agent's states that honour it."""
    p = plan.select(_pa=plan.agent_id, _pact=plan.activity, _ps=plan._s, _pe=plan._e)
    j = states.inner_join(p, (states.agent_id == p._pa) & (states._s < p._pe) & (states._e > p._ps))
    honours = ibis.literal(False)
    for activity, good in ADHERES.items():
        honours = honours | ((j._pact == activity) & j.state.isin(good))
    j = j.filter(honours)
    return j.select("agent_id", _s=ibis.greatest(j._s, j._ps), _e=ibis.least(j._e, j._pe))


def max_concurrency(ctx: KpiContext, channels) -> pd.DataFrame:
    """Per agent and bucket, the most contacts open at once (a sweep over starts and ends); averaged over agents."""
    t = ctx.table("interactions")
    c = _kept(ctx, t.filter(t.agent_id.notnull() & t.answered_at.notnull() & t.ended_at.notnull() & (t.ended_at > t.answered_at)), "agents")
    c = c.filter((c.answered_at < ibis.literal(ctx.period.end)) & (c.ended_at > ibis.literal(ctx.period.start)))
    if channels is not None:
        c = c.filter(c.channel.isin(list(channels)))
    c = apply_filters(c, {k: v for k, v in ctx.filters.items() if k in c.columns})
    events = c.select("agent_id", _ts=c.answered_at, _d=ibis.literal(1)).union(c.select("agent_id", _ts=c.ended_at, _d=ibis.literal(-1)), distinct=False)
    # Ends sort before starts at the same instant: a chat closed at 10:00 and one opened at 10:00 never overlap.
    sweep = ibis.window(group_by=events.agent_id, order_by=[events._ts, events._d], rows=(None, 0))
    events = events.mutate(_open=events._d.sum().over(sweep))
    starts = events.filter((events._d == 1) & ctx.within(events._ts))
    grain = _time_grain(ctx)
    keys = ["agent_id"]
    if grain:
        from callscope.kpi.dims import bucket

        starts = starts.mutate(_b=bucket(starts._ts, grain))
        keys.append("_b")
    per_agent = starts.group_by(keys).aggregate(_max=starts._open.max()).to_pandas()
    per_agent["_agents"] = 1
    result = _slice(ctx, per_agent, ["_max", "_agents"])
    return result.rename(columns={"_max": "_num", "_agents": "_den"})


def _kept(ctx: KpiContext, t: ir.Table, family: str) -> ir.Table:
    """Rows of an interactions table that no exclusion rule of `family` drops."""
    return t.filter(exclusion_flags(t, exclusion_rules(ctx.config, "interactions"), family)[f"_keep_{family}"])


def _handled_per_agent(ctx: KpiContext) -> pd.DataFrame:
    t = ctx.table("interactions")
    t = _kept(ctx, t.filter((t.outcome == "answered") & t.agent_id.notnull() & ctx.within(t.arrived_at)), "voice")
    t = apply_filters(t, {k: v for k, v in ctx.filters.items() if k in t.columns})
    grain = _time_grain(ctx)
    keys = {"agent_id": t.agent_id}
    if grain:
        from callscope.kpi.dims import bucket

        keys["_b"] = bucket(t.arrived_at, grain)
    return t.group_by(**keys).aggregate(_handled=t.count()).to_pandas()


def _logged_in(ctx: KpiContext) -> pd.DataFrame:
    st = ctx.table("agent_states")
    states = st.select("agent_id", "state", _s=st.start, _e=st["end"])
    return _allocate(ctx, states, {"_logged_s": states.state != "offline"})


def contacts_per_hour(ctx: KpiContext) -> pd.DataFrame:
    frame = _combine(ctx)
    frame["_num"] = frame["_handled"]
    frame["_den"] = frame["_logged_s"] / 3600.0
    return frame


def cost_per_contact(ctx: KpiContext) -> pd.DataFrame:
    frame = _combine(ctx, with_cost=True)
    frame["_num"] = frame["_cost"]
    frame["_den"] = frame["_handled"]
    return frame


def _combine(ctx: KpiContext, with_cost: bool = False) -> pd.DataFrame:
    keys = ["agent_id"] + (["_b"] if _time_grain(ctx) else [])
    # Only agents (and buckets) with logged-in time count: contacts of agents without a state log
    # would otherwise inflate the rate.
    logged = _logged_in(ctx)
    merged = logged[logged["_logged_s"] > 0].merge(_handled_per_agent(ctx), on=keys, how="left").fillna({"_handled": 0})
    columns = ["_handled", "_logged_s"]
    if with_cost:
        rates = ctx.table("agents").select("agent_id", "hourly_cost").to_pandas()
        merged = merged.merge(rates, on="agent_id", how="inner")
        merged = merged[merged["hourly_cost"].notna()]
        merged["_cost"] = merged["_logged_s"] / 3600.0 * merged["hourly_cost"]
        columns.append("_cost")
    return _slice(ctx, merged, columns)


COVERAGE_INTERVAL = "interval30"


def schedule_coverage(ctx: KpiContext) -> pd.DataFrame:
    """Per 30-minute interval: agents scheduled to work against agents required by Erlang C for the
    interval's actual offered volume and handle time at the service-level target; summed per slice
    as Σ min(scheduled, required) (numerator) and Σ required (denominator)."""
    from dataclasses import replace

    from callscope.staffing import staff_intervals

    fine = replace(ctx, grain=COVERAGE_INTERVAL, dims=[], cache={})
    seconds = 30 * 60
    sc = ctx.table("schedules")
    plan = sc.select("agent_id", "activity", _s=sc.start, _e=sc["end"])
    scheduled = _allocate(fine, plan, {"_work_s": plan.activity == "work"}).groupby("_b", as_index=False)["_work_s"].sum()
    scheduled["_scheduled"] = scheduled["_work_s"] / seconds
    load = _queue_load(fine).merge(scheduled[["_b", "_scheduled"]], on="_b", how="left").fillna({"_scheduled": 0.0})
    # An interval whose contacts were all abandoned still needed agents: use the period's handle time.
    period_aht = (load["_aht"] * load["_answered"]).sum() / load["_answered"].sum() if load["_answered"].sum() else np.nan
    load["_aht"] = load["_aht"].fillna(period_aht)
    load = load[(load["_calls"] > 0) & (load["_aht"] > 0)]
    if load.empty:
        return pd.DataFrame(columns=[*ctx.columns, "_num", "_den"])
    required = staff_intervals(load["_calls"].to_numpy(float), seconds, load["_aht"].to_numpy(float), sl=float(ctx.opts["coverage_sl"]), answer_time=float(ctx.opts["answer_time_s"]))
    load["_required"] = required["agents"].to_numpy(float)
    load["_num"] = np.minimum(load["_scheduled"], load["_required"])
    load["_den"] = load["_required"]
    return _rebucket(ctx, load, ["_num", "_den"])


def _queue_load(ctx: KpiContext) -> pd.DataFrame:
    """Offered contacts on queue channels and their mean handle time per bucket (after exclusions)."""
    from callscope.kpi.dims import bucket

    t = ctx.table("interactions")
    t = _kept(ctx, t.filter(ctx.within(t.arrived_at) & t.channel.isin(list(ctx.opts["queue_channels"]))), "voice")
    handle = t.talk_s + t.hold_s.fill_null(0) + t.acw_s.fill_null(0)
    offered = t.outcome.isin(["answered", "abandoned", "overflow", "callback"])
    answered = (t.outcome == "answered") & t.talk_s.notnull()
    grouped = t.group_by(_b=bucket(t.arrived_at, ctx.grain)).aggregate(_calls=t.count(where=offered), _answered=t.count(where=answered), _aht=handle.mean(where=answered))
    return grouped.to_pandas()


def _rebucket(ctx: KpiContext, frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Fine buckets (`_b`) → the context's grain (or the whole period)."""
    if not ctx.grain:
        return frame[columns].sum().to_frame().T
    starts = pd.Series(bucket_starts(ctx.period.start, ctx.period.end, ctx.grain))
    which = np.searchsorted(starts.to_numpy(dtype="datetime64[ns]"), pd.to_datetime(frame["_b"]).to_numpy(dtype="datetime64[ns]"), side="right") - 1
    frame = frame.assign(**{ctx.grain: starts.to_numpy()[which]})
    return frame.groupby(ctx.grain, as_index=False)[columns].sum()
