"""What the platform-format tests share: reading rows back and checking an import's accounting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from callscope.ingest import ImportRun, ingest_file, load_profile
from callscope.schema import TABLES

FIXTURES = Path(__file__).parent / "fixtures"


def at(text: str) -> dt.datetime:
    """A stored (naive, reporting-zone) time stamp."""
    return dt.datetime.fromisoformat(text)


def rows(store, table: str, columns: list[str], order: list[str]) -> list[tuple]:
    t = store.table(table)
    return [tuple(r[c] for c in columns) for r in t.order_by(order).select(*columns).to_pyarrow().to_pylist()]


def quarantined(store, run_id: int) -> list[tuple]:
    """(line, table, code, column, raw value) of every quarantine entry of a run, in line order."""
    q = store.table("quarantine")
    q = q.filter(q.run_id == run_id).order_by(["line", "code"])
    return [(r["line"], r["table_name"], r["code"], r["column"], r["raw_value"]) for r in q.to_pyarrow().to_pylist()]


def messages(store, run_id: int) -> dict[int, str]:
    q = store.table("quarantine")
    q = q.filter(q.run_id == run_id)
    return {r["line"]: r["message"] for r in q.to_pyarrow().to_pylist()}


def assert_balanced(run: ImportRun, *, read: int, loaded: int, quarantined: int, duplicate: int = 0) -> None:
    assert (run.rows_read, run.rows_loaded, run.rows_quarantined, run.rows_duplicate) == (read, loaded, quarantined, duplicate)
    assert run.rows_read == run.rows_loaded + run.rows_quarantined + run.rows_duplicate


def counts(store) -> dict[str, int]:
    return {name: store.count(name) for name in TABLES}


def assert_reimport_adds_nothing(store, path: Path, profile, first: ImportRun) -> ImportRun:
    """The same file again: every loaded record is an exact duplicate, nothing new is stored.

    The tables' statistics are refreshed first, as the server's autovacuum does between two
    imports: on PostgreSQL, statistics that know only the first run made the planner match the
    second run's rows by a nested loop (minutes for 40,000 calls) until the import analyzed."""
    for name in TABLES:
        if store.has_table(name):
            store.analyze(name)
    before = counts(store)
    again = ingest_file(store, path, profile)
    assert counts(store) == before
    assert again.rows_duplicate == first.rows_loaded + first.rows_duplicate
    assert again.rows_loaded == 0
    assert again.rows_quarantined == first.rows_quarantined  # the same lines, quarantined again
    assert again.previous_run == first.run_id
    return again


def copied_profile(tmp_path: Path, shipped: str, **changes) -> str:
    """A user's copy of a shipped profile with some keys changed, as the docs suggest doing."""
    data = yaml.safe_load(Path(load_profile(shipped).path).read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / f"my_{shipped}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)
