"""Voice: the IVR (where some callers help themselves or hang up), then the agent queue.

A caller spends ~45 s in the IVR; 9% finish there (14% after the new self-service menu), 3% hang
up before asking for an agent; the rest queue. The queue simulation decides who is answered and
when; talk, hold and wrap-up follow the problem, its complexity, transfers and the answering
agent's speed. A few calls are agent mis-operations: answered and dropped within 1–2 seconds.
"""

from __future__ import annotations

import numpy as np

from callscope.demo.arrivals import Arrivals
from callscope.demo.config import TALK_MEAN_S, Family
from callscope.demo.contacts import ABANDONED, ANSWERED, IVR_ENDED, SELF_SERVICE, Context, Contacts, Demand, finish, problems, serve

__all__ = ["voice_contacts", "lognormal", "split_busy"]

SELF_SERVICE_SHARE, SELF_SERVICE_AFTER_CHANGE, VIP_SELF_SERVICE = 0.09, 0.14, 0.03
IVR_ENDED_SHARE = 0.03
MISOPERATION_SHARE = 0.002
SHORT_ABANDON_SHARE = 0.04  # callers who hang up within 5 seconds of queueing


def lognormal(rng: np.random.Generator, mean, sigma: float, size: int) -> np.ndarray:
    """Log-normal values with the given mean, rounded to whole seconds (at least 1)."""
    mu = np.log(mean) - sigma**2 / 2
    return np.maximum(np.rint(rng.lognormal(mu, sigma, size)), 1.0)


def split_busy(busy: np.ndarray, work: np.ndarray, *parts: np.ndarray) -> list[np.ndarray]:
    """Scale the parts of `work` to the simulated busy time; the last part takes the rounding."""
    speed = busy / work
    out, left = [], busy.copy()
    for part in parts:
        scaled = np.minimum(np.rint(part * speed), left)
        out.append(scaled)
        left = left - scaled
    out.append(left)
    return out


def voice_contacts(ctx: Context, family: Family, arr: Arrivals, first_number: int) -> Contacts:
    rng = ctx.cfg.rng(family.key, "voice")
    n = arr.time.size
    category, complex_ = problems(rng, family, arr.queue, arr.outage)
    ivr = lognormal(rng, 45.0, 0.4, n) + 4
    change = ctx.cal.system_change_day()
    late = arr.day >= (change if change is not None else 10**9)
    self_service = VIP_SELF_SERVICE if family.vip else np.where(late, SELF_SERVICE_AFTER_CHANGE, SELF_SERVICE_SHARE)
    u = rng.random(n)
    route = np.where(u < self_service, SELF_SERVICE, np.where(u < self_service + IVR_ENDED_SHARE, IVR_ENDED, ANSWERED))
    queued = np.where(route == ANSWERED, arr.time + ivr, np.nan)

    mean_talk = TALK_MEAN_S[category] * np.where(complex_, 1.6, 1.0) * (1.15 if family.vip else 1.0) * np.where(arr.outage, 1.25, 1.0)
    transfers = rng.choice(3, size=n, p=[0.94, 0.05, 0.01])
    talk = lognormal(rng, mean_talk, 0.55, n) + 60 * transfers
    hold = np.where(rng.random(n) < 0.25, np.rint(rng.exponential(50, n)), 0.0)
    acw = lognormal(rng, 35.0, 0.5, n)
    misop = rng.random(n) < MISOPERATION_SHARE
    # 1 or 1.6 s of work: at any agent's speed (0.8–1.5) that rounds to 1–2 s, under the 3 s
    # below which the KPI rules call a contact a mis-operation.
    talk = np.where(misop, np.where(rng.random(n) < 0.5, 1.0, 1.6), talk)
    hold, acw, transfers = np.where(misop, 0.0, hold), np.where(misop, 0.0, acw), np.where(misop, 0, transfers)
    work = talk + hold + acw
    patience = np.where(rng.random(n) < SHORT_ABANDON_SHARE, rng.integers(1, 6, n), np.maximum(np.rint(rng.exponential(family.patience_s, n)), 1))
    queueing = np.mean(route == ANSWERED)
    demand = Demand(arr.time, arr.queue, category, complex_, np.full(n, family.vip), queued, work, patience.astype(float), route,
                    arr.forecast * queueing)

    service = serve(ctx, family, demand, first_number)
    served = service.agent >= 0
    busy = np.where(served, service.busy, 0.0)
    talk_s, hold_s, acw_s = split_busy(busy, work, talk, hold)
    start = service.start
    abandoned = ~served & (route == ANSWERED)
    none = np.full(n, np.nan)
    columns = {
        "outcome": np.where(served, ANSWERED, np.where(abandoned, ABANDONED, route)),
        "ivr_s": ivr,
        "queued_at": queued,
        "answered_at": start,
        "ended_at": np.where(served, start + talk_s + hold_s, np.where(route == ANSWERED, np.nan, arr.time + ivr)),
        "wrapup_end_at": np.where(served, start + busy, np.nan),
        "abandoned_at": np.where(abandoned, queued + patience, np.nan),
        "wait_s": np.where(served, start - queued, np.where(abandoned, patience, np.nan)),
        "talk_s": np.where(served, talk_s, np.nan),
        "hold_s": np.where(served, hold_s, np.nan),
        "acw_s": np.where(served, acw_s, np.nan),
        "transfer_count": np.where(served, transfers, np.nan),
        "bot_handled": none,
        "handed_to_human": none,
        "agent_closed": none,
    }
    return finish(ctx, family, demand, service, columns)
