"""XLSX: a contents sheet, one sheet per table (a real Excel table, numbers as numbers with a
number format per unit) and one per chart (its data as a table beside a native Excel chart; a
heatmap is its matrix with a colour scale, Excel having no heatmap chart).

Times stay in seconds and ratios as fractions (shown as percentages by the number format), so a
formula on a cell gets the engine's own number. Tables whose rows are KPIs of different units
get a `unit` column.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from callscope.i18n import tr
from callscope.report.format import EXCEL_FORMATS, cell_unit, is_missing
from callscope.report.model import Chart, Note, Paragraph, Report, Table

__all__ = ["write_xlsx"]

_TITLE_ROW, _NOTE_ROW, _HEADER_ROW = 0, 1, 3


class _Book:
    def __init__(self, path: Path, lang: str):
        self.book = xlsxwriter.Workbook(str(path), {"remove_timezone": True})
        self.lang = lang
        self.names: set[str] = set()
        self.formats = {unit: self.book.add_format({"num_format": f}) for unit, f in EXCEL_FORMATS.items()}
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.bold = self.book.add_format({"bold": True})
        self.muted = self.book.add_format({"font_color": "#5f6b7a", "italic": True})
        self.link = self.book.add_format({"font_color": "#2f6fb3", "underline": 1})
        self.missed = self.book.add_format({"font_color": "#b3261e", "bold": True})
        self.met = self.book.add_format({"font_color": "#1e7b45", "bold": True})

    def sheet_name(self, wanted: str) -> str:
        base = re.sub(r"[\[\]:*?/\\]", "_", wanted)[:28] or "sheet"
        name, n = base, 2
        while name.lower() in self.names:
            name, n = f"{base[:26]}_{n}", n + 1
        self.names.add(name.lower())
        return name


def write_xlsx(report: Report, path: str | Path) -> Path:
    path = Path(path)
    b = _Book(path, report.lang)
    contents = b.book.add_worksheet(b.sheet_name(tr("report.render.sheet_contents", report.lang)))
    contents.set_column(0, 0, 110)
    contents.write(0, 0, report.title, b.title)
    contents.write(1, 0, report.subtitle)
    contents.write(2, 0, tr("report.render.generated", report.lang, at=report.generated_at.strftime("%Y-%m-%d %H:%M")), b.muted)
    row = 4
    for section in report.sections:
        contents.write(row, 0, section.title, b.bold)
        row += 1
        for block in section.blocks:
            if isinstance(block, (Paragraph, Note)):
                contents.write(row, 0, block.text, b.muted if isinstance(block, Note) else None)
            else:
                name = _write_table(b, block) if isinstance(block, Table) else _write_chart(b, block)
                contents.write_url(row, 0, f"internal:'{name}'!A1", b.link, string=block.title)
            row += 1
        row += 1
    b.book.close()
    return path


def _headers(labels: list[str]) -> list[str]:
    """Excel table headers must be unique text."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        label = str(label) or "-"
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _write_value(b: _Book, sheet, r: int, c: int, value, unit: str, status=None) -> None:
    if is_missing(value):
        sheet.write_blank(r, c, None)
    elif isinstance(value, (bool, np.bool_)):
        sheet.write_boolean(r, c, bool(value))
    elif isinstance(value, (int, float, np.integer, np.floating)) and unit not in ("text",):
        sheet.write_number(r, c, float(value), b.formats.get(unit))
    elif isinstance(value, (dt.date, pd.Timestamp)):
        sheet.write_datetime(r, c, pd.Timestamp(value).to_pydatetime(), b.formats["date"])
    else:
        fmt = b.missed if status == "missed" else b.met if status == "met" else None
        sheet.write_string(r, c, str(value), fmt)


