"""Who works when: the planned shifts handed to agents, with their breaks and lunch.

Every day each planned shift goes to an agent on duty (resting agents are called in for overtime
when a campaign needs more shifts than there are agents on duty). A 9-hour shift has a 15-minute
break in its third hour, an hour's lunch in the middle and a second break in its seventh hour; a
5-hour evening shift has one break. Each break goes, agent by agent, where the most agents beyond
the planned need are on duty (as workforce-management tools place them). Some agent-days carry an
hour of training or a half-hour team meeting; a few agents log in one interval late. The plan becomes the `schedules` table; the same
plan, minus late log-ins, says when each agent can take contacts (the on-duty grid of the queue
simulation), so the agent-state log agrees with both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callscope.demo.agents import Roster, max_chats, tenure_speed
from callscope.demo.config import DAY_INTERVALS, DAY_S, INTERVAL_S, DemoConfig
from callscope.demo.staffing import SHIFT_LEN

__all__ = ["Rota", "build_rota", "ACTIVITIES", "WORK", "BREAK", "LUNCH", "TRAINING", "MEETING", "Servers"]

ACTIVITIES = ("work", "break", "lunch", "training", "meeting")
WORK, BREAK, LUNCH, TRAINING, MEETING = range(5)
OFF = 5  # after the end of a part-time shift (not an activity: nothing is planned)
TRAINING_SHARE, MEETING_SHARE, LATE_SHARE = 0.04, 0.06, 0.03
# Offsets from the shift start, in intervals: fixed training and meeting slots, and the windows in
# which lunch (an hour) and the two 15-minute breaks are placed.
_TRAINING, _MEETING = (2, 6), (31, 33)
_LUNCH, _BREAK1, _BREAK2 = (12, 19), (6, 11), (24, 30)


@dataclass
class Servers:
    """The queue simulation's view of one family: server k of day d is an agent (or a chat slot)."""

    on_duty: np.ndarray  # (days, intervals, servers) bool
    agent: np.ndarray  # (days, servers) roster agent index, -1 = no server
    speed: np.ndarray  # (days, servers) handle-time multiplier


@dataclass
class Rota:
    """One row per agent-day."""

    roster: Roster
    agent: np.ndarray  # roster agent index
    day: np.ndarray
    rank: np.ndarray  # position among the day's agents
    start: np.ndarray  # shift start (interval of the day)
    length: np.ndarray  # shift length in intervals (SHIFT_LEN or PART_TIME_LEN)
    plan: np.ndarray  # (agent-days, SHIFT_LEN) activity codes, OFF after a part-time shift
    late: np.ndarray  # logged in one interval late

    @property
    def tenure(self) -> np.ndarray:
        return self.day - self.roster.hire[self.agent]

    def servers(self, days: int, chats: bool = False) -> Servers:
        """The on-duty grid; with `chats`, each agent is as many servers as chats they may hold."""
        n_ad = self.agent.size
        per_ad = max_chats(self.tenure, self.roster.number[self.agent]) if chats else np.ones(n_ad, np.int64)
        server_ad = np.repeat(np.arange(n_ad), per_ad)
        first_of_day = np.searchsorted(self.day[server_ad], np.arange(days))  # agent-days are sorted by day
        k = np.arange(server_ad.size) - first_of_day[self.day[server_ad]]
        width = int(k.max()) + 1 if k.size else 1
        on_duty = np.zeros((days, DAY_INTERVALS, width), bool)
        d, s = self.day[server_ad], self.start[server_ad]
        for o in range(SHIFT_LEN):
            works = self.plan[server_ad, o] == WORK
            if o == 0:
                works &= ~self.late[server_ad]
            on_duty[d, np.minimum(s + o, DAY_INTERVALS - 1), k] |= works & (s + o < DAY_INTERVALS)
        agent = np.full((days, width), -1, np.int64)
        agent[d, k] = self.agent[server_ad]
        speed = np.ones((days, width))
        speed[d, k] = (self.roster.speed[self.agent] * tenure_speed(self.tenure))[server_ad]
        return Servers(on_duty, agent, speed)

    def schedule_rows(self) -> dict[str, np.ndarray]:
        """The plan as `schedules` rows: one per stretch of the same activity (`ad`: its agent-day)."""
        n, length = self.plan.shape
        change = np.ones((n, length), bool)
        change[:, 1:] = self.plan[:, 1:] != self.plan[:, :-1]
        ad, offset = np.nonzero(change)
        following = np.append(offset[1:], length)
        following[np.append(ad[1:] != ad[:-1], True)] = length
        planned = self.plan[ad, offset] != OFF
        ad, offset, following = ad[planned], offset[planned], following[planned]
        base = self.day[ad] * DAY_S + self.start[ad] * INTERVAL_S
        return {
            "ad": ad,
            "agent": self.agent[ad],
            "activity": self.plan[ad, offset],
            "start": (base + offset * INTERVAL_S).astype(float),
            "end": (base + following * INTERVAL_S).astype(float),
        }


