"""Amazon Connect contact records → interactions, every record accounted for.

The fixture's first record is pretty-printed over lines 1–51; records 2–10 and two broken values
follow as JSON lines 52–62. CTR times are UTC; the stores' reporting zone is Asia/Shanghai (UTC+8).
"""

from __future__ import annotations

import json

import pytest

from callscope.ingest import ProfileError, ingest_file
from callscope.store import open_store
from platform_import import FIXTURES, assert_balanced, assert_reimport_adds_nothing, at, copied_profile, messages, quarantined, rows

CTR = FIXTURES / "connect" / "ctr.jsonl"
COLUMNS = ["interaction_id", "channel", "direction", "queue", "agent_id", "team", "arrived_at", "queued_at", "answered_at",
           "ended_at", "wrapup_end_at", "abandoned_at", "ivr_s", "wait_s", "talk_s", "hold_s", "acw_s", "outcome",
           "transfer_count", "_line"]  # fmt: skip


def test_contacts_become_interactions(store):
    run = ingest_file(store, CTR, "amazon_connect_ctr")
    assert rows(store, "interactions", COLUMNS, ["_line"]) == [
        # Initiation 01:00:00Z, Enqueue 01:00:40Z, ConnectedToAgent 01:01:10Z, Disconnect 01:05:10Z, ACW end
        # 01:05:55Z; ivr 40 s = 01:00:40 − 01:00:00; wait 30 s = Queue.Duration; talk 220 s =
        # AgentInteractionDuration; hold 20 s = CustomerHoldDuration; acw 45 s = AfterContactWorkDuration;
        # team = the lowest hierarchy level present (Level2 "Team A")
        ("c-001", "voice", "inbound", "Billing", "alice", "Team A", at("2024-05-06 09:00:00"), at("2024-05-06 09:00:40"),
         at("2024-05-06 09:01:10"), at("2024-05-06 09:05:10"), at("2024-05-06 09:05:55"), None,
         40.0, 30.0, 220.0, 20.0, 45.0, "answered", 0, 1),
        # chat enqueued at 02:00:15Z, customer left at 02:02:30Z with no agent: abandoned, wait 135 s = Queue.Duration
        ("c-002", "chat", "inbound", "Billing", None, None, at("2024-05-06 10:00:00"), at("2024-05-06 10:00:15"), None,
         at("2024-05-06 10:02:30"), None, at("2024-05-06 10:02:30"), 15.0, 135.0, None, None, None, "abandoned", 0, 53),
        # never queued, no agent
        ("c-003", "voice", "inbound", None, None, None, at("2024-05-06 11:00:00"), None, None,
         at("2024-05-06 11:01:30"), None, None, None, None, None, None, None, "ivr_ended", 0, 54),
        # outbound, ConnectedToSystemTimestamp null: the customer never picked up
        ("c-004", "voice", "outbound", "Outbound", "bob", None, at("2024-05-06 12:00:00"), None, None,
         at("2024-05-06 12:00:25"), None, None, None, None, 25.0, 0.0, 5.0, "no_answer", 0, 55),
        # answered, then transferred on (NextContactId c-006): one transfer
        ("c-005", "voice", "inbound", "Billing", "alice", None, at("2024-05-06 13:00:00"), at("2024-05-06 13:00:20"),
         at("2024-05-06 13:00:30"), at("2024-05-06 13:03:00"), None, None, 20.0, 10.0, 150.0, 0.0, 0.0, "answered", 1, 56),
        # the transfer leg (InitiationMethod TRANSFER), answered by carol in Tech after 60 s
        ("c-006", "voice", "inbound", "Tech", "carol", None, at("2024-05-06 13:03:00"), at("2024-05-06 13:03:00"),
         at("2024-05-06 13:04:00"), at("2024-05-06 13:08:00"), at("2024-05-06 13:08:30"), None,
         0.0, 60.0, 240.0, 0.0, 30.0, "answered", 0, 57),
    ]  # fmt: skip
    assert quarantined(store, run.run_id) == [
        (58, "interactions", "NOT_A_TIMESTAMP", "DisconnectTimestamp", "yesterday"),
        (59, "interactions", "NOT_IN_ENUM", "channel", "task"),  # a TASK is not a customer contact unless mapped
        (60, "interactions", "MISSING_REQUIRED", "ContactId", ""),
        (61, "interactions", "BAD_JSON", "", '{"ContactId": "c-009", "Channel": "VOICE", broken'),
        (62, "interactions", "NOT_A_RECORD", "", "[1, 2]"),
    ]
    said = messages(store, run.run_id)
    assert said[58] == "line 58, column DisconnectTimestamp: 'yesterday' is not a valid timestamp (expected ISO 8601 in UTC, e.g. 2024-05-06T01:02:03Z)"
    # 12 records: 6 loaded, 5 quarantined, line 52 is c-001 delivered a second time (Firehose is at-least-once)
    assert_balanced(run, read=12, loaded=6, quarantined=5, duplicate=1)


