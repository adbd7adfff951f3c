"""The response-speed optimisation evaluation (响应速度优化评估, seed 003), after the template's
steps and its three tables:

1 scope and targets (step 1) · 2 Table 1 metric summary (step 4: FRT, response timeliness and
resolution time, for contacts and for tickets) · 3 Table 2 by problem type, with the stage where
the time goes (step 5) · 4 the comparisons of step 4: over time (MoM, YoY, six-month trend),
across slices (channel, customer tier, team) and against targets · 5 Table 3 action tracking
(steps 6–7, the action file of the month-end report).
"""

from __future__ import annotations

import pandas as pd

from callscope.kpi import get_kpi
from callscope.report.actions import action_table
from callscope.report.blocks import slice_table
from callscope.report.context import report_context
from callscope.report.format import display, status_label
from callscope.report.indicators import Indicator, definitions_section, measure, monthly, place, resolved_options, trend_charts
from callscope.report.model import Column, Note, Paragraph, Report, Section, Table
from callscope.report.outlook import by_slice_dims, slice_text, targets_in_effect
from callscope.report.stages import STAGES, stage_times
from callscope.store import Store

__all__ = ["build_response_speed", "METRICS", "BY_TYPE", "ACROSS", "TREND_MONTHS"]

METRICS = ["FRT", "response_timeliness", "resolution_time", "ticket_FRT", "ticket_timeliness", "ticket_resolution_time"]
# Table 2's engine columns; the ticket count is the denominator of ticket timeliness (all tickets).
BY_TYPE = ["handled", "FRT", "resolution_time", "CSAT", "ticket_timeliness", "ticket_FRT", "ticket_resolution_time"]
ACROSS = ("channel", "customer_tier", "team")
TREND_MONTHS = 6


def build_response_speed(store: Store, period: str, *, lang: str, actions=None, targets=None, config=None, options=None, calls=None) -> Report:
    ctx = report_context(store, period, lang=lang, targets=targets, config=config, options=options, calls=calls)
    indicators = place([Indicator(k, "response") for k in METRICS], ctx.targets, ctx.period)
    rows = measure(ctx, indicators)
    across = {dim: ctx.kpi(METRICS, by=dim, period=ctx.period.label) for dim in ACROSS}
    types = _by_type(ctx)
    sections = [
        _scope(ctx, rows, types),
        Section("metrics", ctx.t("section.rs_metrics")).add(_table1(ctx, rows, across["channel"])),
        Section("types", ctx.t("section.rs_types")).add(_table2(ctx, types)),
        _comparisons(ctx, indicators, rows, across),
        Section("actions", ctx.t("section.rs_actions")).add(action_table(ctx, actions, "rs_actions", ctx.t("table.rs_actions"))),
        definitions_section(ctx, rows, METRICS + ["handled", "CSAT"]),
    ]
    title = ctx.t("response_speed.title")
    return Report("response_speed", title, ctx.period.label, lang, sections, subtitle=ctx.t("response_speed.subtitle", period=ctx.period.label, timezone=store.timezone or "—"))


# -- 1 scope ------------------------------------------------------------------------------------


def _scope(ctx, rows: pd.DataFrame, types: pd.DataFrame) -> Section:
    s = Section("scope", ctx.t("section.rs_scope"))
    opts = resolved_options(ctx)
    s.add(Paragraph(ctx.t(
        "response_speed.scope", period=ctx.period.label, channels=", ".join(opts["response_channels"]), target=display(float(opts["response_target_s"]), "seconds"),
    )))  # fmt: skip
    judged = rows[rows["status"].notna()]
    stages = types["stage"].dropna()
    top = stages.mode().iloc[0] if len(stages) else None
    s.add(Paragraph(ctx.t(
        "response_speed.summary", met=int((judged["status"] == "met").sum()), judged=len(judged),
        missed="; ".join(judged.loc[judged["status"] == "missed", "name"]) or ctx.t("none"),
        stage=ctx.t(f"stage.{top}") if top else "—", categories=int((stages == top).sum()) if top else 0, n=len(types),
    )))  # fmt: skip
    return s


