"""A running record of the shifts given out so far, and who may still take which one.

The greedy baseline and the hand-out of the optimiser's counted shifts both build a schedule one
shift at a time; this is where they check each agent's weekly rules (availability, one shift a
day, days off, hours, rest, consecutive days), vectorised over many agents at once.
"""

from __future__ import annotations

import numpy as np

from callscope.schedule.problem import Problem

__all__ = ["Ledger"]


class Ledger:
    def __init__(self, problem: Problem):
        self.p = p = problem
        agents, days, _ = p.eligible.shape
        weeks = p.weeks()
        self.shifts: list[tuple[int, int, int]] = []  # (agent, day, option)
        self.worked = np.zeros((agents, days), dtype=bool)
        self.starts = np.full((agents, days), np.nan)  # minutes from the horizon's start
        self.ends = np.full((agents, days), np.nan)
        self.week_of = np.array([w for w, week in enumerate(weeks) for _ in week])
        self.week_days = np.zeros((agents, len(weeks)), dtype=int)
        self.week_minutes = np.zeros((agents, len(weeks)), dtype=int)
        self.days_allowed = np.array([[p.work_days_allowed(a, week) for week in weeks] for a in range(agents)])
        self.max_minutes = np.array([r.max_hours * 60 for r in p.agent_rules])
        self.rest = np.array([r.min_rest_hours * 60 for r in p.agent_rules])
        self.max_run = np.array([r.max_consecutive_days for r in p.agent_rules])

    def can_take(self, agents: np.ndarray, d: int, o: int) -> np.ndarray:
        """Those of `agents` who may work option o on day d given what they already work."""
        p, option = self.p, self.p.options[o]
        week = self.week_of[d]
        start, end = d * 1440 + option.start_minute, d * 1440 + option.end_minute
        ok = p.eligible[agents, d, o] & ~self.worked[agents, d]
        ok &= self.week_days[agents, week] < self.days_allowed[agents, week]
        ok &= self.week_minutes[agents, week] + option.paid_minutes <= self.max_minutes[agents] + 1e-9
        rest = self.rest[agents]
        for other in range(max(0, d - 2), min(p.days, d + 3)):
            if other < d:
                ok &= ~(self.ends[agents, other] + rest > start)  # NaN (no shift) compares False
            elif other > d:
                ok &= ~(end + rest > self.starts[agents, other])
        return agents[ok & (self.run_through(agents, d) <= self.max_run[agents])]

    def run_through(self, agents: np.ndarray, d: int) -> np.ndarray:
        """Consecutive working days each agent would have if it also worked day d."""
        run = np.ones(len(agents), dtype=int)
        for step in (-1, 1):
            going = np.ones(len(agents), dtype=bool)
            day = d + step
            while going.any() and 0 <= day < self.p.days:
                going &= self.worked[agents, day]
                run += going
                day += step
        return run

    def book(self, a: int, d: int, o: int) -> None:
        option = self.p.options[o]
        self.shifts.append((int(a), int(d), int(o)))
        self.worked[a, d] = True
        self.starts[a, d], self.ends[a, d] = d * 1440 + option.start_minute, d * 1440 + option.end_minute
        self.week_days[a, self.week_of[d]] += 1
        self.week_minutes[a, self.week_of[d]] += option.paid_minutes

    def days_left(self, agents: np.ndarray, d: int) -> np.ndarray:
        """Work days each agent may still take in day d's week."""
        week = self.week_of[d]
        return self.days_allowed[agents, week] - self.week_days[agents, week]
