"""Hand the coverage model's counted shifts to named agents, keeping each agent's own rules.

For a class of one agent the counts already are that agent's shifts (the class rules are the
agent's rules). For a larger class of interchangeable agents the shifts are first handed out day
by day, earliest start first, each to the agent who may take it and has the fewest spare days
left in the week (then the longest rest). If that leaves a shift or a minimum-hours rule
unmet, a CP-SAT model starting from that hand-out decides: x[a, d, o] with Σ_a x = count −
missed, each agent's weekly rules on its x, missed shifts (weighted by paid minutes) minimised.
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
from ortools.sat.python import cp_model

from callscope.schedule.constraints import add_weekly_rules
from callscope.schedule.ledger import Ledger
from callscope.schedule.problem import Problem, ProblemError
from callscope.schedule.result import Assignment

__all__ = ["assign_agents"]


def assign_agents(
    problem: Problem,
    classes: list[list[int]],
    counts: dict[tuple[int, int, int], int],
    placements: dict[tuple[int, int, int, int], list[int]],
    *,
    time_limit: float,
    workers: int,
    seed: int,
) -> tuple[list[Assignment], int, float]:
    """(assignments with breaks, shifts that could not be placed, seconds spent solving)."""
    started = time.perf_counter()
    by_class: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
    for (c, d, o), n in counts.items():
        by_class[c][d, o] = n
    crowded = sum(len(classes[c]) for c in by_class if len(classes[c]) > 1)
    shifts: list[tuple[int, int, int]] = []  # (agent, day, option)
    missed = 0
    for c, wanted in sorted(by_class.items()):
        members = classes[c]
        if len(members) == 1:
            shifts += [(members[0], d, o) for (d, o) in wanted]
            continue
        ledger = Ledger(problem)
        if _hand_out(problem, ledger, members, wanted):
            shifts += ledger.shifts
            continue
        budget = max(1.0, time_limit * len(members) / crowded)
        placed, lost = _solve_class(problem, members, wanted, ledger.shifts, budget, workers, seed)
        shifts += placed
        missed += lost
    return _with_breaks(problem, shifts, placements), missed, time.perf_counter() - started


def _hand_out(problem: Problem, ledger: Ledger, members: list[int], wanted: dict[tuple[int, int], int]) -> bool:
    """Book the wanted shifts one by one; True when every shift and every minimum is met."""
    agents, complete = np.array(members), True
    options = problem.options
    for (d, o), n in sorted(wanted.items(), key=lambda item: (item[0][0], options[item[0][1]].start_minute, item[0][1])):
        week = problem.weeks()[ledger.week_of[d]]
        for _ in range(n):
            free = ledger.can_take(agents, d, o)
            if not free.size:
                complete = False
                continue
            spare = (week[-1] - d + 1) - ledger.days_left(free, d)  # days the agent could still skip
            rested = np.nan_to_num(ledger.ends[free, d - 1], nan=-1e9) if d else np.zeros(len(free))
            ledger.book(free[np.lexsort((rested, spare))[0]], d, o)
    for a in members:
        rules = problem.agent_rules[a]
        for w, week in enumerate(problem.weeks()):
            if rules.min_hours > 0 and len(week) == 7 and ledger.week_minutes[a, w] < rules.min_hours * 60:
                complete = False
    return complete


def _solve_class(
    problem: Problem, members: list[int], wanted: dict[tuple[int, int], int], start: list[tuple[int, int, int]], time_limit: float, workers: int, seed: int
) -> tuple[list[tuple[int, int, int]], int]:
    model = cp_model.CpModel()
    x = {(a, d, o): model.new_bool_var(f"x_{a}_{d}_{o}") for a in members for (d, o) in wanted}
    started = set(start)
    for key, var in x.items():
        model.add_hint(var, key in started)
    for a in members:
        by_day = [[] for _ in range(problem.days)]
        for (d, o) in wanted:
            by_day[d].append((o, x[a, d, o]))
        add_weekly_rules(model, problem, a, by_day)
    missing = []
    for (d, o), n in wanted.items():
        miss = model.new_int_var(0, n, f"miss_{d}_{o}")
        model.add(sum(x[a, d, o] for a in members) + miss == n)
        missing.append((int(problem.paid_minutes[o]), miss))
    model.minimize(sum(minutes * miss for minutes, miss in missing))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        agents = ", ".join(problem.agents[a].agent_id for a in members[:5])
        raise ProblemError(
            f"agents {agents}…: their minimum weekly hours cannot be met with the shifts the coverage needs; "
            "lower min_hours or allow more templates"
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ProblemError(f"CP-SAT could not hand the shifts to agents within {time_limit:g} s; raise the time limit")
    placed = [key for key, var in x.items() if solver.boolean_value(var)]
    return placed, sum(solver.value(miss) for _, miss in missing)


def _with_breaks(problem: Problem, shifts: list[tuple[int, int, int]], placements: dict) -> list[Assignment]:
    """Give the agents on each (group, day, option) the break offsets the coverage model chose."""
    together: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for a, d, o in sorted(shifts):
        together[int(problem.group_of[a]), d, o].append(a)
    assignments = []
    for (g, d, o), agents in together.items():
        offsets = [placements[g, d, o, b] for b in range(len(problem.options[o].breaks))]
        for i, a in enumerate(agents):
            assignments.append(Assignment(a, d, o, tuple(placed[i] for placed in offsets)))
    return assignments
