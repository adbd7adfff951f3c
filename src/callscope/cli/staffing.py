"""`callscope staff`: agents needed for one interval (or the measures of a given staffing)."""

from __future__ import annotations

import json
import math
from typing import Annotated

import typer

from callscope.cli.common import LangOpt, console, print_table, tr, use_lang
from callscope.staffing import SL_DEFINITIONS, StaffingResult, evaluate, staff
from callscope.staffing.inputs import fail

__all__ = ["register", "staff_command"]

_FORMATS = ("table", "json")
_PERCENT = ("service_level", "occupancy", "p_wait", "p_abandon")
_FIELDS = ("load", "agents", "scheduled_agents", "service_level", "asa", "occupancy", "p_wait", "p_abandon", "mean_wait")


def register(app: typer.Typer) -> None:
    app.command("staff", help="Agents needed for one interval (Erlang C, or Erlang A with --patience); --agents N evaluates a given staffing.")(staff_command)


def staff_command(
    calls: Annotated[float, typer.Option(help="Contacts arriving in the interval")],
    aht: Annotated[float, typer.Option(help="Average handle time, seconds (talk + hold + wrap-up)")],
    interval: Annotated[float, typer.Option(help="Interval length, seconds")] = 1800,
    sl: Annotated[float | None, typer.Option(help="Service-level target, e.g. 0.8 for 80 % answered within --answer-time")] = None,
    answer_time: Annotated[float, typer.Option(help="T of 'X % answered within T seconds'")] = 20,
    asa: Annotated[float | None, typer.Option(help="Target average speed of answer, seconds")] = None,
    max_abandon: Annotated[float | None, typer.Option(help="Highest acceptable share of callers abandoning (needs --patience)")] = None,
    max_occupancy: Annotated[float | None, typer.Option(help="Highest acceptable occupancy, e.g. 0.85")] = None,
    patience: Annotated[float | None, typer.Option(help="Callers' mean patience, seconds: switches to Erlang A")] = None,
    shrinkage: Annotated[float, typer.Option(help="Share of scheduled time not on the phones, e.g. 0.3")] = 0.0,
    concurrency: Annotated[int, typer.Option(help="Contacts an agent handles at once (chat)")] = 1,
    sl_definition: Annotated[str, typer.Option(help=f"With --patience: {' or '.join(SL_DEFINITIONS)} (see docs/staffing.md)")] = "answered",
    agents: Annotated[int | None, typer.Option(help="Evaluate this many agents on the phones instead of solving")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    lang: LangOpt = None,
) -> None:
    lang = use_lang(lang)
    if fmt not in _FORMATS:
        raise fail("unknown_format", value=repr(fmt), choices=", ".join(_FORMATS))
    common = dict(answer_time=answer_time, patience=patience, shrinkage=shrinkage, concurrency=concurrency, sl_definition=sl_definition)
    if agents is None:
        result = staff(calls, interval, aht, sl=sl, asa=asa, max_abandon=max_abandon, max_occupancy=max_occupancy, **common)
    else:
        result = evaluate(calls, interval, aht, agents, **common)
        if patience is None and agents * concurrency <= result.load and calls > 0:
            raise fail("unstable", agents=agents, load=f"{result.load:g}", minimum=math.floor(result.load / concurrency) + 1)
    if fmt == "json":
        # JSON has no NaN or infinity: a measure that has no value (ASA with nobody answered) is null
        values = {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in result.as_dict().items()}
        typer.echo(json.dumps(values, ensure_ascii=False))
    else:
        _print(result, lang, patience=patience, sl_definition=sl_definition, concurrency=concurrency)


def _print(result: StaffingResult, lang: str, *, patience, sl_definition: str, concurrency: int) -> None:
    values = result.as_dict()
    rows = [[tr(f"staffing.label.{name}", lang), _show(name, values[name])] for name in _FIELDS if values[name] is not None]
    print_table(tr("staffing.label.title", lang), [tr("staffing.label.measure", lang), tr("staffing.label.value", lang)], rows, justify_numbers=False)
    if patience is None:
        console.print(tr("staffing.label.model_c", lang))
    else:
        definition = tr(f"staffing.label.definition_{sl_definition}", lang)
        console.print(tr("staffing.label.model_a", lang, patience=f"{patience:g}", definition=definition))
    if concurrency > 1:
        console.print(tr("staffing.label.concurrency", lang, k=concurrency))


def _show(name: str, value) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    if math.isnan(value):
        return "—"
    if name in _PERCENT:
        return f"{value:.1%}"
    return f"{value:,.2f}" if math.isfinite(value) else "∞"
