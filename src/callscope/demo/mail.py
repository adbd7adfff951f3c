"""E-mail: mail arrives round the clock and waits for the 09:00–18:00 team; each mail opens a ticket.

An agent picks the oldest mail first (the same FCFS queue, with customers who never give up);
`answered_at` is when an agent took the mail, `ended_at` when the reply went out, `talk_s` the
time spent on it. Mail left at the end of a day is first in the next day's queue.
"""

from __future__ import annotations

import numpy as np

from callscope.demo.arrivals import Arrivals
from callscope.demo.config import Family
from callscope.demo.contacts import ANSWERED, Context, Contacts, Demand, finish, problems, serve
from callscope.demo.voice import lognormal

__all__ = ["email_contacts", "VIP_MAIL_SHARE"]

VIP_MAIL_SHARE = 0.1


def email_contacts(ctx: Context, family: Family, arr: Arrivals, first_number: int) -> Contacts:
    rng = ctx.cfg.rng(family.key, "mail")
    n = arr.time.size
    category, complex_ = problems(rng, family, arr.queue, arr.outage)
    vip = rng.random(n) < VIP_MAIL_SHARE
    work = lognormal(rng, 420.0 * np.where(complex_, 1.6, 1.0), 0.5, n)
    demand = Demand(arr.time, arr.queue, category, complex_, vip, arr.time.copy(), work, np.full(n, np.inf), np.full(n, ANSWERED), arr.forecast)
    service = serve(ctx, family, demand, first_number)
    if (service.agent < 0).any():
        raise RuntimeError(f"{family.key}: {(service.agent < 0).sum()} mails were never answered; the e-mail team is too small")
    start, busy = service.start, service.busy
    none = np.full(n, np.nan)
    columns = {
        "outcome": np.full(n, ANSWERED),
        "ivr_s": none,
        "queued_at": arr.time,
        "answered_at": start,
        "ended_at": start + busy,
        "wrapup_end_at": start + busy,
        "abandoned_at": none,
        "wait_s": start - arr.time,
        "talk_s": busy,
        "hold_s": np.zeros(n),
        "acw_s": np.zeros(n),
        "transfer_count": np.zeros(n),
        "bot_handled": none,
        "handed_to_human": none,
        "agent_closed": none,
    }
    return finish(ctx, family, demand, service, columns)
