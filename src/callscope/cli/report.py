"""`callscope report KIND --period 2024-09`: write a named report as HTML, PDF and/or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from callscope.cli.common import LangOpt, StoreOpt, console, tr, use_lang

__all__ = ["register", "report_command"]


def register(app: typer.Typer) -> None:
    app.command("report", help="Write a report (month_end, service_quality, response_speed, scorecard) as HTML, PDF and XLSX, in zh or en.")(report_command)


def report_command(
    kind: Annotated[str, typer.Argument(help="Which report: month_end (月底汇报), service_quality (服务质量评估), response_speed (响应速度优化评估), scorecard (平衡记分卡)")],
    period: Annotated[str | None, typer.Option(help="The period, e.g. 2024-09 (month_end: a month; the others also 2024-Q3, 2024; default: the latest month with contacts)")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="html, pdf, xlsx, comma-separated (default: html,xlsx and pdf when Chromium is installed)")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder to write into")] = Path("reports"),
    actions: Annotated[Path | None, typer.Option(help="Improvement actions, YAML or CSV (see docs/reports.md)")] = None,
    targets: Annotated[Path | None, typer.Option(help="Targets YAML file (added to the store's targets and the configuration's)")] = None,
    config: Annotated[Path | None, typer.Option(help="Project configuration (default ./callscope.yaml)")] = None,
    weights: Annotated[str | None, typer.Option(help="Agent score weights, e.g. QA=0.3,CSAT=0.3,AHT=0.2,FCR=0.2")] = None,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    from callscope.kpi import default_period
    from callscope.report import ReportOptions, write_report
    from callscope.store import open_store

    lang = use_lang(lang)
    options = ReportOptions().with_weights(weights)
    with open_store(store, create=False) as s:
        chosen = period or default_period(s).label
        paths = write_report(s, kind, chosen, formats=fmt, out_dir=out, lang=lang, actions=actions, targets=targets, config=config, options=options)
    for path in paths:
        console.print(tr("report.cli.written", lang, path=path), highlight=False, soft_wrap=True)
    if fmt is None and not any(p.suffix == ".pdf" for p in paths):
        console.print(tr("report.cli.no_pdf", lang, reason="apt-get install chromium fonts-noto-cjk"), highlight=False, soft_wrap=True)
