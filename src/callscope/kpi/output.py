"""Writing a KPI table: terminal table, CSV, JSON, Excel — labels in the chosen language.

CSV and JSON carry raw numbers (ratios as fractions, times in seconds) and codes (status met /
missed); the terminal table and the Excel file show them formatted, with zh/en labels. Excel cells
hold numbers with number formats, never text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pandas as pd

from callscope.i18n import tr

__all__ = ["format_value", "note_text", "status_text", "to_json", "to_csv", "to_xlsx", "display_frame", "column_label"]

_EXCEL_FORMATS = {"ratio": "0.0%", "seconds": "#,##0.0", "count": "#,##0", "score": "0.00", "number": "0.00", "per_hour": "0.00", "currency": "#,##0.00"}


def format_value(value, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "seconds":
        return f"{value:,.1f} s" if value < 120 else f"{value / 60:,.1f} min"
    return f"{value:,.2f}"


def note_text(note, lang: str) -> str:
    if not note or (isinstance(note, float) and math.isnan(note)):
        return ""
    kind, _, detail = str(note).partition(":")
    return tr(f"kpi.note.{kind}", lang, detail=detail)


def status_text(status, lang: str) -> str:
    if not status or (isinstance(status, float) and math.isnan(status)):
        return ""
    return tr(f"kpi.status.{status}", lang)


def column_label(name: str, lang: str) -> str:
    try:
        return tr(f"kpi.col.{name}", lang)
    except KeyError:
        return name


def _slice_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        ts = pd.Timestamp(value)
        return ts.strftime("%Y-%m-%d %H:%M") if (ts.hour or ts.minute) else ts.strftime("%Y-%m-%d")
    return str(value)


def display_frame(frame: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of formatted text for a terminal table."""
    slices = list(frame.attrs.get("columns", []))
    extra = [c for c in ("prev_value", "prev_change_pct", "yoy_value", "yoy_change_pct", "total_value") if c in frame.columns]
    header = [column_label(c, lang) for c in slices] + [column_label(c, lang) for c in ("name", "value", "target", "status", *extra, "note")]
    rows = []
    for r in frame.to_dict("records"):
        unit = r["unit"]
        cells = [_slice_text(r.get(c)) for c in slices]
        cells += [r["name"], format_value(r["value"], unit), format_value(r.get("target"), unit), status_text(r.get("status"), lang)]
        for c in extra:
            cells.append(format_value(r.get(c), "ratio" if c.endswith("_pct") else unit))
        note = note_text(r.get("note"), lang)
        if r.get("excluded") and not pd.isna(r["excluded"]):
            note = (note + " " if note else "") + tr("kpi.note.excluded", lang, n=int(r["excluded"]), detail=r.get("excluded_by") or "")
        cells.append(note)
        rows.append(cells)
    return header, rows


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for r in frame.to_dict("records"):
        clean = {}
        for k, v in r.items():
            if isinstance(v, float) and math.isnan(v):
                v = None
            elif isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
                v = pd.Timestamp(v).isoformat()
            elif v is pd.NaT or v is pd.NA:
                v = None
            clean[k] = v
        out.append(clean)
    return out


def to_json(frame: pd.DataFrame) -> str:
    return json.dumps(_records(frame), ensure_ascii=False, indent=1, default=str)


def to_csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False)


def to_xlsx(frame: pd.DataFrame, path: str | Path, lang: str) -> None:
    """An Excel table (a real table object) with number formats per KPI unit."""
    import xlsxwriter

    records = _records(frame)
    columns = list(frame.columns)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("KPI")
    formats = {unit: book.add_format({"num_format": f}) for unit, f in _EXCEL_FORMATS.items()}
    date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    value_columns = {"value", "numerator", "target", "gap", "prev_value", "prev_change", "yoy_value", "yoy_change", "total_value", "vs_total"}
    for i, record in enumerate(records, start=1):
        unit = record.get("unit") or "number"
        for j, column in enumerate(columns):
            value = record.get(column)
            if value is None:
                sheet.write_blank(i, j, None)
            elif column in value_columns and isinstance(value, (int, float)):
                sheet.write_number(i, j, value, formats.get(unit))
            elif column.endswith("_pct") and isinstance(value, (int, float)):
                sheet.write_number(i, j, value, formats["ratio"])
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(i, j, value)
            elif column == "status":
                sheet.write_string(i, j, status_text(value, lang))
            elif isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
                sheet.write_datetime(i, j, dt.datetime.fromisoformat(value), date_format)
            else:
                sheet.write(i, j, value)
    sheet.add_table(0, 0, max(len(records), 1), len(columns) - 1, {"columns": [{"header": column_label(c, lang)} for c in columns], "name": "KPI"})
    sheet.set_column(0, len(columns) - 1, 14)
    book.close()