def build_rota(cfg: DemoConfig, roster: Roster, starts: dict[int, np.ndarray], need: np.ndarray, weekday: np.ndarray) -> Rota:
    """Hand each day's planned shifts (per length, days × intervals counts of starts) to agents;
    place breaks and lunch where the most agents beyond `need` (days × intervals) are on duty."""
    rng = cfg.rng(roster.family.key, "rota")
    agents, days, shift_start, lengths = [], [], [], []
    for d in range(need.shape[0]):
        wanted = np.concatenate([np.repeat(np.arange(DAY_INTERVALS), s[d]) for s in starts.values()])
        long = np.concatenate([np.full(s[d].sum(), n) for n, s in starts.items()])
        order = np.argsort(wanted, kind="stable")
        wanted, long = wanted[order], long[order]
        if wanted.size == 0:
            continue
        on, resting = roster.available(d, weekday[d])
        if on.size:
            on = np.roll(on, -(d * 5) % on.size)  # who starts early changes from day to day
        pool = np.concatenate([on, resting])
        n = min(wanted.size, pool.size)
        keep = (np.arange(n) * wanted.size) // n if n < wanted.size else np.arange(n)  # short-staffed: spread the gaps
        agents.append(pool[:n])
        shift_start.append(wanted[keep])
        lengths.append(long[keep])
        days.append(np.full(n, d))
    agent, day, start, length = (np.concatenate(x) if x else np.zeros(0, np.int64) for x in (agents, days, shift_start, lengths))
    first_of_day = np.searchsorted(day, day)
    rank = np.arange(day.size) - first_of_day
    plan = _plan(rng, day, rank, start, length, need)
    return Rota(roster, agent, day, rank, start, length, plan, rng.random(day.size) < LATE_SHARE)


def _plan(rng: np.random.Generator, day, rank, start, length, need: np.ndarray) -> np.ndarray:
    """Activities per agent-day: training and meetings at fixed points, then lunch and breaks
    (a part-time shift has one break, no lunch), each agent's in turn, where the surplus of
    agents over `need` is largest."""
    n = rank.size
    offsets = np.arange(SHIFT_LEN)
    full = length == SHIFT_LEN
    plan = np.where(offsets[None, :] < length[:, None], WORK, OFF)
    plan[np.ix_(rng.random(n) < TRAINING_SHARE, np.arange(*_TRAINING))] = TRAINING
    plan[np.ix_((rng.random(n) < MEETING_SHARE) & full, np.arange(*_MEETING))] = MEETING
    surplus = -need.astype(np.int64)
    cells = np.minimum(start[:, None] + offsets, DAY_INTERVALS - 1).ravel()
    np.add.at(surplus, (np.repeat(day, SHIFT_LEN), cells), (plan == WORK).ravel().astype(np.int64))
    for activity, window, size, who in ((LUNCH, _LUNCH, 4, full), (BREAK, _BREAK1, 1, np.ones(n, bool)), (BREAK, _BREAK2, 1, full)):
        candidates = np.arange(*window)
        for r in range(int(rank.max()) + 1 if n else 0):
            idx = np.flatnonzero((rank == r) & who)
            d, s = day[idx], start[idx]
            cols = s[:, None, None] + candidates[None, :, None] + np.arange(size)[None, None, :]
            best = candidates[surplus[d[:, None, None], cols].min(axis=2).argmax(axis=1)]
            for j in range(size):
                surplus[d, s + best + j] -= 1
                plan[idx, best + j] = activity
    return plan
