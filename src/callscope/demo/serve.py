"""Staff a family from its forecast, then serve its contacts through the queue simulation.

forecast → heads per interval (staffing.py) → shifts → a roster of agents (agents.py) → who works
when (rota.py) → the on-duty grid → FCFS with abandonment (queue.py). Voice and chat queues close
at 22:00 (who is still queued then gets no answer); e-mail waits: mail not answered on its day is
carried to the next day's queue, and on the last day the team stays until the inbox is empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callscope.demo.agents import Roster, build_roster
from callscope.demo.calendar import Calendar
from callscope.demo.config import DAY_S, INTERVAL_S, OPEN_FROM, OPEN_TO, DemoConfig, Family
from callscope.demo.queue import ready_times, simulate
from callscope.demo.rota import Rota, Servers, build_rota
from callscope.demo.staffing import EMAIL_HOURS, agents_needed, heads_to_schedule, plan_shifts, seats_needed

__all__ = ["Service", "staff_and_serve"]

_EMAIL_CUTOFF_S = 2 * 3600  # mail arriving after 22:00 belongs to the next day's queue
_CARRY_PASSES = 10


@dataclass
class Service:
    roster: Roster
    rota: Rota
    agent: np.ndarray  # roster agent index per contact, -1 = not served
    start: np.ndarray  # service start, nan = not served
    busy: np.ndarray  # seconds the server was occupied, nan = not served


def staff_and_serve(
    cfg: DemoConfig,
    cal: Calendar,
    family: Family,
    forecast: np.ndarray,
    mean_work: float,
    queued: np.ndarray,
    work: np.ndarray,
    patience: np.ndarray,
    first_number: int,
) -> Service:
    """Serve the contacts that want an agent (`queued` not nan); `forecast` counts those per cell."""
    hours = EMAIL_HOURS if family.is_email else (OPEN_FROM, OPEN_TO)
    need = agents_needed(family, forecast, mean_work)
    starts = plan_shifts(heads_to_schedule(need), *hours)
    roster = build_roster(cfg, family, seats_needed(sum(s.sum(axis=1) for s in starts.values())), first_number)
    rota = build_rota(cfg, roster, starts, need, cal.weekday)
    servers = rota.servers(cal.days, chats=family.channel == "chat")
    if family.is_email:
        _overtime_on_last_day(servers)
    t0 = np.arange(cal.days) * float(DAY_S)
    ready = ready_times(servers.on_duty, t0, INTERVAL_S)
    n = queued.size
    agent, start, busy = np.full(n, -1), np.full(n, np.nan), np.full(n, np.nan)
    who = np.flatnonzero(~np.isnan(queued))
    shift = _EMAIL_CUTOFF_S if family.is_email else 0
    stream = np.minimum(((queued[who] + shift) // DAY_S).astype(np.int64), cal.days - 1)
    for _ in range(_CARRY_PASSES if family.is_email else 1):
        order = np.lexsort((queued[who], stream))
        w, s = who[order], stream[order]
        res = simulate(s, queued[w], work[w], patience[w], ready, t0, INTERVAL_S, servers.speed, fill=family.channel == "chat")
        left = ~res.served
        if not (family.is_email and left.any()):
            break
        stream = s + (left & (s < cal.days - 1))
        who = w
    k = np.where(res.served, res.server, 0)
    agent[w] = np.where(res.served, servers.agent[s, k], -1)
    start[w] = np.where(res.served, res.start, np.nan)
    busy[w] = res.end - res.start
    return Service(roster, rota, agent, start, busy)


def _overtime_on_last_day(servers: Servers) -> None:
    """The e-mail team stays on after its last shift of the period until every mail is answered."""
    last = servers.on_duty[-1]
    worked = last.any(axis=0)
    last_on = last.shape[0] - 1 - last[::-1].argmax(axis=0)
    for k in np.flatnonzero(worked):
        last[last_on[k] + 1 :, k] = True
