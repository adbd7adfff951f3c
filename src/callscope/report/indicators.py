"""Indicators: catalogue KPIs measured where their targets are set, with formula, target, status,
comparisons and a monthly trend — the rows of the service-quality system, the response-speed
summary and the balanced scorecard.

An indicator is a KPI, the group it belongs to (an area of the indicator system, a scorecard
perspective), optionally a weight and a fallback target, and the slice it is measured on. With no
slice given, a KPI is measured on the slice of its least specific target in effect (service level
on voice contacts when its target is set for `channel=voice`), else on all contacts. The engine is
asked once per set of slice dimensions, so a target on a slice is matched exactly as the KPI
engine matches it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from callscope.kpi import CATALOGUE, get_kpi
from callscope.kpi.engine import resolve_options
from callscope.kpi.output import note_text
from callscope.kpi.targets import Target
from callscope.report.blocks import kpi_name
from callscope.report.format import status_label
from callscope.report.model import Chart, Column, Paragraph, Section, Table
from callscope.report.outlook import targets_in_effect

__all__ = [
    "Indicator", "place", "measure", "monthly", "slice_label", "trend_word", "score_attainment",
    "indicator_columns", "trend_charts", "trend_table", "definitions_section", "resolved_options",
]  # fmt: skip

_CHART_UNITS = ("ratio", "seconds", "score")


@dataclass(frozen=True)
class Indicator:
    kpi: str
    group: str = ""
    weight: float | None = None
    target: float | None = None  # used when no target is in effect for the KPI on its slice
    slice: tuple[tuple[str, str], ...] | None = None  # None: the slice of the KPI's target

    @property
    def dims(self) -> tuple[str, ...]:
        return tuple(d for d, _ in self.slice or ())


def place(indicators: list[Indicator], targets: list[Target], period) -> list[Indicator]:
    """Give every indicator without a slice the slice of its least specific target in effect."""
    in_effect = targets_in_effect(targets, period)
    out = []
    for ind in indicators:
        kpi = get_kpi(ind.kpi).id
        if ind.slice is None:
            own = sorted((t for t in in_effect if t.kpi == kpi), key=lambda t: len(t.slice))
            ind = replace(ind, slice=tuple(sorted((k, str(v)) for k, v in own[0].slice.items())) if own else ())
        out.append(replace(ind, kpi=kpi))
    return out


def slice_label(ind: Indicator, everything: str) -> str:
    return ", ".join(v for _, v in ind.slice) if ind.slice else everything


def _by(dims: tuple[str, ...], grain: str | None = None) -> str | None:
    columns = [*dims, *([grain] if grain else [])]
    return ",".join(columns) or None


def _matching(frame: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    rows = frame[frame["kpi"] == ind.kpi]
    for d, v in ind.slice or ():
        rows = rows[rows[d].astype(str) == v]
    return rows


def measure(ctx, indicators: list[Indicator], *, period: str | None = None, compare: str | None = "prev,yoy") -> pd.DataFrame:
    """One row per indicator: its engine row on its slice (value, target, status, comparisons),
    the fallback target where no target is in effect, the readable note and the formula."""
    period = period or ctx.period.label
    groups: dict[tuple[str, ...], list[str]] = {}
    for ind in indicators:
        kpis = groups.setdefault(ind.dims, [])
        if ind.kpi not in kpis:
            kpis.append(ind.kpi)
    frames = {dims: ctx.kpi(kpis, by=_by(dims), period=period, compare=compare) for dims, kpis in groups.items()}
    rows = []
    for i, ind in enumerate(indicators):
        frame = frames[ind.dims]
        found = _matching(frame, ind)
        record = found.iloc[0].to_dict() if len(found) else {}
        note = record.get("note") if record else next((n for n in frame.loc[frame["kpi"] == ind.kpi, "note"] if isinstance(n, str) and n), "no_data")
        rows.append(_row(ctx, i, ind, record, note))
    return pd.DataFrame(rows)


def _row(ctx, i: int, ind: Indicator, record: dict, note) -> dict:
    kpi = get_kpi(ind.kpi)
    value = _number(record.get("value"))
    target, source = _number(record.get("target")), "targets"
    if target is None and ind.target is not None and kpi.direction != "neutral":
        target, source = float(ind.target), "default"
    operator = {"higher": ">=", "lower": "<="}.get(kpi.direction)
    status = record.get("status") if isinstance(record.get("status"), str) else None  # the engine's, by the target's own operator
    if source == "default" and value is not None:
        status = "met" if (value >= target if operator == ">=" else value <= target) else "missed"
    prev = _number(record.get("prev_value"))
    return {
        "i": i, "group": ind.group, "kpi": kpi.id, "name": kpi.name(ctx.lang), "unit": kpi.unit, "direction": kpi.direction,
        "slice": slice_label(ind, ctx.t("all_contacts")), "definition": kpi.definition(ctx.lang), "base": kpi.base,
        "dims": ind.dims, "weight": ind.weight, "value": value, "target": target, "target_source": source if target is not None else None,
        "operator": operator if target is not None else None, "gap": None if value is None or target is None else value - target,
        "status": status, "status_text": status_label(status, ctx.lang),
        "prev_value": prev, "prev_change_pct": _number(record.get("prev_change_pct")),
        "yoy_value": _number(record.get("yoy_value")), "yoy_change_pct": _number(record.get("yoy_change_pct")),
        "trend": trend_word(ctx, kpi.id, None if value is None or prev is None else value - prev),
        "note": note_text(note, ctx.lang) if value is None else "",
    }  # fmt: skip


def trend_word(ctx, kpi: str, change) -> str:
    """improved / worsened / unchanged by the KPI's better direction ('—' when unknown)."""
    if change is None or (isinstance(change, float) and np.isnan(change)):
        return "—"
    direction = get_kpi(kpi).direction
    if change == 0:
        return ctx.t("effect.unchanged")
    if direction == "neutral":
        return ctx.t("trend.up" if change > 0 else "trend.down")
    better = change > 0 if direction == "higher" else change < 0
    return ctx.t("effect.improved" if better else "effect.worsened")


