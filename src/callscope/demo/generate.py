"""Generate the whole demo contact centre into a folder of source files, family by family."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from callscope.demo.arrivals import draw_arrivals, family_sizes
from callscope.demo.calendar import build_calendar
from callscope.demo.chat import ChatSessions, chat_contacts
from callscope.demo.config import DEFAULT_END, DEFAULT_MONTHS, DEFAULT_ROWS, DEFAULT_SEED, FAMILIES, DemoConfig, Family
from callscope.demo.contacts import Context, Contacts
from callscope.demo.customers import customer_pools
from callscope.demo.events import event_rows, incident_theme_by_day, public_opinion
from callscope.demo.export import (
    ID_PREFIX,
    agent_columns,
    agent_ids,
    interaction_columns,
    message_columns,
    row_columns,
    schedule_columns,
    state_columns,
    ticket_columns,
)
from callscope.demo.knowledge import build_hotspots
from callscope.demo.legacy import write_legacy
from callscope.demo.mail import email_contacts
from callscope.demo.messages import CHUNK, message_vocabulary, transcripts
from callscope.demo.states import agent_states
from callscope.demo.targets import target_rows
from callscope.demo.tickets import ticket_rows
from callscope.demo.voice import voice_contacts
from callscope.demo.writer import DemoWriter

__all__ = ["generate", "INTERACTION_FILES"]

INTERACTION_FILES = {"voice": "voice_calls.parquet", "chat": "chats.parquet", "email": "emails.parquet"}

Progress = Callable[[str], None]


def generate(
    out_dir: str | Path = "demo-data",
    months: int = DEFAULT_MONTHS,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    end: str = DEFAULT_END,
    *,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the demo centre's source files into `out_dir`; returns them in import order.

    `rows` interactions (exactly) over the `months` months ending with `end` (YYYY-MM).
    The same arguments always give byte-identical files.
    """
    cfg = DemoConfig(rows=rows, months=months, end=end, seed=seed)
    cal = build_calendar(cfg)
    incidents = public_opinion(cfg, cal)
    hotspots = build_hotspots(cfg)
    ctx = Context(cfg, cal, customer_pools(cfg.rows), hotspots, incident_theme_by_day(incidents, cfg))
    writer = DemoWriter(out_dir)
    next_id = {channel: 1 for channel in ID_PREFIX}
    next_ticket, next_agent = 1, 1001
    rosters = []
    vocabulary = message_vocabulary(hotspots)
    for family, sizes in zip(FAMILIES, family_sizes(cfg)):
        if progress:
            progress(family.key)
        contacts, sessions = _contacts(ctx, family, sizes, next_agent)
        roster, rota = contacts.service.roster, contacts.service.rota
        first = next_id[family.channel]
        writer.append(INTERACTION_FILES[family.channel], interaction_columns(cfg, contacts, first))
        for a in range(0, contacts.n if sessions else 0, CHUNK):
            turns = transcripts(cfg, sessions, hotspots, family.key, a, min(a + CHUNK, contacts.n))
            writer.append("chat_messages.parquet", message_columns(cfg, contacts, turns, first, vocabulary, hotspots))
        tickets = ticket_rows(cfg, family, contacts)
        writer.append("tickets.parquet", ticket_columns(cfg, contacts, tickets, next_ticket, first))
        writer.append("agent_states.parquet", state_columns(cfg, roster, agent_states(rota, contacts)))
        writer.append("schedules.parquet", schedule_columns(cfg, roster, rota.schedule_rows()))
        next_id[family.channel] += contacts.n
        next_ticket += tickets["contact"].size
        next_agent += roster.size
        rosters.append(roster)
    writer.csv("agents.csv", agent_columns(cfg, rosters))
    events = row_columns(cfg, event_rows(cal, incidents), times=("start", "end", "detected_at", "alerted_at", "deadline"))
    writer.csv("events.csv", events | {"source": pa.array(["demo-ops"] * len(events["event_id"]))})
    answers = row_columns(cfg, hotspots.rows(), times=("flagged_at", "repaired_at"))
    writer.csv("knowledge_hotspots.csv", answers | {"source": pa.array(["demo-kb"] * len(hotspots.ids))})
    writer.csv("targets.csv", row_columns(cfg, target_rows(cfg), dates=("period_start", "period_end")))
    voice_agents = [a for r in rosters if r.family.channel == "voice" and not r.family.vip for a in agent_ids(r)]
    write_legacy(cfg, writer, voice_agents)
    return writer.close()


def _contacts(ctx: Context, family: Family, sizes, first_agent: int) -> tuple[Contacts, ChatSessions | None]:
    arrivals = draw_arrivals(ctx.cfg, ctx.cal, family, sizes)
    if family.channel == "voice":
        return voice_contacts(ctx, family, arrivals, first_agent), None
    if family.channel == "chat":
        sessions = chat_contacts(ctx, family, arrivals, first_agent)
        return sessions.contacts, sessions
    return email_contacts(ctx, family, arrivals, first_agent), None

