"""Asterisk queue_log → interactions (one per queue visit) and agent_states, every line accounted for.

Fixture times are Unix epoch seconds from T0 = 1714957200 = 2024-05-06 01:00:00 UTC, which the
stores (reporting zone Asia/Shanghai, UTC+8) hold as 2024-05-06 09:00:00.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from callscope.cli import app
from callscope.ingest import ingest_file, load_profile
from callscope.ingest.formats.asterisk import _QueueLog
from platform_import import FIXTURES, assert_balanced, assert_reimport_adds_nothing, at, copied_profile, messages, quarantined, rows

QUEUE_LOG = FIXTURES / "asterisk" / "queue_log"
AGENTS_LOG = FIXTURES / "asterisk" / "agents_queue_log"
CALL_COLUMNS = ["interaction_id", "queue", "customer_id", "agent_id", "arrived_at", "queued_at", "answered_at", "ended_at",
                "abandoned_at", "wait_s", "talk_s", "outcome", "transfer_count", "_line", "_nlines"]  # fmt: skip
STATE_COLUMNS = ["agent_id", "state", "start", "end", "reason", "queue", "_line", "_nlines"]


def test_queue_visits_become_interactions(store):
    run = ingest_file(store, QUEUE_LOG, "asterisk_queue_log")
    got = rows(store, "interactions", CALL_COLUMNS, ["_line"])
    assert got == [
        # lines 4 ENTERQUEUE, 5 RINGNOANSWER, 6 CONNECT, 10 COMPLETECALLER:
        # wait 17 s = CONNECT holdtime (T0+77 − T0+60); talk 95 s = COMPLETECALLER calltime (T0+172 − T0+77)
        ("1714957260.1", "support", "13800000001", "PJSIP/alice", at("2024-05-06 09:01:00"), at("2024-05-06 09:01:00"),
         at("2024-05-06 09:01:17"), at("2024-05-06 09:02:52"), None, 17.0, 95.0, "answered", 0, 4, 4),
        # lines 7, 8: ABANDON waittime 30 s (T0+120 − T0+90)
        ("1714957290.2", "support", "13800000002", None, at("2024-05-06 09:01:30"), at("2024-05-06 09:01:30"),
         None, at("2024-05-06 09:02:00"), at("2024-05-06 09:02:00"), 30.0, None, "abandoned", 0, 7, 2),
        # lines 11, 12, 13: wait 12 s (T0+212 − T0+200), BLINDTRANSFER calltime 88 s (T0+300 − T0+212), 1 transfer
        ("1714957400.3", "support", "13800000003", "PJSIP/alice", at("2024-05-06 09:03:20"), at("2024-05-06 09:03:20"),
         at("2024-05-06 09:03:32"), at("2024-05-06 09:05:00"), None, 12.0, 88.0, "answered", 1, 11, 3),
        # lines 14, 15: the same call's second queue visit (sales), EXITWITHTIMEOUT after 60 s → overflow
        ("1714957400.3#2", "sales", "13800000003", None, at("2024-05-06 09:05:01"), at("2024-05-06 09:05:01"),
         None, at("2024-05-06 09:06:01"), None, 60.0, None, "overflow", 0, 14, 2),
        # lines 16 DID (FreePBX), 17 ENTERQUEUE, 18 EXITWITHKEY waittime 10 s → callback
        ("1714957600.4", "support", "13800000004", None, at("2024-05-06 09:06:40"), at("2024-05-06 09:06:40"),
         None, at("2024-05-06 09:06:50"), None, 10.0, None, "callback", 0, 17, 3),
        # lines 19, 20: EXITEMPTY waittime 5 s → blocked
        ("1714957620.5", "support", "13800000005", None, at("2024-05-06 09:07:00"), at("2024-05-06 09:07:00"),
         None, at("2024-05-06 09:07:05"), None, 5.0, None, "blocked", 0, 19, 2),
    ]  # fmt: skip
    fixed = store.table("interactions").select("source", "channel", "direction", "ivr_s").distinct().to_pyarrow().to_pylist()
    # queue_log starts at the queue: arrival = queue entry, so no IVR time is recorded
    assert fixed == [{"source": "asterisk", "channel": "voice", "direction": "inbound", "ivr_s": 0.0}]
    # 32 lines: 16 in interactions (4+2+3+2+3+2), 5 agent events in agent_states, 11 quarantined
    assert_balanced(run, read=32, loaded=21, quarantined=11)


def test_agent_states_follow_logins_calls_and_pauses(store):
    ingest_file(store, QUEUE_LOG, "asterisk_queue_log")
    assert rows(store, "agent_states", STATE_COLUMNS, ["agent_id", "start"]) == [
        # alice: ADDMEMBER (line 2) at T0 … CONNECT T0+77 … COMPLETECALLER T0+172 … CONNECT T0+212 …
        # BLINDTRANSFER T0+300 … REMOVEMEMBER (line 30) T0+600; call lines count with the calls (_nlines 0)
        ("PJSIP/alice", "available", at("2024-05-06 09:00:00"), at("2024-05-06 09:01:17"), None, None, 2, 1),
        ("PJSIP/alice", "on_contact", at("2024-05-06 09:01:17"), at("2024-05-06 09:02:52"), None, "support", 6, 0),
        ("PJSIP/alice", "available", at("2024-05-06 09:02:52"), at("2024-05-06 09:03:32"), None, None, 10, 0),
        ("PJSIP/alice", "on_contact", at("2024-05-06 09:03:32"), at("2024-05-06 09:05:00"), None, "support", 12, 0),
        ("PJSIP/alice", "available", at("2024-05-06 09:05:00"), at("2024-05-06 09:10:00"), None, None, 13, 1),
        # bob: ADDMEMBER (line 3) at T0, PAUSE lunch (line 9) T0+130, UNPAUSE (line 25) T0+450; still
        # logged in at the end of the file, whose last time stamp is T0+620 (CONFIGRELOAD, line 32)
        ("PJSIP/bob", "available", at("2024-05-06 09:00:00"), at("2024-05-06 09:02:10"), None, None, 3, 1),
        ("PJSIP/bob", "break", at("2024-05-06 09:02:10"), at("2024-05-06 09:07:30"), "lunch", None, 9, 1),
        ("PJSIP/bob", "available", at("2024-05-06 09:07:30"), at("2024-05-06 09:10:20"), None, None, 25, 1),
    ]


def test_unusable_lines_are_quarantined_with_line_and_reason(store):
    run = ingest_file(store, QUEUE_LOG, "asterisk_queue_log")
    assert quarantined(store, run.run_id) == [
        (1, "interactions", "QL_SYSTEM_EVENT", "event", "QUEUESTART"),
        (21, "interactions", "QL_ORPHAN_EVENT", "event", "CONNECT"),  # call 1714957000.9 never entered a queue here
        (22, "interactions", "QL_MALFORMED", "", "this line was cut off by a disk-full error"),
        (23, "interactions", "NOT_A_TIMESTAMP", "time", "abc"),
        (24, "interactions", "QL_UNKNOWN_EVENT", "event", "FOOBAR"),
        (26, "agent_states", "QL_NOT_LOGGED_IN", "agent", "PJSIP/carol"),
        (27, "interactions", "QL_INCOMPLETE_CALL", "event", "ENTERQUEUE"),  # its CONNECT was unreadable …
        (28, "interactions", "QL_BAD_DATA", "data1", "ten"),  # … because the holdtime is not a number
        (29, "interactions", "QL_OUT_OF_SEQUENCE", "event", "COMPLETEAGENT"),  # so it ends a call never connected
        (31, "interactions", "QL_INCOMPLETE_CALL", "event", "ENTERQUEUE"),  # still waiting when the file ends
        (32, "interactions", "QL_SYSTEM_EVENT", "event", "CONFIGRELOAD"),
    ]
    said = messages(store, run.run_id)
    assert said[28] == "line 28, column data1: 'ten' is not valid (expected seconds, a number ≥ 0)"
    assert said[21].startswith("line 21: CONNECT for a call that is not waiting in any queue (expected ENTERQUEUE 1714957000.9")
    assert said[31].startswith("line 31: ENTERQUEUE belongs to call 1714957810.8, which got no outcome")


def test_reimporting_adds_nothing(store):
    first = ingest_file(store, QUEUE_LOG, "asterisk_queue_log")
    assert_reimport_adds_nothing(store, QUEUE_LOG, "asterisk_queue_log", first)


def test_small_batches_give_the_same_rows(duck_store, tmp_path):
    """Rows are handed over as they close, in batches of any size, with the same result."""
    ingest_file(duck_store, QUEUE_LOG, "asterisk_queue_log")
    whole = rows(duck_store, "interactions", CALL_COLUMNS, ["_line"]), rows(duck_store, "agent_states", STATE_COLUMNS, ["_line"])
    from callscope.store import open_store

    with open_store(str(tmp_path / "small.duckdb"), timezone="Asia/Shanghai") as small:
        run = ingest_file(small, QUEUE_LOG, "asterisk_queue_log", batch_rows=4)
        assert (rows(small, "interactions", CALL_COLUMNS, ["_line"]), rows(small, "agent_states", STATE_COLUMNS, ["_line"])) == whole
        assert_balanced(run, read=32, loaded=21, quarantined=11)


def test_pauses_logins_and_zero_length_states(store):
    """PAUSEALL/UNPAUSEALL with their per-queue lines, a pause in one of two queues, AGENTLOGIN/LOGOFF,
    a pause during a call, and a session that begins and ends in the same second."""
    run = ingest_file(store, AGENTS_LOG, "asterisk_queue_log")  # T = 2024-05-06 09:00:00 local
    assert rows(store, "agent_states", STATE_COLUMNS, ["agent_id", "start", "_line"]) == [
        # AGENTLOGIN, 2×ADDMEMBER at T; PAUSE q1 (T+100) leaves q2 taking calls; UNPAUSE q1 (T+130): lines 1–5
        ("Agent/1001", "available", at("2024-05-06 09:00:00"), at("2024-05-06 09:02:40"), None, None, 1, 5),
        # PAUSEALL (line 6) and PAUSE q1/q2 "lunch" (7, 8) in the same second: one break, reason lunch
        ("Agent/1001", "break", at("2024-05-06 09:02:40"), at("2024-05-06 09:07:40"), "lunch", None, 7, 3),
        # UNPAUSEALL and two UNPAUSE (lines 9–11) at T+460
        ("Agent/1001", "available", at("2024-05-06 09:07:40"), at("2024-05-06 09:08:25"), None, None, 9, 3),
        # CONNECT (line 13) T+505 … COMPLETEAGENT (line 15) T+600; the PAUSE q2 at T+505 (line 14) changes nothing yet
        ("Agent/1001", "on_contact", at("2024-05-06 09:08:25"), at("2024-05-06 09:10:00"), None, "q2", 13, 1),
        # the call ends paused in q2 only, then PAUSE q1 "wrapup" (line 16) in the same second: 0 s of
        # available is dropped; AGENTLOGOFF (line 17) at T+700 ends the break and the session
        ("Agent/1001", "break", at("2024-05-06 09:10:00"), at("2024-05-06 09:11:40"), "wrapup", None, 16, 2),
        # ADDMEMBER and REMOVEMEMBER in the same second (lines 19, 20): kept at 0 s to account for both lines
        ("PJSIP/1002", "available", at("2024-05-06 09:13:20"), at("2024-05-06 09:13:20"), None, None, 19, 2),
    ]
    # the call in q2 (lines 12, 13, 15; line 12 pads data1…data5 with empty fields): wait 5 s, talk 95 s
    assert rows(store, "interactions", ["interaction_id", "queue", "wait_s", "talk_s", "outcome", "_nlines"], ["_line"]) == [
        ("1714957700.1", "q2", 5.0, 95.0, "answered", 3),
    ]
    # REMOVEMEMBER after the log-off (line 18): the agent is no longer logged in
    assert quarantined(store, run.run_id) == [(18, "agent_states", "QL_NOT_LOGGED_IN", "agent", "Agent/1001")]
    # 20 lines = 16 agent events + 3 call lines + 1 quarantined
    assert_balanced(run, read=20, loaded=19, quarantined=1)


def test_value_maps_apply_to_both_tables(store, tmp_path):
    """A copied profile maps queue and agent names; agent_id is mapped in interactions and agent_states."""
    maps = {"queue": {"map": {"support": "Support EN"}}, "agent_id": {"map": {"PJSIP/alice": "alice"}}}
    ingest_file(store, QUEUE_LOG, copied_profile(tmp_path, "asterisk_queue_log", columns=maps))
    calls = rows(store, "interactions", ["interaction_id", "queue", "agent_id"], ["_line"])
    assert calls[0] == ("1714957260.1", "Support EN", "alice")
    assert calls[3] == ("1714957400.3#2", "sales", None)  # unmapped values stay as they are
    agents = rows(store, "agent_states", ["agent_id", "queue"], ["_line"])
    assert agents[:3] == [("alice", None), ("PJSIP/bob", None), ("alice", "Support EN")]


def test_quiet_calls_are_released_while_reading():
    """Memory stays bounded: a call quiet for longer than incomplete_after_hours is quarantined as
    soon as the clock moves past it, and numbering state for old calls is forgotten."""
    profile = load_profile("asterisk_queue_log")
    reader = _QueueLog(profile, batch_rows=1_000_000)
    t0 = 1714957200
    reader.line(1, f"{t0}|stuck.1|support|NONE|ENTERQUEUE||1|1")
    for i in range(2_000):  # one completed call every 60 s for 33 hours
        t = t0 + 60 * (i + 1)
        reader.line(3 * i + 2, f"{t}|c{i}|support|NONE|ENTERQUEUE||2|1")
        reader.line(3 * i + 3, f"{t + 5}|c{i}|support|PJSIP/a|CONNECT|5|x|1")
        reader.line(3 * i + 4, f"{t + 30}|c{i}|support|PJSIP/a|COMPLETECALLER|5|25|1")
    assert len(reader.open) == 0  # the stuck call went once the clock passed 12 h after it
    # numbering state is kept for calls of the last 12 h, swept every 3 h (¼ of it): ≤ 15 h × 60 calls/h
    assert len(reader.visits) <= 15 * 60
    stuck = [p for p in reader.out.problems["interactions"] if p.code == "QL_INCOMPLETE_CALL"]
    assert [(p.line, p.expected) for p in stuck] == [(1, "stuck.1")]
    # the stuck call comes back after 33 h: it is a new first visit, not an event of the old one
    reader.line(10_000, f"{t0 + 60 * 2001}|stuck.1|support|PJSIP/a|CONNECT|5|x|1")
    assert reader.out.problems["interactions"][-1].code == "QL_ORPHAN_EVENT"


def test_command_line_import_and_profile_list(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLSCOPE_LANG", "en")
    runner = CliRunner()
    store = str(tmp_path / "cli.duckdb")
    assert runner.invoke(app, ["init", "--store", store, "--timezone", "Asia/Shanghai"]).exit_code == 0
    result = runner.invoke(app, ["ingest", str(QUEUE_LOG), "--profile", "asterisk_queue_log", "--store", store])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # rich wraps lines at the terminal's width
    assert "read 32 = loaded 21 + quarantined 11 + duplicate 0" in said
    assert "QL_INCOMPLETE_CALL: 2" in said


def test_ingest_profile_lists_the_shipped_profiles():
    """`callscope ingest --profile` (no value) lists the shipped profiles with their descriptions."""
    env = {**os.environ, "COLUMNS": "250", "CALLSCOPE_LANG": "zh"}
    done = subprocess.run([sys.executable, "-m", "callscope", "ingest", "--profile"], capture_output=True, text=True, env=env, check=True)
    lines = {line.split("│")[1].strip(): line for line in done.stdout.splitlines() if line.count("│") > 2}
    assert "Asterisk 队列日志 queue_log" in lines["asterisk_queue_log"]
    assert "agent_states" in lines["asterisk_queue_log"]
    assert "Amazon Connect 联系记录" in lines["amazon_connect_ctr"]
    assert "每行一条消息" in lines["chat_transcript"]


@pytest.mark.parametrize("line", ["nan|c|q|NONE|ENTERQUEUE||1|1", "-5|c|q|NONE|ENTERQUEUE||1|1"])
def test_impossible_times_are_not_timestamps(line, tmp_path, duck_store):
    path = tmp_path / "queue_log"
    path.write_text(line + "\n")
    run = ingest_file(duck_store, path, "asterisk_queue_log")
    assert quarantined(duck_store, run.run_id) == [(1, "interactions", "NOT_A_TIMESTAMP", "time", line.split("|")[0])]


@pytest.mark.parametrize(
    ("outcome_line", "expected"),
    [
        # Asterisk 12+: ATTENDEDTRANSFER method|method data|holdtime|calltime|origposition → talk 42 s
        ("1714957342|c1|support|PJSIP/a|ATTENDEDTRANSFER|BRIDGE|1714957342.9|10|42|1", ("answered", 10.0, 42.0, 1)),
        # Asterisk 1.4: TRANSFER extension|context|holdtime|calltime (no origposition) → talk 42 s
        ("1714957342|c1|support|PJSIP/a|TRANSFER|2000|from-internal|10|42", ("answered", 10.0, 42.0, 1)),
        # old EXITWITHKEY key|position (no waittime): wait = exit − entry = 1714957205 − 1714957200 = 5 s
        ("1714957205|c1|support|NONE|EXITWITHKEY|0|1", ("callback", 5.0, None, 0)),
        # COMPLETEAGENT without calltime: talk = end − answer = 1714957342 − 1714957210 = 132 s
        ("1714957342|c1|support|PJSIP/a|COMPLETEAGENT|10", ("answered", 10.0, 132.0, 0)),
    ],
)
def test_fields_that_differ_between_asterisk_versions(outcome_line, expected, tmp_path, duck_store):
    connect = "1714957210|c1|support|PJSIP/a|CONNECT|10|1714957210.5|2\n" if expected[0] == "answered" else ""
    path = tmp_path / "queue_log"
    path.write_text("1714957200|c1|support|NONE|ENTERQUEUE||555|1\n" + connect + outcome_line + "\n")
    run = ingest_file(duck_store, path, "asterisk_queue_log")
    assert rows(duck_store, "interactions", ["outcome", "wait_s", "talk_s", "transfer_count"], ["_line"]) == [expected]
    assert run.rows_loaded == (3 if connect else 2)