def monthly(ctx, indicators: list[Indicator], months: int) -> pd.DataFrame:
    """The last `months` calendar months of every indicator on its slice: columns i, month
    ('YYYY-MM'), value (NaN where the month has no value)."""
    span = ctx.months_to_end(months)
    labels = list(pd.period_range(span.split("..")[0][:7], span.split("..")[1][:7], freq="M").strftime("%Y-%m"))
    groups: dict[tuple[str, ...], list[str]] = {}
    for ind in indicators:
        groups.setdefault(ind.dims, [])
        if ind.kpi not in groups[ind.dims]:
            groups[ind.dims].append(ind.kpi)
    frames = {dims: ctx.kpi(kpis, by=_by(dims, "month"), period=span) for dims, kpis in groups.items()}
    rows = []
    for i, ind in enumerate(indicators):
        found = _matching(frames[ind.dims], ind)
        found = found[found["month"].notna()]
        values = dict(zip(pd.to_datetime(found["month"]).dt.strftime("%Y-%m"), pd.to_numeric(found["value"], errors="coerce")))
        rows += [{"i": i, "month": m, "value": values.get(m, np.nan)} for m in labels]
    return pd.DataFrame(rows, columns=["i", "month", "value"])


def score_attainment(value, target, direction: str, cap: float) -> float | None:
    """Score 0–100×cap of a value against its target: value ÷ target when higher is better,
    target ÷ value when lower is better, clipped to [0, cap], × 100. None when either is unknown
    or the KPI has no better direction; a lower-is-better value of 0 scores the cap."""
    if value is None or target is None or direction not in ("higher", "lower") or target <= 0:
        return None
    if direction == "higher":
        ratio = value / target
    else:
        ratio = cap if value <= 0 else target / value
    return 100.0 * min(max(ratio, 0.0), cap)


def _number(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number) else number


