"""Chat: a bot greets every customer (VIPs go straight to a person); it settles some sessions
itself and hands the rest to the agent queue, where each agent holds 3–8 chats at once.

The queue simulation's servers are chat slots (agents × the chats their tenure allows), so no
agent ever holds more chats than allowed. A few agents habitually close chats on the customer's
last message, and a few let slip a sensitive word; both are properties of the agent, so the
KPIs that look for them find people, not noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callscope.demo.arrivals import Arrivals
from callscope.demo.config import TALK_MEAN_S, Family
from callscope.demo.contacts import ABANDONED, ANSWERED, BOT_RESOLVED, Context, Contacts, Demand, finish, problems, serve
from callscope.demo.voice import lognormal, split_busy

__all__ = ["ChatSessions", "chat_contacts"]

BOT_SOLVES = (0.55, 0.25)  # share of simple / complex bot sessions the bot settles
QUICK_LEAVE_SHARE = 0.03  # customers who close the window within 10 s of being queued


@dataclass
class ChatSessions:
    """Chat contacts plus what their transcripts need."""

    contacts: Contacts
    bot_s: np.ndarray  # time with the bot before the queue (0: went straight to a person)
    sensitive: np.ndarray  # the agent wrote a sensitive word
    patience: np.ndarray


def chat_contacts(ctx: Context, family: Family, arr: Arrivals, first_number: int) -> ChatSessions:
    rng = ctx.cfg.rng(family.key, "chat")
    n = arr.time.size
    category, complex_ = problems(rng, family, arr.queue, arr.outage)
    bot = np.full(n, not family.vip)
    bot_s = np.where(bot, lognormal(rng, 70.0, 0.6, n) + 10, 0.0)
    solves = np.where(complex_, BOT_SOLVES[1], BOT_SOLVES[0])
    bot_resolved = bot & (rng.random(n) < solves)
    queued = np.where(bot_resolved, np.nan, arr.time + bot_s)
    conversation = lognormal(rng, 3.5 * TALK_MEAN_S[category] * np.where(complex_, 1.5, 1.0), 0.6, n)
    acw = lognormal(rng, 15.0, 0.4, n)
    work = conversation + acw
    patience = np.where(rng.random(n) < QUICK_LEAVE_SHARE, rng.integers(1, 11, n), np.maximum(np.rint(rng.exponential(family.patience_s, n)), 1))
    expected_solved = float(bot_resolved.mean()) if n else 0.0  # the planners know the bot's record
    demand = Demand(arr.time, arr.queue, category, complex_, np.full(n, family.vip), queued, work, patience.astype(float),
                    np.where(bot_resolved, BOT_RESOLVED, ANSWERED), arr.forecast * (1 - expected_solved))

    service = serve(ctx, family, demand, first_number)
    served = service.agent >= 0
    busy = np.where(served, service.busy, 0.0)
    talk_s, acw_s = split_busy(busy, work, conversation)
    start = service.start
    abandoned = ~served & ~bot_resolved
    closes, slips = _habits(ctx, family, service.roster.size)
    agent = np.maximum(service.agent, 0)
    agent_closed = served & (rng.random(n) < closes[agent])
    sensitive = served & (rng.random(n) < slips[agent])
    columns = {
        "outcome": np.where(served, ANSWERED, np.where(abandoned, ABANDONED, BOT_RESOLVED)),
        "ivr_s": np.where(bot, bot_s, np.nan),
        "queued_at": queued,
        "answered_at": start,
        "ended_at": np.where(served, start + talk_s, np.where(bot_resolved, arr.time + bot_s, np.nan)),
        "wrapup_end_at": np.where(served, start + busy, np.nan),
        "abandoned_at": np.where(abandoned, queued + patience, np.nan),
        "wait_s": np.where(served, start - queued, np.where(abandoned, patience, np.nan)),
        "talk_s": np.where(served, talk_s, np.nan),
        "hold_s": np.where(served, 0.0, np.nan),
        "acw_s": np.where(served, acw_s, np.nan),
        "transfer_count": np.where(served, 0.0, np.nan),
        "bot_handled": bot.astype(float),
        "handed_to_human": np.where(bot, (bot & ~bot_resolved).astype(float), np.nan),
        "agent_closed": np.where(served, agent_closed.astype(float), np.nan),
    }
    contacts = finish(ctx, family, demand, service, columns, sensitive=sensitive)
    return ChatSessions(contacts, bot_s, sensitive, patience.astype(float))


def _habits(ctx: Context, family: Family, agents: int) -> tuple[np.ndarray, np.ndarray]:
    """Per agent: how often they close on the customer's last word, and slip a sensitive word."""
    rng = ctx.cfg.rng(family.key, "habits")
    closes = np.where(rng.random(agents) < 0.08, 0.25, 0.03)
    slips = np.where(rng.random(agents) < 0.06, 0.03, 0.002)
    return closes, slips
