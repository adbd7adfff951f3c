"""Scheduling benchmark: a week of 15-minute intervals, 200 agents, the shipped shift templates.

The requirement has a contact-centre shape: open 07:00–22:00, a late-morning peak and a smaller
mid-afternoon one, Monday busiest and Sunday quietest (about 4,900 agent-hours, peak ~115 agents).
Both methods run in the same process on the same problem: the greedy baseline first, then CP-SAT
(2 workers, warm-started from the greedy schedule) with a time limit. Printed: each method's
objective and time, CP-SAT's status, best bound and gap, and the ratio of objectives greedy / CP-SAT.

    python -m bench.schedule [--time-limit 90] [--agents 200]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from callscope.schedule import Problem, generic_roster, load_setup, requirement_from_frame, solve_cpsat, solve_greedy

__all__ = ["main", "week_requirement"]


def week_requirement(agents: int, rng: np.random.Generator) -> pd.DataFrame:
    """Required agents per 15 minutes for Mon 2024-03-04 … Sun, scaled to what `agents` can staff."""
    times = pd.date_range("2024-03-04", periods=7 * 96, freq="15min")
    hour = (times.hour + times.minute / 60).to_numpy()
    shape = np.exp(-(((hour - 10.5) / 2.2) ** 2)) + 0.8 * np.exp(-(((hour - 15) / 2.5) ** 2)) + 0.3 * np.exp(-(((hour - 20) / 1.5) ** 2))
    day = np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.6, 0.45])[times.dayofweek.to_numpy()]
    noise = rng.normal(0, 1, len(times)).clip(-1.5, 1.5)
    required = np.ceil(shape * day * agents * 0.48 + noise).clip(0)
    required[(hour < 7) | (hour >= 22)] = 0
    return pd.DataFrame({"interval_start": times, "interval_minutes": 15, "required": required})


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.schedule")
    parser.add_argument("--time-limit", type=float, default=90.0)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    setup = load_setup()
    frame = week_requirement(args.agents, np.random.default_rng(7))
    problem = Problem(requirement_from_frame(frame), setup.templates, generic_roster(args.agents), setup.rules, setup.weights)
    print(
        f"  week of 15-min intervals: {problem.requirement.intervals} intervals, {args.agents} agents, "
        f"{len(problem.options)} shift options/day, {frame.required.sum() / 4:,.0f} required agent-hours, peak {frame.required.max():.0f}",
        flush=True,
    )
    started = time.perf_counter()
    greedy = solve_greedy(problem)
    greedy_seconds = time.perf_counter() - started
    started = time.perf_counter()
    best = solve_cpsat(problem, time_limit=args.time_limit, workers=args.workers, hint=greedy)
    cpsat_seconds = time.perf_counter() - started

    for label, schedule, seconds in (("greedy baseline", greedy, greedy_seconds), ("CP-SAT", best, cpsat_seconds)):
        k = schedule.kpis()
        print(
            f"  {label:<16} objective {k.objective:9.2f}  under {k.under_hours:7.2f} h  over {k.over_hours:7.2f} h  "
            f"met {k.intervals_met_pct:5.1f}%  paid {k.paid_hours:7.0f} h  shifts {k.shifts}  time {seconds:6.2f} s",
            flush=True,
        )
    info = best.info
    print(
        f"  CP-SAT status {info.status}, best bound {info.best_bound:.2f}, gap {info.gap:.2%}, "
        f"solver time {info.seconds:.1f} s (model build {info.model_seconds:.2f} s, limit {args.time_limit:g} s), "
        f"unassigned shifts {info.unassigned}"
    )
    print(f"  ratio objective greedy / CP-SAT: {greedy.kpis().objective / best.kpis().objective:.2f}×", flush=True)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
