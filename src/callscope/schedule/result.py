"""A solved schedule: who works which shift with which breaks, the coverage it gives, its KPIs.

Both solvers return a `Schedule`. Its figures are computed here from the assignments alone, by
the same code for every method, so the optimiser and the greedy baseline are judged alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from callscope.schedule.problem import Problem
from callscope.schedule.requirements import NO_SKILL

__all__ = ["Assignment", "SolveInfo", "Kpis", "Schedule", "on_duty", "work_mask"]

_EPS = 1e-9


@dataclass(frozen=True)
class Assignment:
    agent: int  # index into problem.agents
    day: int
    option: int  # index into problem.options
    breaks: tuple[int, ...]  # start offset (intervals after the shift's start) of each break


@dataclass(frozen=True)
class SolveInfo:
    method: str  # "cpsat" or "greedy"
    status: str  # OPTIMAL, FEASIBLE, … for CP-SAT; HEURISTIC for the greedy
    seconds: float
    objective: float | None = None  # as the solver scored it (CP-SAT: scaled back from integers)
    best_bound: float | None = None
    gap: float | None = None  # (objective − best bound) / objective; 0 when proven optimal
    model_seconds: float = 0.0  # building the model, before the solve
    unassigned: int = 0  # counted shifts no agent could take under the per-agent rules (CP-SAT)


class Kpis(NamedTuple):
    objective: float
    under_hours: float  # agent-hours short of the requirement
    over_hours: float  # agent-hours above it
    intervals_met_pct: float  # of intervals that need someone, the share fully covered
    paid_hours: float
    cost: float
    shifts: int
    agents_used: int


def work_mask(problem: Problem, a: Assignment) -> tuple[int, np.ndarray]:
    """(first interval, 0/1 per interval of the shift: 1 = working, 0 = on a break)."""
    option = problem.options[a.option]
    mask = np.ones(option.slots, dtype=int)
    for brk, offset in zip(option.breaks, a.breaks):
        mask[offset : offset + brk.slots] = 0
    return a.day * problem.requirement.per_day + option.start_slot, mask


def on_duty(problem: Problem, assignments: list[Assignment]) -> np.ndarray:
    """Agents working (not on a break) per agent group and interval, shape (groups, intervals)."""
    horizon = problem.requirement.intervals
    counts = np.zeros((len(problem.groups), horizon), dtype=int)
    for a in assignments:
        first, mask = work_mask(problem, a)
        end = min(first + len(mask), horizon)  # a shift may run past the horizon's end
        counts[problem.group_of[a.agent], first:end] += mask[: end - first]
    return counts


class Schedule:
    def __init__(self, problem: Problem, assignments: list[Assignment], served: np.ndarray, info: SolveInfo):
        """`served[g, q, t]`: agents of group g serving skill q in interval t (sums to on-duty over q)."""
        self.problem = problem
        self.assignments = sorted(assignments, key=lambda a: (a.agent, a.day))
        self.served = served
        self.info = info

    @classmethod
    def from_assignments(
        cls, problem: Problem, assignments: list[Assignment], shares: dict[tuple[int, int, int], int] | None = None, info: SolveInfo | None = None
    ) -> "Schedule":
        """Agents of a one-skill group serve that skill. Agents of a multi-skill group are split
        between their skills as `shares[g, q, t]` says, or else one by one to the skill then
        furthest below its requirement."""
        req = problem.requirement
        duty = on_duty(problem, assignments)
        served = np.zeros((len(problem.groups), len(req.skills), req.intervals), dtype=int)
        for g, skills in enumerate(problem.groups):
            if len(skills) == 1:
                served[g, skills[0]] = duty[g]
        for g, skills in enumerate(problem.groups):
            if len(skills) < 2:
                continue
            for t in np.flatnonzero(duty[g]):
                if shares is not None:
                    served[g, list(skills), t] = [shares.get((g, q, t), 0) for q in skills]
                    continue
                for _ in range(duty[g, t]):
                    need = req.required[list(skills), t] - served[:, list(skills), t].sum(axis=0)
                    served[g, skills[int(np.argmax(need))], t] += 1
        return cls(problem, assignments, served, info or SolveInfo("", "", 0.0))

    @property
    def coverage(self) -> np.ndarray:
        """Agents serving each skill per interval, shape (skills, intervals)."""
        return self.served.sum(axis=0)

    def kpis(self) -> Kpis:
        p, req = self.problem, self.problem.requirement
        gap = req.required - self.coverage
        under = np.clip(gap, 0, None).sum() * req.interval_hours
        over = np.clip(-gap, 0, None).sum() * req.interval_hours
        needed = req.required > _EPS
        met = (gap[needed] <= _EPS).mean() * 100 if needed.any() else 100.0
        paid = sum(p.paid_minutes[a.option] for a in self.assignments) / 60
        cost = sum(p.cost[a.agent, a.option] for a in self.assignments)
        w = p.weights
        objective = w.under * under + w.over * over + w.cost * cost
        return Kpis(float(objective), float(under), float(over), float(met), float(paid), float(cost), len(self.assignments), len({a.agent for a in self.assignments}))

    # -- tables --------------------------------------------------------------------------
    def shifts_table(self) -> pd.DataFrame:
        """One row per agent shift, with its breaks as clock times."""
        p, minutes = self.problem, self.problem.requirement.interval_minutes
        rows = []
        for a in self.assignments:
            option = p.options[a.option]
            start = self._time(a.day, option.start_slot)
            breaks = []
            for brk, offset in zip(option.breaks, a.breaks):
                b_start = start + dt.timedelta(minutes=offset * minutes)
                breaks.append(f"{brk.kind} {b_start:%H:%M}–{b_start + dt.timedelta(minutes=brk.slots * minutes):%H:%M}")
            rows.append(
                {
                    "agent_id": p.agents[a.agent].agent_id,
                    "date": p.date(a.day),
                    "template": option.template,
                    "start": start,
                    "end": start + dt.timedelta(minutes=option.slots * minutes),
                    "paid_hours": option.paid_minutes / 60,
                    "breaks": "; ".join(breaks),
                }
            )
        return pd.DataFrame(rows, columns=["agent_id", "date", "template", "start", "end", "paid_hours", "breaks"])

    def activities_table(self) -> pd.DataFrame:
        """Rows shaped like the store's `schedules` table: work, break and lunch without overlaps."""
        p, minutes = self.problem, self.problem.requirement.interval_minutes
        rows = []
        for a in self.assignments:
            option = p.options[a.option]
            kinds = ["work"] * option.slots
            for brk, offset in zip(option.breaks, a.breaks):
                kinds[offset : offset + brk.slots] = [brk.kind] * brk.slots
            run_start = 0
            for i in range(1, option.slots + 1):
                if i == option.slots or kinds[i] != kinds[run_start]:
                    start = self._time(a.day, option.start_slot + run_start)
                    end = start + dt.timedelta(minutes=(i - run_start) * minutes)
                    rows.append({"agent_id": p.agents[a.agent].agent_id, "activity": kinds[run_start], "start": start, "end": end, "queue": None})
                    run_start = i
        return pd.DataFrame(rows, columns=["agent_id", "activity", "start", "end", "queue"])

    def coverage_table(self) -> pd.DataFrame:
        """Required and scheduled agents per interval and skill, with the shortfall and excess."""
        req = self.problem.requirement
        times = req.times()
        frames = []
        for q, skill in enumerate(req.skills):
            scheduled = self.coverage[q]
            frames.append(
                pd.DataFrame(
                    {
                        "interval_start": times,
                        "skill": skill,
                        "required": req.required[q],
                        "scheduled": scheduled,
                        "under": np.clip(req.required[q] - scheduled, 0, None),
                        "over": np.clip(scheduled - req.required[q], 0, None),
                    }
                )
            )
        table = pd.concat(frames, ignore_index=True)
        return table.drop(columns="skill") if req.skills == (NO_SKILL,) else table

    def _time(self, day: int, slot: int) -> dt.datetime:
        return self.problem.requirement.time_of(day * self.problem.requirement.per_day + slot)
