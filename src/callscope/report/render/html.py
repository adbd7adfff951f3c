"""HTML: one self-contained file (styles, Apache ECharts and the data inline) that opens offline.

Every number cell carries the raw value (`data-value`) beside its formatted text, so a machine
can read the report back exactly. `print_mode=True` draws the charts as SVG without animation,
the page the PDF renderer prints.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from callscope.i18n import tr
from callscope.report.format import cell_unit, display, is_missing
from callscope.report.model import Chart, Note, Paragraph, Report, Table
from callscope.report.render.echarts import chart_option

__all__ = ["render_html", "write_html", "table_rows"]


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("callscope.report", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.tests["table"] = lambda b: isinstance(b, Table)
    env.tests["chart"] = lambda b: isinstance(b, Chart)
    env.tests["paragraph"] = lambda b: isinstance(b, Paragraph)
    env.tests["note"] = lambda b: isinstance(b, Note)
    return env


@cache
def echarts_source() -> str:
    return resources.files("callscope.report").joinpath("assets/echarts.min.js").read_text(encoding="utf-8")


def _raw(value):
    """The exact value for data-value: numbers as JSON numbers, dates as ISO text."""
    if is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, (int, float, np.integer, np.floating)):
        return json.dumps(float(value))
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).isoformat()
    return str(value)


def table_rows(table: Table, limit: int | None = None) -> list[list[dict]]:
    """Cells of each row: text, raw value, whether numeric, and the row's status."""
    records = table.frame.to_dict("records")
    if limit is not None:
        records = records[:limit]
    out = []
    for r in records:
        status = r.get(table.status_column) if table.status_column else None
        row = []
        for c in table.columns:
            unit = cell_unit(c.unit, r)
            value = r.get(c.key)
            numeric = unit not in ("text", "date") and isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            row.append({"text": display(value, unit), "raw": _raw(value) if numeric else "", "numeric": numeric, "status": status if isinstance(status, str) else ""})
        out.append(row)
    return out


def render_html(report: Report, *, print_mode: bool = False) -> str:
    lang = report.lang
    charts = {c.id: chart_option(c) for c in report.charts()}
    return _environment().get_template("report.html.j2").render(
        report=report,
        lang=lang,
        html_lang="zh-CN" if lang == "zh" else "en",
        charts_json=json.dumps(charts, ensure_ascii=False, allow_nan=False).replace("</", "<\\/"),
        echarts=echarts_source(),
        print_mode=print_mode,
        table_rows=table_rows,
        generated=tr("report.render.generated", lang, at=report.generated_at.strftime("%Y-%m-%d %H:%M")),
        contents=tr("report.render.contents", lang),
        rows_shown=lambda shown, total: tr("report.render.rows_shown", lang, shown=shown, total=total),
        no_rows=tr("report.render.no_rows", lang),
    )


def write_html(report: Report, path: str | Path, *, print_mode: bool = False) -> Path:
    path = Path(path)
    path.write_text(render_html(report, print_mode=print_mode), encoding="utf-8")
    return path
