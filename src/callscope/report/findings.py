"""What went wrong and where: problems and bottlenecks (part 3), self-service deflection and
complaint topics (part 2) of the month-end report.

From `callscope.diagnose`: unusual days of volume (anomalies), intervals where abandonment spiked
or fewer agents were ready than Erlang C needed (bottlenecks), the slices that explain each missed
target (root cause, shift-share against the target) and complaint topics. The hours where
abandonment was worst come from the KPI engine directly.
"""

from __future__ import annotations

import importlib

import ibis
import numpy as np
import pandas as pd

from callscope.report.blocks import kpi_name
from callscope.report.format import display
from callscope.report.model import Chart, Column, Note, Paragraph, Section, Table

__all__ = ["problems", "self_service", "complaints", "diagnose_module"]

_DEFLECTED = ("self_service", "bot_resolved")


def diagnose_module():
    """callscope.diagnose, or None while it is not part of this installation."""
    try:
        return importlib.import_module("callscope.diagnose")
    except ImportError:
        return None


# -- part 3 ----------------------------------------------------------------------------------


def problems(ctx, headline: pd.DataFrame, attainment: pd.DataFrame) -> Section:
    s = Section("problems", ctx.t("section.problems"))
    missed = attainment[attainment["status"] == "missed"]
    if missed.empty:
        s.add(Paragraph(ctx.t("problems.all_met")))
    else:
        items = "; ".join(f"{r['name']} ({r['slice']}): {display(r['value'], r['unit'])} / {display(r['target'], r['unit'])}" for r in missed.to_dict("records"))
        s.add(Paragraph(ctx.t("problems.missed", n=len(missed), items=items)))
    s.add(_worst_hours(ctx))
    diagnose = diagnose_module()
    if diagnose is None:
        return s.add(Note(ctx.t("note.no_diagnose")))
    s.add(_bottlenecks(ctx, diagnose), _anomalies(ctx, diagnose))
    for record in missed.to_dict("records"):
        s.add(*_root_cause(ctx, diagnose, record))
    return s


def _bottlenecks(ctx, diagnose) -> Table:
    frame = diagnose.bottlenecks(ctx.store, ctx.period, grain="interval30", config=ctx.config, targets=ctx.kpi.targets)
    frame = frame.assign(order=frame["shortfall"].fillna(0) + frame["abandonment_z"].fillna(0))
    frame = frame.sort_values("order", ascending=False).head(ctx.options.top_agents).sort_values("start").reset_index(drop=True)
    flags = lambda r: " · ".join(ctx.t(f"flag.{f}") for f in ("abandon_spike", "understaffed") if r[f])  # noqa: E731
    frame["flags"] = [flags(r) for r in frame.to_dict("records")]
    cols = [
        Column("start", ctx.t("col.interval"), "text"), Column("offered", ctx.t("col.offered"), "count"), Column("abandonment_rate", ctx.t("col.abandonment"), "ratio"),
        Column("expected_abandonment", ctx.t("col.expected_abandonment"), "ratio"), Column("abandonment_z", ctx.t("col.z"), "number"),
        Column("agents_required", ctx.t("col.agents_required"), "number"), Column("agents_ready", ctx.t("col.agents_ready"), "number"),
        Column("shortfall", ctx.t("col.shortfall"), "number"), Column("flags", ctx.t("col.flags")),
    ]  # fmt: skip
    frame["start"] = pd.to_datetime(frame["start"]).dt.strftime("%Y-%m-%d %H:%M")
    return Table("bottlenecks", ctx.t("table.bottlenecks"), frame, cols, note=ctx.t("note.bottlenecks"))


def _anomalies(ctx, diagnose) -> Table:
    frame = diagnose.anomalies(ctx.store, "offered", ctx.period, grain="day", config=ctx.config, targets=ctx.kpi.targets)
    frame = frame.assign(day=pd.to_datetime(frame["start"]).dt.strftime("%Y-%m-%d"), direction_text=frame["direction"].map(lambda d: ctx.t(f"direction.{d}")))
    cols = [
        Column("day", ctx.t("axis.day")), Column("value", kpi_name("offered", ctx.lang), "count"), Column("expected", ctx.t("col.expected"), "count"),
        Column("deviation", ctx.t("col.deviation"), "count"), Column("robust_z", ctx.t("col.z"), "number"), Column("direction_text", ctx.t("col.direction")),
    ]  # fmt: skip
    return Table("anomalies", ctx.t("table.anomalies"), frame.reset_index(drop=True), cols, note=ctx.t("note.anomalies"))


def _root_cause(ctx, diagnose, target: dict) -> list:
    dims = target["dims"]
    filters = {d: [target[d]] for d in dims} or None
    try:
        rc = diagnose.root_cause(ctx.store, target["kpi"], ctx.period, target=target["target"], baseline="target", filters=filters, top=5, lang=ctx.lang, config=ctx.config, targets=ctx.kpi.targets)
    except ValueError as exc:  # e.g. a KPI that is not a ratio of sums cannot be split by slices
        return [Note(ctx.t("note.no_root_cause", kpi=target["name"], reason=str(exc)))]
    slices = rc.slices.head(8).copy()
    slices["unit"] = rc.unit
    cols = [
        Column("dimensions", ctx.t("col.dimensions")), Column("label", ctx.t("col.slice")), Column("share", ctx.t("col.share"), "ratio"),
        Column("rate", ctx.t("col.value"), "row"), Column("mix_effect", ctx.t("col.mix_effect"), "row"),
        Column("rate_effect", ctx.t("col.rate_effect"), "row"), Column("contribution", ctx.t("col.contribution"), "row"), Column("share_of_gap", ctx.t("col.share_of_gap"), "ratio"),
    ]  # fmt: skip
    table_id = f"rc_{target['kpi']}_{'_'.join(str(target[d]) for d in dims) or 'all'}"
    title = ctx.t("table.root_cause", kpi=target["name"], slice=target["slice"])
    return [Paragraph(rc.sentence(ctx.lang)), Table(table_id, title, slices, cols, note=ctx.t("note.root_cause"))]


