"""The baseline: a greedy schedule built one shift at a time.

Each step scores every (agent group, day, shift option) by how much one more agent on it would
lower the objective — the under-staffing it covers, less the over-staffing it adds and its cost —
with each break placed where it hurts least, and gives the best one to the cheapest agent who may
still take it under the weekly rules. It stops when no shift improves the objective. Agents with
minimum hours are then topped up with their least harmful shifts. Nothing is ever undone, which
is what makes it greedy: an early long shift can leave gaps only short shifts could fill.
"""

from __future__ import annotations

import time

import numpy as np

from callscope.schedule.ledger import Ledger
from callscope.schedule.problem import Problem
from callscope.schedule.result import Assignment, Schedule, SolveInfo

__all__ = ["solve_greedy"]


def solve_greedy(problem: Problem) -> Schedule:
    started = time.perf_counter()
    state = _State(problem)
    while state.step():
        pass
    complete = state.top_up_min_hours()
    seconds = time.perf_counter() - started
    schedule = Schedule(problem, state.assignments, state.served, SolveInfo("greedy", "", seconds))
    status = "HEURISTIC" if complete else "MIN_HOURS_UNMET"
    schedule.info = SolveInfo("greedy", status, seconds, schedule.kpis().objective)
    return schedule


class _State:
    def __init__(self, p: Problem):
        self.p = p
        req = p.requirement
        self.per_day, self.horizon, self.hours = req.per_day, req.intervals, req.interval_hours
        self.coverage = np.zeros(req.required.shape)
        self.served = np.zeros((len(p.groups), len(req.skills), self.horizon), dtype=int)
        self.assignments: list[Assignment] = []
        self.ledger = Ledger(p)
        # (group, day, option) no agent can take any more
        self.dead = np.array([~p.eligible[p.group_of == g].any(axis=0) for g in range(len(p.groups))])
        self.cheapest = np.array([min((a.hourly_cost for a, gg in zip(p.agents, p.group_of) if gg == g), default=0.0) for g in range(len(p.groups))])
        self._index_shapes()

    def _index_shapes(self) -> None:
        """Flat index arrays so a whole step's scores come from prefix sums."""
        p, days = self.p, self.p.days
        opts = p.options
        first = np.array([[d * self.per_day + o.start_slot for o in opts] for d in range(days)])
        self.shift_first = first  # (days, options)
        self.shift_last = first + np.array([o.slots for o in opts])
        pieces = []  # (day, option, break, offset) → a window of the shift that a break may take
        for d in range(days):
            for i, o in enumerate(opts):
                for b, brk in enumerate(o.breaks):
                    for k in brk.offsets:
                        pieces.append((d, i, b, first[d, i] + k, first[d, i] + k + brk.slots, k))
        self.pieces = np.array(pieces, dtype=int).reshape(-1, 6)  # day, option, break, first, last, offset
        keys = self.pieces[:, 0:3]
        change = np.ones(len(keys), dtype=bool)
        change[1:] = (keys[1:] != keys[:-1]).any(axis=1)
        self.piece_groups = np.flatnonzero(change)  # where each (day, option, break) run begins

    # -- scores ------------------------------------------------------------------------------
    def marginal(self) -> np.ndarray:
        """Objective saved by one more agent serving each skill in each interval."""
        w, need = self.p.weights, self.p.requirement.required - self.coverage
        before = w.under * np.clip(need, 0, None) + w.over * np.clip(-need, 0, None)
        after = w.under * np.clip(need - 1, 0, None) + w.over * np.clip(1 - need, 0, None)
        return (before - after) * self.hours

    def group_gain(self, gain: np.ndarray, g: int) -> np.ndarray:
        """Prefix sums of what one more agent of group g gains per interval (serving its best skill);
        padded past the horizon, where a shift gains nothing."""
        m = gain[list(self.p.groups[g])].max(axis=0)
        return np.concatenate([[0.0], np.cumsum(np.concatenate([m, np.zeros(self.per_day * 2)]))])

    def scores(self, gain: np.ndarray) -> np.ndarray:
        """(group, day, option): the value of one more agent there, breaks at their least harmful offsets."""
        out = np.full((len(self.p.groups),) + self.shift_first.shape, -np.inf)
        for g, skills in enumerate(self.p.groups):
            if not skills:
                continue
            prefix = self.group_gain(gain, g)
            out[g] = prefix[self.shift_last] - prefix[self.shift_first]
            if len(self.pieces):
                loss = prefix[self.pieces[:, 4]] - prefix[self.pieces[:, 3]]
                least = np.minimum.reduceat(loss, self.piece_groups)
                np.subtract.at(out[g], (self.pieces[self.piece_groups, 0], self.pieces[self.piece_groups, 1]), least)
        return out

    # -- one step ----------------------------------------------------------------------------
    def step(self) -> bool:
        p, gain = self.p, self.marginal()
        values = self.scores(gain)
        optimistic = values - p.weights.cost * self.cheapest[:, None, None] * p.paid_minutes[None, None, :] / 60
        optimistic[self.dead] = -np.inf
        for flat in np.argsort(-optimistic, axis=None, kind="stable"):
            g, d, o = np.unravel_index(flat, optimistic.shape)
            if optimistic[g, d, o] <= 1e-9:
                return False
            agents = self.ledger.can_take(np.flatnonzero(p.group_of == g), d, o)
            if not agents.size:
                self.dead[g, d, o] = True  # eligibility only shrinks as shifts are given out
                continue
            a = min(agents, key=lambda a: (p.cost[a, o], self.ledger.week_minutes[a].sum(), a))
            if values[g, d, o] - p.weights.cost * p.cost[a, o] <= 1e-9:
                continue
            self.assign(a, d, o, self.best_breaks(gain, g, d, o), gain)
            return True
        return False

    def best_breaks(self, gain: np.ndarray, g: int, d: int, o: int) -> tuple[int, ...]:
        """Each break at the allowed offset where the group gains least. Ties — every offset gains
        the same when the group is short (or over) all day — go to the offset with the most cover
        to spare over the requirement, then the earliest: otherwise every lunch of a short-staffed
        day would fall in the same slot."""
        prefix, first = self.group_gain(gain, g), int(self.shift_first[d, o])
        spare = self.spare_cover(g)
        return tuple(
            min(brk.offsets, key=lambda k: (round(prefix[first + k + brk.slots] - prefix[first + k], 9), -(spare[first + k + brk.slots] - spare[first + k]), k))
            for brk in self.p.options[o].breaks
        )

    def spare_cover(self, g: int) -> np.ndarray:
        """Prefix sums of coverage minus requirement over group g's skills, padded like group_gain."""
        skills = list(self.p.groups[g])
        surplus = (self.coverage[skills] - self.p.requirement.required[skills]).sum(axis=0)
        return np.concatenate([[0.0], np.cumsum(np.concatenate([surplus, np.zeros(self.per_day * 2)]))])

    def assign(self, a: int, d: int, o: int, breaks: tuple[int, ...], gain: np.ndarray) -> None:
        p, option = self.p, self.p.options[o]
        assignment = Assignment(int(a), int(d), int(o), breaks)
        self.assignments.append(assignment)
        self.ledger.book(a, d, o)
        g = p.group_of[a]
        skills = list(p.groups[g])
        first = int(self.shift_first[d, o])
        mask = np.ones(option.slots, dtype=bool)
        for brk, k in zip(option.breaks, breaks):
            mask[k : k + brk.slots] = False
        for i in np.flatnonzero(mask):
            t = first + i
            if t >= self.horizon:
                break
            q = skills[int(np.argmax(gain[skills, t]))]  # serve the skill that gains most
            self.served[g, q, t] += 1
            self.coverage[q, t] += 1

    # -- minimum hours -------------------------------------------------------------------------
    def top_up_min_hours(self) -> bool:
        """Give agents below their weekly minimum their least harmful remaining shifts."""
        p, complete = self.p, True
        for a, rules in enumerate(p.agent_rules):
            for w, week in enumerate(p.weeks()):
                while rules.min_hours > 0 and len(week) == 7 and self.ledger.week_minutes[a, w] < rules.min_hours * 60:
                    gain = self.marginal()
                    values = self.scores(gain)
                    g = p.group_of[a]
                    choices = [(values[g, d, o] - p.weights.cost * p.cost[a, o], d, o) for d in week for o in np.flatnonzero(p.eligible[a, d]) if self.ledger.can_take(np.array([a]), d, o).size]
                    if not choices:
                        complete = False
                        break
                    _, d, o = max(choices)
                    self.assign(a, d, o, self.best_breaks(gain, g, d, o), gain)
        return complete
