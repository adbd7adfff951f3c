"""Shift scheduling: cover a per-interval staffing requirement with agents' shifts.

    setup = load_setup()                                   # templates, rules, weights
    problem = Problem(read_requirements("req.csv"), setup.templates, generic_roster(40), setup.rules, setup.weights)
    best = solve_cpsat(problem, time_limit=30)             # the optimiser (OR-Tools CP-SAT)
    baseline = solve_greedy(problem)                       # the greedy baseline
    best.kpis(), best.info.gap, best.shifts_table(), best.coverage_table()
"""

from callscope.schedule.config import Setup, load_setup
from callscope.schedule.cpsat import solve_cpsat
from callscope.schedule.greedy import solve_greedy
from callscope.schedule.problem import Problem, ProblemError, Weights
from callscope.schedule.requirements import Requirement, RequirementError, read_requirements, requirement_from_frame
from callscope.schedule.result import Assignment, Kpis, Schedule, SolveInfo
from callscope.schedule.rules import Agent, RosterError, WeeklyRules, generic_roster, read_roster, roster_from_frame, roster_from_store
from callscope.schedule.templates import ShiftTemplate, TemplateError

__all__ = [
    "Setup",
    "load_setup",
    "solve_cpsat",
    "solve_greedy",
    "Problem",
    "ProblemError",
    "Weights",
    "Requirement",
    "RequirementError",
    "read_requirements",
    "requirement_from_frame",
    "Assignment",
    "Kpis",
    "Schedule",
    "SolveInfo",
    "Agent",
    "RosterError",
    "WeeklyRules",
    "generic_roster",
    "read_roster",
    "roster_from_frame",
    "roster_from_store",
    "ShiftTemplate",
    "TemplateError",
]
