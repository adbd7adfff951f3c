"""Row checks on a canonical CSV: the good rows load, each bad row is quarantined once with its line,
column, raw value and a readable reason, and read = loaded + quarantined + duplicates.

The file below has five good rows, one bad row of every kind issue 2 lists (bad type, missing
required field, bad enum value, negative duration, answered before arrival, ended before answered,
future date, same id with different content) and one exact duplicate. Every expected value is
worked out by hand from the file; the store's reporting zone is Asia/Shanghai, the same as the
file's (a canonical file has no zone of its own), so time stamps are stored as written.
Runs on DuckDB and on a real PostgreSQL server (the `store` fixture).
"""

from __future__ import annotations

import datetime as dt
import json

from callscope.ingest import ingest_file
from platform_import import at, quarantined, rows

HEADER = "interaction_id,channel,queue,customer_tier,arrived_at,queued_at,answered_at,ended_at,abandoned_at,wait_s,talk_s,outcome,csat,resolved"
LINES = [
    HEADER,  # line 1
    "V1,voice,Billing,VIP,2024-05-06 09:00:00,2024-05-06 09:00:20,2024-05-06 09:00:50,2024-05-06 09:05:50,,,,answered,5,yes",  # 2
    "V2,voice,Billing,normal,2024-05-06 09:10:00,2024-05-06 09:10:05,,,2024-05-06 09:11:05,,,abandoned,,",  # 3
    "C3,chat,Web,normal,2024-05-06 10:00:00,2024-05-06 10:00:00,2024-05-06 10:00:45,2024-05-06 10:12:00,,45,600,answered,4.5,no",  # 4
    "V6,voice,Billing,normal,2024-05-06 13:00:00,,2024-13-01 10:00,2024-05-06 13:05:00,,,,answered,,",  # 5 bad type
    "V7,,Billing,normal,2024-05-06 13:10:00,,,,,,,ivr_ended,,",  # 6 missing required channel
    "E4,email,Mail,VIP,2024-05-06 11:00:00,,2024-05-06 13:00:00,,,,,answered,,",  # 7
    "V8,fax,Billing,normal,2024-05-06 13:20:00,,,,,,,ivr_ended,,",  # 8 channel not in the enum
    "V9,voice,Billing,normal,2024-05-06 13:30:00,2024-05-06 13:30:10,2024-05-06 13:31:00,2024-05-06 13:35:00,,-5,,answered,,",  # 9 negative wait
    "V2,voice,Billing,normal,2024-05-06 09:10:00,2024-05-06 09:10:05,,,2024-05-06 09:11:05,,,abandoned,,",  # 10 exact repeat of line 3
    "V10,voice,Billing,normal,2024-05-06 14:00:00,,2024-05-06 13:55:00,2024-05-06 14:03:00,,,,answered,,",  # 11 answered before arrival
    "V11,voice,Billing,normal,2024-05-06 15:00:00,2024-05-06 15:00:10,2024-05-06 15:01:00,2024-05-06 15:00:30,,,,answered,,",  # 12 ended before answered
    "V5,voice,Billing,normal,2024-05-06 12:00:00,,,2024-05-06 12:01:30,,,,ivr_ended,,",  # 13
    "V12,voice,Billing,normal,2099-01-01 09:00:00,,,,,,,ivr_ended,,",  # 14 in the future
    "V1,voice,Billing,VIP,2024-05-06 09:00:00,2024-05-06 09:00:20,2024-05-06 09:00:50,2024-05-06 09:05:50,,,,answered,1,yes",  # 15 V1 again, csat 1
]
COLUMNS = ["interaction_id", "source", "channel", "queue", "customer_tier", "arrived_at", "queued_at", "answered_at", "ended_at",
           "abandoned_at", "ivr_s", "wait_s", "talk_s", "outcome", "csat", "resolved", "_line"]  # fmt: skip

GOOD = [
    # ivr 20 s = queued − arrived; wait 30 s = answered − queued; talk 300 s = ended − answered (all completed)
    ("V1", "import", "voice", "Billing", "VIP", at("2024-05-06 09:00:00"), at("2024-05-06 09:00:20"), at("2024-05-06 09:00:50"),
     at("2024-05-06 09:05:50"), None, 20.0, 30.0, 300.0, "answered", 5.0, True, 2),
    # abandoned: wait 60 s = abandoned − queued
    ("V2", "import", "voice", "Billing", "normal", at("2024-05-06 09:10:00"), at("2024-05-06 09:10:05"), None, None,
     at("2024-05-06 09:11:05"), 5.0, 60.0, None, "abandoned", None, None, 3),
    # wait and talk as given (the file's 600 s beats ended − answered = 675 s); "no" is false
    ("C3", "import", "chat", "Web", "normal", at("2024-05-06 10:00:00"), at("2024-05-06 10:00:00"), at("2024-05-06 10:00:45"),
     at("2024-05-06 10:12:00"), None, 0.0, 45.0, 600.0, "answered", 4.5, False, 4),
    # never queued: the wait runs from arrival, 2 h = 7200 s
    ("E4", "import", "email", "Mail", "VIP", at("2024-05-06 11:00:00"), None, at("2024-05-06 13:00:00"), None, None,
     None, 7200.0, None, "answered", None, None, 7),
    ("V5", "import", "voice", "Billing", "normal", at("2024-05-06 12:00:00"), None, None, at("2024-05-06 12:01:30"), None,
     None, None, None, "ivr_ended", None, None, 13),
]  # fmt: skip

