"""`callscope kpi`: compute KPIs by slices; `kpi list` and `kpi explain ID` read the catalogue."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from callscope.cli.common import LangOpt, StoreOpt, console, name_values, print_table, tr, use_lang
from callscope.kpi import CATALOGUE, compute, get_kpi
from callscope.kpi.catalogue.common import option_text
from callscope.kpi.output import display_frame, to_csv, to_json, to_xlsx
from callscope.store import open_store

__all__ = ["register", "print_kpis"]

kpi_app = typer.Typer(help="KPIs by any slices over a period, with targets and comparisons.", no_args_is_help=False)


def register(app: typer.Typer) -> None:
    app.add_typer(kpi_app, name="kpi")


@kpi_app.callback(invoke_without_command=True)
def kpi(
    ctx: typer.Context,
    kpis: Annotated[str | None, typer.Option("--kpis", "-k", help="KPI ids or families, comma-separated (default: all)")] = None,
    by: Annotated[str | None, typer.Option(help="Slices, e.g. queue,month (dimensions and one time grain)")] = None,
    period: Annotated[str | None, typer.Option(help="2024-09, 2024-Q3, 2024, 2024-W36, 2024-09-01..2024-09-15 (default: latest month)")] = None,
    compare: Annotated[str | None, typer.Option(help="prev (mom/qoq), yoy, total, target — comma-separated")] = None,
    filter: Annotated[list[str] | None, typer.Option("--filter", "-f", help="name=value[,value] (repeatable)")] = None,
    option: Annotated[list[str] | None, typer.Option("--option", "-o", help="KPI option name=value (repeatable)")] = None,
    targets: Annotated[Path | None, typer.Option(help="Targets YAML file")] = None,
    config: Annotated[Path | None, typer.Option(help="Project configuration (default ./callscope.yaml)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or xlsx")] = "table",
    out: Annotated[Path | None, typer.Option(help="Write to this file (xlsx needs it)")] = None,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    lang = use_lang(lang)
    if fmt not in ("table", "csv", "json", "xlsx"):
        raise ValueError(f"unknown format {fmt!r}; use table, csv, json or xlsx")
    with open_store(store, create=False) as s:
        frame = compute(
            s, kpis, by=by, period=period, compare=compare, filters=name_values(filter, "filter"),
            options=name_values(option, "option"), config=config, targets=targets, lang=lang,
        )
    _emit(frame, fmt, out, lang)


def _emit(frame, fmt: str, out: Path | None, lang: str) -> None:
    if fmt == "xlsx":
        path = out or Path("kpi.xlsx")
        to_xlsx(frame, path, lang)
        console.print(tr("kpi.written", lang, path=path))
        return
    if fmt in ("csv", "json"):
        text = to_csv(frame) if fmt == "csv" else to_json(frame)
        if out:
            out.write_text(text, encoding="utf-8")
            console.print(tr("kpi.written", lang, path=out))
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    print_kpis(frame, lang)


def print_kpis(frame, lang: str) -> None:
    header, rows = display_frame(frame, lang)
    print_table(tr("kpi.table_title", lang, period=frame.attrs.get("period", "")), header, rows, justify_numbers=False)


@kpi_app.command("list", help="Every KPI: id, name, unit, better direction.")
def list_kpis(
    family: Annotated[str | None, typer.Option(help="voice, agents, multimedia or response")] = None,
    lang: LangOpt = None,
) -> None:
    lang = use_lang(lang)
    rows = [
        [k.id, k.name(lang), tr(f"kpi.family.{k.family}", lang), k.unit, tr(f"kpi.direction.{k.direction}", lang)]
        for k in CATALOGUE.values()
        if family is None or k.family == family
    ]
    header = [tr("kpi.col.kpi", lang), tr("kpi.col.name", lang), tr("kpi.explain.family", lang), tr("kpi.col.unit", lang), tr("kpi.explain.direction", lang)]
    print_table(tr("kpi.list_title", lang, n=len(rows)), header, rows, justify_numbers=False)


@kpi_app.command("explain", help="The written definition of a KPI: numerator, denominator, exclusions, options.")
def explain(kpi_id: Annotated[str, typer.Argument(help="KPI id, e.g. SL")], lang: LangOpt = None) -> None:
    lang = use_lang(lang)
    console.print(explain_text(kpi_id, lang), highlight=False)


def explain_text(kpi_id: str, lang: str) -> str:
    from callscope.kpi.catalogue.common import OPTIONS

    k = get_kpi(kpi_id)
    lines = [
        f"{k.id} — {k.name(lang)}",
        f"{tr('kpi.explain.family', lang)}: {tr(f'kpi.family.{k.family}', lang)}",
        f"{tr('kpi.explain.unit', lang)}: {k.unit}",
        f"{tr('kpi.explain.direction', lang)}: {tr(f'kpi.direction.{k.direction}', lang)}",
        f"{tr('kpi.explain.definition', lang)}: {k.definition(lang)}",
        f"{tr('kpi.explain.needs', lang)}: {', '.join(k.required_fields({n: o.default for n, o in OPTIONS.items()}))}",
    ]
    if k.intervals:
        lines.append(f"{tr('kpi.explain.interval_needs', lang)}: {', '.join(k.intervals.needs)}")
    if k.options:
        lines.append(f"{tr('kpi.explain.options', lang)}:")
        lines += [f"  {name} ({_default(OPTIONS[name].default)}): {option_text(name, lang)}" for name in k.options]
    if k.seed:
        lines.append(f"{tr('kpi.explain.seed', lang)}: {k.seed}")
    if k.aliases:
        lines.append(f"{tr('kpi.explain.aliases', lang)}: {', '.join(k.aliases)}")
    return "\n".join(lines)


def _default(value) -> str:
    return ",".join(value) if isinstance(value, tuple) else str(value)
