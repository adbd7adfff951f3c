"""Bottlenecks: intervals where callers gave up far more than usual, or where fewer agents were on
the phones than the workload needed.

For every interval of the period (voice contacts unless the filters name channels):
  workload   offered contacts and AHT from the KPI engine (the period's AHT where the interval had
             no handled contact);
  required   the fewest agents meeting the service-level target for that workload, by Erlang C
             (`callscope.staffing.staff_intervals`); the target is the SL target that applies to
             the filtered contacts (e.g. 80% in 20 s for channel=voice), else 80% in the KPI
             option answer_time_s;
  agents     from agent_states, the average number of agents logged in (any state but offline)
             and ready (on a contact, in after-call work or available) during the interval, over
             the teams that answered these contacts in the period — the utilisation and occupancy
             denominators of the KPI engine divided by the interval's length;
  shortfall  required − ready; the interval is understaffed when shortfall ≥ min_shortfall;
  spike      the abandonment rate's robust z against the same slot in earlier weeks (anomalies.py)
             is at least `threshold` above.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from callscope.config import Config, load_config
from callscope.diagnose.anomalies import anomalies
from callscope.diagnose.common import as_period, normalise_filters
from callscope.diagnose.targets import find_target, targets_in_effect
from callscope.kpi import Period, compute
from callscope.kpi.catalogue import OPTIONS
from callscope.kpi.dims import GRAIN_MINUTES
from callscope.staffing import staff_intervals
from callscope.store import Store

__all__ = ["bottlenecks", "BOTTLENECK_GRAINS", "COLUMNS"]

BOTTLENECK_GRAINS = ("interval15", "interval30", "interval60", "hour")
COLUMNS = [
    "start", "offered", "aht", "abandonment_rate", "expected_abandonment", "abandonment_z",
    "agents_required", "agents_ready", "agents_logged_in", "shortfall", "abandon_spike", "understaffed",
]
DEFAULT_SL = 0.8


def bottlenecks(
    store: Store,
    period: str | Period | None,
    *,
    grain: str = "interval30",
    history_weeks: int = 8,
    threshold: float = 3.0,
    filters: dict | None = None,
    sl: float | None = None,
    answer_time: float | None = None,
    concurrency: int = 1,
    min_shortfall: float = 1.0,
    flagged_only: bool = True,
    config: Config | str | Path | None = None,
    targets: str | Path | None = None,
) -> pd.DataFrame:
    """Intervals with an abandonment spike or a staffing shortfall (see the module doc); with
    `flagged_only=False`, every interval of the period that had contacts or agents."""
    if grain not in BOTTLENECK_GRAINS:
        raise ValueError(f"unknown grain {grain!r} for bottlenecks; use {', '.join(BOTTLENECK_GRAINS)} (staffing is per interval)")
    config = config if isinstance(config, Config) else load_config(config)
    period = as_period(store, period)
    filters = normalise_filters(filters)
    filters.setdefault("channel", ["voice"])
    common = dict(config=config, targets=targets)
    sl, answer_time = _service_target(store, period, filters, config, targets, sl, answer_time)
    interval_s = 60.0 * GRAIN_MINUTES.get(grain, 60)
    frame, period_aht = _workload(store, period, grain, filters, common)
    frame = frame.merge(_agents(store, period, grain, filters, common, interval_s), on="start", how="outer")
    frame[["offered", "agents_ready", "agents_logged_in"]] = frame[["offered", "agents_ready", "agents_logged_in"]].fillna(0.0)
    frame["aht"] = frame["aht"].where(frame["offered"] == 0, frame["aht"].fillna(period_aht))
    spikes = anomalies(store, "abandonment_rate", period, grain=grain, history_weeks=history_weeks, threshold=threshold, filters=filters, flagged_only=False, **common)
    spikes = spikes.rename(columns={"expected": "expected_abandonment", "robust_z": "abandonment_z"})[["start", "expected_abandonment", "abandonment_z"]]
    frame = frame.merge(spikes, on="start", how="left")
    frame["agents_required"] = _required(frame, interval_s, sl, answer_time, concurrency)
    frame["shortfall"] = frame["agents_required"] - frame["agents_ready"]
    frame["abandon_spike"] = (frame["abandonment_z"] >= threshold).fillna(False).astype(bool)
    frame["understaffed"] = (frame["shortfall"] >= min_shortfall).fillna(False).astype(bool)
    if flagged_only:
        frame = frame[frame["abandon_spike"] | frame["understaffed"]]
    frame = frame.sort_values("start")[COLUMNS].reset_index(drop=True)
    frame.attrs.update(period=period.label, grain=grain, sl=sl, answer_time=answer_time, threshold=float(threshold))
    return frame


def _service_target(store, period, filters, config, targets, sl, answer_time) -> tuple[float, float]:
    found = find_target(targets_in_effect(store, "SL", period, config, targets), filters)
    if sl is None:
        sl = found.value if found else DEFAULT_SL
    if answer_time is None:
        given = found.threshold_s if found else None
        answer_time = given if given is not None else float(config.kpi_options.get("answer_time_s", OPTIONS["answer_time_s"].default))
    return float(sl), float(answer_time)


def _workload(store: Store, period: Period, grain: str, filters: dict, common: dict) -> tuple[pd.DataFrame, float]:
    """Per interval: offered contacts, AHT and the abandonment rate (KPI engine); and the period's AHT."""
    raw = compute(store, ["offered", "AHT", "abandonment_rate"], by=[grain], period=period, filters=filters, **common)
    raw = raw[raw[grain].notna()]
    wide = raw.pivot_table(index=grain, columns="kpi", values=["value", "numerator", "denominator"], aggfunc="first", dropna=False)
    out = pd.DataFrame({"start": pd.to_datetime(wide.index)})
    pick = lambda what, kpi: wide[(what, kpi)].to_numpy(float) if (what, kpi) in wide.columns else np.full(len(wide), np.nan)  # noqa: E731
    out["offered"] = pick("value", "offered")
    out["aht"] = pick("value", "AHT")
    out["abandonment_rate"] = pick("value", "abandonment_rate")
    handled_s, handled = np.nansum(pick("numerator", "AHT")), np.nansum(pick("denominator", "AHT"))
    return out, (handled_s / handled if handled else np.nan)


