"""Chat transcripts as JSON lines: one message per line → `messages`, one conversation → `interactions`.

    {"conversation_id": "c1", "ts": "2024-05-06T09:00:05+08:00", "sender": "customer", "text": "…"}
    {"conversation_id": "c1", "ts": "2024-05-06T09:00:40+08:00", "event": "close", "closed_by": "agent"}

Each message line becomes a `messages` row, numbered from 1 within its conversation in file order.
Each conversation becomes an `interactions` row when it closes: on its `close` event, after an idle
gap (option `idle_close_minutes`), or at the end of the file. Conversations may interleave; only
open ones are held in memory. The format, the derived fields (outcome, bot hand-over, agent-closed)
and the options are documented in docs/formats/chat-transcript.md.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from callscope.ingest.formats.base import Batch, Problem
from callscope.ingest.formats.canonical import CanonicalRows, TableLayout, json_snippet, locate_records
from callscope.ingest.formats.jsonfile import BadJson, json_values
from callscope.ingest.profile import Profile
from callscope.schema.tables import SENDERS

__all__ = ["read_chat_transcript", "CONVERSATION_FIELDS"]

# Per-conversation fields a line may carry; the first value seen in a conversation is kept.
CONVERSATION_FIELDS = ("queue", "channel", "customer_id", "customer_tier", "category")
_MESSAGE_FIELDS = ("text", "script_id", "hotspot_id", "adopted")
_ISO = "ISO 8601, e.g. 2024-05-06T09:00:05+08:00"

_MESSAGES = TableLayout("messages", ["interaction_id", "seq", "ts", "sender", "agent_id", *_MESSAGE_FIELDS], {"seq": pa.int64()})
_FLAGS = ("bot_handled", "handed_to_human", "agent_closed")
_INTERACTIONS = TableLayout(
    "interactions",
    ["interaction_id", *CONVERSATION_FIELDS, "direction", "agent_id", "arrived_at", "queued_at", "answered_at",
     "ended_at", "abandoned_at", "outcome", *_FLAGS],
    dict.fromkeys(_FLAGS, pa.bool_()),
)  # fmt: skip


@dataclass(frozen=True)
class SharedLine:
    """A value that starts on the line of the one before it: a transcript has one message per line."""

    value: object


class _Unusable(ValueError):
    def __init__(self, code: str, column: str, value: str, expected: str):
        super().__init__(value)
        self.problem = (code, value, expected, column)


@dataclass
class Conversation:
    id: str
    line: int  # first message
    first_ts: str
    first_sender: str
    seq: int = 0
    clock: float = 0.0  # latest activity, for the idle gap
    last_ts: str = ""
    last_sender: str = ""
    dims: dict = field(default_factory=dict)
    agent_id: str | None = None
    answered_ts: str | None = None  # first agent message
    last_bot_ts: str | None = None  # latest bot message so far
    handoff_ts: str | None = None  # the last bot message before the first agent message
    close_ts: str | None = None
    closed_by: str | None = None

    def add(self, ts: str, clock: float, sender: str, record: dict) -> None:
        self.seq += 1
        self.last_ts, self.last_sender, self.clock = ts, sender, max(self.clock, clock)
        for name in CONVERSATION_FIELDS:
            if self.dims.get(name) is None:
                self.dims[name] = _text(record.get(name))
        if sender == "bot":
            self.last_bot_ts = ts
        elif sender == "agent" and self.answered_ts is None:
            self.answered_ts, self.handoff_ts = ts, self.last_bot_ts
            self.agent_id = _text(record.get("agent_id"))
        if sender == "agent" and self.agent_id is None:
            self.agent_id = _text(record.get("agent_id"))

    def row(self) -> dict:
        bot = self.last_bot_ts is not None
        outcome = "answered" if self.answered_ts else "bot_resolved" if bot else "abandoned"
        ended = self.close_ts or self.last_ts
        closed = None if self.closed_by is None else (self.closed_by == "agent" and self.last_sender == "customer")
        return {
            "interaction_id": self.id,
            **self.dims,
            "channel": self.dims.get("channel") or "chat",
            "direction": "outbound" if self.first_sender == "agent" else "inbound",
            "agent_id": self.agent_id,
            "arrived_at": self.first_ts,
            "queued_at": self.handoff_ts if bot else self.first_ts,
            "answered_at": self.answered_ts,
            "ended_at": ended,
            "abandoned_at": ended if outcome == "abandoned" else None,
            "outcome": outcome,
            "bot_handled": bot,
            "handed_to_human": self.handoff_ts is not None,
            "agent_closed": closed,
        }


def read_chat_transcript(path: Path, profile: Profile, batch_rows: int) -> Iterator[Batch]:
    reader = _Transcript(profile, batch_rows)
    for line, record, shared in locate_records(json_values(path, profile.encoding), records_may_share_lines=False):
        reader.record(line, SharedLine(record) if shared else record)
        if reader.out.full:
            yield from reader.out.flush()
    reader.finish()
    yield from reader.out.flush()


class _Transcript:
    def __init__(self, profile: Profile, batch_rows: int):
        self.out = CanonicalRows([_MESSAGES, _INTERACTIONS], batch_rows)
        self.formats = profile.timestamp_formats
        self.idle_s = float(profile.options.get("idle_close_minutes", 240)) * 60
        self.open: dict[str, Conversation] = {}
        # Conversations that ended, remembered for idle_close_minutes: id → (close line or None, end clock)
        self.closed: OrderedDict[str, tuple[int | None, float]] = OrderedDict()
        self.clock = float("-inf")
        self.next_sweep = float("-inf")

    def record(self, line: int, record) -> None:
        try:
            self._record(line, record)
        except _Unusable as bad:
            code, value, expected, column = bad.problem
            table = "interactions" if isinstance(record, dict) and record.get("event") else "messages"
            self.out.problem(table, Problem(line, code, value, expected, column))

    def _record(self, line: int, record) -> None:
        if isinstance(record, SharedLine):
            raise _Unusable("SHARED_LINE", "", json_snippet(record.value), "one message per line")
        if isinstance(record, BadJson):
            raise _Unusable("BAD_JSON", "", record.snippet, record.message)
        if not isinstance(record, dict):
            raise _Unusable("NOT_A_RECORD", "", json_snippet(record), "{…}")
        cid = _text(record.get("conversation_id"))
        if cid is None:
            raise _Unusable("MISSING_REQUIRED", "conversation_id", "", "conversation_id")
        ts, clock = self._timestamp(record.get("ts"))
        self.clock = max(self.clock, clock)
        if self.clock >= self.next_sweep:
            self._sweep()
        event = _text(record.get("event"))
        if event is not None and event.lower() != "close":
            raise _Unusable("CHAT_UNKNOWN_EVENT", "event", event, "close")
        if cid in self.closed and not self._over(self.closed[cid][1]):
            closed_on = self.closed[cid][0]
            if closed_on is None:
                raise _Unusable("CHAT_AFTER_IDLE", "conversation_id", cid, f"{self.idle_s / 60:g}")
            raise _Unusable("CHAT_AFTER_CLOSE", "conversation_id", cid, str(closed_on))
        conv = self.open.get(cid)
        if conv is not None and self._over(conv.clock):
            self._close(self.open.pop(cid), None)
            raise _Unusable("CHAT_AFTER_IDLE", "conversation_id", cid, f"{self.idle_s / 60:g}")
        if event is not None:
            return self._close_event(line, cid, ts, record)
        sender = (_text(record.get("sender")) or "").lower()
        if sender not in SENDERS:
            raise _Unusable("NOT_IN_ENUM" if sender else "MISSING_REQUIRED", "sender", sender, ", ".join(SENDERS) if sender else "sender")
        if conv is None:
            conv = self.open[cid] = Conversation(cid, line, ts, sender, clock=clock)
        conv.add(ts, clock, sender, record)
        message = {"interaction_id": cid, "seq": conv.seq, "ts": ts, "sender": sender, "agent_id": _text(record.get("agent_id"))}
        message.update({name: _text(record.get(name)) for name in _MESSAGE_FIELDS})
        self.out.add("messages", message, line, 1)

    def _close_event(self, line: int, cid: str, ts: str, record: dict) -> None:
        closed_by = (_text(record.get("closed_by")) or "").lower() or None
        if closed_by is not None and closed_by not in SENDERS:
            raise _Unusable("NOT_IN_ENUM", "closed_by", closed_by, ", ".join(SENDERS))
        conv = self.open.pop(cid, None)
        if conv is None:
            raise _Unusable("CHAT_CLOSE_WITHOUT_MESSAGES", "conversation_id", cid, "")
        conv.close_ts, conv.closed_by = ts, closed_by
        self._close(conv, line)

    def _close(self, conv: Conversation, close_line: int | None) -> None:
        """The conversation's interaction; a close line, if any, is counted with it."""
        self.out.add("interactions", conv.row(), conv.line, 0 if close_line is None else 1)
        over_at = self.clock if close_line is not None else conv.clock + self.idle_s
        self.closed[conv.id] = (close_line, over_at)

    def _timestamp(self, value) -> tuple[str, float]:
        """The time stamp as text the pipeline reads (naive = the profile's time zone), and a clock
        value for idle gaps (naive times taken as UTC there: only differences matter)."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            moment = dt.datetime.fromtimestamp(value, dt.UTC)
            return moment.isoformat(sep=" "), float(value)
        text = _text(value)
        if text is None:
            raise _Unusable("MISSING_REQUIRED", "ts", "", "ts")
        if self.formats:  # the profile's own formats: the pipeline reads the text as it is
            for fmt in self.formats:
                try:
                    return text, _clock(dt.datetime.strptime(text, fmt))
                except ValueError:
                    continue
            raise _Unusable("NOT_A_TIMESTAMP", "ts", text, " or ".join(self.formats))
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise _Unusable("NOT_A_TIMESTAMP", "ts", text, _ISO) from None
        return moment.isoformat(sep=" "), _clock(moment)

    def _sweep(self) -> None:
        """Close conversations idle for longer than `idle_close_minutes` (a later line of one is
        refused either way, so how often this runs changes memory, never results)."""
        self.next_sweep = self.clock + self.idle_s / 4
        for cid in [c for c, conv in self.open.items() if self._over(conv.clock)]:
            self._close(self.open.pop(cid), None)
        while self.closed and self._over(next(iter(self.closed.values()))[1]):
            self.closed.popitem(last=False)

    def _over(self, seen: float) -> bool:
        """Whether the file's clock has moved more than `idle_close_minutes` past `seen`."""
        return self.clock - seen > self.idle_s

    def finish(self) -> None:
        for conv in list(self.open.values()):
            self._close(conv, None)
        self.open.clear()


def _clock(moment: dt.datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


def _text(value) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    return text or None
