"""Files a schedule run leaves behind: CSV tables, one XLSX workbook, a coverage chart (PNG).

    shifts.csv        the optimiser's shifts, one row per agent and day, breaks as clock times
    activities.csv    the same as work/break/lunch rows shaped like the store's `schedules` table
    coverage.csv      required vs scheduled agents per interval (and skill), both methods
    greedy_shifts.csv the greedy baseline's shifts
    summary.json      status, objective, gap, times and KPIs of both methods
    schedule.xlsx     all of the above as sheets
    coverage.png      requirement and both methods' coverage over the horizon
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from callscope.i18n import tr
from callscope.schedule.result import Schedule

__all__ = ["summary", "coverage_comparison", "write_outputs", "coverage_chart"]


def summary(schedule: Schedule) -> dict:
    """Status, solver figures and KPIs of one method, as plain JSON-able values."""
    info = schedule.info
    return {
        "method": info.method,
        "status": info.status,
        "solve_seconds": round(info.seconds, 3),
        "model_seconds": round(info.model_seconds, 3),
        "best_bound": None if info.best_bound is None else round(info.best_bound, 4),
        "gap": None if info.gap is None else round(info.gap, 6),
        "unassigned_shifts": info.unassigned,
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in schedule.kpis()._asdict().items()},
    }


def coverage_comparison(best: Schedule, baseline: Schedule | None) -> pd.DataFrame:
    table = best.coverage_table()
    if baseline is not None:
        other = baseline.coverage_table()
        table["greedy_scheduled"] = other["scheduled"].to_numpy()
    return table


def write_outputs(out: Path, best: Schedule, baseline: Schedule | None, lang: str) -> list[Path]:
    """Write every file into `out` (created if missing); return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "shifts": best.shifts_table(),
        "activities": best.activities_table(),
        "coverage": coverage_comparison(best, baseline),
    }
    if baseline is not None:
        tables["greedy_shifts"] = baseline.shifts_table()
    written = []
    for name, frame in tables.items():
        frame.to_csv(out / f"{name}.csv", index=False)
        written.append(out / f"{name}.csv")
    figures = [summary(s) for s in (best, baseline) if s is not None]
    (out / "summary.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    written.append(out / "summary.json")
    with pd.ExcelWriter(out / "schedule.xlsx", engine="xlsxwriter") as book:
        pd.DataFrame(figures).to_excel(book, sheet_name="summary", index=False)
        for name, frame in tables.items():
            frame.to_excel(book, sheet_name=name, index=False)
    written.append(out / "schedule.xlsx")
    written.append(coverage_chart(out / "coverage.png", best, baseline, lang))
    return written


def coverage_chart(path: Path, best: Schedule, baseline: Schedule | None, lang: str) -> Path:
    """Required agents and each method's coverage per interval, one panel per skill."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    font = _cjk_font() if lang == "zh" else None
    if lang == "zh" and font is None:
        lang = "en"  # without a Chinese font the labels would print as empty boxes
    with plt.rc_context({"font.sans-serif": [font, "DejaVu Sans"]} if font else {}):
        return _draw(plt, path, best, baseline, lang)


def _draw(plt, path: Path, best: Schedule, baseline: Schedule | None, lang: str) -> Path:
    req = best.problem.requirement
    times = req.times()
    fig, axes = plt.subplots(len(req.skills), 1, figsize=(14, 3.2 * len(req.skills)), squeeze=False, sharex=True)
    for q, skill in enumerate(req.skills):
        ax = axes[q][0]
        ax.step(times, req.required[q], where="post", color="black", linewidth=1.2, label=tr("schedule.chart.required", lang))
        ax.step(times, best.coverage[q], where="post", color="tab:blue", linewidth=1.0, label=tr("schedule.chart.cpsat", lang))
        if baseline is not None:
            ax.step(times, baseline.coverage[q], where="post", color="tab:orange", linewidth=0.8, alpha=0.8, label=tr("schedule.chart.greedy", lang))
        ax.set_ylabel(tr("schedule.chart.agents", lang))
        if skill:
            ax.set_title(skill, loc="left", fontsize=10)
        ax.grid(alpha=0.3)
    axes[0][0].legend(loc="upper right", fontsize=8)
    fig.suptitle(tr("schedule.chart.title", lang), x=0.01, ha="left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    wanted = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC")
    return next((n for n in wanted if n in names), None)
