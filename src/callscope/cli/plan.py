"""`callscope plan`: the planning chain for a period — forecast, staffing, shrinkage, schedule,
check — written as plan.csv, plan.xlsx and charts, with a short summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from callscope.cli.common import LangOpt, StoreOpt, console, print_table, tr, use_lang

__all__ = ["register", "plan_command"]


def register(app: typer.Typer) -> None:
    app.command("plan", help="Plan a period end to end: forecast → agents per interval → shrinkage → shifts → check; writes plan.csv/plan.xlsx and charts.")(plan_command)


def plan_command(
    store: StoreOpt = None,
    period: Annotated[str | None, typer.Option(help="Days to plan, FIRST..LAST, e.g. 2024-10-07..2024-10-13 (history before FIRST)")] = None,
    horizon: Annotated[str | None, typer.Option(help="Or: how far after the history, 7d or 2w (default 7d)")] = None,
    interval: Annotated[int, typer.Option(help="Interval length in minutes: 15, 30 or 60")] = 30,
    queue: Annotated[list[str] | None, typer.Option("--queue", "-q", help="Plan only this queue (repeatable; default: every queue of the channel)")] = None,
    channel: Annotated[str, typer.Option(help="The channel planned (interval reports without a channel count as this one)")] = "voice",
    history: Annotated[str, typer.Option("--history", help="auto (call records if the store has any, else interval_stats), interactions or intervals")] = "auto",
    source: Annotated[str | None, typer.Option(help="With interval_stats: only this source's rows")] = None,
    volume: Annotated[str, typer.Option(help="With interval_stats: offered or arrivals as the demand")] = "offered",
    retry_window: Annotated[float, typer.Option(help="Minutes within which a retry after an abandon counts once (0 = every attempt)")] = 30,
    sl: Annotated[float | None, typer.Option(help="Service-level target, e.g. 0.8 (default when no target is given)")] = None,
    answer_time: Annotated[float, typer.Option(help="T of 'X % answered within T seconds'")] = 20,
    asa: Annotated[float | None, typer.Option(help="Target average speed of answer, seconds")] = None,
    abandon_target: Annotated[float | None, typer.Option(help="Highest share of callers abandoning, e.g. 0.05 (needs --patience)")] = None,
    patience: Annotated[float | None, typer.Option(help="Callers' mean patience, seconds: Erlang A instead of Erlang C")] = None,
    max_occupancy: Annotated[float | None, typer.Option(help="Highest acceptable occupancy, e.g. 0.85")] = None,
    shrinkage: Annotated[float, typer.Option(help="Share of on-duty time not on the phones (absence, training; breaks are placed by the schedule)")] = 0.0,
    concurrency: Annotated[int, typer.Option(help="Contacts an agent handles at once (chat)")] = 1,
    aht: Annotated[float | None, typer.Option(help="AHT in seconds when the history has no handle time")] = None,
    backtest_weeks: Annotated[float, typer.Option(help="Weeks of recent history the forecast backtest covers (0 = none)")] = 4,
    train_weeks: Annotated[float, typer.Option(help="Weeks of history each forecast fit sees (0 = all)")] = 8,
    models: Annotated[str, typer.Option(help="Forecast candidates, comma-separated: seasonal_naive, mstl_ets, mstl_ses, mstl_arima")] = "seasonal_naive,mstl_ets,mstl_ses",
    schedule: Annotated[bool, typer.Option("--schedule/--no-schedule", help="Build shifts for the requirement (CP-SAT, greedy baseline)")] = True,
    headcount: Annotated[int | None, typer.Option(help="Schedule N interchangeable agents (default: the store's agents for the channel)")] = None,
    templates: Annotated[Path | None, typer.Option("--templates", "-t", help="Shift templates, rules and weights (YAML); default: the shipped set")] = None,
    time_limit: Annotated[float, typer.Option(help="CP-SAT time limit, seconds")] = 30.0,
    workers: Annotated[int, typer.Option(help="CP-SAT search threads")] = 2,
    simulate: Annotated[bool, typer.Option("--simulate/--no-simulate", help="Check the staffing by simulation (callscope.simulate, when installed)")] = True,
    replications: Annotated[int, typer.Option(help="Simulation replications")] = 20,
    seed: Annotated[int, typer.Option(help="Random seed (CP-SAT, simulation)")] = 0,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for plan.csv, plan.xlsx, forecast.png, staffing.png, shifts.csv, summary.json")] = Path("plan"),
    fmt: Annotated[str, typer.Option("--format", help="table or json (the summary)")] = "table",
    lang: LangOpt = None,
) -> None:
    from callscope.plan import Settings, Targets, make_plan, parse_period, plan_summary, write_plan
    from callscope.store import open_store

    lang = use_lang(lang)
    if fmt not in ("table", "json"):
        raise ValueError(f"--format {fmt!r}: use table or json")
    targets = Targets(sl=sl, answer_time=answer_time, asa=asa, max_abandon=abandon_target, max_occupancy=max_occupancy, patience=patience, shrinkage=shrinkage, concurrency=concurrency)
    settings = Settings(
        period=parse_period(period, horizon), interval_minutes=interval, channel=channel, queues=tuple(queue or ()),
        history=history, stats_source=source, volume=volume, retry_window_minutes=retry_window or None, targets=targets, aht=aht,
        backtest_weeks=backtest_weeks, train_weeks=train_weeks or None, models=tuple(m.strip() for m in models.split(",") if m.strip()),
        schedule=schedule, headcount=headcount, templates=templates, time_limit=time_limit, workers=workers, seed=seed,
        simulate=simulate, replications=replications,
    )  # fmt: skip
    with open_store(store, create=False) as s:
        plan = make_plan(s, settings)
    summary = plan_summary(plan)
    written = write_plan(plan, summary, out, lang)
    if fmt == "json":
        typer.echo(json.dumps({**summary, "files": [str(p) for p in written]}, ensure_ascii=False))
        return
    print_summary(plan, summary, lang)
    for path in written:
        console.print(tr("plan.wrote", lang, path=str(path)), highlight=False)


def print_summary(plan, summary: dict, lang: str) -> None:
    p = summary["period"]
    console.print(tr("plan.title", lang, first=p["first"], last=p["last"], minutes=p["interval_minutes"], channel=summary["channel"], queues=", ".join(summary["queues"]), history=tr(f"plan.history.{summary['history']}", lang)), highlight=False)
    for note in plan.notes:
        console.print(tr(f"forecast.note.{note.key}", lang, **note.values), highlight=False)
    _accuracy(summary["accuracy"], lang)
    print_table(tr("plan.figures_title", lang), [tr("plan.col.figure", lang), tr("plan.col.value", lang)], _figure_rows(summary, lang), justify_numbers=False)
    if plan.shifts is not None and plan.shifts.fallback:
        console.print(tr("plan.greedy_used", lang, reason=plan.shifts.fallback), highlight=False)
    if plan.schedule_skipped:
        console.print(tr(f"plan.skipped.{plan.schedule_skipped}", lang), highlight=False)
    if plan.simulation == "missing":
        console.print(tr("plan.skipped.simulation_missing", lang), highlight=False)


def _accuracy(rows: list[dict], lang: str) -> None:
    if not rows:
        console.print(tr("plan.no_backtest", lang))
        return
    header = [tr(f"plan.col.{c}", lang) for c in ("queue", "measure", "model", "wmape", "mase", "baseline_wmape", "baseline_mase")]
    body = [[r["queue"], tr(f"forecast.measure.{r['measure']}", lang), r["model"], _pct(r["wmape"]), r["mase"], _pct(r["baseline_wmape"]), r["baseline_mase"]] for r in rows]
    print_table(tr("plan.accuracy_title", lang), header, body)


def _figure_rows(summary: dict, lang: str) -> list[list]:
    peak, sched, sim = summary["peak"], summary["schedule"], summary["simulation"]
    rows = [
        ("calls", f"{summary['calls']:,.0f}"),
        ("agent_hours", f"{summary['agent_hours']:,.1f}"),
        ("required_hours", f"{summary['required_hours']:,.1f}"),
        ("peak", tr("plan.peak", lang, required=peak["required"], agents=peak["agents"], at=peak["interval_start"], calls=peak["calls"])),
        ("service_level", _pct(summary["service_level"])),
    ]
    if sched["status"] != "skipped":
        rows += [
            ("schedule_status", f"{sched['status']} · {tr('plan.gap', lang, gap=_pct(sched['gap']))}"),
            ("coverage", _pct(sched["coverage"])),
            ("under_over", f"{sched['under_hours']:,.1f} / {sched['over_hours']:,.1f}"),
            ("intervals_met", f"{sched['intervals_met_pct']:.1f}%"),
            ("paid_hours", f"{sched['paid_hours']:,.1f} ({sched['agents_used']} · {sched['shifts']})"),
            ("scheduled_sl", _pct(sched["service_level"])),
            ("greedy", f"{sched['greedy_objective']:,.1f} / {sched['objective']:,.1f}"),
        ]
    if sim["status"] == "ran":
        rows.append(("simulated", f"{_pct(sim['service_level'])} · {_pct(sim['abandon_rate'])}"))
    return [[tr(f"plan.row.{key}", lang), value] for key, value in rows]


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"
