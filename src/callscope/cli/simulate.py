"""`callscope simulate`: replications of a contact centre, per interval, with confidence intervals."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from callscope.cli.common import LangOpt, console, print_table, tr, use_lang

__all__ = ["register", "simulate_command"]

_FORMATS = ("table", "json")
_FILE_COLUMNS = ("calls", "aht_s", "agents")


def register(app: typer.Typer) -> None:
    app.command(
        "simulate",
        help="Simulate the centre (discrete events, replications): service level, ASA and abandonment per interval with confidence intervals.",
    )(simulate_command)


def simulate_command(
    calls: Annotated[str | None, typer.Option(help="Expected contacts per interval: one number, or one per interval separated by commas")] = None,
    aht: Annotated[str | None, typer.Option(help="Mean handle time in seconds (talk + hold), one or one per interval")] = None,
    agents: Annotated[str | None, typer.Option(help="Agents on the phones, one or one per interval")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="CSV of intervals: interval_start, calls, aht_s, agents (instead of --calls/--aht/--agents)")] = None,
    centre_file: Annotated[Path | None, typer.Option("--centre", help="YAML centre with several queues and agent groups (see docs/simulate.md)")] = None,
    interval: Annotated[float, typer.Option(help="Interval length, seconds")] = 1800,
    answer_time: Annotated[float, typer.Option(help="T of 'X % answered within T seconds'")] = 20,
    patience: Annotated[float | None, typer.Option(help="Callers' mean patience, seconds (default: nobody abandons)")] = None,
    patience_dist: Annotated[str, typer.Option(help="Patience distribution: exponential, lognormal or deterministic")] = "exponential",
    patience_cv: Annotated[float, typer.Option(help="Coefficient of variation of a lognormal patience")] = 1.0,
    service_dist: Annotated[str, typer.Option(help="Handle-time distribution: exponential, lognormal or deterministic")] = "exponential",
    service_cv: Annotated[float, typer.Option(help="Coefficient of variation of a lognormal handle time")] = 1.0,
    wrap: Annotated[float, typer.Option(help="Wrap-up after each contact, seconds (agent busy, fixed length)")] = 0.0,
    concurrency: Annotated[int, typer.Option(help="Contacts an agent handles at once (chat)")] = 1,
    sl_definition: Annotated[str, typer.Option(help="answered (within T over all offered) or virtual (offered wait ≤ T)")] = "answered",
    short_abandon: Annotated[float, typer.Option(help="Abandons within this many seconds leave the service level (0: none)")] = 0.0,
    replications: Annotated[int, typer.Option(help="Independent replications")] = 20,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same numbers")] = 0,
    confidence: Annotated[float, typer.Option(help="Confidence level of the intervals")] = 0.99,
    warmup: Annotated[int, typer.Option(help="Leading intervals left out of the overall figures")] = 0,
    engine: Annotated[str, typer.Option(help="auto, fcfs (one queue, constant staffing) or events")] = "auto",
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    lang: LangOpt = None,
) -> None:
    from callscope.simulate import AgentGroup, Centre, Distribution, Queue, simulate
    from callscope.simulate.centre_file import load_centre
    from callscope.simulate.errors import fail

    lang = use_lang(lang)
    if fmt not in _FORMATS:
        raise fail("unknown_format", value=repr(fmt), choices=", ".join(_FORMATS))
    labels = None
    if centre_file is not None:
        centre = load_centre(centre_file)
    else:
        if file is not None:
            frame = pd.read_csv(file)
            missing = [c for c in _FILE_COLUMNS if c not in frame.columns]
            if missing:
                raise fail("file_columns", path=file, missing=", ".join(missing), required=", ".join(("interval_start",) + _FILE_COLUMNS))
            values = {c: frame[c].to_numpy(dtype=float) for c in _FILE_COLUMNS}
            labels = frame["interval_start"].astype(str).tolist() if "interval_start" in frame else None
        else:
            values = _lists(calls=calls, aht_s=aht, agents=agents)
        queue = Queue(
            "contacts",
            calls=values["calls"],
            aht_s=values["aht_s"],
            wrap_s=wrap,
            patience_s=patience,
            patience=Distribution(patience_dist, patience_cv),
            service=Distribution(service_dist, service_cv),
        )
        centre = Centre(interval, [queue], [AgentGroup("agents", ["contacts"], values["agents"], concurrency)], answer_time_s=answer_time,
                        sl_definition=sl_definition, short_abandon_s=short_abandon)
    result = simulate(centre, replications=replications, seed=seed, confidence_level=confidence, warmup_intervals=warmup, engine=engine)
    if labels is not None:
        result.intervals["interval_start"] = [labels[i] for i in result.intervals["interval"]]
    if fmt == "json":
        typer.echo(json.dumps(_json(result, centre), ensure_ascii=False))
    else:
        _print(result, centre, lang, labels)


def _lists(**options: str | None) -> dict:
    """--calls 100,120 --aht 180 --agents 14,15 → arrays of one length (a single value repeats)."""
    from callscope.simulate.errors import fail

    parsed = {}
    for name, text in options.items():
        flag = name.removesuffix("_s")
        if text is None:
            raise typer.BadParameter(f"--{flag} is required (or give --file or --centre)")
        try:
            parsed[name] = [float(v) for v in text.split(",")]
        except ValueError:
            raise fail("not_list", name=flag, value=text) from None
    n = max(len(v) for v in parsed.values())
    for name, v in parsed.items():
        if len(v) not in (1, n):
            raise fail("list_length", name=name.removesuffix("_s"), got=len(v), n=n)
    return {name: v * n if len(v) == 1 else v for name, v in parsed.items()}


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN: a measure with nothing to count is null
    return value.item() if hasattr(value, "item") else value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _json(result, centre) -> dict:
    return {
        "engine": result.engine,
        "replications": result.replications,
        "confidence": result.confidence,
        "sl_definition": result.sl_definition,
        "answer_time_s": centre.answer_time_s,
        "short_abandon_s": centre.short_abandon_s,
        "contacts": result.contacts,
        "contacts_per_second": round(result.contacts_per_second),
        "overall": _records(result.overall),
        "intervals": _records(result.intervals),
    }


def _ci(row, m: str, percent: bool) -> str:
    """"94.3% (87.1–100)": the estimate and its interval, compact enough for a terminal."""
    scale, unit = (100, "%") if percent else (1, "")
    show = lambda v: "—" if math.isnan(v) else f"{v * scale:,.1f}"  # noqa: E731
    if math.isnan(row[f"{m}_lo"]):
        return show(row[m]) + unit
    return f"{show(row[m])}{unit} ({show(row[f'{m}_lo'])}–{show(row[f'{m}_hi'])})"


def _rows(frame: pd.DataFrame, first: list[str]) -> list[list]:
    return [[*(str(row[c]) for c in first), f"{row['offered']:,.1f}", _ci(row, "service_level", True), _ci(row, "asa", False),
             _ci(row, "abandon_rate", True)] for _, row in frame.iterrows()]


def _print(result, centre, lang: str, labels) -> None:
    many = len(centre.queues) > 1
    measures = [tr(f"simulate.label.{m}", lang) for m in ("offered", "service_level", "asa", "abandon_rate")]
    key = ["interval_start" if labels is not None else "interval"] + (["queue"] if many else [])
    heads = [tr("simulate.label.interval", lang)] + ([tr("simulate.label.queue", lang)] if many else [])
    print_table(tr("simulate.label.title", lang), heads + measures, _rows(result.intervals, key), justify_numbers=False)
    print_table(tr("simulate.label.title_overall", lang), [tr("simulate.label.queue", lang)] + measures, _rows(result.overall, ["queue"]), justify_numbers=False)
    console.print(tr("simulate.label.ci", lang, level=f"{result.confidence * 100:g}", replications=result.replications, engine=result.engine,
                     contacts=f"{result.contacts:,}", rate=f"{result.contacts_per_second:,.0f}"))
    console.print(tr(f"simulate.label.definition_{result.sl_definition}", lang, t=f"{centre.answer_time_s:g}"))
    if centre.short_abandon_s > 0:
        console.print(tr("simulate.label.short_abandon", lang, s=f"{centre.short_abandon_s:g}"))
    for q in centre.queues:
        text = tr("simulate.label.patience_none", lang) if q.patience_s is None else tr("simulate.label.patience", lang, kind=tr(f"simulate.label.kind_{q.patience.kind}", lang), mean=f"{q.patience_s:g}")
        console.print(f"{q.name}: {text}" if many else text)
