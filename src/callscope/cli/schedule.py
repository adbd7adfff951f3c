"""`callscope schedule`: shifts that cover the staffing requirement — CP-SAT and a greedy baseline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from callscope.cli.common import LangOpt, StoreOpt, console, print_table, tr, use_lang

__all__ = ["register", "schedule"]


def register(app: typer.Typer) -> None:
    app.command("schedule", help="Build shift schedules that cover a per-interval requirement (CP-SAT optimiser vs greedy baseline).")(schedule)


def schedule(
    requirements: Annotated[Path, typer.Option("--requirements", "-r", help="CSV/Parquet with interval_start and required (optional: interval_minutes, skill)")],
    agents: Annotated[Path | None, typer.Option("--agents", help="Roster CSV (agent_id, skills, hourly_cost, max_hours, days, …)")] = None,
    headcount: Annotated[int | None, typer.Option("--headcount", help="Schedule N interchangeable agents instead of a roster")] = None,
    templates: Annotated[Path | None, typer.Option("--templates", "-t", help="Shift templates, rules and weights (YAML); default: the shipped set")] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="CP-SAT time limit, seconds")] = 60.0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT search threads")] = 2,
    seed: Annotated[int, typer.Option("--seed", help="CP-SAT random seed")] = 0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for shifts.csv, coverage.csv, schedule.xlsx, coverage.png")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    from callscope.schedule import Problem, generic_roster, load_setup, read_requirements, read_roster, roster_from_store, solve_cpsat, solve_greedy
    from callscope.schedule.output import summary, write_outputs

    lang = use_lang(lang)
    if fmt not in ("table", "json"):
        raise ValueError(f"--format {fmt!r}: use table or json")
    if agents is not None and headcount is not None:
        raise ValueError("--agents and --headcount both given; use one (or neither, to read the store's agents table)")
    setup = load_setup(templates)
    requirement = read_requirements(requirements)
    if agents is not None:
        roster = read_roster(agents)
    elif headcount is not None:
        roster = generic_roster(headcount)
    else:
        from callscope.store import open_store

        first = requirement.start.date()
        with open_store(store, create=False) as s:
            roster = roster_from_store(s, first, first + dt.timedelta(days=requirement.days - 1))
    problem = Problem(requirement, setup.templates, roster, setup.rules, setup.weights)
    baseline = solve_greedy(problem)
    best = solve_cpsat(problem, time_limit=time_limit, workers=workers, seed=seed, hint=baseline)  # search starts from the greedy
    written = write_outputs(out, best, baseline, lang) if out is not None else []
    if fmt == "json":
        console.print_json(json.dumps({"cpsat": summary(best), "greedy": summary(baseline), "files": [str(p) for p in written]}, ensure_ascii=False))
        return
    print_comparison(best, baseline, lang)
    for path in written:
        console.print(tr("schedule.wrote", lang, path=path))


def print_comparison(best, baseline, lang: str) -> None:
    """The optimiser's and the baseline's figures side by side."""
    from callscope.schedule.output import summary

    ours, theirs = summary(best), summary(baseline)
    rows = []
    for key in ("status", "objective", "gap", "best_bound", "solve_seconds", "under_hours", "over_hours", "intervals_met_pct", "paid_hours", "cost", "shifts", "agents_used", "unassigned_shifts"):
        a, b = ours[key], theirs[key]
        if key == "gap":
            a, b = (None if v is None else f"{v:.2%}" for v in (a, b))
        rows.append([tr(f"schedule.col.{key}", lang), a, b])
    print_table(tr("schedule.title", lang), [tr("schedule.col.figure", lang), tr("schedule.col.cpsat", lang), tr("schedule.col.greedy", lang)], rows)
    if theirs["objective"] and ours["objective"]:
        console.print(tr("schedule.ratio", lang, ratio=theirs["objective"] / ours["objective"]))
    if best.info.unassigned:
        console.print(tr("schedule.unassigned", lang, n=best.info.unassigned))
