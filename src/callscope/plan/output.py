"""Files a plan leaves behind, in one folder:

    plan.csv       one row per queue × interval (columns: docs/plan.md)
    plan.xlsx      the same rows as an Excel table (numbers as numbers, times as Excel times), the
                   totals per interval with a native chart (forecast contacts; required, on-phone
                   and scheduled agents), the backtest accuracy, the shifts, the summary, and what
                   each column means — labels in the chosen language, column names as in the CSV
    forecast.png   forecast contacts per queue with the prediction interval
    staffing.png   required vs scheduled agents per queue
    shifts.csv     each agent's shifts (when scheduled)
    summary.json   the summary's figures (callscope.plan.summary)
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from callscope.i18n import tr

__all__ = ["write_plan", "CSV_TIME"]

CSV_TIME = "%Y-%m-%d %H:%M:%S"
_SHARES = ("service_level", "occupancy", "p_abandon", "scheduled_sl")
_TOTALS = ("calls", "agents", "required", "scheduled")


def write_plan(plan, summary: dict, out: Path, lang: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "plan.csv", out / "summary.json", out / "plan.xlsx"]
    plan.table.to_csv(written[0], index=False, date_format=CSV_TIME)
    written[1].write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    shifts = plan.shifts.best.shifts_table() if plan.shifts else None
    _workbook(written[2], plan, summary, shifts, lang)
    if shifts is not None:
        shifts.to_csv(out / "shifts.csv", index=False, date_format=CSV_TIME)
        written.append(out / "shifts.csv")
    written += _charts(out, plan.table, lang)
    return written


# -- workbook ---------------------------------------------------------------------------------


def totals(table: pd.DataFrame) -> pd.DataFrame:
    """Contacts and agents of all queues together, per interval."""
    present = [c for c in _TOTALS if table[c].notna().any()]
    return table.groupby("interval_start", as_index=False)[present].sum()


def _workbook(path: Path, plan, summary: dict, shifts: pd.DataFrame | None, lang: str) -> None:
    with pd.ExcelWriter(path, engine="xlsxwriter", datetime_format="yyyy-mm-dd hh:mm", date_format="yyyy-mm-dd") as writer:
        book = writer.book
        share = book.add_format({"num_format": "0.0%"})
        number = book.add_format({"num_format": "#,##0.00"})
        _table(writer, plan.table, "plan", {c: share if c in _SHARES or c.startswith("sim_service") or c.startswith("sim_abandon") else number for c in plan.table.columns if c not in ("interval_start", "queue", "channel")})
        by_interval = totals(plan.table)
        _table(writer, by_interval, "by_interval", {c: number for c in by_interval.columns[1:]})
        _chart(book, by_interval, lang)
        _table(writer, plan.accuracy, "accuracy", {c: share for c in ("wmape", "baseline_wmape")})
        if shifts is not None:
            _table(writer, shifts, "shifts", {})
        _table(writer, _summary_rows(summary, lang), "summary", {})
        labels = pd.DataFrame({"column": plan.table.columns, "meaning": [_column_label(c, lang) for c in plan.table.columns]})
        _table(writer, labels, "columns", {})


def _table(writer, frame: pd.DataFrame, sheet: str, formats: dict) -> None:
    """`frame` as an Excel table (a ListObject: header, filters, banded rows) named after the sheet."""
    frame.to_excel(writer, sheet_name=sheet, index=False, header=False, startrow=1)
    ws = writer.sheets[sheet]
    columns = [{"header": str(c)} for c in frame.columns]
    ws.add_table(0, 0, max(len(frame), 1), len(columns) - 1, {"name": f"t_{sheet}", "columns": columns, "style": "Table Style Medium 2"})
    for i, name in enumerate(frame.columns):
        width = 18 if pd.api.types.is_datetime64_any_dtype(frame[name]) else max(10, len(str(name)) + 3)
        ws.set_column(i, i, width, formats.get(name))


def _chart(book, by_interval: pd.DataFrame, lang: str) -> None:
    """A native line chart: agents on the left axis, forecast contacts on the right."""
    n = len(by_interval)
    chart = book.add_chart({"type": "line"})
    for name in by_interval.columns[1:]:
        col = by_interval.columns.get_loc(name)
        chart.add_series({
            "name": tr(f"plan.chart.{name}", lang),
            "categories": ["by_interval", 1, 0, n, 0],
            "values": ["by_interval", 1, col, n, col],
            "y2_axis": name == "calls",
            "line": {"width": 1.25, "dash_type": "dash" if name == "calls" else "solid"},
        })  # fmt: skip
    chart.set_title({"name": tr("plan.chart.title", lang)})
    chart.set_y_axis({"name": tr("plan.chart.agents_axis", lang)})
    chart.set_y2_axis({"name": tr("plan.chart.calls_axis", lang)})
    chart.set_x_axis({"num_format": "mm-dd hh:mm", "num_font": {"rotation": -45}})
    chart.set_legend({"position": "bottom"})
    sheet = book.add_chartsheet("chart")
    sheet.set_chart(chart)


def _summary_rows(summary: dict, lang: str) -> pd.DataFrame:
    rows = []
    for key, value in _flatten(summary):
        if key.startswith("accuracy") or key.startswith("seconds"):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        rows.append({"figure": key, "label": tr(f"plan.figure.{key}", lang), "value": shown})
    return pd.DataFrame(rows, columns=["figure", "label", "value"])


def _flatten(tree: dict, prefix: str = ""):
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _column_label(name: str, lang: str) -> str:
    if name.startswith("sim_"):
        base, _, bound = name.removeprefix("sim_").rpartition("_") if name.endswith(("_lo", "_hi")) else (name.removeprefix("sim_"), "", "")
        text = tr(f"plan.col.sim_{base}", lang)
        return text + (tr(f"plan.col.bound_{bound}", lang) if bound else "")
    return tr(f"plan.col.{name}", lang)


# -- PNG charts -------------------------------------------------------------------------------


def _charts(out: Path, table: pd.DataFrame, lang: str) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    from callscope.schedule.output import _cjk_font  # the same font choice as the schedule's chart

    font = _cjk_font()  # queue names are often Chinese, whatever the language of the labels
    if lang == "zh" and font is None:
        lang = "en"  # without a Chinese font the labels would print as empty boxes
    with plt.rc_context({"font.sans-serif": [font, "DejaVu Sans"]} if font else {}):
        return [_forecast_png(plt, out / "forecast.png", table, lang), _staffing_png(plt, out / "staffing.png", table, lang)]


def _grid(rows: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, minutes: int) -> pd.DataFrame:
    """The queue's rows on every interval of the period: closed hours are gaps in the lines."""
    full = pd.date_range(start, end, freq=f"{minutes}min", inclusive="left")
    return rows.set_index("interval_start").reindex(full)


