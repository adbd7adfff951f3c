"""The optimiser: OR-Tools CP-SAT, in two models solved one after the other.

1. Coverage model — integer n[c, d, o] = agents of class c (interchangeable agents: same skills,
   cost, rules and availability) working shift option o on day d. Each break's placements are
   counted per skill group, y[g, d, o, b, k] with Σ_k y = Σ_c n, and an agent with several skills
   is allocated to one of them per interval (w[g, q, t]). The weekly rules enter as the sum of the
   class members' rules (see constraints.py), so this model is a relaxation of the per-agent
   problem: its best bound is a lower bound for any schedule, and the reported gap is measured
   against it. Objective, in integers: under × under-staffed agent-hours + over × over-staffed
   agent-hours + cost × paid cost, from slacks of 100·coverage + under − over = 100·required.
2. Assignment model (assign.py) — hands the counted shifts to named agents under each agent's own
   rules. When it cannot place every counted shift, the leftover is reported and the schedule is
   scored as it is.

Counting instead of deciding per agent keeps the search away from the symmetry of hundreds of
identical agents: for 200 agents over a week the coverage model has a few thousand integer
variables instead of ~60,000 booleans that CP-SAT, on two cores, could not even find a first
solution for in a minute.
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
from ortools.sat.python import cp_model

from callscope.schedule.assign import assign_agents
from callscope.schedule.constraints import add_weekly_rules
from callscope.schedule.greedy import solve_greedy
from callscope.schedule.problem import Problem, ProblemError
from callscope.schedule.result import Schedule, SolveInfo

__all__ = ["solve_cpsat", "REQ_SCALE", "OBJ_SCALE"]

REQ_SCALE = 100  # requirement and slack in hundredths of an agent
OBJ_SCALE = 10_000  # objective in ten-thousandths of a point
COVERAGE_SHARE = 0.9  # of the time limit, for the coverage model; the rest is for the assignment


def solve_cpsat(
    problem: Problem,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    hint: Schedule | None = None,
    log: bool = False,
) -> Schedule:
    """Solve `problem` in about `time_limit` seconds; the result carries the status, gap and times.

    The search starts from `hint`, by default the greedy baseline's schedule: with few workers
    CP-SAT can spend long on bounds before it finds any schedule of its own (minimum hours make
    the empty schedule infeasible), and a start guarantees an answer at least as good."""
    started = time.perf_counter()
    cover = CoverageModel(problem)
    cover.add_hint(hint if hint is not None else solve_greedy(problem))
    model_seconds = time.perf_counter() - started
    solver = new_solver(time_limit * COVERAGE_SHARE, workers, seed, log)
    status = solver.solve(cover.model)
    if status == cp_model.INFEASIBLE:
        raise ProblemError(
            "no schedule keeps every rule: the agents' minimum hours, days off, rest and availability contradict "
            "each other; relax min_hours or widen availability"
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ProblemError(f"CP-SAT found no schedule within {time_limit:g} s (status {solver.status_name(status)}); raise the time limit")
    counts, placements = cover.read(solver)
    remaining = max(time_limit - solver.wall_time, time_limit * (1 - COVERAGE_SHARE))
    assignments, unassigned, assign_seconds = assign_agents(
        problem, cover.classes, counts, placements, time_limit=remaining, workers=workers, seed=seed
    )
    schedule = Schedule.from_assignments(problem, assignments, cover.shares(solver) if not unassigned else None)
    objective, bound = schedule.kpis().objective, solver.best_objective_bound / OBJ_SCALE
    proven = status == cp_model.OPTIMAL and not unassigned
    gap = 0.0 if proven or objective <= 0 else max(0.0, (objective - bound) / objective)
    schedule.info = SolveInfo(
        "cpsat",
        "OPTIMAL" if proven else "FEASIBLE",
        solver.wall_time + assign_seconds,
        objective,
        bound,
        gap,
        model_seconds,
        unassigned,
    )
    return schedule


def new_solver(time_limit: float, workers: int, seed: int, log: bool) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    solver.parameters.log_search_progress = log
    return solver


class CoverageModel:
    def __init__(self, problem: Problem):
        self.problem = p = problem
        self.model = cp_model.CpModel()
        self.classes = p.agent_classes()
        self.objective: list = []
        self.n: dict[tuple[int, int, int], cp_model.IntVar] = {}
        for c, members in enumerate(self.classes):
            lead = members[0]
            by_day = []
            for d in range(p.days):
                day = []
                for o in np.flatnonzero(p.eligible[lead, d]):
                    self.n[c, d, int(o)] = var = self.model.new_int_var(0, len(members), f"n_{c}_{d}_{o}")
                    day.append((int(o), var))
                    self.objective.append(round(p.weights.cost * p.cost[lead, o] * OBJ_SCALE) * var)
                by_day.append(day)
            add_weekly_rules(self.model, p, lead, by_day, size=len(members))
        self.y = self._placements()
        self.w: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.slack: dict[tuple[int, int], tuple] = {}
        self._coverage()
        self.model.minimize(sum(self.objective))

    def _placements(self) -> dict[tuple[int, int, int, int], list]:
        """y[g, d, o, b]: how many of the group's agents on (d, o) take break b at each allowed offset."""
        p, y = self.problem, {}
        self.on_shift: dict[tuple[int, int, int], list] = defaultdict(list)  # (group, day, option) → class counts
        most: dict[tuple[int, int, int], int] = defaultdict(int)
        for (c, d, o), var in self.n.items():
            g = int(p.group_of[self.classes[c][0]])
            self.on_shift[g, d, o].append(var)
            most[g, d, o] += len(self.classes[c])
        for (g, d, o), counts in self.on_shift.items():
            for b, brk in enumerate(p.options[o].breaks):
                parts = [self.model.new_int_var(0, most[g, d, o], f"y_{g}_{d}_{o}_{b}_{k}") for k in brk.offsets]
                self.model.add(sum(parts) == sum(counts))
                y[g, d, o, b] = parts
        return y

    def _on_duty_terms(self) -> dict[tuple[int, int], list]:
        """For each (group, interval): the variables of agents on shift (+) and on a break (−)."""
        p, horizon = self.problem, self.problem.requirement.intervals
        terms: dict[tuple[int, int], list] = defaultdict(list)
        for (g, d, o), counts in self.on_shift.items():
            option = p.options[o]
            first = d * p.requirement.per_day + option.start_slot
            for t in range(first, min(first + option.slots, horizon)):
                terms[g, t].extend(counts)
            for b, brk in enumerate(option.breaks):
                for k, part in zip(brk.offsets, self.y[g, d, o, b]):
                    for t in range(first + k, min(first + k + brk.slots, horizon)):
                        terms[g, t].append(-part)
        return terms

    def _coverage(self) -> None:
        p, req = self.problem, self.problem.requirement
        cover: dict[tuple[int, int], list] = defaultdict(list)
        for (g, t), terms in self._on_duty_terms().items():
            skills = p.groups[g]
            if len(skills) == 1:
                cover[skills[0], t].extend(terms)
                continue
            size = int((p.group_of == g).sum())
            shares = [self.model.new_int_var(0, size, f"w_{g}_{q}_{t}") for q in skills]
            self.model.add(sum(shares) == sum(terms))
            for q, share in zip(skills, shares):
                self.w[g, q, t] = share
                cover[q, t].append(share)
        under = round(p.weights.under * req.interval_hours * OBJ_SCALE / REQ_SCALE)
        over = round(p.weights.over * req.interval_hours * OBJ_SCALE / REQ_SCALE)
        needed = np.rint(req.required * REQ_SCALE).astype(int)
        for q in range(len(req.skills)):
            for t in range(req.intervals):
                terms, need = cover.get((q, t)), int(needed[q, t])
                if not terms:
                    self.objective.append(under * need)  # nobody can work then: a constant shortfall
                    continue
                short = self.model.new_int_var(0, need, f"u_{q}_{t}")
                excess = self.model.new_int_var(0, REQ_SCALE * len(p.agents), f"v_{q}_{t}")
                self.model.add(REQ_SCALE * sum(terms) + short - excess == need)
                self.slack[q, t] = (short, excess)
                self.objective += [under * short, over * excess]

    # -- warm start and read-out ---------------------------------------------------------------
    def add_hint(self, hint: Schedule) -> None:
        """Start the search from another schedule (e.g. the greedy one): every variable gets its value."""
        p = self.problem
        class_of = {a: c for c, members in enumerate(self.classes) for a in members}
        counts: dict[tuple, int] = defaultdict(int)
        for a in hint.assignments:
            counts["n", class_of[a.agent], a.day, a.option] += 1
            for b, offset in enumerate(a.breaks):
                counts["y", p.group_of[a.agent], a.day, a.option, b, offset] += 1
        for (c, d, o), var in self.n.items():
            self.model.add_hint(var, counts["n", c, d, o])
        for (g, d, o, b), parts in self.y.items():
            for k, part in zip(p.options[o].breaks[b].offsets, parts):
                self.model.add_hint(part, counts["y", g, d, o, b, k])
        for (g, q, t), var in self.w.items():
            self.model.add_hint(var, int(hint.served[g, q, t]))
        needed = np.rint(p.requirement.required * REQ_SCALE).astype(int)
        coverage = hint.coverage * REQ_SCALE
        for (q, t), (short, excess) in self.slack.items():
            self.model.add_hint(short, max(0, needed[q, t] - coverage[q, t]))
            self.model.add_hint(excess, max(0, coverage[q, t] - needed[q, t]))

    def read(self, solver: cp_model.CpSolver) -> tuple[dict, dict]:
        """Agents per (class, day, option) and break offsets per (group, day, option, break)."""
        counts = {key: solver.value(var) for key, var in self.n.items() if solver.value(var)}
        placements = {}
        for (g, d, o, b), parts in self.y.items():
            offsets = self.problem.options[o].breaks[b].offsets
            placements[g, d, o, b] = [k for k, part in zip(offsets, parts) for _ in range(solver.value(part))]
        return counts, placements

    def shares(self, solver: cp_model.CpSolver) -> dict[tuple[int, int, int], int]:
        """Agents of multi-skill group g serving skill q in interval t."""
        return {key: solver.value(var) for key, var in self.w.items()}