# -- 2 Table 1 ----------------------------------------------------------------------------------


def _table1(ctx, rows: pd.DataFrame, by_channel: pd.DataFrame) -> Table:
    frame = rows.copy()
    frame["period"] = ctx.period.label
    everything = ctx.t("all_contacts")
    frame["metric"] = [r["name"] if r["slice"] == everything else f"{r['name']} ({r['slice']})" for r in frame.to_dict("records")]
    frame["source"] = frame["base"].map(lambda b: ctx.t(f"source.{b}"))
    # A metric measured on one channel (its target's slice) has no weaker channel to point at.
    on_channel = {ind_kpi for ind_kpi, dims in zip(frame["kpi"], frame["dims"]) if "channel" in dims}
    frame["note"] = [r["note"] or ("" if r["kpi"] in on_channel else _weakest(ctx, r["kpi"], by_channel)) for r in frame.to_dict("records")]
    cols = [
        Column("period", ctx.t("col.period")), Column("metric", ctx.t("col.metric")), Column("definition", ctx.t("col.formula")),
        Column("source", ctx.t("col.source")), Column("target", ctx.t("col.target"), "row"), Column("value", ctx.t("col.actual"), "row"),
        Column("status_text", ctx.t("col.status")), Column("note", ctx.t("col.note")),
    ]  # fmt: skip
    return Table("rs_metrics", ctx.t("table.rs_metrics"), frame, cols, note=ctx.t("note.rs_metrics"), status_column="status")


def _weakest(ctx, kpi: str, by_channel: pd.DataFrame) -> str:
    """The channel with the worst value of `kpi` when there are at least two channels to compare."""
    rows = by_channel[(by_channel["kpi"] == kpi) & by_channel["channel"].notna() & by_channel["value"].notna()]
    if len(rows) < 2:
        return ""
    k = get_kpi(kpi)
    worst = rows.loc[rows["value"].idxmax() if k.direction == "lower" else rows["value"].idxmin()]
    return ctx.t("note.rs_weakest", channel=worst["channel"], value=display(float(worst["value"]), k.unit))


# -- 3 Table 2 ----------------------------------------------------------------------------------


def _by_type(ctx) -> pd.DataFrame:
    """Per problem type: the engine's handled, FRT, resolution time and CSAT, and the stage times."""
    engine = ctx.kpi(BY_TYPE, by="category", period=ctx.period.label)
    engine = engine[engine["category"].notna()]
    wide = engine.pivot_table(index="category", columns="kpi", values="value", aggfunc="first", dropna=False).reset_index()
    for k in BY_TYPE:
        if k not in wide.columns:
            wide[k] = float("nan")
    tickets = engine[engine["kpi"] == "ticket_timeliness"].set_index("category")["denominator"]
    wide["tickets"] = wide["category"].map(tickets)
    stages = stage_times(ctx, "category")
    frame = wide.merge(stages, on="category", how="outer")
    frame = frame[frame["handled"].fillna(0).gt(0) | frame["answered"].fillna(0).gt(0) | frame["tickets"].fillna(0).gt(0)]
    return frame.sort_values("handled", ascending=False, kind="stable").reset_index(drop=True)


