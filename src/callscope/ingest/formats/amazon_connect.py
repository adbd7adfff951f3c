"""Amazon Connect contact records (CTRs): one JSON record per contact → one interaction.

Files are what the contact-record export writes: a JSON array, JSON lines, or records one after
another as Kinesis Data Firehose concatenates them (`json_values` streams all three). Each record
becomes one `interactions` row; a record that cannot be read is quarantined with the CTR field at
fault. Rows are located by the line their record starts on, or by record number (the N-th record)
in a file with records back to back on one line, as Firehose writes them. Time stamps are UTC
(ISO 8601 with `Z`) and are stored in the store's reporting zone. The mapping, outcome rules and
options are documented in docs/formats/amazon-connect-ctr.md.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from callscope.ingest.formats.base import Batch, Problem
from callscope.ingest.formats.canonical import UTC_TIMESTAMP, CanonicalRows, TableLayout, json_snippet, locate_records
from callscope.ingest.formats.jsonfile import BadJson, json_values
from callscope.ingest.profile import Profile, ProfileError
from callscope.schema import table_spec

__all__ = ["read_connect_ctr", "DIRECTIONS", "contact_row"]

DIRECTIONS = {
    "INBOUND": "inbound",
    "TRANSFER": "inbound",  # a leg created by a transfer continues the customer's call
    "QUEUE_TRANSFER": "inbound",
    "API": "inbound",
    "WEBRTC_API": "inbound",
    "FLOW": "inbound",
    "OUTBOUND": "outbound",
    "EXTERNAL_OUTBOUND": "outbound",
    "CALLBACK": "outbound",  # Connect dials the customer back
    "AGENT_REPLY": "outbound",
    "MONITOR": "internal",  # a supervisor listening in
    "DISCONNECT": "internal",
}
_UNQUEUED_OUTCOMES = ("ivr_ended", "self_service")
_TIMES = ["arrived_at", "queued_at", "answered_at", "ended_at", "wrapup_end_at", "abandoned_at"]
_DURATIONS = ["wait_s", "talk_s", "hold_s", "acw_s"]
_FIXED = ["interaction_id", "channel", "direction", "queue", "customer_id", "agent_id", "team", "outcome", "transfer_count"]
_OVERRIDABLE = {"customer_id", "team"}  # an attribute, where a record has it, beats the CTR's own value


class _Unreadable(ValueError):
    def __init__(self, code: str, column: str, value: str, expected: str):
        super().__init__(value)
        self.code, self.column, self.value, self.expected = code, column, value, expected


def read_connect_ctr(path: Path, profile: Profile, batch_rows: int) -> Iterator[Batch]:
    attributes = _attribute_fields(profile)
    unqueued = str(profile.options.get("unqueued_outcome", "ivr_ended"))
    if unqueued not in _UNQUEUED_OUTCOMES:
        raise ProfileError(f"profile {profile.name}: options.unqueued_outcome is {unqueued!r}; use one of {', '.join(_UNQUEUED_OUTCOMES)}")
    layout = TableLayout(
        "interactions",
        _FIXED + _TIMES + _DURATIONS + [n for n in attributes if n not in _FIXED],
        {**dict.fromkeys(_TIMES, UTC_TIMESTAMP), **dict.fromkeys(_DURATIONS, pa.float64()), "transfer_count": pa.int64()},
    )
    out = CanonicalRows([layout], batch_rows)
    for line, record, shared in locate_records(json_values(path, profile.encoding), records_may_share_lines=True):
        if shared:
            out.problem("interactions", Problem(line, "SHARED_LINE", json_snippet(record), "one record per line"))
        elif isinstance(record, BadJson):
            out.problem("interactions", Problem(line, "BAD_JSON", record.snippet, record.message))
        elif not isinstance(record, dict):
            out.problem("interactions", Problem(line, "NOT_A_RECORD", json_snippet(record), "{…}"))
        else:
            try:
                out.add("interactions", contact_row(record, attributes, unqueued), line, 1)
            except _Unreadable as bad:
                out.problem("interactions", Problem(line, bad.code, bad.value, bad.expected, bad.column))
        if out.full:
            yield from out.flush()
    yield from out.flush()


def contact_row(ctr: dict, attributes: dict[str, str], unqueued: str = "ivr_ended") -> dict:
    """The canonical interaction of one contact record."""
    contact_id = _text(ctr, "ContactId")
    if not contact_id:
        raise _Unreadable("MISSING_REQUIRED", "ContactId", "", "ContactId")
    if _text(ctr, "InitiationTimestamp") is None:
        raise _Unreadable("MISSING_REQUIRED", "InitiationTimestamp", "", "InitiationTimestamp")
    queue, agent = _object(ctr, "Queue"), _object(ctr, "Agent")
    direction = DIRECTIONS.get((_text(ctr, "InitiationMethod") or "").upper())
    enqueued = _instant(queue, "Queue.EnqueueTimestamp")
    answered = _instant(agent, "Agent.ConnectedToAgentTimestamp")
    picked_up = _instant(ctr, "ConnectedToSystemTimestamp")
    if direction == "outbound" and answered is not None and picked_up is not None:
        answered = max(answered, picked_up)  # the agent dials first; the call is answered when the customer picks up
    disconnected = _instant(ctr, "DisconnectTimestamp")
    onward = bool(_text(ctr, "NextContactId") or _text(ctr, "TransferCompletedTimestamp"))
    if direction == "outbound" and picked_up is None:
        outcome, answered = "no_answer", None
    elif answered is not None:
        outcome = "answered"
    elif enqueued is not None:
        outcome = "overflow" if onward else "abandoned"
    else:
        outcome = unqueued
    row = {
        "interaction_id": contact_id,
        "channel": (_text(ctr, "Channel") or "").lower() or None,
        "direction": direction,
        "queue": _text(queue, "Queue.Name"),
        "customer_id": _text(_object(ctr, "CustomerEndpoint"), "CustomerEndpoint.Address"),
        "agent_id": _text(agent, "Agent.Username"),
        "team": _team(agent),
        "outcome": outcome,
        "transfer_count": 1 if onward else 0,
        "arrived_at": _instant(ctr, "InitiationTimestamp"),
        "queued_at": enqueued,
        "answered_at": answered,
        "ended_at": disconnected,
        "wrapup_end_at": _instant(agent, "Agent.AfterContactWorkEndTimestamp"),
        "abandoned_at": disconnected if outcome == "abandoned" else None,
        "wait_s": _seconds(queue, "Queue.Duration") if enqueued is not None else None,
        "talk_s": _seconds(agent, "Agent.AgentInteractionDuration"),
        "hold_s": _seconds(agent, "Agent.CustomerHoldDuration"),
        "acw_s": _seconds(agent, "Agent.AfterContactWorkDuration"),
    }
    found = _object(ctr, "Attributes")
    for name, key in attributes.items():
        value = _attribute(found.get(key))
        if value is not None or name not in _OVERRIDABLE:
            row[name] = value
    return row


def _attribute_fields(profile: Profile) -> dict[str, str]:
    """options.attributes: canonical field → contact attribute (set in the contact flow) that fills it."""
    wanted = profile.options.get("attributes") or {}
    if not isinstance(wanted, dict):
        raise ProfileError(f"profile {profile.name}: options.attributes must map canonical fields to contact attribute names")
    spec = table_spec("interactions")
    taken = set(_FIXED + _TIMES + _DURATIONS) - _OVERRIDABLE
    for name in wanted:
        if name not in spec or name in taken:
            free = [f for f in spec.names if f not in taken and f != "source"]
            raise ProfileError(f"profile {profile.name}: options.attributes names {name!r}, which is not a field the attributes can fill ({', '.join(free)})")
    return {str(k): str(v) for k, v in wanted.items()}


def _object(record: dict, key: str) -> dict:
    value = record.get(key)
    return value if isinstance(value, dict) else {}


def _text(record: dict, path: str) -> str | None:
    value = record.get(path.rsplit(".", 1)[-1])
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _instant(record: dict, path: str) -> dt.datetime | None:
    text = _text(record, path)
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _Unreadable("NOT_A_TIMESTAMP", path, text, "ISO 8601 in UTC, e.g. 2024-05-06T01:02:03Z") from None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _seconds(record: dict, path: str) -> float | None:
    value = record.get(path.rsplit(".", 1)[-1])
    if value is None or value == "":
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise _Unreadable("NOT_A_NUMBER", path, str(value)[:80], "") from None
    return seconds


def _team(agent: dict) -> str | None:
    """The agent's lowest hierarchy group (Level5 … Level1): teams usually sit at the bottom."""
    groups = _object(agent, "HierarchyGroups")
    for level in ("Level5", "Level4", "Level3", "Level2", "Level1"):
        name = _text(_object(groups, level), "GroupName")
        if name:
            return name
    return None


def _attribute(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.strip() or None
