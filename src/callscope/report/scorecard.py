"""The balanced scorecard (平衡记分卡, seed 004): customer, financial, competitiveness and learning-
and-growth perspectives, each KPI with its weight, target, this period's and last year's values
and a score against its target; a weighted score per perspective and overall.

Seed 004's competitiveness perspective is service level, abandonment, the accuracy of quality
checks (质检准确性, here the QA score) and staff utilisation, with the year before beside each
target. The perspectives, weights and default targets are settings (`reports.scorecard` in
callscope.yaml, defaults in config/default.yaml).

Scoring: a KPI scores 100 × value ÷ target when higher is better and 100 × target ÷ value when
lower is better, clipped to [0, 100 × cap]. A perspective scores the weighted mean of its scored
KPIs, the scorecard the weighted mean of its scored perspectives; the weights of what cannot be
scored (no value or no target) are spread over the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from callscope.config import Config
from callscope.kpi import get_kpi
from callscope.report.context import report_context
from callscope.report.format import display
from callscope.report.indicators import Indicator, definitions_section, measure, place, score_attainment
from callscope.report.model import Chart, Column, Note, Paragraph, Report, Section, Table
from callscope.store import Store

__all__ = ["build_scorecard", "Perspective", "scorecard_settings", "score_rows", "PERSPECTIVES"]

PERSPECTIVES = ("customer", "financial", "competitiveness", "learning")
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Perspective:
    id: str
    weight: float
    indicators: tuple[Indicator, ...]


def scorecard_settings(config: Config) -> tuple[list[Perspective], float]:
    """The perspectives and the score cap from `reports.scorecard`, checked: the four perspectives
    of seed 004, catalogue KPIs with a better direction, weights ≥ 0 summing to 1."""
    where = f"{config.path or 'the default configuration'}: reports.scorecard"
    raw = (config.reports.get("scorecard") or {}) if isinstance(config.reports, dict) else {}
    cap = _number(raw.get("cap", 1.2), f"{where}.cap")
    if cap < 1:
        raise ValueError(f"{where}.cap is {cap:g}; it must be at least 1 (1.2 lets a KPI score up to 120)")
    given = raw.get("perspectives") or {}
    unknown = [p for p in given if p not in PERSPECTIVES]
    if unknown:
        raise ValueError(f"{where}.perspectives: unknown perspective {unknown[0]!r}; use {', '.join(PERSPECTIVES)}")
    perspectives = [_perspective(name, given.get(name) or {}, f"{where}.perspectives.{name}") for name in PERSPECTIVES]
    _sums_to_one([p.weight for p in perspectives], f"{where}.perspectives: the perspective weights")
    return perspectives, cap


def _perspective(name: str, raw: dict, where: str) -> Perspective:
    weight = _number(raw.get("weight", 0), f"{where}.weight")
    items = raw.get("kpis") or []
    if not isinstance(items, list):
        raise ValueError(f"{where}.kpis must be a list of {{kpi: ID, weight: W, target: T}}")
    indicators = []
    for i, item in enumerate(items, start=1):
        at = f"{where}.kpis[{i}]"
        if not isinstance(item, dict) or "kpi" not in item:
            raise ValueError(f"{at}: expected {{kpi: ID, weight: W, target: T}}, got {item!r}")
        try:
            kpi = get_kpi(str(item["kpi"]))
        except KeyError as exc:
            raise ValueError(f"{at}: {exc.args[0]}") from None
        if kpi.direction == "neutral":
            raise ValueError(f"{at}: {kpi.id} has no better direction (higher or lower), so it cannot be scored against a target")
        target = None if item.get("target") is None else _number(item["target"], f"{at}.target")
        piece = item.get("slice")
        slice_ = None if piece is None else tuple(sorted((str(k), str(v)) for k, v in dict(piece).items()))
        indicators.append(Indicator(kpi.id, name, _number(item.get("weight", 0), f"{at}.weight"), target, slice_))
    if weight > 0 and not indicators:
        raise ValueError(f"{where}: a perspective with weight {weight:g} needs at least one KPI")
    if indicators:
        _sums_to_one([i.weight for i in indicators], f"{where}.kpis: the KPI weights")
    return Perspective(name, weight, tuple(indicators))


def _number(value, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {value!r} is not a number") from None
    if number < 0:
        raise ValueError(f"{where}: {number:g} is negative; weights and targets must be ≥ 0")
    return number


def _sums_to_one(weights: list[float], what: str) -> None:
    total = sum(weights)
    if abs(total - 1) > _TOLERANCE:
        raise ValueError(f"{what} sum to {total:g}; they must sum to 1")


def score_rows(rows: pd.DataFrame, weights: dict[str, float], cap: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-KPI scores and the weights actually used (scored KPIs only, rescaled to sum to 1 within
    each perspective), and per perspective: its score, weight used and weighted score."""
    rows = rows.copy()
    rows["score"] = [score_attainment(r["value"], r["target"], r["direction"], cap) for r in rows.to_dict("records")]
    scored = rows["score"].notna()
    total = rows["weight"].where(scored).groupby(rows["group"]).transform("sum")
    rows["weight_used"] = (rows["weight"] / total).where(scored & (total > 0))
    rows["weighted"] = rows["score"] * rows["weight_used"]
    per = pd.DataFrame({"perspective": list(weights), "weight": list(weights.values())})
    per["kpis"] = per["perspective"].map(rows.groupby("group").size()).fillna(0).astype(int)
    per["scored"] = per["perspective"].map(rows[scored].groupby("group").size()).fillna(0).astype(int)
    per["score"] = per["perspective"].map(rows[scored].groupby("group")["weighted"].sum()).where(per["scored"] > 0)
    has = per["score"].notna() & (per["weight"] > 0)
    per["weight_used"] = (per["weight"] / per["weight"].where(has).sum()).where(has)
    per["weighted"] = per["score"] * per["weight_used"]
    return rows, per


