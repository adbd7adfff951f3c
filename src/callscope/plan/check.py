"""Step 6, check: the service the scheduled staff will give.

* Erlang (always): callscope.staffing.evaluate_intervals at the agents the schedule puts on the
  phones — on duty × (1 − shrinkage), rounded down.
* Simulation (optional): `callscope.simulate.check_staffing`, replications with confidence
  intervals per interval. It is imported only when asked for; when the module is not installed the
  step is skipped with a message (`SimulationMissing`), never replaced by something else.
"""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd

from callscope.staffing import evaluate_intervals

__all__ = ["available_agents", "erlang_check", "simulate", "SimulationMissing", "SIM_MEASURES"]

SIM_MEASURES = ("service_level", "asa", "abandon_rate")
_SLACK = 1e-9


class SimulationMissing(RuntimeError):
    """callscope.simulate (check_staffing) is not installed in this tree."""


def available_agents(scheduled: pd.Series, shrinkage: float) -> np.ndarray:
    """Agents on the phones from agents on duty: shrinkage removes the rest, whole agents only."""
    return np.floor(scheduled.to_numpy(float) * (1.0 - shrinkage) + _SLACK).astype(np.int64)


def erlang_check(plan: pd.DataFrame, interval_minutes: int, agents: np.ndarray, targets) -> pd.Series:
    """Service level (or, without an SL target, ASA) per interval at the given agents."""
    t = targets.with_default()
    frame = pd.DataFrame({"calls": plan.calls.to_numpy(float), "aht": plan.aht_s.fillna(1.0).to_numpy(float)})
    frame["interval_s"] = interval_minutes * 60.0
    result = evaluate_intervals(frame, agents=agents, answer_time=t.answer_time, patience=t.patience, concurrency=t.concurrency, sl_definition=t.sl_definition)
    sl = result.service_level.to_numpy()
    # Erlang C with no more agents than erlangs has no steady state: the queue grows, SL is 0
    unstable = (targets.patience is None) & (agents * t.concurrency <= result.load.to_numpy()) & (plan.calls.to_numpy() > 0)
    sl = np.where(unstable, 0.0, sl)
    return pd.Series(np.where(plan.calls.to_numpy() > 0, sl, np.nan), index=plan.index)


def simulate(plan: pd.DataFrame, interval_minutes: int, agents: np.ndarray, targets, *, replications: int = 20, seed: int = 0) -> pd.DataFrame:
    """sim_service_level, sim_asa, sim_abandon_rate and their _lo/_hi per plan row, per queue."""
    try:
        check_staffing = importlib.import_module("callscope.simulate").check_staffing
    except ModuleNotFoundError as exc:
        if exc.name not in ("callscope.simulate", "callscope"):
            raise  # the simulator is there but something it needs is not: say so, do not hide it
        raise SimulationMissing("callscope.simulate is not installed") from None
    except AttributeError:
        raise SimulationMissing("callscope.simulate has no check_staffing") from None
    t = targets.with_default()
    frames = []
    for _, rows in plan.assign(agents=agents).groupby("queue", sort=False):
        intervals = pd.DataFrame({"interval_start": rows.interval_start, "calls": rows.calls, "aht_s": rows.aht_s.fillna(1.0), "agents": rows.agents})
        result = check_staffing(
            intervals.reset_index(drop=True),
            interval_s=interval_minutes * 60.0,
            answer_time_s=t.answer_time,
            patience_s=t.patience,
            replications=replications,
            seed=seed,
            concurrency=t.concurrency,
        )
        columns = [f"{m}{s}" for m in SIM_MEASURES for s in ("", "_lo", "_hi")]
        frames.append(pd.DataFrame(result[columns].to_numpy(), index=rows.index, columns=[f"sim_{c}" for c in columns]))
    return pd.concat(frames).reindex(plan.index)
