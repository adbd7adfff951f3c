"""From the generator's arrays to the canonical columns of each table (Arrow arrays)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from callscope.demo.agents import TEAM_SIZE, Roster, agent_name
from callscope.demo.config import CATEGORIES, DemoConfig, Family
from callscope.demo.contacts import OUTCOME_CODES, Contacts
from callscope.demo.feedback import COMMENT_VOCAB
from callscope.demo.knowledge import Hotspots
from callscope.demo.messages import SCRIPT_IDS, SENDERS
from callscope.demo.rota import ACTIVITIES
from callscope.demo.states import REASONS, STATES
from callscope.demo.tickets import DESCRIPTIONS, PRIORITIES, STATUSES
from callscope.demo.writer import coded, counts, flags, floats, ids, timestamps

__all__ = [
    "ID_PREFIX",
    "agent_ids",
    "interaction_columns",
    "message_columns",
    "ticket_columns",
    "state_columns",
    "schedule_columns",
    "agent_columns",
    "row_columns",
]

ID_PREFIX = {"voice": "V", "chat": "C", "email": "M"}


def agent_ids(roster: Roster) -> list[str]:
    return [f"A{n:04d}" for n in roster.number]


def _constant(value: str, n: int) -> pa.DictionaryArray:
    return coded(np.zeros(n, np.int64), [value])


def _customer_ids(numbers: np.ndarray) -> pa.Array:
    """U00012345; customer 0 is the staff's own test number."""
    return pc.if_else(pa.array(numbers == 0), pa.scalar("TEST-0001"), ids("U", numbers, 8))


def _teams(roster: Roster) -> list[str]:
    count = int(roster.seat.max()) // TEAM_SIZE + 1 if roster.size else 1
    return [f"{roster.family.team}{i + 1}组" for i in range(count)]


def interaction_columns(cfg: DemoConfig, contacts: Contacts, first_id: int) -> dict[str, pa.Array]:
    family, col, n = contacts.family, contacts.columns, contacts.n
    roster = contacts.service.roster
    ts = {name: timestamps(col[name], cfg.epoch) for name in
          ("arrived_at", "queued_at", "answered_at", "ended_at", "wrapup_end_at", "resolved_at", "abandoned_at")}
    return {
        "interaction_id": ids(ID_PREFIX[family.channel], first_id + np.arange(n), 9),
        "source": _constant(family.source, n),
        "channel": _constant(family.channel, n),
        "direction": _constant("inbound", n),
        "queue": coded(col["queue"], family.queue_names),
        "category": coded(col["category"], CATEGORIES),
        "complexity": coded(col["complexity"], ("simple", "complex")),
        "customer_id": _customer_ids(col["customer"]),
        "customer_tier": coded(col["customer_tier"], ("normal", "VIP")),
        "agent_id": coded(col["agent"], agent_ids(roster)),
        "team": coded(col["team"], _teams(roster)),
        **ts,
        **{name: floats(col[name]) for name in ("ivr_s", "wait_s", "talk_s", "hold_s", "acw_s")},
        "outcome": coded(col["outcome"], OUTCOME_CODES),
        "transfer_count": counts(col["transfer_count"]),
        **{name: flags(col[name]) for name in ("resolved", "is_test", "bot_handled", "handed_to_human", "agent_closed", "complaint", "converted")},
        "csat": floats(col["csat"]),
        "nps": counts(col["nps"]),
        "qa_score": floats(col["qa_score"]),
        "comment": coded(col["comment"], COMMENT_VOCAB),
    }


def message_columns(cfg: DemoConfig, contacts: Contacts, turns: dict, first_id: int, vocabulary: list[str], hotspots: Hotspots) -> dict[str, pa.Array]:
    m = turns["chat"].size
    first, last = (int(turns["chat"][0]), int(turns["chat"][-1])) if m else (0, -1)  # turns come in chat order
    chat_ids = ids(ID_PREFIX["chat"], first_id + np.arange(first, last + 1), 9)
    return {
        "interaction_id": pa.DictionaryArray.from_arrays(pa.array((turns["chat"] - first).astype(np.int32)), chat_ids),
        "source": _constant(contacts.family.source, m),
        "seq": counts(turns["seq"]),
        "ts": timestamps(turns["ts"], cfg.epoch),
        "sender": coded(turns["sender"], SENDERS),
        "agent_id": coded(turns["agent"], agent_ids(contacts.service.roster)),
        "text": coded(turns["text"], vocabulary),
        "script_id": coded(turns["script"], SCRIPT_IDS),
        "hotspot_id": coded(turns["hotspot"], hotspots.ids),
        "adopted": flags(turns["adopted"]),
    }


