"""The weekly rules as CP-SAT constraints, for one agent or a class of interchangeable agents.

`by_day[d]` lists (shift option, variable) where the variable counts how many of the class's
`size` agents work that option on day d (a 0/1 variable when size is 1). Each rule for one agent,
multiplied by `size`, is a valid constraint on the class's counts: for one agent it is the rule
itself; for a class it is the sum of its members' rules, so the coverage model that uses it is a
relaxation of the per-agent problem, and its bound is a true lower bound.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from callscope.schedule.problem import Problem

__all__ = ["add_weekly_rules"]


def add_weekly_rules(model: cp_model.CpModel, problem: Problem, agent: int, by_day: list[list[tuple]], size: int = 1) -> None:
    """Add `agent`'s weekly rules (shared by its whole class of `size`) over the variables in `by_day`."""
    rules = problem.agent_rules[agent]
    works = [sum(v for _, v in day) for day in by_day]
    for day in by_day:
        if size == 1 and len(day) > 1:
            model.add_at_most_one(v for _, v in day)
        elif size > 1 and day:
            model.add(sum(v for _, v in day) <= size)
    for week in problem.weeks():
        paid = sum(int(problem.paid_minutes[o]) * v for d in week for o, v in by_day[d])
        model.add(sum(works[d] for d in week) <= size * problem.work_days_allowed(agent, week))
        model.add(paid <= size * round(rules.max_hours * 60))
        if rules.min_hours > 0 and len(week) == 7:
            model.add(paid >= size * round(rules.min_hours * 60))
    k = rules.max_consecutive_days
    for first in range(problem.days - k):
        model.add(sum(works[first : first + k + 1]) <= size * k)
    _rest(model, problem, by_day, rules.min_rest_hours * 60, size)


def _rest(model: cp_model.CpModel, problem: Problem, by_day: list[list[tuple]], rest: float, size: int) -> None:
    """Shifts too close together exclude each other. For a threshold θ, every shift ending at or
    after θ conflicts with every shift of a later day starting before θ + rest: one agent works at
    most one of them, so they form a clique (at most `size` for a class)."""
    options = problem.options
    for d, today in enumerate(by_day):
        for later in (d + 1, d + 2):
            if later >= len(by_day) or not today or not by_day[later]:
                continue
            offset = (later - d) * 24 * 60
            previous: frozenset = frozenset()
            for theta in sorted({options[o].end_minute for o, _ in today}):
                early = frozenset(o for o, _ in by_day[later] if offset + options[o].start_minute < theta + rest)
                if early and early != previous:
                    clique = [v for o, v in today if options[o].end_minute >= theta] + [v for o, v in by_day[later] if o in early]
                    if size == 1:
                        model.add_at_most_one(clique)
                    else:
                        model.add(sum(clique) <= size)
                previous = early
