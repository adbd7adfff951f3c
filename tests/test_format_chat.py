"""Chat transcripts (JSON lines) → messages (one per line) and interactions (one per conversation).

Fixture times carry +08:00, the stores' reporting zone (Asia/Shanghai), so they are stored as
written; conversation c6 has times without an offset, read in the profile's zone (here: the store's).
"""

from __future__ import annotations

import json

from callscope.ingest import ingest_file
from platform_import import FIXTURES, assert_balanced, assert_reimport_adds_nothing, at, copied_profile, messages, quarantined, rows

TRANSCRIPT = FIXTURES / "chat" / "transcript.jsonl"
CONVERSATION = ["interaction_id", "channel", "direction", "queue", "category", "customer_id", "customer_tier", "agent_id",
                "arrived_at", "queued_at", "answered_at", "ended_at", "abandoned_at", "ivr_s", "wait_s", "talk_s",
                "outcome", "bot_handled", "handed_to_human", "agent_closed", "_line", "_nlines"]  # fmt: skip
MESSAGE = ["interaction_id", "seq", "ts", "sender", "agent_id", "script_id", "hotspot_id", "adopted", "_line"]


def test_conversations_become_interactions(store):
    run = ingest_file(store, TRANSCRIPT, "chat_transcript")
    assert rows(store, "interactions", CONVERSATION, ["_line"]) == [
        # c1: customer 09:00:00, bot 09:00:05, customer, first agent message 09:02:00, customer last (08),
        # closed by the agent 09:05:30 (line 9, counted with this row) → agent_closed (seed 001, metric 7).
        # Queued at the hand-over (last bot message, 09:00:05): bot time 5 s, wait 115 s = 09:02:00 − 09:00:05,
        # talk 210 s = 09:05:30 − 09:02:00
        ("c1", "chat", "inbound", "billing", "refund", "u1", "VIP", "A01", at("2024-05-06 09:00:00"), at("2024-05-06 09:00:05"),
         at("2024-05-06 09:02:00"), at("2024-05-06 09:05:30"), None, 5.0, 115.0, 210.0, "answered", True, True, True, 1, 1),
        # c2: no bot; agent answers after 30 s; the agent wrote last, so closing is not "agent closed"
        ("c2", "chat", "inbound", "billing", None, "u2", "normal", "A02", at("2024-05-06 09:01:00"), at("2024-05-06 09:01:00"),
         at("2024-05-06 09:01:30"), at("2024-05-06 09:04:30"), None, 0.0, 30.0, 180.0, "answered", False, False, False, 3, 1),
        # c3: only the bot answered; never queued for a human
        ("c3", "app", "inbound", None, None, None, None, None, at("2024-05-06 09:10:00"), None,
         None, at("2024-05-06 09:11:00"), None, None, None, None, "bot_resolved", True, False, False, 12, 1),
        # c4: nobody answered; no close event, so it ends with its last message (09:25:00): waited 300 s
        ("c4", "chat", "inbound", None, None, None, None, None, at("2024-05-06 09:20:00"), at("2024-05-06 09:20:00"),
         None, at("2024-05-06 09:25:00"), at("2024-05-06 09:25:00"), 0.0, 300.0, None, "abandoned", False, False, None, 16, 0),
        # c6: the agent wrote first (outbound); open at the end of the file
        ("c6", "chat", "outbound", None, None, None, None, "A01", at("2024-05-06 09:30:00"), at("2024-05-06 09:30:00"),
         at("2024-05-06 09:30:00"), at("2024-05-06 09:31:00"), None, 0.0, 0.0, 60.0, "answered", False, False, None, 25, 0),
    ]  # fmt: skip
    # 26 lines: 16 messages, 3 close lines (with c1, c2, c3), 7 quarantined
    assert_balanced(run, read=26, loaded=19, quarantined=7)


def test_every_message_is_a_row_in_order(store):
    ingest_file(store, TRANSCRIPT, "chat_transcript")
    got = rows(store, "messages", MESSAGE, ["interaction_id", "seq"])
    assert [(r[0], r[1], r[-1]) for r in got] == [
        ("c1", 1, 1), ("c1", 2, 2), ("c1", 3, 4), ("c1", 4, 5), ("c1", 5, 8),
        ("c2", 1, 3), ("c2", 2, 6), ("c2", 3, 7), ("c2", 4, 10),
        ("c3", 1, 12), ("c3", 2, 13), ("c3", 3, 14),
        ("c4", 1, 16), ("c4", 2, 17),
        ("c6", 1, 25), ("c6", 2, 26),
    ]  # fmt: skip
    assert got[3] == ("c1", 4, at("2024-05-06 09:02:00"), "agent", "A01", "S1", None, None, 5)
    assert got[6] == ("c2", 2, at("2024-05-06 09:01:30"), "agent", "A02", None, "H1", None, 6)
    assert got[7] == ("c2", 3, at("2024-05-06 09:03:00"), "customer", None, None, None, True, 7)
    # c1 message 3 is earlier than message 2 in time: seq follows the file, the time stamps stay as written
    assert got[2][2] == at("2024-05-06 09:00:30")