def build_scorecard(store: Store, period: str, *, lang: str, actions=None, targets=None, config=None, options=None, calls=None) -> Report:
    ctx = report_context(store, period, lang=lang, targets=targets, config=config, options=options, calls=calls)
    perspectives, cap = scorecard_settings(ctx.config)
    indicators = place([i for p in perspectives for i in p.indicators], ctx.targets, ctx.period)
    rows = measure(ctx, indicators, compare="yoy")
    ytd = measure(ctx, indicators, period=_year_to_date(ctx), compare="yoy")
    rows["ytd"], rows["ytd_last_year"] = ytd["value"].to_numpy(), ytd["yoy_value"].to_numpy()
    rows, per = score_rows(rows, {p.id: p.weight for p in perspectives}, cap)
    everything = ctx.t("all_contacts")
    rows["metric"] = [r["name"] if r["slice"] == everything else f"{r['name']} ({r['slice']})" for r in rows.to_dict("records")]
    rows["target_from"] = rows["target_source"].map(lambda s: ctx.t(f"target_source.{s}") if isinstance(s, str) else "")
    per["name"] = per["perspective"].map(lambda p: ctx.t(f"perspective.{p}"))
    sections = [_summary(ctx, rows, per)]
    sections += [_perspective_section(ctx, p, rows) for p in PERSPECTIVES]
    sections.append(_method(ctx, rows, cap))
    title = ctx.t("scorecard.title")
    report = Report("scorecard", title, ctx.period.label, lang, sections, subtitle=ctx.t("scorecard.subtitle", period=ctx.period.label, timezone=store.timezone or "—"))
    return report


def _year_to_date(ctx) -> str:
    last = ctx.period.end - pd.Timedelta(days=1)
    return f"{last.year}-01-01..{last:%Y-%m-%d}"


def _summary(ctx, rows: pd.DataFrame, per: pd.DataFrame) -> Section:
    s = Section("summary", ctx.t("section.bsc_summary"))
    overall = per["weighted"].sum(min_count=1)
    unscored = rows[rows["score"].isna()]
    s.add(Paragraph(ctx.t(
        "scorecard.summary", period=ctx.period.label, score=display(overall, "number"),
        parts=", ".join(ctx.t("scorecard.part", perspective=r["name"], score=display(r["score"], "number")) for r in per.to_dict("records")),
        scored=int(rows["score"].notna().sum()), n=len(rows), unscored=", ".join(unscored["metric"]) or ctx.t("none"),
    )))  # fmt: skip
    total = pd.DataFrame([{"name": ctx.t("overall"), "weight": per["weight"].sum(), "weight_used": per["weight_used"].sum(min_count=1), "kpis": per["kpis"].sum(), "scored": per["scored"].sum(), "score": overall, "weighted": overall}])
    frame = pd.concat([per, total], ignore_index=True)
    cols = [
        Column("name", ctx.t("col.perspective")), Column("weight", ctx.t("col.weight"), "ratio"), Column("weight_used", ctx.t("col.weight_used"), "ratio"),
        Column("kpis", ctx.t("col.indicators"), "count"), Column("scored", ctx.t("col.kpis_scored"), "count"), Column("score", ctx.t("col.kpi_score"), "number"),
        Column("weighted", ctx.t("col.weighted"), "number"),
    ]  # fmt: skip
    s.add(Table("bsc_summary", ctx.t("table.bsc_summary"), frame, cols))
    data = per[per["score"].notna()][["name", "score"]].rename(columns={"score": "value"}).astype({"value": float})
    if not data.empty:
        s.add(Chart("bsc_scores", ctx.t("chart.bsc_scores"), "bar", data, x="name", y="value", x_label=ctx.t("col.perspective"), y_label=ctx.t("col.kpi_score"), unit="number"))
    return s


def _perspective_section(ctx, perspective: str, rows: pd.DataFrame) -> Section:
    name = ctx.t(f"perspective.{perspective}")
    s = Section(perspective, ctx.t(f"section.bsc_{perspective}"))
    mine = rows[rows["group"] == perspective].reset_index(drop=True)
    if mine.empty:
        return s.add(Note(ctx.t("note.bsc_empty")))
    cols = [
        Column("metric", ctx.t("col.kpi")), Column("weight", ctx.t("col.weight"), "ratio"), Column("weight_used", ctx.t("col.weight_used"), "ratio"),
        Column("target", ctx.t("col.target"), "row"), Column("target_from", ctx.t("col.target_source")), Column("value", ctx.t("col.this_period"), "row"),
        Column("yoy_value", ctx.t("col.last_year"), "row"), Column("yoy_change_pct", ctx.t("col.yoy"), "change_pct"), Column("ytd", ctx.t("col.ytd"), "row"),
        Column("ytd_last_year", ctx.t("col.ytd_last_year"), "row"), Column("score", ctx.t("col.kpi_score"), "number"), Column("weighted", ctx.t("col.weighted"), "number"),
        Column("status_text", ctx.t("col.status")), Column("note", ctx.t("col.note")),
    ]  # fmt: skip
    return s.add(Table(f"bsc_{perspective}", ctx.t("table.bsc_perspective", perspective=name), mine, cols, note=ctx.t("note.bsc_yoy"), status_column="status"))


def _method(ctx, rows: pd.DataFrame, cap: float) -> Section:
    s = definitions_section(ctx, rows, list(dict.fromkeys(rows["kpi"])))
    s.id, s.title = "method", ctx.t("section.bsc_method")
    s.blocks.insert(0, Paragraph(ctx.t("scorecard.method", cap=f"{cap:g}")))
    return s
