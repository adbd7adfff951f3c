"""The agent-state log, painted from the plan and the contacts each agent actually handled.

At any moment an agent's state is: on a contact (talking, or holding at least one chat); else in
after-contact work; else whatever the plan says (available when planned to work, break, lunch,
training, meeting) — or offline when they logged in late. A contact that runs into a break or
past the end of the shift pushes the break back or shows as overtime, as in a real ACD log.
Computed as a sweep over sorted events for all agents at once.
"""

from __future__ import annotations

import numpy as np

from callscope.demo.config import DAY_S, INTERVAL_S
from callscope.demo.contacts import Contacts
from callscope.demo.rota import BREAK, LUNCH, MEETING, TRAINING, WORK, Rota

__all__ = ["agent_states", "STATES", "REASONS"]

STATES = ("available", "on_contact", "acw", "break", "lunch", "training", "meeting", "offline")
AVAILABLE, ON_CONTACT, ACW, S_BREAK, S_LUNCH, S_TRAINING, S_MEETING, OFFLINE = range(8)
REASONS = (None, None, None, "小休", "用餐", "培训", "班组会", "迟到")
_OFF_SHIFT = -1
_STATE_OF_ACTIVITY = np.zeros(5, np.int64)
_STATE_OF_ACTIVITY[[WORK, BREAK, LUNCH, TRAINING, MEETING]] = [AVAILABLE, S_BREAK, S_LUNCH, S_TRAINING, S_MEETING]


def agent_states(rota: Rota, contacts: Contacts) -> dict[str, np.ndarray]:
    """Rows of the state log: agent (roster index), state (index into STATES), start, end."""
    t, agent, kind, value = _events(rota, contacts)
    order = np.lexsort((kind, t, agent))
    t, agent, kind, value = t[order], agent[order], kind[order], value[order]
    talking = np.cumsum(np.where(kind == 1, value, 0))
    wrapping = np.cumsum(np.where(kind == 2, value, 0))
    last_plan = np.maximum.accumulate(np.where(kind == 0, np.arange(t.size), 0))
    planned = value[last_plan]
    state = np.where(talking > 0, ON_CONTACT, np.where(wrapping > 0, ACW, planned))
    end = np.append(t[1:], np.inf)
    same_agent = np.append(agent[1:] == agent[:-1], False)
    keep = same_agent & (end > t) & (state != _OFF_SHIFT)
    t, end, agent, state = t[keep], end[keep], agent[keep], state[keep]
    new_run = np.ones(t.size, bool)
    new_run[1:] = (agent[1:] != agent[:-1]) | (state[1:] != state[:-1]) | (t[1:] != end[:-1])
    first = np.flatnonzero(new_run)
    last = np.append(first[1:], t.size) - 1
    return {"agent": agent[first], "state": state[first], "start": t[first], "end": end[last]}


def _events(rota: Rota, contacts: Contacts):
    """(time, agent, kind, value): kind 0 sets the planned state, 1 and 2 count contacts and wrap-ups."""
    plan = rota.schedule_rows()
    shift_start = rota.day * DAY_S + rota.start * INTERVAL_S
    # A late log-in: offline for the first interval, then the plan's first stretch (always work).
    late_start = (plan["start"] == shift_start[plan["ad"]]) & rota.late[plan["ad"]]
    late = np.flatnonzero(rota.late)
    parts = [
        (plan["start"] + late_start * INTERVAL_S, plan["agent"], 0, _STATE_OF_ACTIVITY[plan["activity"]]),
        (shift_start[late], rota.agent[late], 0, OFFLINE),
        (shift_start + rota.length * INTERVAL_S, rota.agent, 0, _OFF_SHIFT),
    ]
    col = contacts.columns
    handled = np.flatnonzero(contacts.agent >= 0)
    who = contacts.agent[handled]
    start, ended, wrapped = col["answered_at"][handled], col["ended_at"][handled], col["wrapup_end_at"][handled]
    if contacts.family.channel == "chat":
        ended = wrapped  # a chat's short wrap-up is part of holding it
    parts += [(start, who, 1, 1), (ended, who, 1, -1), (ended, who, 2, 1), (wrapped, who, 2, -1)]
    t = np.concatenate([np.asarray(p[0], float) for p in parts])
    agent = np.concatenate([np.broadcast_to(p[1], np.shape(p[0])) for p in parts])
    kind = np.concatenate([np.full(np.shape(p[0]), p[2]) for p in parts])
    value = np.concatenate([np.broadcast_to(p[3], np.shape(p[0])) for p in parts])
    return t, agent, kind, value
