"""An import is one transaction and importing the same file twice adds nothing.

* Re-import: the second run of a file finds every record an exact duplicate; the store is unchanged.
* Kill mid-import: `python -m callscope ingest` runs in a real subprocess on a generated file, in
  batches; as soon as it reports (CALLSCOPE_PROGRESS=lines) that a batch has been checked and
  appended inside its transaction, it is killed with SIGKILL. The store must then hold exactly what
  it held before — same rows, no `import_runs` entry for the killed run, no quarantine entries —
  and a normal import of the same file must then succeed with full accounting.
* Streaming: a file read in several batches gives the same result as in one batch.

DuckDB and a real PostgreSQL server (the `store_url` fixture).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from callscope.ingest import ingest_file
from callscope.store import is_postgres_url, open_store
from conftest import wait_for
from platform_import import assert_reimport_adds_nothing, counts, quarantined, rows
from test_ingest_checks import LINES

SRC = Path(__file__).parents[1] / "src"
BIG_ROWS, BIG_BATCH = 20_000, 2_000  # ten batches: the first is reported long before the last


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def big_csv(path: Path, n: int) -> Path:
    """n canonical voice contacts, one a minute from 2024-01-01 00:00 (queued +10 s, answered +40 s,
    ended +340 s), plus every 1000th line of the file is one with a negative wait."""
    import duckdb

    query = f"""
        SELECT 'K' || lpad(i::VARCHAR, 7, '0') AS interaction_id, 'voice' AS channel, 'Q' || (i % 5) AS queue,
               TIMESTAMP '2024-01-01' + INTERVAL (i) MINUTE AS arrived_at,
               TIMESTAMP '2024-01-01' + INTERVAL (i) MINUTE + INTERVAL 10 SECOND AS queued_at,
               TIMESTAMP '2024-01-01' + INTERVAL (i) MINUTE + INTERVAL 40 SECOND AS answered_at,
               TIMESTAMP '2024-01-01' + INTERVAL (i) MINUTE + INTERVAL 340 SECOND AS ended_at,
               CASE WHEN i % 1000 = 999 THEN -1 ELSE 30 END AS wait_s, 'answered' AS outcome
        FROM range({n}) t(i) ORDER BY i"""
    duckdb.connect().execute(f"COPY ({query}) TO '{path}' (FORMAT csv, HEADER)")
    return path


def test_reimporting_a_file_adds_nothing(store, tmp_path):
    path = write_lines(tmp_path / "contacts.csv", LINES)
    first = ingest_file(store, path)
    again = assert_reimport_adds_nothing(store, path, None, first)
    # test_ingest_checks: 5 loaded + 1 duplicate the first time; now all 6 are duplicates, the 8 bad
    # rows are quarantined again (the conflicting line 15 conflicts with the stored V1 again)
    assert (again.rows_read, again.rows_loaded, again.rows_quarantined, again.rows_duplicate) == (14, 0, 8, 6)
    runs = store.table("import_runs").order_by("run_id").to_pyarrow().to_pylist()
    assert [(r["run_id"], r["rows_loaded"], r["rows_duplicate"]) for r in runs] == [(1, 5, 1), (2, 0, 6)]


def _snapshot(url: str) -> dict:
    with open_store(url) as s:
        return {
            "counts": counts(s),
            "interactions": rows(s, "interactions", ["interaction_id", "source", "arrived_at", "csat", "_run_id", "_line"], ["interaction_id"]),
            "runs": rows(s, "import_runs", ["run_id", "source_file", "rows_read", "rows_loaded"], ["run_id"]),
            "quarantine": rows(s, "quarantine", ["run_id", "line", "code"], ["run_id", "line", "code"]),
        }


def _other_sessions(url: str) -> int:
    """Client sessions on the test database other than the one asking."""
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    with psycopg.connect(url, autocommit=True) as con:
        return con.execute(query).fetchone()[0]


@pytest.mark.timeout(180)
def test_a_killed_import_leaves_the_store_as_it_was(store_url, tmp_path):
    with open_store(store_url, timezone="Asia/Shanghai") as s:
        prior = ingest_file(s, write_lines(tmp_path / "earlier.csv", LINES))
    assert (prior.rows_loaded, prior.rows_quarantined) == (5, 8)
    before = _snapshot(store_url)
    path = big_csv(tmp_path / "big.csv", BIG_ROWS)

    env = {**os.environ, "CALLSCOPE_PROGRESS": "lines", "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "callscope", "ingest", str(path), "--store", store_url, "--batch-rows", str(BIG_BATCH), "--lang", "en"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        said = proc.stderr.readline()  # blocks until the first batch is checked and appended
        assert f"{BIG_BATCH:,} records read, checked and staged" in said, said + proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    # Killed while it still had batches to load (it would have exited 0 had it finished).
    assert proc.returncode == -signal.SIGKILL
    if is_postgres_url(store_url):  # the server ends the killed client's session and rolls it back
        assert wait_for(lambda: _other_sessions(store_url) == 0, timeout=60)

    assert _snapshot(store_url) == before

    # The same file now imports normally: 20 negative waits quarantined, the rest loaded.
    with open_store(store_url) as s:
        run = ingest_file(s, path)
        assert (run.run_id, run.rows_read, run.rows_loaded, run.rows_quarantined, run.rows_duplicate) == (2, 20_000, 19_980, 20, 0)
        assert s.count("interactions") == 5 + 19_980
        lines = [line for line, *_ in quarantined(s, run.run_id)]
        assert lines == [1001 + k * 1000 for k in range(20)]  # contact i = 999, 1999, … sits on line i + 2


MALFORMED = [*LINES[:11], "V13,voice,Billing", *LINES[11:]]  # line 12 has 3 fields of 14; later rows move down a line


@pytest.mark.parametrize(
    ("lines", "progress", "accounting"),
    [
        (LINES, [4, 8, 12, 14], (14, 5, 8, 1)),
        # A record Arrow cannot split sends the reader to Python's csv module from that batch on.
        (MALFORMED, [4, 8, 12, 15], (15, 5, 9, 1)),
    ],
    ids=["clean", "malformed-record"],
)
def test_a_file_read_in_batches_gives_the_same_result_as_in_one(tmp_path, lines, progress, accounting):
    """Streaming: the file of test_ingest_checks in batches of 4 records loads exactly as in one
    batch, including the duplicate and the conflict whose first occurrence is in an earlier batch."""
    path = write_lines(tmp_path / "contacts.csv", lines)
    results = {}
    for batch_rows in (4, 1_000):
        seen: list[int] = []
        with open_store(str(tmp_path / f"b{batch_rows}.duckdb"), timezone="Asia/Shanghai") as s:
            run = ingest_file(s, path, batch_rows=batch_rows, progress=seen.append)
            results[batch_rows] = (
                rows(s, "interactions", ["interaction_id", "arrived_at", "wait_s", "talk_s", "csat", "_line"], ["_line"]),
                quarantined(s, run.run_id),
                (run.rows_read, run.rows_loaded, run.rows_quarantined, run.rows_duplicate),
            )
        assert seen == (progress if batch_rows == 4 else [accounting[0]])  # records read after each batch
    assert results[4] == results[1_000]
    assert results[4][2] == accounting
    if lines is MALFORMED:
        assert (12, "interactions", "COLUMN_COUNT", "", "3") in results[4][1]
        assert [r[-1] for r in results[4][0]] == [2, 3, 4, 7, 14]  # V5 moved from line 13 to 14


def test_duplicates_settled_in_parts_as_in_one(tmp_path, monkeypatch):
    """DuckDB settles a large import's duplicates and conflicts in parts split by a hash of the key:
    with parts of 2 rows (7 appended rows: 4 parts) the file of test_ingest_checks, imported and then
    imported again, gives exactly what one part gives."""
    from callscope.ingest import loader

    path = write_lines(tmp_path / "contacts.csv", LINES)
    results = {}
    for settle_rows in (1_000_000, 2):
        monkeypatch.setattr(loader, "SETTLE_ROWS", settle_rows)
        with open_store(str(tmp_path / f"p{settle_rows}.duckdb"), timezone="Asia/Shanghai") as s:
            runs = [ingest_file(s, path) for _ in range(2)]
            results[settle_rows] = (
                rows(s, "interactions", ["interaction_id", "csat", "_run_id", "_line"], ["_line"]),
                [quarantined(s, run.run_id) for run in runs],
                [(run.rows_read, run.rows_loaded, run.rows_quarantined, run.rows_duplicate) for run in runs],
            )
    assert results[2] == results[1_000_000]
    # as test_reimporting_a_file_adds_nothing: 5 loaded + 8 quarantined + 1 duplicate, then 0 + 8 + 6
    assert results[2][2] == [(14, 5, 8, 1), (14, 0, 8, 6)]
    assert (15, "interactions", "CONFLICT", "source+interaction_id", "import / V1") in results[2][1][1]