def _table2(ctx, types: pd.DataFrame) -> Table:
    frame = types.copy()
    frame["stage_text"] = frame["stage"].map(lambda s: ctx.t(f"stage.{s}") if isinstance(s, str) else "—")
    cols = [
        Column("category", ctx.t("col.category")), Column("handled", ctx.t("col.contacts_handled"), "count"), Column("tickets", ctx.t("col.tickets"), "count"),
        Column("FRT", ctx.t("col.frt"), "seconds"), Column("ticket_FRT", ctx.t("col.ticket_frt"), "seconds"), Column("resolution_time", ctx.t("col.resolution"), "seconds"),
        Column("ticket_resolution_time", ctx.t("col.ticket_resolution"), "seconds"), Column("CSAT", ctx.t("col.csat"), "score"), Column("stage_text", ctx.t("col.delay_stage")),
        Column("stage_share", ctx.t("col.stage_share"), "ratio"),
    ]  # fmt: skip
    cols += [Column(f"{s}_s", ctx.t(f"col.{'resolve' if s == 'resolution' else s}_s"), "seconds") for s in STAGES]
    return Table("rs_types", ctx.t("table.rs_types"), frame, cols, note=ctx.t("note.rs_types"))


# -- 4 comparisons ------------------------------------------------------------------------------


def _comparisons(ctx, indicators: list[Indicator], rows: pd.DataFrame, across: dict) -> Section:
    s = Section("compare", ctx.t("section.rs_compare"))
    cols = [
        Column("name", ctx.t("col.metric")), Column("value", ctx.t("col.this_period"), "row"), Column("prev_value", ctx.t("col.prev_period"), "row"),
        Column("prev_change_pct", ctx.t("col.mom"), "change_pct"), Column("yoy_value", ctx.t("col.yoy_value"), "row"), Column("yoy_change_pct", ctx.t("col.yoy"), "change_pct"),
        Column("trend", ctx.t("col.trend")), Column("target", ctx.t("col.target"), "row"), Column("gap", ctx.t("col.gap"), "row"), Column("status_text", ctx.t("col.status")),
    ]  # fmt: skip
    s.add(Table("rs_vertical", ctx.t("table.rs_vertical"), rows, cols, note=ctx.t("note.sq_compare"), status_column="status"))
    s.add(*trend_charts(ctx, "rs_trend", rows, monthly(ctx, indicators, TREND_MONTHS), ctx.t("response_speed.metrics"), TREND_MONTHS))
    for dim in ACROSS:
        s.add(slice_table(f"rs_by_{dim}", ctx.t(f"table.rs_by_{dim}"), across[dim], dim, METRICS, ctx.lang))
    return s.add(_slice_targets(ctx))


def _slice_targets(ctx):
    """Every response target in effect that is set on a slice, with the slice's value."""
    in_effect = [t for t in targets_in_effect(ctx.targets, ctx.period) if t.kpi in METRICS and t.slice]
    rows = []
    for dims, kpis in by_slice_dims(in_effect).items():
        frame = ctx.kpi(kpis, by=",".join(dims), period=ctx.period.label)
        for t in (t for t in in_effect if tuple(sorted(t.slice)) == dims):
            found = frame[frame["kpi"] == t.kpi]
            for d in dims:
                found = found[found[d].astype(str) == str(t.slice[d])]
            value = float(found["value"].iloc[0]) if len(found) and pd.notna(found["value"].iloc[0]) else None
            status = found["status"].iloc[0] if len(found) else None
            rows.append({
                "name": get_kpi(t.kpi).name(ctx.lang), "unit": get_kpi(t.kpi).unit, "slice": slice_text(t.slice, dims, ctx.t("all_contacts")),
                "threshold": t.threshold_s, "value": value, "target": t.value, "gap": None if value is None else value - t.value,
                "status": status if isinstance(status, str) else None, "status_text": status_label(status if isinstance(status, str) else None, ctx.lang),
            })  # fmt: skip
    if not rows:
        return Note(ctx.t("note.rs_no_slice_targets"))
    cols = [
        Column("name", ctx.t("col.metric")), Column("slice", ctx.t("col.slice")), Column("value", ctx.t("col.this_period"), "row"),
        Column("target", ctx.t("col.target"), "row"), Column("gap", ctx.t("col.gap"), "row"), Column("status_text", ctx.t("col.status")),
    ]  # fmt: skip
    return Table("rs_targets", ctx.t("table.rs_targets"), pd.DataFrame(rows), cols, note=ctx.t("note.targets"), status_column="status")
