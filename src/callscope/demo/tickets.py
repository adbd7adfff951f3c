"""Tickets (工单): every e-mail opens one, and so do some unresolved calls and chats.

Priority follows the customer and the problem (VIP and complaints first); the due time follows
the priority. The first response is the e-mail reply, or for an escalated call the back office's
first touch within business hours (09:00–18:00). Resolution times have a long tail, so some
tickets are overdue, more on campaign days; some customers give up on their ticket, and tickets
still open at the end of the period have no resolution yet.
"""

from __future__ import annotations

import numpy as np

from callscope.demo.config import DAY_S, DemoConfig, Family
from callscope.demo.contacts import ANSWERED, Contacts
from callscope.demo.feedback import COMMENT_VOCAB
from callscope.demo.texts import CUSTOMER_QUESTIONS

__all__ = ["ticket_rows", "PRIORITIES", "STATUSES", "SLA_HOURS", "DESCRIPTIONS"]

PRIORITIES = ("P1", "P2", "P3", "P4")
SLA_HOURS = np.array([4.0, 8.0, 24.0, 72.0])
RESOLVE_HOURS = np.array([1.0, 2.0, 5.0, 12.0])  # median time from first response to resolution
STATUSES = ("open", "pending", "resolved", "closed", "cancelled")
ESCALATION_SHARE = 0.3
# Customers' own words: their complaint or survey text, else how they put the question.
DESCRIPTIONS = COMMENT_VOCAB + tuple(q for qs in CUSTOMER_QUESTIONS for q in qs)


def ticket_rows(cfg: DemoConfig, family: Family, contacts: Contacts) -> dict[str, np.ndarray]:
    """One row per ticket; `contact` indexes the family's contacts."""
    rng = cfg.rng(family.key, "tickets")
    col = contacts.columns
    answered = col["outcome"] == ANSWERED
    if family.is_email:
        contact = np.flatnonzero(answered)
        created = col["arrived_at"][contact]
        first = col["ended_at"][contact]
    else:
        unresolved = np.flatnonzero(answered & (col["resolved"] == 0))
        contact = unresolved[rng.random(unresolved.size) < ESCALATION_SHARE]
        created = col["wrapup_end_at"][contact]
        first = _business_time(created) + np.rint(rng.exponential(5400, contact.size))
    k = contact.size
    vip = col["customer_tier"][contact] == 1
    complaint = col["complaint"][contact] == 1
    category = col["category"][contact]
    hard_fault = (col["complexity"][contact] == 1) & (category == 3)
    priority = np.where(vip & complaint, 0, np.where(vip | complaint | hard_fault, 1, 2))
    priority = np.where((priority == 2) & (col["complexity"][contact] == 0) & (rng.random(k) < 0.3), 3, priority)
    due = created + SLA_HOURS[priority] * 3600
    slow = np.where(col["campaign"][contact], 1.5, 1.0)  # campaign days: the back office is swamped
    took = np.rint(rng.lognormal(np.log(RESOLVE_HOURS[priority] * 3600), 0.9) * slow)
    settled_at_once = family.is_email & (col["resolved"][contact] == 1)
    resolved = first + np.where(settled_at_once, 0.0, took)
    gave_up = ~settled_at_once & (rng.random(k) < 0.03)
    cancelled = ~gave_up & (rng.random(k) < 0.005)
    end = cfg.days * float(DAY_S)
    first = np.where(first <= end, first, np.nan)
    resolved = np.where((resolved <= end) & ~gave_up & ~cancelled, resolved, np.nan)
    done = ~np.isnan(resolved)
    status = np.select(
        [cancelled, gave_up, done & (resolved < end - 3 * DAY_S), done, ~np.isnan(first)],
        [4, 3, 3, 2, 1],
        0,
    )
    overdue = done & (resolved > due)
    asked = len(COMMENT_VOCAB) + category * 3 + rng.integers(0, 3, k)
    csat = np.where(done & (rng.random(k) < 0.2), np.clip(np.rint(4.4 - 1.2 * overdue + rng.normal(0, 0.7, k)), 1, 5), np.nan)
    return {
        "contact": contact,
        "created_at": created,
        "first_response_at": first,
        "resolved_at": resolved,
        "due_at": due,
        "priority": priority,
        "status": status,
        "abandoned_by_customer": gave_up.astype(float),
        "complaint": complaint.astype(float),
        "csat": csat,
        "description": np.where(col["comment"][contact] >= 0, col["comment"][contact], asked),
    }


def _business_time(t: np.ndarray) -> np.ndarray:
    """The same moment if it is within 09:00–18:00, else the next 09:00."""
    day, tod = t // DAY_S, t % DAY_S
    opens, closes = 9 * 3600, 18 * 3600
    return np.where(tod < opens, day * DAY_S + opens, np.where(tod >= closes, (day + 1) * DAY_S + opens, t))
