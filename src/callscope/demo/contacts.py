"""What every channel shares: the contact's problem, customer, service, and what follows it.

A channel module (voice, chat, email) says who wants an agent, when they join the queue, how much
work they bring and how patient they are (`Demand`); `serve` staffs and simulates; `finish` turns
the result into `interactions` columns — outcome, waits, agent, resolution, repeat contacts,
complaints, surveys, QA, conversion, test contacts — the same way for every channel.

Columns are numpy arrays: time stamps in seconds since the demo epoch (nan = empty), categorical
text as integer codes into a vocabulary (-1 = empty), flags as 1/0 floats (nan = empty).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callscope.demo import feedback
from callscope.demo.agents import TEAM_SIZE
from callscope.demo.calendar import Calendar
from callscope.demo.config import CATEGORIES, COMPLEX_SHARE, DAY_S, SALES, DemoConfig, Family
from callscope.demo.customers import CustomerPools, link_repeats
from callscope.demo.knowledge import Hotspots
from callscope.demo.serve import Service, staff_and_serve

__all__ = ["Context", "Demand", "Contacts", "problems", "serve", "finish", "OUTCOME_CODES"]

OUTCOME_CODES = ("answered", "abandoned", "self_service", "ivr_ended", "bot_resolved")
ANSWERED, ABANDONED, SELF_SERVICE, IVR_ENDED, BOT_RESOLVED = range(5)


@dataclass(frozen=True)
class Context:
    cfg: DemoConfig
    cal: Calendar
    pools: CustomerPools
    hotspots: Hotspots
    incident_theme: np.ndarray  # per day: complaint theme lent by a public-opinion incident, -1 = none


@dataclass
class Demand:
    """A channel's contacts before service."""

    arrived: np.ndarray
    queue: np.ndarray  # index into family.queues
    category: np.ndarray
    complex_: np.ndarray
    vip: np.ndarray
    queued: np.ndarray  # joined the agent queue (nan: never asked for an agent)
    work: np.ndarray  # the agent's time at speed 1 (talk + hold + wrap-up)
    patience: np.ndarray
    outcome: np.ndarray  # outcome for those who never queue (ignored for the others)
    forecast: np.ndarray  # (days, intervals) planners' expected queue joiners


@dataclass
class Contacts:
    family: Family
    columns: dict[str, np.ndarray]
    service: Service
    agent: np.ndarray  # roster agent index, -1 = none

    @property
    def n(self) -> int:
        return self.agent.size


def problems(rng: np.random.Generator, family: Family, queue: np.ndarray, outage: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Problem category (index into CATEGORIES) by queue, and complexity; an outage brings technical faults."""
    n = queue.size
    weights = np.array([q.categories for q in family.queues])
    cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)[queue]
    category = (cum < rng.random(n)[:, None]).sum(axis=1).clip(max=len(CATEGORIES) - 1)
    fault = CATEGORIES.index("技术故障")
    category = np.where(outage & (rng.random(n) < 0.8), fault, category)
    complex_ = rng.random(n) < COMPLEX_SHARE[category]
    return category, complex_


def serve(ctx: Context, family: Family, demand: Demand, first_number: int) -> Service:
    wants = ~np.isnan(demand.queued)
    mean_work = float(demand.work[wants].mean()) if wants.any() else 1.0
    return staff_and_serve(ctx.cfg, ctx.cal, family, demand.forecast, mean_work, demand.queued, demand.work, demand.patience, first_number)


def finish(ctx: Context, family: Family, demand: Demand, service: Service, columns: dict, *, sensitive=None) -> Contacts:
    """Add everything that follows service to a channel's columns (outcome, times, durations)."""
    cfg = ctx.cfg
    rng = cfg.rng(family.key, "finish")
    n = demand.arrived.size
    agent = service.agent
    answered = agent >= 0
    outcome = columns["outcome"]
    day = (demand.arrived // DAY_S).astype(np.int64)
    tenure = np.where(answered, day - service.roster.hire[np.maximum(agent, 0)], 0)
    sensitive = np.zeros(n, bool) if sensitive is None else sensitive

    resolved = feedback.resolved_flags(rng, demand.category, demand.complex_, tenure) & answered
    settled = np.isin(outcome, [SELF_SERVICE, BOT_RESOLVED])
    resolved_col = np.where(answered, resolved.astype(float), np.where(settled, 1.0, np.nan))

    returns = np.select(
        [answered & ~resolved, answered, outcome == ABANDONED, outcome == IVR_ENDED, outcome == BOT_RESOLVED],
        [0.55, 0.04, 0.6, 0.3, 0.05],
        0.0,
    )
    delay = np.select([answered & ~resolved, answered, outcome == BOT_RESOLVED], [1.2 * DAY_S, 2 * DAY_S, 1 * DAY_S], 1800.0)
    group = demand.category * 2 + demand.vip
    parent = link_repeats(rng, demand.arrived, group, returns, delay)
    repeat = parent != np.arange(n)
    customer = ctx.pools.draw(rng, demand.vip)[parent]

    wait = columns["wait_s"]
    theme = ctx.incident_theme[day]
    complaint = feedback.complaints(rng, family.channel, demand.category, wait, resolved, repeat, theme) & answered
    comment = np.where(complaint, feedback.complaint_comments(rng, family.channel, demand.category, wait, repeat, theme), -1)
    asked = answered | (outcome == BOT_RESOLVED)
    csat, nps, said = feedback.surveys(rng, family.channel, asked, wait, resolved | settled, complaint, repeat, tenure)
    comment = np.where(comment >= 0, comment, said)
    campaign = np.array([ctx.cal.campaign_days(family.channel, q) for q in family.queue_names])[demand.queue, day]
    sales = np.array([q == SALES for q in family.queue_names])[demand.queue]
    converted = feedback.conversions(rng, sales, answered, tenure, campaign)

    is_test = _test_contacts(rng, answered)
    comment = np.where(is_test, feedback.COMMENT_VOCAB.index(feedback.TEST_COMMENT), comment)
    customer_text = np.where(is_test, 0, customer)  # 0: the staff's test number

    columns.update(
        queue=demand.queue,
        campaign=campaign,
        category=demand.category,
        complexity=demand.complex_.astype(np.int64),
        customer=customer_text,
        customer_tier=demand.vip.astype(np.int64),
        agent=agent,
        team=np.where(answered, service.roster.seat[np.maximum(agent, 0)] // TEAM_SIZE, -1),
        arrived_at=demand.arrived,
        resolved=resolved_col,
        resolved_at=np.where(resolved_col == 1, columns["ended_at"], np.nan),
        is_test=is_test.astype(float),
        complaint=np.where(answered, complaint.astype(float), np.nan),
        converted=converted,
        csat=csat,
        nps=nps,
        qa_score=feedback.qa_scores(rng, answered, tenure, complaint, sensitive),
        comment=comment,
        repeat_of=np.where(repeat, parent, -1),
    )
    return Contacts(family, columns, service, agent)


def _test_contacts(rng: np.random.Generator, answered: np.ndarray) -> np.ndarray:
    """A handful of test calls placed by the staff (flagged is_test)."""
    handled = np.flatnonzero(answered)
    flags = np.zeros(answered.size, bool)
    if handled.size:
        flags[rng.choice(handled, size=min(handled.size, max(3, handled.size // 20_000)), replace=False)] = True
    return flags
