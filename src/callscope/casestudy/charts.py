"""The case study's PNG charts (matplotlib, labels from the locales)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from callscope.i18n import tr

__all__ = ["volume_chart", "staffing_chart", "plan_chart"]

WEEKDAYS = (6, 0, 1, 2, 3, 4, 5)  # Sunday first: the Israeli week


def _plt():
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})  # no version stamp: the same data gives the same file
    _plt().close(fig)
    return path


def volume_chart(path: Path, volumes: dict[str, pd.DataFrame], lang: str = "en") -> Path:
    """Mean offered calls per day by hour of day, and per weekday."""
    plt = _plt()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8), gridspec_kw={"width_ratios": [3, 1.3]})
    hours = volumes["hour_of_day"]
    left.bar(hours.key, hours.per_day, color="tab:blue")
    left.set_xticks(range(0, 24, 2))
    left.set_xlabel(tr("casestudy.chart.hour", lang))
    left.set_ylabel(tr("casestudy.chart.offered_per_day", lang))
    left.set_title(tr("casestudy.chart.by_hour", lang), loc="left", fontsize=10)
    days = volumes["weekday"].set_index("key").reindex(list(WEEKDAYS))
    right.bar(range(7), days.per_day, color="tab:green")
    right.set_xticks(range(7), [tr(f"casestudy.weekday.{d}", lang) for d in WEEKDAYS])
    right.set_title(tr("casestudy.chart.by_weekday", lang), loc="left", fontsize=10)
    for ax in (left, right):
        ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)


def staffing_chart(path: Path, hourly: pd.DataFrame, lang: str = "en") -> Path:
    """Agents needed (Erlang C, Erlang A) against agents who served and agents busy, per hour of day."""
    plt = _plt()
    hourly = hourly.set_index("hour").reindex(range(24)).reset_index()  # closed hours break the lines
    fig, ax = plt.subplots(figsize=(12, 4))
    ax.bar(hourly.hour, hourly.served, color="lightgray", label=tr("casestudy.chart.served", lang))
    ax.bar(hourly.hour, hourly.busy, width=0.4, color="gray", label=tr("casestudy.chart.busy", lang))
    ax.plot(hourly.hour, hourly.erlang_c, "o-", color="tab:red", label=tr("casestudy.chart.erlang_c", lang))
    ax.plot(hourly.hour, hourly.erlang_a, "s--", color="tab:blue", label=tr("casestudy.chart.erlang_a", lang))
    ax.set_xticks(range(0, 24))
    ax.set_xlabel(tr("casestudy.chart.hour", lang))
    ax.set_ylabel(tr("casestudy.chart.agents", lang))
    ax.set_title(tr("casestudy.chart.staffing", lang), loc="left", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return _save(fig, path)


def plan_chart(path: Path, intervals: pd.DataFrame, lang: str = "en") -> Path:
    """The week's forecast per interval with its 80 % interval, and the agents Erlang C needs."""
    plt = _plt()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 6), sharex=True)
    x = range(len(intervals))
    top.fill_between(x, intervals.lo_80, intervals.hi_80, color="tab:blue", alpha=0.2, label=tr("casestudy.chart.band80", lang))
    top.plot(x, intervals.forecast, color="tab:blue", label=tr("casestudy.chart.forecast", lang))
    top.set_ylabel(tr("casestudy.chart.calls", lang))
    top.legend(fontsize=8, loc="upper right")
    bottom.step(x, intervals.agents, where="mid", color="tab:red")
    bottom.set_ylabel(tr("casestudy.chart.agents", lang))
    starts = [i for i, t in enumerate(intervals.interval_start) if i == 0 or t.normalize() != intervals.interval_start.iloc[i - 1].normalize()]
    days = [intervals.interval_start.iloc[i] for i in starts]
    bottom.set_xticks(starts, [f"{tr(f'casestudy.weekday.{d.dayofweek}', lang)} {d:%m-%d}" for d in days])
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
        for i in starts[1:]:
            ax.axvline(i - 0.5, color="black", linewidth=0.5)
    top.set_title(tr("casestudy.chart.plan", lang), loc="left", fontsize=10)
    return _save(fig, path)