QUARANTINED = [  # (line, table, code, column, raw value)
    (5, "interactions", "NOT_A_TIMESTAMP", "answered_at", "2024-13-01 10:00"),
    (6, "interactions", "MISSING_REQUIRED", "channel", ""),
    (8, "interactions", "NOT_IN_ENUM", "channel", "fax"),
    (9, "interactions", "NEGATIVE_DURATION", "wait_s", "-5"),
    (11, "interactions", "ANSWERED_BEFORE_ARRIVAL", "answered_at", "2024-05-06 13:55:00"),
    (12, "interactions", "ENDED_BEFORE_ANSWERED", "ended_at", "2024-05-06 15:00:30"),
    (14, "interactions", "FUTURE_DATE", "arrived_at", "2099-01-01 09:00:00"),
    (15, "interactions", "CONFLICT", "source+interaction_id", "import / V1"),
]
MESSAGES = {
    5: "line 5, column answered_at: '2024-13-01 10:00' is not a valid timestamp (expected %Y-%m-%d %H:%M:%S (ISO 8601))",
    6: "line 6, column channel: value is missing; channel is required",
    8: "line 8, column channel: 'fax' is not a valid channel (expected one of voice, chat, email, social, app, video, sms)",
    9: "line 9, column wait_s: '-5' is negative; wait_s must be ≥ 0",
    11: "line 11, column answered_at: answered at '2024-05-06 13:55:00', before arrival (arrived_at 2024-05-06 14:00:00)",
    12: "line 12, column ended_at: ended at '2024-05-06 15:00:30', before it was answered (answered_at 2024-05-06 15:01:00)",
    15: "line 15: source+interaction_id 'import / V1' is already loaded with different content (differs in: csat)",
}


def write(path, lines) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_good_rows_load_and_every_bad_row_is_quarantined_with_its_reason(store, tmp_path):
    path = tmp_path / "contacts.csv"
    write(path, LINES)
    before = store.now()
    run = ingest_file(store, path, lang="en")

    assert rows(store, "interactions", COLUMNS, ["_line"]) == GOOD
    assert quarantined(store, run.run_id) == QUARANTINED
    q = store.table("quarantine")
    found = {r["line"]: r for r in q.filter(q.run_id == run.run_id).to_pyarrow().to_pylist()}
    for line, message in MESSAGES.items():
        assert found[line]["message"] == message
        assert found[line]["source_file"] == str(path)
    # The future-date message quotes the import's own clock: check it is that clock, to the minute.
    future = found[14]
    imported_at = dt.datetime.strptime(future["expected"], "%Y-%m-%d %H:%M")
    assert before.replace(second=0, microsecond=0) <= imported_at <= store.now()
    assert future["message"] == f"line 14, column arrived_at: '2099-01-01 09:00:00' is in the future (imported at {future['expected']})"

    # 14 records: 5 loaded + 8 quarantined + 1 exact duplicate (line 10 repeats line 3)
    assert (run.rows_read, run.rows_loaded, run.rows_quarantined, run.rows_duplicate) == (14, 5, 8, 1)
    runs = store.table("import_runs")
    kept = runs.filter(runs.run_id == run.run_id).to_pyarrow().to_pylist()
    assert len(kept) == 1
    kept = kept[0]
    assert (kept["rows_read"], kept["rows_loaded"], kept["rows_quarantined"], kept["rows_duplicate"]) == (14, 5, 8, 1)
    assert kept["source_file"] == str(path) and kept["format"] == "csv" and kept["tables"] == "interactions"
    problems = json.loads(kept["details"])["problems"]
    assert problems == {code: 1 for _, _, code, _, _ in QUARANTINED}


def test_a_changed_row_in_a_later_file_is_a_conflict_with_the_store(store, tmp_path):
    first, second = tmp_path / "monday.csv", tmp_path / "monday-again.csv"
    write(first, LINES[:5])  # header, V1, V2, C3, V6 (bad timestamp)
    # Again, with C3's csat corrected from 4.5 to 4 and a new row V20: V1 and V2 are duplicates,
    # C3 conflicts with what is stored, V6 is quarantined again, V20 loads.
    changed = LINES[3].replace(",4.5,", ",4,")
    write(second, [HEADER, LINES[1], LINES[2], changed, LINES[4], "V20,voice,Billing,normal,2024-05-07 09:00:00,,,,,,,ivr_ended,,"])
    ingest_file(store, first, lang="en")
    run = ingest_file(store, second, lang="en")
    assert (run.rows_read, run.rows_loaded, run.rows_quarantined, run.rows_duplicate) == (5, 1, 2, 2)
    assert quarantined(store, run.run_id) == [
        (4, "interactions", "CONFLICT", "source+interaction_id", "import / C3"),
        (5, "interactions", "NOT_A_TIMESTAMP", "answered_at", "2024-13-01 10:00"),
    ]
    kept = rows(store, "interactions", ["interaction_id", "csat", "_run_id"], ["interaction_id"])
    # the stored C3 keeps the first import's csat; nothing of the second import replaced it
    assert kept == [("C3", 4.5, 1), ("V1", 5.0, 1), ("V2", None, 1), ("V20", None, 2)]
