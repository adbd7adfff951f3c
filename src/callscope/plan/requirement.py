"""Steps 2–4, forecast → workload → staff: volume and AHT per queue × interval from
callscope.forecast, agents on the phones from callscope.staffing, then shrinkage.

The forecast's prediction interval at the lowest level is kept next to the volume (calls_lo,
calls_hi). Intervals forecast at 0 contacts need nobody; their AHT does not matter, and an interval
whose forecast AHT is 0 (a slot that never handled a contact) takes the queue's mean AHT.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from callscope.staffing import staff_intervals

__all__ = ["Targets", "forecast_inputs", "size"]


@dataclass(frozen=True)
class Targets:
    """The service objective and the queue's behaviour (see docs/staffing.md)."""

    sl: float | None = None
    answer_time: float = 20.0
    asa: float | None = None
    max_abandon: float | None = None
    max_occupancy: float | None = None
    patience: float | None = None
    shrinkage: float = 0.0
    concurrency: int = 1
    sl_definition: str = "answered"

    def check(self) -> None:
        """Fail on a bad objective (e.g. an abandonment target without patience) before any forecast."""
        t = self.with_default()
        staff_intervals(1.0, 1800.0, 60.0, sl=t.sl, answer_time=t.answer_time, asa=t.asa, max_abandon=t.max_abandon, max_occupancy=t.max_occupancy, patience=t.patience, shrinkage=t.shrinkage, concurrency=t.concurrency, sl_definition=t.sl_definition)

    def with_default(self) -> "Targets":
        """No target at all: 80 % answered within the answer time, the common default."""
        if self.sl is None and self.asa is None and self.max_abandon is None and self.max_occupancy is None:
            return Targets(**{**self.__dict__, "sl": 0.8})
        return self


def forecast_inputs(fc: pd.DataFrame, *, aht_fallback: float | None = None) -> pd.DataFrame:
    """The forecast (long: series, measure, interval_start, forecast, lo_*, hi_*) → one row per
    queue × interval with calls, calls_lo, calls_hi, aht_s and the models used."""
    lo = next((c for c in fc.columns if c.startswith("lo_")), None)
    volume = fc[fc.measure == "offered"].rename(columns={"series": "queue", "forecast": "calls", "model": "calls_model"})
    volume = volume.assign(calls_lo=volume[lo] if lo else np.nan, calls_hi=volume[lo.replace("lo_", "hi_")] if lo else np.nan)
    volume = volume[["queue", "interval_start", "calls", "calls_lo", "calls_hi", "calls_model"]]
    aht = fc[fc.measure == "aht_s"].rename(columns={"series": "queue", "forecast": "aht_s", "model": "aht_model"})
    if aht.empty:
        if aht_fallback is None:
            raise ValueError("the history has no handle time, so AHT cannot be forecast; give it with --aht SECONDS")
        wide = volume.assign(aht_s=float(aht_fallback), aht_model="given")
    else:
        wide = volume.merge(aht[["queue", "interval_start", "aht_s", "aht_model"]], on=["queue", "interval_start"], how="left")
    wide["calls"] = wide["calls"].clip(lower=0.0)
    return _fill_aht(wide).sort_values(["interval_start", "queue"], ignore_index=True)


def _fill_aht(wide: pd.DataFrame) -> pd.DataFrame:
    """AHT ≤ 0 or missing → the queue's volume-weighted mean AHT over the horizon."""
    good = wide.aht_s > 0
    weight = wide.calls.where(good, 0.0)
    mean = (wide.aht_s.where(good, 0.0) * weight).groupby(wide.queue).sum() / weight.groupby(wide.queue).sum()
    plain = wide.aht_s.where(good).groupby(wide.queue).mean()
    fallback = wide.queue.map(mean.fillna(plain))
    wide["aht_s"] = wide.aht_s.where(good, fallback)
    missing = wide.aht_s.isna() & (wide.calls > 0)
    if missing.any():
        raise ValueError(f"queue {wide.queue[missing].iloc[0]!r}: no AHT could be forecast for any interval; give one with --aht SECONDS")
    return wide


def size(inputs: pd.DataFrame, interval_minutes: int, targets: Targets) -> pd.DataFrame:
    """Agents on the phones per queue × interval (callscope.staffing.staff_intervals) and the
    agents to schedule after shrinkage."""
    t = targets.with_default()
    frame = pd.DataFrame({"calls": inputs.calls.to_numpy(float), "aht": inputs.aht_s.fillna(1.0).to_numpy(float)})
    frame["interval_s"] = interval_minutes * 60.0
    solved = staff_intervals(
        frame,
        sl=t.sl,
        answer_time=t.answer_time,
        asa=t.asa,
        max_abandon=t.max_abandon,
        max_occupancy=t.max_occupancy,
        patience=t.patience,
        shrinkage=t.shrinkage,
        concurrency=t.concurrency,
        sl_definition=t.sl_definition,
    )
    out = inputs.copy()
    out["erlangs"] = solved["load"].to_numpy()
    out["agents"] = solved["agents"].to_numpy()
    for name in ("service_level", "asa", "occupancy", "p_abandon"):
        out[name] = np.where(out.calls > 0, solved[name].to_numpy(), np.nan)
    out["required"] = solved["scheduled_agents"].to_numpy()
    return out
