"""The anonymous_bank reader on a small hand-made file: records it cannot read are quarantined with
the column and value at fault, repeats are duplicates or conflicts, and a foreign header is refused."""

from __future__ import annotations

import pytest

from callscope.ingest import ingest_file
from callscope.store import open_store
from platform_import import quarantined

HEADER = "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver"
RECORDS = [
    "AA0101\t1\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT",  # line 2
    "AA0101\t2\t0\t0\tPS\t990231\t7:10:00\t7:10:05\t5\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",  # 3: 31 February
    "AA0101\t3\t0\t0\tPS\t990201\t7:2:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT",  # 4: minutes without two digits
    "AA0101\t4\t0\t0\tPS\t990201\t7:20:00\t7:20:05\t5\t0:00:00\t0:00:00\t0\tBUSY\t0:00:00\t0:00:00\t0\tNO_SERVER",  # 5
    "AA0101\t5\t0\t0\tPS\t990201\t7:30:00",  # 6: cut short
    "AA0102\t1\t27390947\t2\tNE\t990201\t23:59:50\t0:00:02\t12\t0:00:02\t0:00:40\t38\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",  # 7
    "AA0101\t1\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT",  # 8: line 2 again
    "AA0101\t1\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:06:41\t226\tDORIT",  # 9: same call, longer
]


def test_unreadable_records_repeats_and_midnight(tmp_path):
    path = tmp_path / "march.txt"
    path.write_bytes(("\r\n".join([HEADER, *RECORDS]) + "\r\n").encode())
    store = open_store(str(tmp_path / "s.duckdb"), timezone="Asia/Jerusalem")
    run = ingest_file(store, path, "anonymous_bank")
    # 8 records: 2 loaded (lines 2 and 7); lines 3–6 and the conflicting repeat 9 quarantined; 8 a duplicate.
    assert (run.rows_read, run.rows_loaded, run.rows_quarantined, run.rows_duplicate) == (8, 2, 5, 1)
    assert quarantined(store, run.run_id) == [
        (3, "interactions", "NOT_A_DATE", "date", "990231"),
        (4, "interactions", "NOT_A_TIMESTAMP", "vru_entry", "7:2:47"),
        (5, "interactions", "NOT_IN_ENUM", "outcome", "BUSY"),
        (6, "interactions", "COLUMN_COUNT", "", "7"),
        (9, "interactions", "CONFLICT", "source+interaction_id", "anonymous_bank / AA0101-1"),
    ]
    q = store.table("quarantine")
    messages = {r["line"]: r["message"] for r in q.to_pyarrow().to_pylist()}
    assert messages[3] == "line 3, column date: '990231' is not a valid date (expected YYMMDD, e.g. 990201)"
    assert messages[4] == "line 4, column vru_entry: '7:2:47' is not a valid timestamp (expected H:MM:SS, e.g. 7:02:47)"
    assert messages[5] == "line 5, column outcome: 'BUSY' is not a valid outcome (expected one of AGENT, HANG, PHANTOM)"
    # Line 7 arrives at 23:59:50 on 1 February; everything after it is on 2 February.
    t = store.table("interactions")
    row = t.filter(t.interaction_id == "AA0102-1").to_pyarrow().to_pylist()[0]
    assert [str(row[c]) for c in ("arrived_at", "queued_at", "abandoned_at")] == ["1999-02-01 23:59:50", "1999-02-02 00:00:02", "1999-02-02 00:00:40"]
    assert (row["outcome"], row["wait_s"], row["ivr_s"], row["customer_id"], row["customer_tier"], row["queue"]) == ("abandoned", 38.0, 12.0, "27390947", "priority", "stock exchange")
    store.close()


def test_a_file_with_another_header_is_refused(tmp_path):
    path = tmp_path / "calls.txt"
    path.write_text("call\tdate\n1\t990201\n", encoding="utf-8")
    store = open_store(str(tmp_path / "s.duckdb"))
    with pytest.raises(ValueError, match=r"no column vru\+line, call_id, customer_id.*an Anonymous Bank call log has the header vru\+line call_id"):
        ingest_file(store, path, "anonymous_bank")
    assert store.count("interactions") == 0
    store.close()
