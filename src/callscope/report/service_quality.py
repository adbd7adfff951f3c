"""The service-quality evaluation (服务质量评估, seed 002): the indicator system in its four areas —
service level, business process, people, technology — each indicator with its value, formula (the
catalogue definition), target, status, comparisons and its trend over the last six months.

Seed 002 names the indicators of each area (服务水平: 平均处理时间、首次解决率、客户满意度;
业务流程: 来电接通率、平均通话时长、转接次数; 人员素质: 培训效果、客户投诉率; 技术设备:
电话接通率、故障率、自助服务占比) and gives formulas for 接通率, 等待时间, 处理速度 and
问题解决率. Its average wait is (longest + shortest) ÷ 2, which is not an average; the report uses
the mean wait (Σ waits ÷ waits) and says so.
"""

from __future__ import annotations

import pandas as pd

from callscope.report.context import report_context
from callscope.report.indicators import Indicator, definitions_section, indicator_columns, measure, monthly, place, trend_charts, trend_table
from callscope.report.model import Column, Note, Paragraph, Report, Section, Table
from callscope.store import Store

__all__ = ["build_service_quality", "SYSTEM", "TREND_MONTHS"]

# The indicator system: area → KPIs (catalogue ids), after seed 002 part 1.
SYSTEM = {
    "service": ["SL", "ASA", "mean_wait", "FCR", "CSAT", "CSAT_top2", "NPS"],
    "process": ["answer_rate", "abandonment_rate", "ATT", "AHT", "transfer_rate", "resolution_time"],
    "people": ["QA", "complaint_rate", "contacts_per_agent_hour", "adherence", "utilisation"],
    "technology": ["self_service_rate", "bot_containment", "blocked", "script_usage_rate", "hotspot_repair_rate", "hotspot_adoption_rate"],
}
TREND_MONTHS = 6


def build_service_quality(store: Store, period: str, *, lang: str, actions=None, targets=None, config=None, options=None, calls=None) -> Report:
    ctx = report_context(store, period, lang=lang, targets=targets, config=config, options=options, calls=calls)
    indicators = place([Indicator(k, area) for area, kpis in SYSTEM.items() for k in kpis], ctx.targets, ctx.period)
    rows = measure(ctx, indicators)
    trend = monthly(ctx, indicators, TREND_MONTHS)
    sections = [_summary(ctx, rows)]
    sections += [_area(ctx, area, rows, trend) for area in SYSTEM]
    sections += [_trend_section(ctx, rows, trend), _definitions(ctx, rows)]
    title = ctx.t("service_quality.title")
    return Report("service_quality", title, ctx.period.label, lang, sections, subtitle=ctx.t("service_quality.subtitle", period=ctx.period.label, timezone=store.timezone or "—"))


def _summary(ctx, rows: pd.DataFrame) -> Section:
    s = Section("summary", ctx.t("section.sq_summary"))
    judged = rows[rows["status"].notna()]
    missed = judged[judged["status"] == "missed"]
    absent = rows[rows["value"].isna()]
    s.add(Paragraph(ctx.t(
        "service_quality.summary", period=ctx.period.label, n=len(rows), measured=int(rows["value"].notna().sum()), judged=len(judged),
        met=int((judged["status"] == "met").sum()), missed="; ".join(f"{r['name']} ({r['slice']})" for r in missed.to_dict("records")) or ctx.t("none"),
        absent=", ".join(absent["name"]) or ctx.t("none"),
    )))  # fmt: skip
    per_area = rows.groupby("group", sort=False).agg(
        indicators=("kpi", "size"), measured=("value", lambda v: int(v.notna().sum())), with_target=("target", lambda v: int(v.notna().sum())),
        met=("status", lambda v: int((v == "met").sum())), missed=("status", lambda v: int((v == "missed").sum())),
    ).reset_index()  # fmt: skip
    per_area["area"] = per_area["group"].map(lambda g: ctx.t(f"area.{g}"))
    per_area["met_share"] = per_area["met"] / per_area[["met", "missed"]].sum(axis=1).where(lambda n: n > 0)
    cols = [
        Column("area", ctx.t("col.area")), Column("indicators", ctx.t("col.indicators"), "count"), Column("measured", ctx.t("col.measured"), "count"),
        Column("with_target", ctx.t("col.with_target"), "count"), Column("met", ctx.t("col.met"), "count"), Column("missed", ctx.t("col.missed"), "count"),
        Column("met_share", ctx.t("col.met_share"), "ratio"),
    ]  # fmt: skip
    return s.add(Table("areas", ctx.t("table.sq_areas"), per_area, cols, note=ctx.t("note.sq_placement")))


def _area(ctx, area: str, rows: pd.DataFrame, trend: pd.DataFrame) -> Section:
    s = Section(area, ctx.t(f"section.area_{area}"))
    s.add(Paragraph(ctx.t(f"service_quality.area_{area}")))
    mine = rows[rows["group"] == area].reset_index(drop=True)
    s.add(Table(f"sq_{area}", ctx.t(f"table.area_{area}"), mine, indicator_columns(ctx), note=ctx.t("note.sq_compare"), status_column="status"))
    if area == "service":
        s.add(Note(ctx.t("note.seed_wait")))
    s.add(*trend_charts(ctx, f"sq_{area}", mine, trend, ctx.t(f"area.{area}"), TREND_MONTHS))
    return s


def _trend_section(ctx, rows: pd.DataFrame, trend: pd.DataFrame) -> Section:
    return Section("trend", ctx.t("section.trend")).add(trend_table(ctx, "sq_trend", rows, trend))


def _definitions(ctx, rows: pd.DataFrame) -> Section:
    return definitions_section(ctx, rows, list(dict.fromkeys(rows["kpi"])))