# -- blocks ------------------------------------------------------------------------------------


def indicator_columns(ctx) -> list[Column]:
    return [
        Column("name", ctx.t("col.kpi")), Column("slice", ctx.t("col.slice")), Column("definition", ctx.t("col.formula")),
        Column("value", ctx.t("col.this_period"), "row"), Column("target", ctx.t("col.target"), "row"), Column("status_text", ctx.t("col.status")),
        Column("prev_value", ctx.t("col.prev_period"), "row"), Column("prev_change_pct", ctx.t("col.mom"), "change_pct"),
        Column("yoy_value", ctx.t("col.yoy_value"), "row"), Column("yoy_change_pct", ctx.t("col.yoy"), "change_pct"),
        Column("trend", ctx.t("col.trend")), Column("note", ctx.t("col.note")),
    ]  # fmt: skip


def trend_charts(ctx, prefix: str, rows: pd.DataFrame, trend: pd.DataFrame, what: str, months: int) -> list[Chart]:
    """One line chart per unit (ratios, seconds, scores) of the rows' monthly values, leaving out
    indicators without a value in any month."""
    charts = []
    points = trend[trend["i"].isin(rows["i"])].merge(rows[["i", "name", "slice", "unit"]], on="i")
    points = points[points.groupby("i")["value"].transform(lambda v: v.notna().any())]
    for unit in _CHART_UNITS:
        mine = points[points["unit"] == unit]
        if mine.empty:
            continue
        series = mine["name"] + mine["slice"].map(lambda x: "" if x == ctx.t("all_contacts") else f" ({x})")
        data = pd.DataFrame({"month": mine["month"], "series": series, "value": mine["value"].astype(float)})
        charts.append(Chart(
            f"{prefix}_{unit}", ctx.t("chart.indicator_trend", what=what, unit=ctx.t(f"unit.{unit}"), months=months), "line", data,
            x="month", y="value", series="series", x_label=ctx.t("axis.month"), y_label=ctx.t(f"unit.{unit}"), unit=unit,
        ))  # fmt: skip
    return charts


def trend_table(ctx, table_id: str, rows: pd.DataFrame, trend: pd.DataFrame) -> Table:
    """Indicators down, months across (numbers in each KPI's unit)."""
    wide = trend.pivot(index="i", columns="month", values="value")
    months = list(wide.columns)
    frame = rows[["i", "group", "name", "slice", "unit"]].merge(wide.reset_index(), on="i", how="left")
    frame["area"] = frame["group"].map(lambda g: ctx.t(f"area.{g}") if g else "")
    cols = [Column("area", ctx.t("col.area")), Column("name", ctx.t("col.kpi")), Column("slice", ctx.t("col.slice"))]
    cols += [Column(m, m, "row") for m in months]
    return Table(table_id, ctx.t("table.trend", months=len(months)), frame, cols, note=ctx.t("note.trend"))


def definitions_section(ctx, rows: pd.DataFrame, kpis: list[str]) -> Section:
    """The options in effect and each KPI's definition and data source."""
    s = Section("definitions", ctx.t("section.definitions"))
    opts = resolved_options(ctx)
    s.add(Paragraph(ctx.t("definitions.options", **{k: opts.get(k) for k in ("answer_time_s", "short_abandon_s", "sl_denominator", "fcr_method")})))
    s.add(Paragraph(ctx.t("definitions.targets")))
    table = pd.DataFrame([{"kpi": k, "name": kpi_name(k, ctx.lang), "source": ctx.t(f"source.{CATALOGUE[k].base}"), "definition": CATALOGUE[k].definition(ctx.lang)} for k in kpis])
    cols = [Column("kpi", "ID"), Column("name", ctx.t("col.kpi")), Column("source", ctx.t("col.source")), Column("definition", ctx.t("col.definition"))]
    return s.add(Table("definitions", ctx.t("table.definitions"), table, cols))


def resolved_options(ctx) -> dict:
    return resolve_options(ctx.config.kpi_options)
