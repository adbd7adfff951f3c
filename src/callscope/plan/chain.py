"""The planning chain for a period, end to end (ICMI's steps, seed 004):

    objective (Targets) → history → forecast → workload → base staff → shrinkage → schedules → check

Each step is another module's work; this file only passes one step's output to the next and
collects the figures the summary reports. `make_plan(store, settings)` → `Plan`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from callscope.forecast import DEFAULT_MODELS, forecast
from callscope.forecast.models import BASELINE
from callscope.plan.check import SimulationMissing, available_agents, erlang_check, simulate
from callscope.plan.history import load_history
from callscope.plan.period import Period
from callscope.plan.requirement import Targets, forecast_inputs, size
from callscope.plan.shifts import Shifts, roster_for, schedule_shifts
from callscope.schedule import generic_roster

__all__ = ["Settings", "Plan", "make_plan", "PLAN_COLUMNS"]

# plan.csv / plan.xlsx, one row per queue × interval (see docs/plan.md)
PLAN_COLUMNS = (
    "interval_start", "queue", "channel", "calls", "calls_lo", "calls_hi", "aht_s", "erlangs", "agents",
    "service_level", "asa_s", "occupancy", "p_abandon", "required", "scheduled", "gap", "scheduled_sl",
)  # fmt: skip


@dataclass(frozen=True)
class Settings:
    period: Period
    interval_minutes: int = 30
    channel: str = "voice"
    queues: tuple[str, ...] = ()
    history: str = "auto"  # auto | interactions | intervals
    stats_source: str | None = None
    volume: str = "offered"
    retry_window_minutes: float | None = 30
    targets: Targets = field(default_factory=Targets)
    aht: float | None = None  # fallback when the history has no handle time
    backtest_weeks: float = 4
    train_weeks: float | None = 8
    models: tuple[str, ...] = DEFAULT_MODELS
    schedule: bool = True
    headcount: int | None = None
    templates: Path | None = None
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    simulate: bool = True
    replications: int = 20


@dataclass
class Plan:
    table: pd.DataFrame  # PLAN_COLUMNS (+ sim_* when simulated)
    accuracy: pd.DataFrame  # per queue × measure: chosen model vs seasonal-naive
    settings: Settings
    history_source: str
    notes: list = field(default_factory=list)  # forecast notes (callscope.forecast.Note)
    shifts: Shifts | None = None
    schedule_skipped: str | None = None  # message key when no schedule was made
    simulation: str = "off"  # off | ran | missing
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def first_day(self):
        return self.table.interval_start.min().date()

    @property
    def last_day(self):
        return self.table.interval_start.max().date()


def make_plan(store, settings: Settings) -> Plan:
    clock = _Clock()
    s = settings
    s.targets.check()
    hist = load_history(
        store, interval_minutes=s.interval_minutes, channel=s.channel, queues=s.queues, source=s.history,
        end=s.period.history_end, retry_window_minutes=s.retry_window_minutes, stats_source=s.stats_source, volume=s.volume,
    )  # fmt: skip
    clock.lap("history")
    horizon = s.period.horizon_after(hist.frame.interval_start.max())
    result = forecast(
        hist.frame, horizon, interval_minutes=s.interval_minutes, backtest_weeks=s.backtest_weeks,
        train_weeks=s.train_weeks, models=s.models, events=hist.events,
    )  # fmt: skip
    clock.lap("forecast")
    inputs = s.period.clip(forecast_inputs(result.forecast, aht_fallback=s.aht))
    if inputs.empty:
        raise ValueError(f"the centre has no open interval in {s.period.first}..{s.period.last} (the history's opening hours); choose another period")
    table = size(inputs, s.interval_minutes, s.targets).assign(channel=s.channel)
    clock.lap("staffing")
    plan = Plan(table, accuracy_table(result.backtest), s, hist.source, notes=list(result.notes))
    _schedule(store, plan, clock)
    _simulate(plan, clock)
    plan.table = _columns(plan.table)
    plan.seconds = clock.laps
    return plan


def accuracy_table(backtest: pd.DataFrame) -> pd.DataFrame:
    """Per queue and measure: the chosen model's wMAPE and MASE next to the seasonal-naive baseline's."""
    columns = ["queue", "measure", "model", "wmape", "mase", "baseline_wmape", "baseline_mase"]
    if backtest.empty or "wmape" not in backtest:
        return pd.DataFrame(columns=columns)
    chosen = backtest[backtest.chosen].set_index(["series", "measure"])
    base = backtest[backtest.model == BASELINE].set_index(["series", "measure"])[["wmape", "mase"]].add_prefix("baseline_")
    table = chosen[["model", "wmape", "mase"]].join(base).reset_index().rename(columns={"series": "queue"})
    return table.reindex(columns=columns)


def _schedule(store, plan: Plan, clock: "_Clock") -> None:
    s, table = plan.settings, plan.table
    if not s.schedule:
        plan.schedule_skipped = "schedule_off"
        return
    roster = generic_roster(s.headcount) if s.headcount else _store_roster(store, plan)
    if not roster:
        plan.schedule_skipped = "no_roster"
        return
    shifts = schedule_shifts(table, s.interval_minutes, roster, templates=s.templates, time_limit=s.time_limit, workers=s.workers, seed=s.seed)
    merged = table.merge(shifts.coverage, on=["queue", "interval_start"], how="left")
    table["scheduled"] = merged.scheduled.fillna(0.0).to_numpy()
    table["gap"] = table.scheduled - table.required
    table["scheduled_sl"] = erlang_check(table, s.interval_minutes, available_agents(table.scheduled, s.targets.shrinkage), s.targets)
    plan.shifts = shifts
    clock.lap("schedule")


def _store_roster(store, plan: Plan):
    if not store.count("agents"):
        return []
    return roster_for(store, plan.settings.channel, plan.first_day, plan.last_day)


def _simulate(plan: Plan, clock: "_Clock") -> None:
    s, table = plan.settings, plan.table
    if not s.simulate:
        return
    agents = available_agents(table.scheduled, s.targets.shrinkage) if plan.shifts else table.agents.to_numpy()
    try:
        sim = simulate(table, s.interval_minutes, agents, s.targets, replications=s.replications, seed=s.seed)
    except SimulationMissing:
        plan.simulation = "missing"
        return
    plan.table = pd.concat([table, sim], axis=1)
    plan.simulation = "ran"
    clock.lap("simulation")


def _columns(table: pd.DataFrame) -> pd.DataFrame:
    table = table.rename(columns={"asa": "asa_s"})
    for name in ("scheduled", "gap", "scheduled_sl"):
        if name not in table:
            table[name] = np.nan
    extra = [c for c in table.columns if c.startswith("sim_")]
    out = table[list(PLAN_COLUMNS) + extra].sort_values(["interval_start", "queue"], ignore_index=True)
    out["agents"] = out.agents.astype("int64")
    out["required"] = out.required.astype("int64")
    return out


class _Clock:
    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now
