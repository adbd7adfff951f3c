"""Showing a value by its unit: the same text in HTML and PDF, the same number format in Excel.

KPI units are formatted as the `callscope kpi` table does (`callscope.kpi.output.format_value`);
the report adds relative changes, dates and text.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from callscope.i18n import tr
from callscope.kpi.output import format_value

__all__ = ["display", "is_missing", "EXCEL_FORMATS", "cell_unit", "status_label"]

EXCEL_FORMATS = {
    "ratio": "0.0%",
    "seconds": "#,##0.0",
    "count": "#,##0",
    "score": "0.00",
    "number": "0.00",
    "per_hour": "0.00",
    "currency": "#,##0.00",
    "change_pct": "+0.0%;-0.0%;0.0%",
    "date": "yyyy-mm-dd",
}


def is_missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def display(value, unit: str) -> str:
    """The text a reader sees for `value`."""
    if is_missing(value):
        return "—"
    if unit == "change_pct":
        return f"{value * 100:+.1f}%"
    if unit == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d") if isinstance(value, (dt.date, pd.Timestamp)) else str(value)
    if unit == "text":
        return str(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return format_value(float(value), unit)


def cell_unit(column_unit: str, row: dict) -> str:
    """A column's unit, or the row's own KPI unit for columns declared with unit 'row'."""
    return (row.get("unit") or "number") if column_unit == "row" else column_unit


def status_label(status, lang: str) -> str:
    return "" if is_missing(status) or not status else tr(f"kpi.status.{status}", lang)