def test_reimporting_adds_nothing(store):
    first = ingest_file(store, CTR, "amazon_connect_ctr")
    assert_reimport_adds_nothing(store, CTR, "amazon_connect_ctr", first)


def test_attributes_and_channel_map_from_a_copied_profile(store, tmp_path):
    mine = copied_profile(
        tmp_path,
        "amazon_connect_ctr",
        options={"attributes": {"category": "ContactReason", "customer_tier": "Tier"}},
        columns={"channel": {"map": {"task": "app"}}},
    )
    run = ingest_file(store, CTR, mine)
    got = rows(store, "interactions", ["interaction_id", "channel", "category", "customer_tier", "customer_id"], ["_line"])
    assert got[:2] == [("c-001", "voice", "refund", "VIP", "+8613800000001"), ("c-002", "chat", None, "normal", None)]
    assert got[-1] == ("c-008", "app", None, None, None)  # the task now loads
    assert_balanced(run, read=12, loaded=7, quarantined=4, duplicate=1)


def test_array_and_firehose_files_read_the_same(tmp_path):
    """A JSON array and records written back to back on one line (as Firehose does) give the same rows."""
    records = [json.loads(line) for line in CTR.read_text().splitlines()[51:57]]  # c-001 … c-006, one a line
    array = json.dumps(records, indent=2)
    (tmp_path / "array.json").write_text(array)
    (tmp_path / "firehose").write_text("".join(json.dumps(r) for r in records))
    found, located = [], {}
    for name in ("array.json", "firehose"):
        with open_store(str(tmp_path / f"{name}.duckdb"), timezone="Asia/Shanghai") as s:
            run = ingest_file(s, tmp_path / name, "amazon_connect_ctr")
            assert_balanced(run, read=6, loaded=6, quarantined=0)
            found.append(rows(s, "interactions", COLUMNS[:-1], ["interaction_id"]))
            located[name] = [line for (line,) in rows(s, "interactions", ["_line"], ["_line"])]
    assert found[0] == found[1]
    # in the array, a row is located by the line its record starts on ("  {" at indent 2) …
    assert located["array.json"] == [n for n, text in enumerate(array.splitlines(), start=1) if text == "  {"]
    # … back to back on one line, by record number
    assert located["firehose"] == [1, 2, 3, 4, 5, 6]


def test_two_records_on_one_line_of_a_json_lines_file(duck_store, tmp_path):
    lines = CTR.read_text().splitlines()
    path = tmp_path / "ctr.jsonl"
    path.write_text(lines[52] + "\n" + lines[53] + lines[54] + "\n")  # records c-002, then c-003 and c-004 on line 2
    run = ingest_file(duck_store, path, "amazon_connect_ctr")
    assert_balanced(run, read=3, loaded=2, quarantined=1)
    assert quarantined(duck_store, run.run_id) == [(2, "interactions", "SHARED_LINE", "", lines[54][:80])]


def test_a_changed_copy_of_a_contact_is_a_conflict(duck_store, tmp_path):
    """Connect re-delivers a record when it changes. A copy that differs only in fields callscope does
    not keep is an exact duplicate; one whose kept fields changed is quarantined, naming them."""
    first = json.loads(CTR.read_text().splitlines()[51])
    touched = {**first, "LastUpdateTimestamp": "2024-05-06T02:00:00Z", "Attributes": {"Note": "called back"}}
    changed = {**first, "Agent": {**first["Agent"], "AfterContactWorkDuration": 50}}
    path = tmp_path / "ctr.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in (first, touched, changed)) + "\n")
    run = ingest_file(duck_store, path, "amazon_connect_ctr")
    assert_balanced(run, read=3, loaded=1, quarantined=1, duplicate=1)
    assert quarantined(duck_store, run.run_id) == [(3, "interactions", "CONFLICT", "source+interaction_id", "amazon_connect / c-001")]
    assert messages(duck_store, run.run_id)[3].endswith("(differs in: acw_s)")


def test_attributes_must_name_fields_they_can_fill(duck_store, tmp_path):
    mine = copied_profile(tmp_path, "amazon_connect_ctr", options={"attributes": {"wait_s": "QueueWait"}})
    with pytest.raises(ProfileError, match=r"options.attributes names 'wait_s', which is not a field the attributes can fill \(.*category"):
        ingest_file(duck_store, CTR, mine)
