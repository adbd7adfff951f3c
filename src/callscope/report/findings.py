"""What went wrong and where: problems and bottlenecks (part 3), self-service deflection and
complaint topics (part 2) of the month-end report.

Anomalies, bottlenecks, root causes of missed targets and complaint topics come from
`callscope.diagnose` when it is installed; without it the report shows the hours where
abandonment was worst and says what is missing.
"""

from __future__ import annotations

import importlib

import ibis
import pandas as pd

from callscope.report.blocks import kpi_name, pick
from callscope.report.format import display
from callscope.report.model import Column, Note, Paragraph, Section, Table

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
    if diagnose_module() is None:
        s.add(Note(ctx.t("note.no_diagnose")))
    return s


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
    if diagnose is None or not hasattr(diagnose, "complaint_topics"):
        return [Note(ctx.t("note.no_topics"))]
    return []


def headline_rows(headline: pd.DataFrame, kpis: list[str]) -> pd.DataFrame:
    return pick(headline, kpis)
