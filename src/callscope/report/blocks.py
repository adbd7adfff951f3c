"""Building blocks from KPI engine results: KPI tables, slice matrices, trend charts, shares."""

from __future__ import annotations

import pandas as pd

from callscope.i18n import tr
from callscope.kpi import get_kpi
from callscope.report.model import Chart, Column, Table

__all__ = ["kpi_table", "slice_table", "trend_chart", "label", "pick", "kpi_name", "value_of"]


def label(key: str, lang: str, **values) -> str:
    return tr(f"report.{key}", lang, **values)


def kpi_name(kpi: str, lang: str) -> str:
    return get_kpi(kpi).name(lang)


def pick(frame: pd.DataFrame, kpis: list[str]) -> pd.DataFrame:
    """The rows of `kpis`, in that order (KPIs the frame lacks are skipped)."""
    order = {k: i for i, k in enumerate(kpis)}
    rows = frame[frame["kpi"].isin(kpis)].copy()
    rows["_order"] = rows["kpi"].map(order)
    return rows.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


def value_of(frame: pd.DataFrame, kpi: str, column: str = "value", **slices):
    """One number of an engine result, e.g. value_of(f, "SL", channel="voice")."""
    mask = frame["kpi"] == kpi
    for name, wanted in slices.items():
        mask &= frame[name] == wanted
    rows = frame.loc[mask, column]
    return None if rows.empty or pd.isna(rows.iloc[0]) else rows.iloc[0]


def kpi_table(table_id: str, title: str, frame: pd.DataFrame, columns: list[tuple[str, str]], lang: str, *, note: str = "", slices: list[str] = ()) -> Table:
    """A table with one row per KPI (and slice): `columns` are (engine column, label key) pairs.

    Values keep the engine's numbers; each row is formatted by its KPI's unit, relative
    changes as percentages.
    """
    cols = [Column(s, label(f"col.{s}", lang), "text") for s in slices]
    cols.append(Column("name", label("col.kpi", lang), "text"))
    for key, label_key in columns:
        unit = "change_pct" if key.endswith("_change_pct") else "text" if key in ("status_text", "slice") else "row"
        cols.append(Column(key, label(label_key, lang), unit))
    frame = frame.copy()
    if "status" in frame.columns:
        frame["status_text"] = frame["status"].map(lambda s: tr(f"kpi.status.{s}", lang) if isinstance(s, str) and s else "")
    return Table(table_id, title, frame, cols, note=note, status_column="status" if "status" in frame.columns else None)


def slice_table(table_id: str, title: str, frame: pd.DataFrame, dim: str, kpis: list[str], lang: str, *, note: str = "") -> Table:
    """KPIs across, one row per slice value: a compact matrix (e.g. channels × KPIs)."""
    rows = frame[frame["kpi"].isin(kpis) & frame[dim].notna()]
    wide = rows.pivot_table(index=dim, columns="kpi", values="value", aggfunc="first", dropna=False).reset_index()
    wide = wide.dropna(axis=0, how="all", subset=[k for k in kpis if k in wide.columns])
    cols = [Column(dim, label(f"col.{dim}", lang), "text")]
    cols += [Column(k, kpi_name(k, lang), get_kpi(k).unit) for k in kpis if k in wide.columns]
    return Table(table_id, title, wide.reset_index(drop=True), cols, note=note)


def trend_chart(chart_id: str, title: str, frame: pd.DataFrame, kpis: list[str], x: str, lang: str, *, kind: str = "line", x_label: str = "", note: str = "") -> Chart:
    """One line (or bar group) per KPI over the time column `x`; the KPIs share a unit."""
    rows = pick(frame, kpis)
    units = {get_kpi(k).unit for k in kpis}
    if len(units) != 1:
        raise ValueError(f"chart {chart_id}: KPIs {kpis} have different units {sorted(units)}; chart them apart")
    data = pd.DataFrame({x: _time_labels(rows[x]), "series": rows["name"], "value": rows["value"].astype(float)})
    return Chart(chart_id, title, kind, data, x=x, y="value", series="series", x_label=x_label, y_label=label(f"unit.{units.pop()}", lang), unit=get_kpi(kpis[0]).unit, note=note)


def _time_labels(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values)
    if (stamps.dt.day == 1).all() and (stamps.dt.hour == 0).all():
        return stamps.dt.strftime("%Y-%m")
    return stamps.dt.strftime("%Y-%m-%d")