def _panels(plt, table: pd.DataFrame):
    queues = sorted(table.queue.unique())
    fig, axes = plt.subplots(len(queues), 1, figsize=(14, 2.8 * len(queues) + 0.6), squeeze=False, sharex=True)
    stamps = table.interval_start.sort_values().drop_duplicates()
    minutes = int(stamps.diff().dropna().min() / pd.Timedelta(minutes=1)) if len(stamps) > 1 else 30
    start, end = stamps.iloc[0].normalize(), stamps.iloc[-1].normalize() + pd.Timedelta(days=1)
    for ax, queue in zip(axes[:, 0], queues):
        yield fig, ax, queue, _grid(table[table.queue == queue], start, end, minutes)


def _forecast_png(plt, path: Path, table: pd.DataFrame, lang: str) -> Path:
    fig = None
    for fig, ax, queue, rows in _panels(plt, table):
        ax.fill_between(rows.index, rows.calls_lo, rows.calls_hi, step="post", alpha=0.25, color="tab:blue", label=tr("plan.chart.band", lang))
        ax.step(rows.index, rows.calls, where="post", color="tab:blue", linewidth=1.0, label=tr("plan.chart.calls", lang))
        _label(ax, queue, tr("plan.chart.calls_axis", lang))
    return _save(plt, fig, path, tr("plan.chart.forecast_title", lang))


def _staffing_png(plt, path: Path, table: pd.DataFrame, lang: str) -> Path:
    fig = None
    for fig, ax, queue, rows in _panels(plt, table):
        ax.step(rows.index, rows.required, where="post", color="black", linewidth=1.2, label=tr("plan.chart.required", lang))
        ax.step(rows.index, rows.agents, where="post", color="tab:green", linewidth=0.9, label=tr("plan.chart.agents", lang))
        if rows.scheduled.notna().any():
            ax.step(rows.index, rows.scheduled, where="post", color="tab:orange", linewidth=1.0, label=tr("plan.chart.scheduled", lang))
        _label(ax, queue, tr("plan.chart.agents_axis", lang))
    return _save(plt, fig, path, tr("plan.chart.staffing_title", lang))


def _label(ax, queue: str, ylabel: str) -> None:
    ax.set_title(queue, loc="left", fontsize=10)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)


def _save(plt, fig, path: Path, title: str) -> Path:
    fig.axes[0].legend(loc="upper right", fontsize=8)
    fig.suptitle(title, x=0.01, ha="left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
