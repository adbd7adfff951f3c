"""The figures a plan is judged by, as plain JSON-able values (printed, and in summary.json/xlsx).

* accuracy: per queue and measure, the chosen model's backtest wMAPE/MASE and seasonal-naive's;
* workload: forecast contacts, agent-hours on the phones (Σ agents × interval) and to schedule
  (Σ required × interval), the peak interval's requirement;
* service: the volume-weighted service level the requirement gives, and the schedule's (Erlang);
* schedule: status, optimality gap, coverage = Σ min(scheduled, required) / Σ required over the
  plan's intervals, under/over-staffed agent-hours, met intervals, paid hours, greedy's objective;
* simulation: whether it ran, and its volume-weighted service level and abandonment.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from callscope.schedule.output import summary as schedule_summary

__all__ = ["plan_summary"]


def plan_summary(plan) -> dict:
    s, t = plan.settings, plan.table
    hours = s.interval_minutes / 60
    totals = t.groupby("interval_start")[["calls", "agents", "required"]].sum()
    peak = totals.required.idxmax()
    return {
        "period": {"first": plan.first_day.isoformat(), "last": plan.last_day.isoformat(), "interval_minutes": s.interval_minutes},
        "channel": s.channel,
        "queues": sorted(t.queue.unique().tolist()),
        "history": plan.history_source,
        "targets": _targets(s.targets),
        "accuracy": _records(plan.accuracy),
        "calls": _round(t.calls.sum(), 1),
        "agent_hours": _round(t.agents.sum() * hours, 2),
        "required_hours": _round(t.required.sum() * hours, 2),
        "peak": {"interval_start": peak.isoformat(sep=" "), "required": int(totals.required.max()), "agents": int(totals.agents.loc[peak]), "calls": _round(totals.calls.loc[peak], 1)},
        "service_level": _weighted(t, "service_level"),
        "schedule": _schedule(plan),
        "simulation": _simulation(plan),
        "seconds": plan.seconds,
    }


def _targets(targets) -> dict:
    t = targets.with_default()
    return {k: v for k, v in t.__dict__.items() if v is not None}


def _schedule(plan) -> dict:
    if plan.shifts is None:
        return {"status": "skipped", "reason": plan.schedule_skipped}
    t = plan.table
    covered = np.minimum(t.scheduled, t.required).sum()
    figures = schedule_summary(plan.shifts.best)
    keep = ("status", "objective", "gap", "best_bound", "solve_seconds", "under_hours", "over_hours", "intervals_met_pct", "paid_hours", "shifts", "agents_used", "unassigned_shifts")
    return {
        **{k: figures[k] for k in keep},
        "coverage": _round(covered / t.required.sum(), 4) if t.required.sum() else None,
        "service_level": _weighted(t, "scheduled_sl"),
        "grid_minutes": plan.shifts.grid_minutes,
        "greedy_objective": schedule_summary(plan.shifts.baseline)["objective"],
        "cpsat_failed": plan.shifts.fallback,
    }


def _simulation(plan) -> dict:
    if plan.simulation != "ran":
        return {"status": plan.simulation}
    t = plan.table
    return {"status": "ran", "service_level": _weighted(t, "sim_service_level"), "abandon_rate": _weighted(t, "sim_abandon_rate"), "replications": plan.settings.replications}


def _weighted(t: pd.DataFrame, column: str) -> float | None:
    """The contact-weighted mean of a per-interval share (intervals with no contacts weigh 0)."""
    use = t[column].notna() & (t.calls > 0)
    if not use.any():
        return None
    return _round(float((t[column][use] * t.calls[use]).sum() / t.calls[use].sum()), 4)


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and math.isnan(v) else _round(v, 4) if isinstance(v, float) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _round(value, digits: int):
    return None if value is None or value != value else round(float(value), digits)
