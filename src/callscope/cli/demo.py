"""`callscope demo`: generate the demo contact centre, import it, show each import's accounting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from callscope.cli.common import LangOpt, StoreOpt, console, tr, use_lang
from callscope.cli.data import print_run
from callscope.cli.kpi import print_kpis
from callscope.kpi import OVERVIEW, compute
from callscope.store import open_store
from callscope.demo import DEFAULT_END, DEFAULT_MONTHS, DEFAULT_ROWS, DEFAULT_SEED, run_demo

__all__ = ["register", "demo"]


def register(app: typer.Typer) -> None:
    app.command("demo", help="Generate a realistic demo contact centre and import it into the store.")(demo)


def demo(
    months: Annotated[int, typer.Option(help="Months of data, ending with --end")] = DEFAULT_MONTHS,
    rows: Annotated[int, typer.Option(help="Interactions to generate, all channels")] = DEFAULT_ROWS,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files")] = DEFAULT_SEED,
    end: Annotated[str, typer.Option(help="Last month of data, YYYY-MM")] = DEFAULT_END,
    out: Annotated[Path, typer.Option(help="Folder for the generated source files")] = Path("demo-data"),
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    lang = use_lang(lang)
    runs = run_demo(
        store, out, months=months, rows=rows, seed=seed, end=end, lang=lang,
        on_generate=lambda: console.print(tr("demo.generating", lang, rows=rows, months=months, end=end, out=out)),
        on_import=lambda run: print_run(run, lang),
    )
    loaded, quarantined = sum(r.rows_loaded for r in runs), sum(r.rows_quarantined for r in runs)
    console.print(tr("demo.done", lang, files=len(runs), loaded=loaded, quarantined=quarantined))
    with open_store(store, create=False) as s:
        print_kpis(compute(s, list(OVERVIEW), period=end, compare="prev,yoy", lang=lang), lang)