def _worst_hours(ctx) -> Table:
    """The hours of the day with the highest abandonment, with staffing against workload."""
    hourly = ctx.kpi(["offered", "handled", "SL", "ASA", "abandonment_rate", "AHT", "contacts_per_agent_hour"], by="hour_of_day", period=ctx.period.label)
    wide = hourly.pivot_table(index="hour_of_day", columns="kpi", values="value", aggfunc="first")
    wide["agent_hours"] = hourly[hourly["kpi"] == "contacts_per_agent_hour"].set_index("hour_of_day")["denominator"]
    wide["workload_hours"] = hourly[hourly["kpi"] == "AHT"].set_index("hour_of_day")["numerator"] / 3600
    wide = wide[wide["offered"] > 0].sort_values("abandonment_rate", ascending=False).head(5).reset_index()
    wide["hour"] = wide["hour_of_day"].map(lambda h: f"{int(h):02d}:00–{int(h) + 1:02d}:00")
    cols = [Column("hour", ctx.t("col.hour"))] + [Column(k, kpi_name(k, ctx.lang), u) for k, u in (("offered", "count"), ("abandonment_rate", "ratio"), ("SL", "ratio"), ("ASA", "seconds"))]
    cols += [Column("agent_hours", ctx.t("series.agent_hours"), "number"), Column("workload_hours", ctx.t("series.workload_hours"), "number")]
    return Table("worst_hours", ctx.t("table.worst_hours"), wide, cols, note=ctx.t("note.coverage"))


# -- part 2 ----------------------------------------------------------------------------------


def self_service(ctx) -> Table:
    """Contacts completed in self-service (IVR) or by a bot, per channel, this month and last.

    Not a catalogue KPI yet: counted here over inbound contacts, test contacts left out.
    """
    this = _deflection(ctx.store, ctx.period.start, ctx.period.end)
    prev_period = ctx.period.previous()
    last = _deflection(ctx.store, prev_period.start, prev_period.end)[["channel", "share"]].rename(columns={"share": "prev_share"})
    frame = this.merge(last, on="channel", how="left")
    frame["change"] = frame["share"] - frame["prev_share"]
    cols = [
        Column("channel", ctx.t("col.channel")), Column("contacts", ctx.t("col.contacts"), "count"), Column("self_service", ctx.t("col.self_service"), "count"),
        Column("bot_resolved", ctx.t("col.bot_resolved"), "count"), Column("share", ctx.t("col.deflection"), "ratio"),
        Column("prev_share", ctx.t("col.prev_deflection"), "ratio"), Column("change", ctx.t("col.shift"), "ratio"),
    ]  # fmt: skip
    return Table("self_service", ctx.t("table.self_service"), frame, cols, note=ctx.t("note.self_service"))


def _deflection(store, start, end) -> pd.DataFrame:
    t = store.table("interactions")
    t = t.filter((t.arrived_at >= ibis.literal(start)) & (t.arrived_at < ibis.literal(end)) & ~t.is_test.fill_null(False))
    t = t.filter(t.direction.isnull() | (t.direction == "inbound"))
    grouped = t.group_by("channel").aggregate(
        contacts=t.count(), self_service=t.count(where=t.outcome == "self_service"), bot_resolved=t.count(where=t.outcome == "bot_resolved")
    )
    frame = grouped.to_pandas().sort_values("channel").reset_index(drop=True)
    frame[["contacts", "self_service", "bot_resolved"]] = frame[["contacts", "self_service", "bot_resolved"]].astype(float)
    frame["share"] = (frame["self_service"] + frame["bot_resolved"]) / frame["contacts"].where(frame["contacts"] > 0)
    return frame


def complaints(ctx) -> list:
    diagnose = diagnose_module()
    if diagnose is None:
        return [Note(ctx.t("note.no_topics"))]
    topics = diagnose.complaint_topics(ctx.store, ctx.period, top=8, compare="prev", lang=ctx.lang)
    if topics.empty:
        return [Note(ctx.t("note.no_complaints"))]
    topics = topics.assign(examples=topics["examples"].map(lambda e: " / ".join(e) if isinstance(e, (list, tuple, np.ndarray)) else (e or "")))
    cols = [
        Column("label", ctx.t("col.topic")), Column("count", ctx.t("col.complaints"), "count"), Column("share", ctx.t("col.share"), "ratio"),
        Column("prev_count", ctx.t("col.prev_complaints"), "count"), Column("change_pct", ctx.t("col.change_pct"), "change_pct"), Column("examples", ctx.t("col.examples")),
    ]  # fmt: skip
    chart = Chart("topics_chart", ctx.t("chart.topics"), "bar", pd.DataFrame({"topic": topics["label"], "value": topics["count"].astype(float)}), x="topic", y="value", x_label=ctx.t("col.topic"), y_label=ctx.t("col.complaints"), unit="count")
    return [Table("topics", ctx.t("table.topics"), topics.reset_index(drop=True), cols, note=ctx.t("note.topics")), chart]
