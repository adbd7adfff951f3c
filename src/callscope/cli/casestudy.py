"""`callscope case-study anonymous-bank`: the real-data case study, from the files to the document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from callscope.cli.common import LangOpt, console, tr, use_lang

__all__ = ["register"]

case_app = typer.Typer(help="Case studies on real public data, generated end to end.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(case_app, name="case-study")


@case_app.command("anonymous-bank", help="Import the Technion Anonymous Bank February 1999 log and the US bank series, write docs/case-study-anonymous-bank.md, its charts and the month-end reports.")
def anonymous_bank_command(
    data: Annotated[Path | None, typer.Option("--data", help="Folder holding anonymous_bank/ and us_bank_calls_weinberg/ (default: $CALLSCOPE_REAL_DATA, else ../shared/data)")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the document (its charts and reports go into case-study/ inside)")] = Path("docs"),
    store: Annotated[str | None, typer.Option("--store", "-s", help="Keep the store in this new DuckDB file (default: a temporary one)")] = None,
    horizon: Annotated[str, typer.Option(help="Forecast horizon of the planning example: 7d, 2w or a number of intervals")] = "7d",
    backtest_weeks: Annotated[float, typer.Option(help="Weeks the planning example's backtest covers")] = 4,
    reports: Annotated[str, typer.Option(help="Month-end report languages, comma-separated (\"\" = none)")] = "zh,en",
    lang: LangOpt = None,
) -> None:
    from callscope.casestudy import Inputs, Settings, build, default_data_dir

    lang = use_lang(lang)
    settings = Settings(horizon=horizon, backtest_weeks=backtest_weeks, reports=tuple(x.strip() for x in reports.split(",") if x.strip()))
    say = lambda key, **kw: console.print(tr(key, lang, **kw), highlight=False, soft_wrap=True)  # noqa: E731
    context = build(Inputs(data or default_data_dir()), out, store_path=store, settings=settings, progress=say)
    for path in context["paths"]:
        say("casestudy.cli.written", path=path)
