"""Asterisk `queue_log`: pipe-separated queue events → one interaction per queue visit, plus agent states.

Each line is `time|callid|queue|agent|event|data1|data2|…` with `time` in Unix epoch seconds. The
reader streams the file and keeps only what is still open — calls waiting or talking, each agent's
current state — emitting a row as soon as it closes. Every non-blank line ends up in exactly one
place: inside an `interactions` row (all the lines of a queue visit), inside an `agent_states` row
(agent events), or quarantined with a code (malformed, unknown, system, orphan, incomplete …).
The event semantics and the mapping are documented in docs/formats/asterisk-queue-log.md.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from callscope.ingest.formats.asterisk_agents import AGENT_EVENTS, LOGOFF_EVENTS, AgentTimeline
from callscope.ingest.formats.base import Batch, Problem
from callscope.ingest.formats.canonical import EPOCH_SECONDS, CanonicalRows, TableLayout
from callscope.ingest.formats.csvfile import detect_encoding
from callscope.ingest.profile import Profile

__all__ = ["read_queue_log", "OUTCOME_BY_EVENT", "CALL_EVENTS", "SYSTEM_EVENTS", "CALL_DETAIL_EVENTS"]

# How a queue visit that never reached an agent ends.
OUTCOME_BY_EVENT = {"ABANDON": "abandoned", "EXITWITHTIMEOUT": "overflow", "EXITWITHKEY": "callback", "EXITEMPTY": "blocked"}
# Where each unanswered exit keeps its wait (0-based data index).
_WAIT_FIELD = {"ABANDON": 2, "EXITWITHTIMEOUT": 2, "EXITEMPTY": 2, "EXITWITHKEY": 3}
ANSWERED_END_EVENTS = {"COMPLETECALLER", "COMPLETEAGENT", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}
TRANSFER_EVENTS = {"TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}
# Lines about a call that add nothing the row keeps (ring attempts, dumps); they count with the call.
CALL_DETAIL_EVENTS = {"RINGNOANSWER", "RINGCANCELED", "AGENTDUMP", "SYSCOMPAT"}
# Lines with no contact or agent-state data.
SYSTEM_EVENTS = {"QUEUESTART", "CONFIGRELOAD", "PENALTY"}
CALL_EVENTS = {"ENTERQUEUE", "CONNECT", "DID"} | CALL_DETAIL_EVENTS | ANSWERED_END_EVENTS | set(OUTCOME_BY_EVENT)
_NONE = {"", "NONE"}
_FORMAT = "time|callid|queue|agent|event|data1|data2|…"
_DOC = "docs/formats/asterisk-queue-log.md"

_INTERACTIONS = TableLayout(
    "interactions",
    ["interaction_id", "channel", "direction", "queue", "customer_id", "agent_id", "arrived_at", "queued_at",
     "answered_at", "ended_at", "abandoned_at", "wait_s", "talk_s", "outcome", "transfer_count"],
    {"arrived_at": EPOCH_SECONDS, "queued_at": EPOCH_SECONDS, "answered_at": EPOCH_SECONDS, "ended_at": EPOCH_SECONDS,
     "abandoned_at": EPOCH_SECONDS, "wait_s": pa.float64(), "talk_s": pa.float64(), "transfer_count": pa.int64()},
)  # fmt: skip
_AGENT_STATES = TableLayout(
    "agent_states",
    ["agent_id", "state", "start", "end", "reason", "queue"],
    {"start": EPOCH_SECONDS, "end": EPOCH_SECONDS},
)


class BadField(ValueError):
    def __init__(self, index: int, value: str, expected: str):
        super().__init__(value)
        self.column, self.value, self.expected = f"data{index + 1}", value, expected


@dataclass
class Visit:
    """One stay of a call in one queue, from ENTERQUEUE to its outcome."""

    id: str
    callid: str
    queue: str
    line: int
    entered: float
    callerid: str | None
    lines: list = field(default_factory=list)  # (line, event) of every line counted with this visit
    last: float = 0.0
    agent: str | None = None
    connected: float | None = None
    wait: float | None = None

    def absorb(self, line: int, event: str, t: float) -> None:
        self.lines.append((line, event))
        self.last = max(self.last, t)


def read_queue_log(path: Path, profile: Profile, batch_rows: int) -> Iterator[Batch]:
    reader = _QueueLog(profile, batch_rows)
    with open(path, encoding=detect_encoding(path, profile.encoding), errors="replace") as f:
        for number, text in enumerate(f, start=1):
            text = text.rstrip("\r\n")
            if text.strip():
                reader.line(number, text)
            if reader.out.full:
                yield from reader.out.flush()
    reader.finish()
    yield from reader.out.flush()


class _QueueLog:
    def __init__(self, profile: Profile, batch_rows: int):
        self.out = CanonicalRows([_INTERACTIONS, _AGENT_STATES], batch_rows)
        self.agents = AgentTimeline(lambda row, line, n: self.out.add("agent_states", row, line, n))
        self.open: dict[str, Visit] = {}
        self.visits: OrderedDict[str, tuple[int, float]] = OrderedDict()  # callid → (visits so far, last seen)
        self.dids: dict[str, tuple[int, float]] = {}  # callid → (line, time) of a DID line awaiting its ENTERQUEUE
        self.quiet_s = float(profile.options.get("incomplete_after_hours", 12)) * 3600
        self.clock = 0.0
        self.next_sweep = float("-inf")

    # -- one line --------------------------------------------------------------------------
    def line(self, number: int, text: str) -> None:
        parts = text.split("|")
        if len(parts) < 5 or not parts[4].strip():
            return self._problem("interactions", number, "QL_MALFORMED", text[:120], _FORMAT, "")
        stamp, callid, queue, agent, event = map(str.strip, parts[:5])
        data = parts[5:]
        while data and not data[-1].strip():  # database exports pad data1…data5 with empty fields
            data.pop()
        try:
            t = float(stamp)
            if not 0 <= t < float("inf"):
                raise ValueError(stamp)
        except ValueError:
            return self._problem("interactions", number, "NOT_A_TIMESTAMP", stamp, "Unix epoch seconds, e.g. 1714957200", "time")
        self.clock = max(self.clock, t)
        if self.clock >= self.next_sweep:
            self._sweep()
        event = event.upper()
        try:
            self._dispatch(number, t, callid, queue, agent, event, data)
        except BadField as bad:
            self._problem("interactions", number, "QL_BAD_DATA", bad.value, bad.expected, bad.column)

    def _dispatch(self, number: int, t: float, callid: str, queue: str, agent: str, event: str, data: list[str]) -> None:
        if event in AGENT_EVENTS:
            return self._agent_event(number, t, queue, agent, event, data)
        if event in SYSTEM_EVENTS:
            return self._problem("interactions", number, "QL_SYSTEM_EVENT", event, "", "event")
        if event not in CALL_EVENTS:
            return self._problem("interactions", number, "QL_UNKNOWN_EVENT", event, _DOC, "event")
        if callid in _NONE:
            return self._problem("interactions", number, "MISSING_REQUIRED", "", "callid", "callid")
        if event == "ENTERQUEUE":
            return self._enter(number, t, callid, queue, data)
        if event == "DID":
            return self._did(number, t, callid)
        visit = self._open_visit(callid)
        if visit is None:
            return self._problem("interactions", number, "QL_ORPHAN_EVENT", event, f"ENTERQUEUE {callid}", "event")
        if event in CALL_DETAIL_EVENTS:
            return visit.absorb(number, event, t)
        if event == "CONNECT":
            return self._connect(visit, number, t, agent, data)
        if event in ANSWERED_END_EVENTS:
            return self._answered_end(visit, number, t, event, data)
        return self._unanswered_end(visit, number, t, event, data)

    # -- calls -----------------------------------------------------------------------------
    def _quiet(self, seen: float) -> bool:
        """Whether the file's clock has moved more than `incomplete_after_hours` past `seen`."""
        return self.clock - seen > self.quiet_s

    def _open_visit(self, callid: str) -> Visit | None:
        """The call's open visit, unless it went quiet for longer than `incomplete_after_hours`."""
        visit = self.open.get(callid)
        if visit is not None and self._quiet(visit.last):
            self._incomplete(self.open.pop(callid))
            return None
        return visit

    def _enter(self, number: int, t: float, callid: str, queue: str, data: list[str]) -> None:
        if self._open_visit(callid) is not None:  # entered a queue again without leaving the last one
            self._incomplete(self.open.pop(callid))
        count, seen = self.visits.pop(callid, (0, t))
        count = 1 if self._quiet(seen) else count + 1  # numbering restarts for a call long gone
        self.visits[callid] = (count, t)
        vid = callid if count == 1 else f"{callid}#{count}"
        visit = Visit(vid, callid, queue, number, t, _text(data, 1), last=t)
        if callid in self.dids:
            did_line, did_t = self.dids.pop(callid)
            if self._quiet(did_t):
                self._problem("interactions", did_line, "QL_ORPHAN_EVENT", "DID", f"ENTERQUEUE {callid}", "event")
            else:
                visit.absorb(did_line, "DID", did_t)
        visit.absorb(number, "ENTERQUEUE", t)
        self.open[callid] = visit

    def _did(self, number: int, t: float, callid: str) -> None:
        """FreePBX writes the dialled number just before ENTERQUEUE; it counts with that visit."""
        visit = self._open_visit(callid)
        if visit is not None:
            visit.absorb(number, "DID", t)
        else:
            if callid in self.dids:
                self._problem("interactions", self.dids[callid][0], "QL_ORPHAN_EVENT", "DID", f"ENTERQUEUE {callid}", "event")
            self.dids[callid] = (number, t)

    def _connect(self, visit: Visit, number: int, t: float, agent: str, data: list[str]) -> None:
        if visit.connected is not None:
            return self._problem("interactions", number, "QL_OUT_OF_SEQUENCE", "CONNECT", "COMPLETECALLER, COMPLETEAGENT or a transfer", "event")
        if agent in _NONE:
            return self._problem("interactions", number, "MISSING_REQUIRED", "", "agent", "agent")
        wait = _seconds(data, 0)
        visit.absorb(number, "CONNECT", t)
        visit.agent, visit.connected = agent, t
        visit.wait = wait if wait is not None else t - visit.entered
        self.agents.call_started(agent, t, number, visit.id, visit.queue)

    def _answered_end(self, visit: Visit, number: int, t: float, event: str, data: list[str]) -> None:
        if visit.connected is None:
            return self._problem("interactions", number, "QL_OUT_OF_SEQUENCE", event, "CONNECT", "event")
        talk_at = {"COMPLETECALLER": 1, "COMPLETEAGENT": 1, "TRANSFER": 3, "BLINDTRANSFER": 3}.get(event, len(data) - 2)
        talk = _seconds(data, talk_at) if talk_at >= 0 else None
        visit.absorb(number, event, t)
        self.open.pop(visit.callid)
        row = _row(visit, "answered", t, wait=visit.wait, talk=talk if talk is not None else t - visit.connected)
        row["transfer_count"] = 1 if event in TRANSFER_EVENTS else 0
        self._emit(visit, row)
        self.agents.call_ended(visit.agent, t, number, visit.id)

    def _unanswered_end(self, visit: Visit, number: int, t: float, event: str, data: list[str]) -> None:
        if visit.connected is not None:
            return self._problem("interactions", number, "QL_OUT_OF_SEQUENCE", event, "COMPLETECALLER, COMPLETEAGENT or a transfer", "event")
        wait = _seconds(data, _WAIT_FIELD[event])
        visit.absorb(number, event, t)
        self.open.pop(visit.callid)
        outcome = OUTCOME_BY_EVENT[event]
        row = _row(visit, outcome, t, wait=wait if wait is not None else t - visit.entered)
        if outcome == "abandoned":
            row["abandoned_at"] = t
        self._emit(visit, row)

    def _emit(self, visit: Visit, row: dict) -> None:
        self.out.add("interactions", row, visit.line, len(visit.lines))

    def _incomplete(self, visit: Visit) -> None:
        """A visit without an outcome: each of its lines is quarantined, the agent's call ends."""
        for line, event in visit.lines:
            self._problem("interactions", line, "QL_INCOMPLETE_CALL", event, visit.callid, "event")
        self.agents.call_dropped(visit.agent, visit.id, visit.last)

    # -- agents ----------------------------------------------------------------------------
    def _agent_event(self, number: int, t: float, queue: str, agent: str, event: str, data: list[str]) -> None:
        if agent in _NONE:
            return self._problem("agent_states", number, "MISSING_REQUIRED", "", "agent", "agent")
        if (event in LOGOFF_EVENTS or event == "REMOVEMEMBER") and not self.agents.logged_in(agent):
            return self._problem("agent_states", number, "QL_NOT_LOGGED_IN", agent, "ADDMEMBER / AGENTLOGIN", "agent")
        self.agents.event(agent, event, t, number, queue, (_text(data, 0) or "").strip())

    # -- bounded memory and the end of the file -------------------------------------------
    def _sweep(self) -> None:
        """Forget calls quiet for longer than `incomplete_after_hours` (`_open_visit` already treats
        them as over, so how often this runs changes memory, never results)."""
        self.next_sweep = self.clock + self.quiet_s / 4
        for callid in [c for c, v in self.open.items() if self._quiet(v.last)]:
            self._incomplete(self.open.pop(callid))
        for callid in [c for c, (_, seen) in self.dids.items() if self._quiet(seen)]:
            self._problem("interactions", self.dids.pop(callid)[0], "QL_ORPHAN_EVENT", "DID", f"ENTERQUEUE {callid}", "event")
        while self.visits and self._quiet(next(iter(self.visits.values()))[1]):
            self.visits.popitem(last=False)

    def finish(self) -> None:
        for visit in self.open.values():
            self._incomplete(visit)
        self.open.clear()
        for callid, (line, _) in self.dids.items():
            self._problem("interactions", line, "QL_ORPHAN_EVENT", "DID", f"ENTERQUEUE {callid}", "event")
        self.dids.clear()
        self.agents.finish(self.clock)

    def _problem(self, table: str, line: int, code: str, value: str, expected: str, column: str) -> None:
        self.out.problem(table, Problem(line, code, value, expected, column))


def _row(visit: Visit, outcome: str, ended: float, *, wait: float | None, talk: float | None = None) -> dict:
    return {
        "interaction_id": visit.id,
        "channel": "voice",
        "direction": "inbound",
        "queue": None if visit.queue in _NONE else visit.queue,
        "customer_id": visit.callerid,
        "agent_id": visit.agent,
        "arrived_at": visit.entered,
        "queued_at": visit.entered,
        "answered_at": visit.connected,
        "ended_at": ended,
        "wait_s": wait,
        "talk_s": talk,
        "outcome": outcome,
        "transfer_count": 0,
    }


def _text(data: list[str], index: int) -> str | None:
    if index >= len(data):
        return None
    value = data[index].strip()
    return value or None


def _seconds(data: list[str], index: int) -> float | None:
    """A duration field: None when absent (older Asterisk versions write fewer fields)."""
    value = _text(data, index)
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise BadField(index, value, "seconds, a number ≥ 0") from None
    if seconds < 0 or seconds != seconds:
        raise BadField(index, value, "seconds, a number ≥ 0")
    return seconds