def _sheet(b: _Book, block_id: str, title: str, note: str):
    """A new sheet for one block, headed by its title and note."""
    name = b.sheet_name(block_id)
    sheet = b.book.add_worksheet(name)
    sheet.write(_TITLE_ROW, 0, title, b.title)
    if note:
        sheet.write(_NOTE_ROW, 0, note, b.muted)
    return name, sheet


def _write_table(b: _Book, table: Table) -> str:
    name, sheet = _sheet(b, table.id, table.title, table.note)
    columns = list(table.columns)
    with_unit = any(c.unit == "row" for c in columns) and "unit" in table.frame.columns
    labels = [c.label for c in columns] + ([tr("report.col.unit", b.lang)] if with_unit else [])
    records = table.frame.to_dict("records")
    for i, record in enumerate(records, start=_HEADER_ROW + 1):
        status = record.get(table.status_column) if table.status_column else None
        for j, col in enumerate(columns):
            cell_status = status if col.key in ("status_text", "status") else None
            _write_value(b, sheet, i, j, record.get(col.key), cell_unit(col.unit, record), cell_status)
        if with_unit:
            sheet.write_string(i, len(columns), tr(f"report.unit.{record.get('unit') or 'number'}", b.lang))
    last_row = _HEADER_ROW + max(len(records), 1)
    sheet.add_table(_HEADER_ROW, 0, last_row, len(labels) - 1, {"name": f"T_{name}", "columns": [{"header": h} for h in _headers(labels)], "style": "Table Style Medium 2"})
    for j, label in enumerate(labels):
        sheet.set_column(j, j, min(max(10, len(str(label)) * 2 + 2), 60 if columns[j if j < len(columns) else 0].unit == "text" else 18))
    return name


def _write_chart(b: _Book, chart: Chart) -> str:
    name, sheet = _sheet(b, chart.id, chart.title, chart.note)
    wide = chart.wide()
    if chart.kind == "heatmap":
        wide = wide.T  # one row per row label (weekday), hours across
    first_header = (chart.y_label if chart.kind == "heatmap" else chart.x_label) or "x"
    headers = _headers([first_header, *[str(c) for c in wide.columns]])
    fmt = b.formats.get(chart.unit)
    for i, (key, values) in enumerate(wide.iterrows(), start=_HEADER_ROW + 1):
        sheet.write_string(i, 0, str(key))
        for j, v in enumerate(values, start=1):
            sheet.write_blank(i, j, None) if is_missing(v) else sheet.write_number(i, j, float(v), fmt)
    n, last_col = len(wide), len(headers) - 1
    last_row = _HEADER_ROW + max(n, 1)
    sheet.add_table(_HEADER_ROW, 0, last_row, last_col, {"name": f"T_{name}", "columns": [{"header": h} for h in headers], "style": "Table Style Light 9"})
    sheet.set_column(0, 0, 16)
    if chart.kind == "heatmap":
        if n:
            sheet.conditional_format(_HEADER_ROW + 1, 1, last_row, last_col, {"type": "3_color_scale", "min_color": "#f7fbff", "mid_color": "#6baed6", "max_color": "#08306b"})
        return name
    native = b.book.add_chart({"type": "line" if chart.kind == "line" else "column"})
    for j in range(1, last_col + 1):
        native.add_series({
            "name": [name, _HEADER_ROW, j],
            "categories": [name, _HEADER_ROW + 1, 0, last_row, 0],
            "values": [name, _HEADER_ROW + 1, j, last_row, j],
        })  # fmt: skip
    native.set_title({"name": chart.title, "name_font": {"size": 12}})
    native.set_x_axis({"name": chart.x_label})
    native.set_y_axis({"name": chart.y_label, "num_format": EXCEL_FORMATS.get(chart.unit, "General"), "major_gridlines": {"visible": True, "line": {"color": "#d9dee5"}}})
    native.set_legend({"position": "top"} if last_col > 1 else {"none": True})
    native.set_size({"width": 760, "height": 380})
    sheet.insert_chart(_HEADER_ROW, last_col + 2, native)
    return name