def ticket_columns(cfg: DemoConfig, contacts: Contacts, rows: dict, first_ticket: int, first_id: int) -> dict[str, pa.Array]:
    family, col = contacts.family, contacts.columns
    k, c = rows["contact"].size, rows["contact"]
    roster = contacts.service.roster
    return {
        "ticket_id": ids("T", first_ticket + np.arange(k), 9),
        "source": _constant("demo-tickets", k),
        "interaction_id": ids(ID_PREFIX[family.channel], first_id + c, 9),
        "channel": _constant(family.channel, k),
        "queue": coded(col["queue"][c], family.queue_names),
        "category": coded(col["category"][c], CATEGORIES),
        "complexity": coded(col["complexity"][c], ("simple", "complex")),
        "customer_id": _customer_ids(col["customer"][c]),
        "customer_tier": coded(col["customer_tier"][c], ("normal", "VIP")),
        "agent_id": coded(col["agent"][c], agent_ids(roster)),
        "team": coded(col["team"][c], _teams(roster)),
        "priority": coded(rows["priority"], PRIORITIES),
        "status": coded(rows["status"], STATUSES),
        **{name: timestamps(rows[name], cfg.epoch) for name in ("created_at", "first_response_at", "resolved_at", "due_at")},
        "abandoned_by_customer": flags(rows["abandoned_by_customer"]),
        "is_test": flags(col["is_test"][c]),
        "complaint": flags(rows["complaint"]),
        "csat": floats(rows["csat"]),
        "subject": coded(col["category"][c], [f"{x}工单" for x in CATEGORIES]),
        "description": coded(rows["description"], DESCRIPTIONS),
    }


def state_columns(cfg: DemoConfig, roster: Roster, states: dict) -> dict[str, pa.Array]:
    n = states["agent"].size
    return {
        "agent_id": coded(states["agent"], agent_ids(roster)),
        "source": _constant(roster.family.source, n),
        "state": coded(states["state"], STATES),
        "start": timestamps(states["start"], cfg.epoch),
        "end": timestamps(states["end"], cfg.epoch),
        "reason": _reasons(states["state"]),
        "queue": _team_queue(roster.family, n),
    }


def _team_queue(family: Family, n: int) -> pa.Array:
    """A team serving one queue logs states for it; universal agents' states belong to no one queue."""
    single = len(family.queues) == 1
    return coded(np.full(n, 0 if single else -1), family.queue_names[:1] if single else [])


def _reasons(state: np.ndarray) -> pa.DictionaryArray:
    """The reason code of a break-like state (none for available, on a contact, wrap-up)."""
    given = [r for r in REASONS if r]
    codes = np.array([given.index(r) if r else -1 for r in REASONS])[state]
    return coded(codes, given)


def schedule_columns(cfg: DemoConfig, roster: Roster, rows: dict) -> dict[str, pa.Array]:
    n = rows["agent"].size
    return {
        "agent_id": coded(rows["agent"], agent_ids(roster)),
        "activity": coded(rows["activity"], ACTIVITIES),
        "start": timestamps(rows["start"], cfg.epoch),
        "end": timestamps(rows["end"], cfg.epoch),
        "queue": _team_queue(roster.family, n),
    }


def agent_columns(cfg: DemoConfig, rosters: list[Roster]) -> dict[str, pa.Array]:
    """The roster file: one row per agent, with team, site, hire date, skills and hourly cost."""
    rows: dict[str, list] = {k: [] for k in ("agent_id", "name", "team", "site", "hire_date", "leave_date", "skills", "hourly_cost")}
    last = cfg.days - 1
    for roster in rosters:
        family, teams, names = roster.family, _teams(roster), agent_ids(roster)
        for i in range(roster.size):
            tenure_years = (last - roster.hire[i]) / 365.25
            rows["agent_id"].append(names[i])
            rows["name"].append(agent_name(int(roster.number[i])))
            rows["team"].append(teams[roster.seat[i] // TEAM_SIZE])
            team = roster.seat[i] // TEAM_SIZE
            rows["site"].append(family.sites[team % len(family.sites)])
            rows["hire_date"].append(cfg.first_day + dt.timedelta(days=int(roster.hire[i])))
            left = int(roster.leave[i])
            rows["leave_date"].append(cfg.first_day + dt.timedelta(days=left) if left < cfg.days else None)
            rows["skills"].append(",".join((family.channel, *family.queue_names)))
            base = 62.0 if rows["site"][-1] == "上海" else 48.0
            rows["hourly_cost"].append(round(base * (1 + 0.04 * min(max(tenure_years, 0), 5)) * 2) / 2)
    return {
        "agent_id": pa.array(rows["agent_id"]),
        "name": pa.array(rows["name"]),
        "team": pa.array(rows["team"]),
        "site": pa.array(rows["site"]),
        "hire_date": pa.array(rows["hire_date"], pa.date32()),
        "leave_date": pa.array(rows["leave_date"], pa.date32()),
        "skills": pa.array(rows["skills"]),
        "hourly_cost": pa.array(rows["hourly_cost"], pa.float64()),
    }


def row_columns(cfg: DemoConfig, rows: dict[str, list], times: tuple[str, ...] = (), dates: tuple[str, ...] = ()) -> dict[str, pa.Array]:
    """Small tables given as lists: time stamps (datetimes or seconds since the epoch) to seconds."""
    out = {}
    for name, values in rows.items():
        if name in times:
            seconds = np.array([np.nan if v is None else _seconds(cfg, v) for v in values], float)
            out[name] = timestamps(seconds, cfg.epoch, unit="s")
        elif name in dates:
            out[name] = pa.array(values, pa.date32())
        else:
            out[name] = pa.array(values)
    return out


def _seconds(cfg: DemoConfig, value) -> float:
    if isinstance(value, dt.datetime):
        return (value - cfg.epoch).total_seconds()
    return float(value)

