"""`callscope demo` as a library call: generate the files, then import them like any user's files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from callscope.demo.config import DEFAULT_END, DEFAULT_MONTHS, DEFAULT_ROWS, DEFAULT_SEED, DemoConfig
from callscope.demo.generate import generate
from callscope.demo.legacy import LEGACY_FILE, legacy_profile
from callscope.demo.writer import FILES
from callscope.ingest import ImportRun, ingest_file
from callscope.store import open_store

__all__ = ["run_demo", "DEMO_TIMEZONE", "check_not_future"]

DEMO_TIMEZONE = "Asia/Shanghai"  # the demo centre's clock; a new store gets it as reporting zone


def run_demo(
    store_url: str | None = None,
    out_dir: str | Path = "demo-data",
    *,
    months: int = DEFAULT_MONTHS,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    end: str = DEFAULT_END,
    lang: str | None = None,
    on_generate: Callable[[], None] | None = None,
    on_import: Callable[[ImportRun], None] | None = None,
) -> list[ImportRun]:
    """Generate the demo centre into `out_dir` and import every file into the store.

    Each file goes through `ingest_file` like any user's file, so each import has its own
    accounting (rows read = loaded + quarantined + duplicate). `on_generate` is called once the
    arguments are found valid, `on_import` after each import.
    """
    check_not_future(DemoConfig(rows=rows, months=months, end=end, seed=seed))
    if on_generate:
        on_generate()
    paths = generate(out_dir, months=months, rows=rows, seed=seed, end=end)
    runs = []
    with open_store(store_url, timezone=DEMO_TIMEZONE) as store:
        for path in paths:
            if path.name == LEGACY_FILE:
                run = ingest_file(store, path, legacy_profile(), lang=lang)
            else:
                run = ingest_file(store, path, table=FILES[path.name], lang=lang)
            runs.append(run)
            if on_import:
                on_import(run)
    return runs


def check_not_future(cfg: DemoConfig) -> None:
    """Demo contacts dated after today would all be quarantined as FUTURE_DATE: refuse early."""
    import datetime as dt

    if cfg.last_day >= dt.date.today():
        raise ValueError(f"--end {cfg.end} reaches today or later; the import would refuse future dates — choose a month that has ended")
