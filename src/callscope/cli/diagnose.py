"""`callscope diagnose`: root cause of a KPI gap, anomalies, bottlenecks, complaint topics."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from callscope.cli.common import LangOpt, StoreOpt, console, print_table, tr, use_lang
from callscope.cli.common import name_values as pairs
from callscope.diagnose.wording import level, signed
from callscope.kpi import get_kpi
from callscope.kpi.output import format_value, to_json
from callscope.store import open_store

__all__ = ["register"]

diagnose_app = typer.Typer(help="Why a KPI missed, unusual intervals, complaint themes.", no_args_is_help=True)

PeriodOpt = Annotated[str | None, typer.Option(help="2024-09, 2024-Q3, 2024-W36, 2024-09-01..2024-09-15 (default: latest month)")]
FilterOpt = Annotated[list[str] | None, typer.Option("--filter", "-f", help="name=value[,value] (repeatable), e.g. channel=voice")]
FormatOpt = Annotated[str, typer.Option("--format", help="table or json")]
ConfigOpt = Annotated[Path | None, typer.Option(help="Project configuration (default ./callscope.yaml)")]
TargetsOpt = Annotated[Path | None, typer.Option(help="Targets YAML file (besides the store's targets)")]
FORMATS = ("table", "json")


def register(app: typer.Typer) -> None:
    app.add_typer(diagnose_app, name="diagnose")


def _run(store: str | None, lang: str | None, fmt: str, work):
    """Set the language, check the format, call `work(store)` on the opened store: (lang, result)."""
    lang = use_lang(lang)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use {' or '.join(FORMATS)}")
    with open_store(store, create=False) as s:
        return lang, work(s)


def _json_frame(frame: pd.DataFrame, fmt: str) -> bool:
    """Print the frame as JSON when asked to; True if it was."""
    if fmt == "json":
        sys.stdout.write(to_json(frame) + "\n")
    return fmt == "json"


@diagnose_app.command("root-cause", help="Which slices made a KPI's gap to its target (or earlier period), by mix and by rate.")
def root_cause_command(
    kpi: Annotated[str, typer.Option("--kpi", "-k", help="A ratio KPI, e.g. SL, abandonment_rate, AHT, CSAT")],
    period: PeriodOpt = None,
    baseline: Annotated[str, typer.Option(help="target, prev (previous period) or yoy (a year earlier)")] = "target",
    target: Annotated[float | None, typer.Option(help="Target value (default: the target that applies)")] = None,
    by: Annotated[str | None, typer.Option(help="Dimensions, e.g. category,peak (default: all the KPI allows but agent)")] = None,
    depth: Annotated[int, typer.Option(help="Combine up to this many dimensions")] = 2,
    top: Annotated[int, typer.Option(help="Rows to show")] = 10,
    filter: FilterOpt = None,
    fmt: FormatOpt = "table",
    targets: TargetsOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    from callscope.diagnose import root_cause

    filters = pairs(filter, "filter")
    lang, result = _run(store, lang, fmt, lambda s: root_cause(s, kpi, period, target=target, baseline=baseline, dims=by, depth=depth, filters=filters, top=None, lang=lang, config=config, targets=targets))
    if fmt == "json":
        data = result.to_dict()
        data["slices"] = data["slices"][:top]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    console.print(result.sentence(lang), highlight=False)
    unit, scale = result.unit, float(getattr(get_kpi(kpi).measure, "scale", 1.0))
    # Against a target every mix effect is 0 by definition: that column is left out.
    columns = ["slice", "share", "rate", "reference_rate", *(["mix_effect"] if result.baseline != "target" else []), "rate_effect", "contribution"]
    cells = {
        "slice": lambda r: r["label"], "share": lambda r: f"{r['share'] * 100:.1f}%",
        "rate": lambda r: level(r["rate"], unit, lang), "reference_rate": lambda r: level(r["reference_rate"], unit, lang),
        "mix_effect": lambda r: signed(r["mix_effect"], unit, scale), "rate_effect": lambda r: signed(r["rate_effect"], unit, scale),
        "contribution": lambda r: signed(r["contribution"], unit, scale),
    }
    rows = [[cells[c](r) for c in columns] for r in result.slices.head(top).to_dict("records")]
    title = tr("diagnose.title.root_cause", lang, kpi=result.name, period=result.period, unit=_effect_unit(unit, scale, lang))
    print_table(title, [tr(f"diagnose.col.{c}", lang) for c in columns], rows, justify_numbers=False)


def _effect_unit(unit: str, scale: float, lang: str) -> str:
    if unit == "ratio" and scale == 1.0:
        return tr("diagnose.unit.points", lang)
    if unit == "seconds":
        return tr("diagnose.unit.seconds", lang)
    return unit


@diagnose_app.command("anomalies", help="Intervals whose KPI is far from the same slot in earlier weeks (median and MAD).")
def anomalies_command(
    kpi: Annotated[str, typer.Option("--kpi", "-k", help="KPI id, e.g. abandonment_rate, SL, offered, AHT")],
    period: PeriodOpt = None,
    grain: Annotated[str, typer.Option(help="interval15, interval30, interval60, hour or day")] = "interval30",
    history_weeks: Annotated[int, typer.Option(help="Weeks of history for the expectation")] = 8,
    threshold: Annotated[float, typer.Option(help="Robust z-score from which an interval is an anomaly")] = 3.0,
    filter: FilterOpt = None,
    fmt: FormatOpt = "table",
    config: ConfigOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    from callscope.diagnose import anomalies

    filters = pairs(filter, "filter")
    lang, frame = _run(store, lang, fmt, lambda s: anomalies(s, kpi, period, grain=grain, history_weeks=history_weeks, threshold=threshold, filters=filters, config=config))
    if _json_frame(frame, fmt):
        return
    unit = get_kpi(kpi).unit
    rows = [
        [_when(r["start"]), format_value(r["value"], unit), format_value(r["expected"], unit), format_value(r["deviation"], unit),
         f"{r['robust_z']:+.1f}", tr(f"diagnose.direction.{r['direction']}", lang)]
        for r in frame.to_dict("records")
    ]
    header = [tr(f"diagnose.col.{c}", lang) for c in ("start", "value", "expected", "deviation", "robust_z", "direction")]
    print_table(tr("diagnose.title.anomalies", lang, kpi=get_kpi(kpi).name(lang), period=frame.attrs["period"], n=len(rows)), header, rows, justify_numbers=False)


@diagnose_app.command("bottlenecks", help="Intervals with an abandonment spike or fewer agents ready than the workload needed.")
def bottlenecks_command(
    period: PeriodOpt = None,
    grain: Annotated[str, typer.Option(help="interval15, interval30, interval60 or hour")] = "interval30",
    sl: Annotated[float | None, typer.Option(help="Service-level target for the required agents (default: the SL target that applies, else 0.8)")] = None,
    answer_time: Annotated[float | None, typer.Option(help="Answer time T of the service level, seconds")] = None,
    threshold: Annotated[float, typer.Option(help="Robust z-score of an abandonment spike")] = 3.0,
    filter: FilterOpt = None,
    fmt: FormatOpt = "table",
    targets: TargetsOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    from callscope.diagnose import bottlenecks

    filters = pairs(filter, "filter")
    lang, frame = _run(store, lang, fmt, lambda s: bottlenecks(s, period, grain=grain, sl=sl, answer_time=answer_time, threshold=threshold, filters=filters, config=config, targets=targets))
    if _json_frame(frame, fmt):
        return
    rows = [
        [_when(r["start"]), f"{r['offered']:,.0f}", format_value(r["aht"], "seconds"), format_value(r["abandonment_rate"], "ratio"),
         format_value(r["expected_abandonment"], "ratio"), f"{r['agents_required']:.0f}", f"{r['agents_ready']:.1f}", f"{r['agents_logged_in']:.1f}",
         f"{r['shortfall']:+.1f}", _flags(r, lang)]
        for r in frame.to_dict("records")
    ]
    columns = ("start", "offered", "aht", "abandonment_rate", "expected_abandonment", "agents_required", "agents_ready", "agents_logged_in", "shortfall", "reason")
    title = tr("diagnose.title.bottlenecks", lang, period=frame.attrs["period"], n=len(rows), sl=f"{frame.attrs['sl'] * 100:.0f}", answer_time=f"{frame.attrs['answer_time']:.0f}")
    print_table(title, [tr(f"diagnose.col.{c}", lang) for c in columns], rows, justify_numbers=False)


def _flags(row: dict, lang: str) -> str:
    return ", ".join(tr(f"diagnose.reason.{flag}", lang) for flag in ("abandon_spike", "understaffed") if row[flag])


@diagnose_app.command("topics", help="The main themes of complaint texts (zh and en), with counts and change vs the previous period.")
def topics_command(
    period: PeriodOpt = None,
    top: Annotated[int, typer.Option(help="Number of themes")] = 8,
    compare: Annotated[str, typer.Option(help="prev, yoy or none")] = "prev",
    filter: FilterOpt = None,
    fmt: FormatOpt = "table",
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    from callscope.diagnose import complaint_topics

    filters = pairs(filter, "filter")
    lang, frame = _run(store, lang, fmt, lambda s: complaint_topics(s, period, top=top, compare=None if compare == "none" else compare, lang=lang, filters=filters))
    if _json_frame(frame, fmt):
        return
    rows = [
        [r["theme"] or "", r["label"], f"{r['count']:,}", f"{r['share'] * 100:.1f}%", _number(r["prev_count"]), _change(r["change_pct"]), r["examples"][0] if r["examples"] else ""]
        for r in frame.to_dict("records")
    ]
    header = [tr(f"diagnose.col.{c}", lang) for c in ("theme", "label", "count", "share", "prev_count", "change_pct", "example")]
    print_table(tr("diagnose.title.topics", lang, period=frame.attrs["period"], n=frame.attrs["complaints"]), header, rows, justify_numbers=False)


def _when(ts) -> str:
    ts = pd.Timestamp(ts)
    return ts.strftime("%Y-%m-%d %H:%M") if (ts.hour or ts.minute) else ts.strftime("%Y-%m-%d (%a)")


def _number(value) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.0f}"


def _change(value) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value * 100:+.0f}%"
