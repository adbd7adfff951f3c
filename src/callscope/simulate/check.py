"""`check_staffing`: the planning helper's question — does this per-interval staffing meet the
service the Erlang formulas promised, once arrivals are random and queues carry over between
intervals?"""

from __future__ import annotations

import pandas as pd

from callscope.simulate.distributions import Distribution
from callscope.simulate.errors import fail
from callscope.simulate.model import AgentGroup, Centre, Queue
from callscope.simulate.run import simulate

__all__ = ["check_staffing", "CHECK_COLUMNS"]

_REQUIRED = ("interval_start", "calls", "aht_s", "agents")
CHECK_COLUMNS = tuple(f"{m}{s}" for m in ("service_level", "asa", "abandon_rate") for s in ("", "_lo", "_hi"))


def check_staffing(
    intervals: pd.DataFrame,
    *,
    interval_s: float,
    answer_time_s: float,
    patience_s: float | None = None,
    replications: int = 20,
    seed: int = 0,
    concurrency: int = 1,
    sl_definition: str = "answered",
    patience: Distribution | None = None,
) -> pd.DataFrame:
    """Simulate one queue through `intervals` (columns interval_start, calls = expected arrivals,
    aht_s = mean handle time incl. wrap-up, agents on the phones), starting empty and carrying the
    queue across interval boundaries. Poisson arrivals, exponential handle times, exponential
    patience of mean `patience_s` (None: nobody abandons; `patience` picks another shape).

    Returns one row per interval: interval_start, service_level, asa, abandon_rate, each with a
    99 % Student-t interval (`_lo`, `_hi`) over the replications, plus p_wait and the mean counts
    offered, answered, abandoned."""
    missing = [c for c in _REQUIRED if c not in intervals.columns]
    if missing:
        raise fail("missing_columns", missing=", ".join(missing), required=", ".join(_REQUIRED))
    centre = Centre(
        interval_s=interval_s,
        queues=[
            Queue(
                "queue",
                calls=intervals["calls"].to_numpy(dtype=float),
                aht_s=intervals["aht_s"].to_numpy(dtype=float),
                patience_s=patience_s,
                patience=patience or Distribution(),
            )
        ],
        groups=[AgentGroup("agents", ["queue"], intervals["agents"].to_numpy(dtype=float), concurrency=concurrency)],
        answer_time_s=answer_time_s,
        sl_definition=sl_definition,
    )
    result = simulate(centre, replications=replications, seed=seed, confidence_level=0.99)
    out = result.intervals.drop(columns=["queue", "interval", "interval_start_s"])
    out.insert(0, "interval_start", intervals["interval_start"].to_numpy())
    return out.reset_index(drop=True)
