"""Commands that put data in and show what is there: init, ingest, status, quarantine, schema."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from callscope.cli.common import LangOpt, StoreOpt, console, err_console, print_table, tr, use_lang
from callscope.ingest import ImportRun, ingest_file, load_profile, shipped_profiles
from callscope.ingest.formats import DEFAULT_BATCH_ROWS
from callscope.schema import TABLES
from callscope.store import open_store

__all__ = ["register", "print_run", "list_profiles"]


def register(app: typer.Typer) -> None:
    app.command("init", help="Create (or migrate) a store.")(init)
    app.command("ingest", help="Import files into the store; every row is loaded, quarantined or a duplicate.")(ingest)
    app.command("status", help="What the store holds and how recent imports went.")(status)
    app.command("quarantine", help="List quarantined rows with their reasons.")(quarantine)
    app.command("schema", help="The canonical tables and their fields.")(schema)
    app.command("refresh", help="Rebuild derived tables (per-conversation message statistics), e.g. after changing the sensitive-word lexicon.")(refresh)
    app.command("export", help="Write the store's tables as Parquet files (one per table), e.g. for Spark.")(export)


def init(
    store: StoreOpt = None,
    timezone: Annotated[str, typer.Option(help="Reporting time zone of a new store, e.g. Asia/Shanghai")] = "UTC",
    lang: LangOpt = None,
) -> None:
    lang = use_lang(lang)
    with open_store(store, timezone=timezone) as s:
        console.print(tr("cli.init_done", lang, url=s.url, version=s.schema_version(), tz=s.timezone))


def ingest(
    files: Annotated[list[Path] | None, typer.Argument(help="Files to import")] = None,
    profile: Annotated[str | None, typer.Option(help="Shipped profile name or a profile YAML file")] = None,
    table: Annotated[str | None, typer.Option(help="Target table for a file with canonical headers")] = None,
    batch_rows: Annotated[int, typer.Option(min=1, help="Records read and checked at a time (bounds memory)")] = DEFAULT_BATCH_ROWS,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    lang = use_lang(lang)
    if not files:
        list_profiles(lang)
        return
    chosen = load_profile(profile) if profile else None
    with open_store(store) as s:
        for path in files:
            if os.environ.get("CALLSCOPE_PROGRESS") == "lines":
                run = ingest_file(s, path, chosen, table=table, lang=lang, batch_rows=batch_rows, progress=_progress_lines(path, lang))
            else:
                with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} rows"), TimeElapsedColumn(), console=console, transient=True) as bar:
                    task = bar.add_task(str(path), total=None)
                    run = ingest_file(s, path, chosen, table=table, lang=lang, batch_rows=batch_rows, progress=lambda n: bar.update(task, completed=n))
            print_run(run, lang)


def _progress_lines(path: Path, lang: str):
    """CALLSCOPE_PROGRESS=lines: one line on stderr per batch (for logs of unattended imports)."""

    def report(rows_read: int) -> None:
        err_console.print(tr("cli.ingest_progress", lang, file=str(path), read=rows_read), highlight=False, soft_wrap=True)
        err_console.file.flush()

    return report


def list_profiles(lang: str) -> None:
    rows = []
    for name, path in sorted(shipped_profiles().items()):
        p = load_profile(path)
        rows.append([name, p.format or "", p.table, p.describe(lang)])
    print_table(tr("cli.profiles_title", lang), [tr("cli.col.profile", lang), tr("cli.col.format", lang), tr("cli.col.table", lang), tr("cli.col.description", lang)], rows)


def print_run(run: ImportRun, lang: str) -> None:
    console.print(
        tr(
            "cli.run_summary",
            lang,
            run=run.run_id,
            file=run.source_file,
            read=run.rows_read,
            loaded=run.rows_loaded,
            quarantined=run.rows_quarantined,
            duplicate=run.rows_duplicate,
        )
    )
    if run.rows_derived:
        console.print("  " + tr("cli.run_derived", lang, n=run.rows_derived))
    if run.skew_tolerated:
        console.print("  " + tr("cli.run_skew", lang, n=run.skew_tolerated))
    if run.notes:
        console.print("  " + tr("notes.run_notes", lang, n=sum(run.notes.values())))
        for code, n in sorted(run.notes.items(), key=lambda kv: -kv[1]):
            console.print(f"    {code}: {n:,} — {tr(f'notes.{code}', lang)}", highlight=False)
    if run.previous_run is not None:
        console.print("  " + tr("cli.run_previous", lang, run=run.previous_run))
    for code, n in sorted(run.problems.items(), key=lambda kv: -kv[1]):
        console.print(f"  {code}: {n:,}")
    if run.rows_quarantined:
        console.print("  " + tr("cli.run_quarantine_hint", lang, run=run.run_id))


def status(
    store: StoreOpt = None,
    config: Annotated[Path | None, typer.Option(help="Project configuration (default ./callscope.yaml)")] = None,
    lang: LangOpt = None,
) -> None:
    from callscope.clean import exclusion_counts
    from callscope.config import load_config

    lang = use_lang(lang)
    with open_store(store, create=False) as s:
        console.print(tr("cli.status_store", lang, url=s.url, kind=s.kind, version=s.schema_version(), tz=s.timezone))
        rows = []
        for name in TABLES:
            n = s.count(name)
            rows.append([name, n])
        print_table(tr("cli.status_tables", lang), [tr("cli.col.table", lang), tr("cli.col.rows", lang)], rows)
        flagged = exclusion_counts(s, load_config(config))
        print_table(
            tr("cli.status_exclusions", lang),
            [tr("cli.col.table", lang), tr("cli.col.rule", lang), tr("cli.col.description", lang), tr("cli.col.rows", lang)],
            [[rule.table, rule.id, rule.label(lang), n] for rule, n in flagged],
        )
        runs = s.table("import_runs").order_by(s.table("import_runs").run_id.desc()).limit(10).to_pyarrow().to_pylist()
        cols = ["run", "file", "read", "loaded", "quarantined", "duplicate", "finished"]
        print_table(
            tr("cli.status_runs", lang),
            [tr(f"cli.col.{c}", lang) for c in cols],
            [[r["run_id"], Path(r["source_file"]).name, r["rows_read"], r["rows_loaded"], r["rows_quarantined"], r["rows_duplicate"], str(r["finished_at"])] for r in runs],
        )


def quarantine(
    run: Annotated[int | None, typer.Option(help="Only this import run")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines")] = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    lang = use_lang(lang)
    with open_store(store, create=False) as s:
        q = s.table("quarantine")
        if run is not None:
            q = q.filter(q.run_id == run)
        rows = q.order_by(["run_id", "line"]).limit(limit).to_pyarrow().to_pylist()
        if as_json:
            for r in rows:
                console.print_json(json.dumps(r, ensure_ascii=False, default=str))
            return
        print_table(
            tr("cli.quarantine_title", lang),
            [tr("cli.col.run", lang), tr("cli.col.file", lang), tr("cli.col.code", lang), tr("cli.col.reason", lang)],
            [[r["run_id"], Path(r["source_file"]).name, r["code"], r["message"]] for r in rows],
        )


def schema(
    table: Annotated[str | None, typer.Argument(help="One table (default: all)")] = None,
    lang: LangOpt = None,
) -> None:
    lang = use_lang(lang)
    for spec in TABLES.values():
        if table and spec.name != table:
            continue
        rows = [
            [f.name, f.dtype, "✓" if f.required else "", ", ".join(f.enum) if f.enum else "", f.describe(lang)]
            for f in spec.fields
        ]
        title = f"{spec.name} — {spec.zh if lang == 'zh' else spec.en} (key: {', '.join(spec.key)})"
        print_table(title, ["field", "type", tr("cli.col.required", lang), tr("cli.col.values", lang), tr("cli.col.description", lang)], rows)


def export(
    folder: Annotated[Path, typer.Argument(help="Folder for the Parquet files")],
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    from callscope.store.export import export_parquet

    lang = use_lang(lang)
    with open_store(store, create=False) as s:
        for path in export_parquet(s, folder):
            console.print(tr("kpi.written", lang, path=path))


def refresh(
    store: StoreOpt = None,
    config: Annotated[Path | None, typer.Option(help="Project configuration (default ./callscope.yaml)")] = None,
    lang: LangOpt = None,
) -> None:
    from callscope.config import load_config
    from callscope.kpi.conversations import TABLE, refresh as rebuild

    lang = use_lang(lang)
    with open_store(store, create=False) as s:
        rebuild(s, load_config(config))
        console.print(tr("cli.refreshed", lang, table=TABLE, rows=s.count(TABLE)))
