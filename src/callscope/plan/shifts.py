"""Step 5, schedules: shifts that cover the requirement, by callscope.schedule (CP-SAT, with the
greedy baseline solved on the same problem).

The requirement is agents on duty after shrinkage, per queue (= skill) × interval. Shift templates
usually have 15-minute breaks; when the plan's intervals are longer, each interval's requirement is
repeated on the templates' finer grid and the coverage is averaged back over the interval (the
mean number of agents on duty during it).

Roster: `headcount` interchangeable agents, else the store's `agents` employed in the period. A
plan is for one channel: agents whose skills name other channels but not this one are left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd

from callscope.forecast.history import MISSING_LABEL
from callscope.schedule import Problem, ProblemError, Schedule, load_setup, requirement_from_frame, roster_from_store, solve_cpsat, solve_greedy
from callscope.schedule.requirements import NO_SKILL
from callscope.schema.tables import CHANNELS

__all__ = ["Shifts", "schedule_shifts", "roster_for", "template_grid"]


@dataclass
class Shifts:
    best: Schedule  # CP-SAT's, or the greedy one when CP-SAT found none (then `fallback` says why)
    baseline: Schedule
    grid_minutes: int
    coverage: pd.DataFrame  # queue, interval_start, scheduled (mean agents on duty in the plan's interval)
    fallback: str | None = None


def schedule_shifts(plan: pd.DataFrame, interval_minutes: int, roster, *, templates: Path | None = None, time_limit: float = 30.0, workers: int = 2, seed: int = 0) -> Shifts:
    setup = load_setup(templates)
    grid = math.gcd(interval_minutes, template_grid(setup.templates))
    requirement = requirement_from_frame(_fine_requirement(plan, interval_minutes, grid), source="the plan's requirement")
    problem = Problem(requirement, setup.templates, roster, setup.rules, setup.weights)
    baseline = solve_greedy(problem)
    try:
        best, fallback = solve_cpsat(problem, time_limit=time_limit, workers=workers, seed=seed, hint=baseline), None  # starts from the greedy
    except ProblemError as exc:
        best, fallback = baseline, str(exc)  # the plan still gets a schedule, and says whose
    return Shifts(best, baseline, grid, _coarse_coverage(best, interval_minutes), fallback)


def roster_for(store, channel: str, first_day, last_day):
    """The store's agents employed in the period who may work `channel`."""
    others = set(CHANNELS) - {channel}
    agents = roster_from_store(store, first_day, last_day)
    return [a for a in agents if not (a.skills & others) or channel in a.skills]


def template_grid(templates) -> int:
    """The coarsest grid (minutes) every start, length and break of the templates falls on."""
    values = [t.length for t in templates] + [s for t in templates for s in t.starts]
    values += [v for t in templates for b in t.breaks for v in (b.minutes, b.window_start, b.window_end)]
    return reduce(math.gcd, values, 1440)


def _skill(queue: str) -> str:
    return NO_SKILL if queue == MISSING_LABEL else queue


def _fine_requirement(plan: pd.DataFrame, interval_minutes: int, grid: int) -> pd.DataFrame:
    parts = interval_minutes // grid
    frame = pd.DataFrame({"interval_start": plan.interval_start, "skill": plan.queue.map(_skill), "required": plan.required.astype(float)})
    if parts > 1:
        frame = frame.loc[frame.index.repeat(parts)].reset_index(drop=True)
        frame["interval_start"] += pd.to_timedelta(np.tile(np.arange(parts) * grid, len(plan)), unit="min")
    return frame.assign(interval_minutes=grid)


def _coarse_coverage(best: Schedule, interval_minutes: int) -> pd.DataFrame:
    table = best.coverage_table()
    if "skill" not in table:
        table["skill"] = NO_SKILL
    table["interval_start"] = table.interval_start.dt.floor(f"{interval_minutes}min")
    out = table.groupby(["skill", "interval_start"], as_index=False).scheduled.mean()
    out["queue"] = out.skill.replace({NO_SKILL: MISSING_LABEL})
    return out[["queue", "interval_start", "scheduled"]]