def test_lines_that_cannot_be_used(store):
    run = ingest_file(store, TRANSCRIPT, "chat_transcript")
    assert quarantined(store, run.run_id) == [
        (18, "messages", "CHAT_AFTER_CLOSE", "conversation_id", "c1"),
        (19, "messages", "NOT_A_TIMESTAMP", "ts", "yesterday"),
        (20, "messages", "NOT_IN_ENUM", "sender", "robot"),
        (21, "messages", "MISSING_REQUIRED", "conversation_id", ""),
        (22, "interactions", "CHAT_CLOSE_WITHOUT_MESSAGES", "conversation_id", "c9"),
        (23, "interactions", "CHAT_UNKNOWN_EVENT", "event", "transfer"),
        (24, "messages", "BAD_JSON", "", '{"conversation_id": "c4", "ts": "2024-05-06T09:16:00+08:00", "sender": "customer'),
    ]
    said = messages(store, run.run_id)
    assert said[18] == "line 18: conversation 'c1' goes on after it was closed at line 9"
    assert said[20] == "line 20, column sender: 'robot' is not a valid sender (expected one of customer, agent, bot, system)"


def test_reimporting_adds_nothing(store):
    first = ingest_file(store, TRANSCRIPT, "chat_transcript")
    assert_reimport_adds_nothing(store, TRANSCRIPT, "chat_transcript", first)


def _write(tmp_path, lines: list[dict]) -> str:
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def test_idle_gap_ends_a_conversation(duck_store, tmp_path):
    """With idle_close_minutes 30, a message 31 minutes after the last one is refused; a new
    conversation later in the file is unaffected."""
    path = _write(tmp_path, [
        {"conversation_id": "a", "ts": "2024-05-06T09:00:00+08:00", "sender": "customer"},
        {"conversation_id": "a", "ts": "2024-05-06T09:01:00+08:00", "sender": "agent", "agent_id": "A01"},
        {"conversation_id": "b", "ts": "2024-05-06T09:20:00+08:00", "sender": "customer"},
        {"conversation_id": "a", "ts": "2024-05-06T09:32:00+08:00", "sender": "customer"},  # 31 min after 09:01
        {"conversation_id": "b", "ts": "2024-05-06T09:40:00+08:00", "event": "close", "closed_by": "customer"},
    ])  # fmt: skip
    run = ingest_file(duck_store, path, copied_profile(tmp_path, "chat_transcript", options={"idle_close_minutes": 30}))
    assert rows(duck_store, "interactions", ["interaction_id", "ended_at", "outcome", "_nlines"], ["_line"]) == [
        ("a", at("2024-05-06 09:01:00"), "answered", 0),
        ("b", at("2024-05-06 09:40:00"), "abandoned", 1),
    ]
    assert quarantined(duck_store, run.run_id) == [(4, "messages", "CHAT_AFTER_IDLE", "conversation_id", "a")]
    assert messages(duck_store, run.run_id)[4].startswith("line 4: conversation 'a' goes on after more than 30 minutes of silence")
    assert_balanced(run, read=5, loaded=4, quarantined=1)


def test_time_zone_and_agent_map_from_a_copied_profile(store, tmp_path):
    """Times without an offset are wall-clock time in the profile's zone; a value map of agent_id
    applies to messages and interactions alike."""
    path = _write(tmp_path, [
        {"conversation_id": "z", "ts": "2024-05-06 01:00:00", "sender": "customer"},  # UTC → 09:00 in Shanghai
        {"conversation_id": "z", "ts": "2024-05-06T01:00:45Z", "sender": "agent", "agent_id": "客服01"},
        {"conversation_id": "z", "ts": 1714957300, "sender": "customer"},  # epoch seconds: 01:01:40 UTC
    ])  # fmt: skip
    mine = copied_profile(tmp_path, "chat_transcript", timezone="UTC", columns={"agent_id": {"map": {"客服01": "A01"}}})
    run = ingest_file(store, path, mine)
    assert rows(store, "messages", ["seq", "ts", "agent_id"], ["seq"]) == [
        (1, at("2024-05-06 09:00:00"), None),
        (2, at("2024-05-06 09:00:45"), "A01"),
        (3, at("2024-05-06 09:01:40"), None),
    ]
    # wait 45 s = 09:00:45 − 09:00:00; talk 55 s = 09:01:40 − 09:00:45
    assert rows(store, "interactions", ["agent_id", "arrived_at", "wait_s", "talk_s"], ["_line"]) == [
        ("A01", at("2024-05-06 09:00:00"), 45.0, 55.0),
    ]
    assert_balanced(run, read=3, loaded=3, quarantined=0)


def test_the_profiles_own_timestamp_formats(duck_store, tmp_path):
    """With timestamp_formats set, `ts` must match one of them and is read in the profile's zone."""
    path = _write(tmp_path, [
        {"conversation_id": "f", "ts": "2024/05/06 09:00", "sender": "customer"},
        {"conversation_id": "f", "ts": "2024-05-06T09:01:00+08:00", "sender": "agent"},  # not that format
        {"conversation_id": "f", "ts": "2024/05/06 09:02", "sender": "agent"},
    ])  # fmt: skip
    mine = copied_profile(tmp_path, "chat_transcript", timestamp_formats=["%Y/%m/%d %H:%M"], timezone="Asia/Shanghai")
    run = ingest_file(duck_store, path, mine)
    assert rows(duck_store, "messages", ["seq", "ts", "_line"], ["seq"]) == [(1, at("2024-05-06 09:00:00"), 1), (2, at("2024-05-06 09:02:00"), 3)]
    assert quarantined(duck_store, run.run_id) == [(2, "messages", "NOT_A_TIMESTAMP", "ts", "2024-05-06T09:01:00+08:00")]
    assert_balanced(run, read=3, loaded=2, quarantined=1)