def _agents(store: Store, period: Period, grain: str, filters: dict, common: dict, interval_s: float) -> pd.DataFrame:
    """Average agents logged in and ready per interval, over the teams that answered these contacts."""
    teams = filters.get("team") or _answering_teams(store, period, filters, common)
    empty = pd.DataFrame({"start": pd.Series(dtype="datetime64[ns]"), "agents_ready": pd.Series(dtype=float), "agents_logged_in": pd.Series(dtype=float)})
    if not teams or not store.has_table("agent_states"):
        return empty
    agent_filters = {"team": teams, **{k: v for k, v in filters.items() if k in ("site", "tenure_band", "agent")}}
    raw = compute(store, ["utilisation", "occupancy"], by=[grain], period=period, filters=agent_filters, **common)
    raw = raw[raw[grain].notna() & raw["denominator"].notna()]
    if raw.empty:
        return empty
    seconds = raw.pivot_table(index=grain, columns="kpi", values="denominator", aggfunc="first")
    return pd.DataFrame({
        "start": pd.to_datetime(seconds.index),
        "agents_ready": seconds["occupancy"].to_numpy(float) / interval_s,  # occupancy = handling ÷ ready
        "agents_logged_in": seconds["utilisation"].to_numpy(float) / interval_s,  # utilisation = handling ÷ logged in
    })


def _answering_teams(store: Store, period: Period, filters: dict, common: dict) -> list:
    raw = compute(store, ["handled"], by=["team"], period=period, filters=filters, **common)
    return sorted(t for t, n in zip(raw["team"], raw["value"]) if isinstance(t, str) and n and n > 0)


def _required(frame: pd.DataFrame, interval_s: float, sl: float, answer_time: float, concurrency: int) -> np.ndarray:
    """Erlang C agents for each interval's workload (0 where nothing was offered)."""
    busy = (frame["offered"] > 0) & frame["aht"].notna() & (frame["aht"] > 0)
    required = np.zeros(len(frame))
    if busy.any():
        work = frame.loc[busy]
        staffed = staff_intervals(work["offered"].to_numpy(float), interval_s, work["aht"].to_numpy(float), sl=sl, answer_time=answer_time, concurrency=concurrency)
        required[busy.to_numpy()] = staffed["agents"].to_numpy(float)
    return required
