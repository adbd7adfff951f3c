"""Schema version 2 (is_phantom, quality_notes, interval_stats) on a store made by version 1, and the
profile features the interval profiles use (a timestamp from two columns, a value mapped to nothing)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from callscope.ingest import ingest_file
from callscope.schema import SCHEMA_VERSION, SYSTEM_TABLES, TABLES, ibis_schema
from callscope.store import open_store
from callscope.store.migrations import _apply


def _version_1_store(url: str):
    """A store as callscope with schema version 1 left it, holding one contact."""
    if url.startswith("postgresql://"):
        from callscope.store.postgres import PostgresStore

        store = PostgresStore(url)
    else:
        from callscope.store.duckdb import DuckDBStore

        store = DuckDBStore(url)
    with store.transaction():
        _apply(store, 1)
        store.set_meta("schema_version", "1")
        store.set_meta("timezone", "UTC")
    old = ibis_schema(TABLES["interactions"], version=1)
    row = {name: None for name in old.names} | {
        "interaction_id": "old-1", "source": "pbx", "channel": "voice", "outcome": "answered",
        "arrived_at": pa.scalar(1_709_542_800_000_000, pa.timestamp("us")).as_py(), "wait_s": 12.0, "_run_id": 1, "_line": 2, "_nlines": 1,
    }  # fmt: skip
    store.append("interactions", pa.Table.from_pylist([row], schema=old.to_pyarrow()))
    runs = SYSTEM_TABLES["import_runs"]
    run = {name: None for name in runs.names} | {"run_id": 1, "source_file": "old.csv", "rows_read": 1, "rows_loaded": 1}
    store.append("import_runs", pa.Table.from_pylist([run], schema=runs.to_pyarrow()))
    store.close()


def test_a_version_1_store_is_migrated_in_place(store_url, tmp_path):
    _version_1_store(store_url)
    assert SCHEMA_VERSION == 2
    with open_store(store_url) as store:
        assert store.schema_version() == 2
        columns = store.table("interactions").columns
        assert columns[-2:] == ("is_phantom", "quality_notes")  # added after the version-1 columns
        assert store.has_table("interval_stats") and store.count("interval_stats") == 0
        row = store.table("interactions").to_pyarrow().to_pylist()[0]
        assert (row["interaction_id"], row["wait_s"], row["is_phantom"], row["quality_notes"]) == ("old-1", 12.0, None, None)
    fresh_url = str(tmp_path / "fresh.duckdb")
    with open_store(fresh_url) as fresh:  # a new store has the same columns in the same order
        assert fresh.table("interactions").columns == columns
        assert fresh.table("interval_stats").columns == tuple(ibis_schema(TABLES["interval_stats"]).names)
    # A migrated store takes imports of the new columns.
    path = tmp_path / "calls.csv"
    path.write_text("interaction_id,channel,arrived_at,outcome,is_phantom,quality_notes\nn-1,voice,2024-03-04 09:00:00,answered,true,NO_SERVICE_TIMES\n")
    with open_store(store_url) as store:
        run = ingest_file(store, path, table="interactions")
        assert (run.rows_loaded, run.notes) == (1, {"NO_SERVICE_TIMES": 1})
        t = store.table("interactions")
        assert t.filter(t.interaction_id == "n-1").select("is_phantom", "quality_notes").to_pyarrow().to_pylist() == [{"is_phantom": True, "quality_notes": "NO_SERVICE_TIMES"}]


def test_timestamp_from_a_date_and_a_time_column_and_values_mapped_to_nothing(duck_store, tmp_path):
    profile = tmp_path / "report.yaml"
    profile.write_text(
        "table: interval_stats\nsource: acd\ncolumns:\n"
        "  interval_start: {column: [Day, Slot], format: '%d/%m/%Y %H:%M'}\n"
        "  interval_minutes: {value: 15}\n"
        "  queue: {column: Skill, map: {ALL: null, '1': sales}}\n"
        "  offered: Calls\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.csv"
    report.write_text("Day,Slot,Skill,Calls\n04/03/2024,09:00,1,12\n04/03/2024,09:15,ALL,30\n04/03/2024,,1,5\n", encoding="utf-8")
    run = ingest_file(duck_store, report, str(profile))
    assert (run.rows_loaded, run.rows_quarantined) == (2, 1)
    rows = duck_store.table("interval_stats").order_by("interval_start").select("interval_start", "queue", "offered").to_pyarrow().to_pylist()
    assert [(str(r["interval_start"]), r["queue"], r["offered"]) for r in rows] == [("2024-03-04 09:00:00", "sales", 12), ("2024-03-04 09:15:00", None, 30)]
    # The row without its time: the message quotes what was there and names both columns.
    q = duck_store.table("quarantine").to_pyarrow().to_pylist()
    assert [(r["line"], r["code"], r["column"], r["raw_value"]) for r in q] == [(4, "NOT_A_TIMESTAMP", "Day+Slot", "04/03/2024")]
    assert q[0]["message"] == "line 4, column Day+Slot: '04/03/2024' is not a valid timestamp (expected %d/%m/%Y %H:%M)"


def test_a_profile_naming_a_missing_column_says_which(duck_store, tmp_path):
    profile = tmp_path / "report.yaml"
    profile.write_text("table: interval_stats\ncolumns:\n  interval_start: {column: [Day, Time]}\n  interval_minutes: {value: 15}\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    report.write_text("Day,Slot\n04/03/2024,09:00\n", encoding="utf-8")
    with pytest.raises(ValueError, match="maps interval_start to column 'Time', which is not in"):
        ingest_file(duck_store, report, str(profile))
