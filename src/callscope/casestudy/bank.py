"""The Anonymous Bank figures of the case study, from a store holding the February 1999 call log.

Every number comes from the store through callscope's own pieces: the KPI engine for volumes and
service, `callscope.intervals` for the hourly workload, `callscope.staffing` for Erlang C and A,
`callscope.diagnose` for the diagnosis. Nothing is typed in by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from callscope.intervals import from_interactions
from callscope.kpi import compute
from callscope.staffing import staff_intervals

__all__ = [
    "Target",
    "WORKING_DAYS",
    "accounting",
    "volumes",
    "service",
    "service_by_queue",
    "patience",
    "hourly_staffing",
    "served_agents",
    "diagnosis",
    "answered_calls",
    "month",
]

# Israel's working week is Sunday–Thursday: Friday is short and Saturday (Shabbat) nearly closed
# (Feb 1999: 857 Saturday records against ~6,000 on each working weekday). The hourly staffing
# averages over the working days so that quiet weekends do not dilute each hour's need.
WORKING_DAYS = (6, 0, 1, 2, 3)  # pandas dayofweek: 0 = Monday … 6 = Sunday
SERVICE_KPIS = ["offered", "handled", "abandoned", "short_abandoned", "SL", "abandonment_rate", "ASA", "mean_wait", "p90_wait", "AHT"]
# Anomalies: one month loaded, so two weeks of history; callscope.diagnose's default z and volume.
ANOMALY_WEEKS, ANOMALY_Z, ANOMALY_MIN_VOLUME = 2, 3.0, 10
TIER_LABELS = {"normal": "regular", "priority": "priority"}  # the default tag map reports `regular` as `normal`


@dataclass(frozen=True)
class Target:
    """The service-level target the staffing is sized for: `sl` of calls answered within `answer_time` s."""

    sl: float = 0.8
    answer_time: float = 20.0


def accounting(store, run) -> dict:
    """The import's accounting, outcomes as loaded, and the KPI exclusion rules' counts."""
    t = store.table("interactions")
    phantom = t.is_phantom.fill_null(False)
    outcomes = t.group_by(outcome=t.outcome, phantom=phantom).aggregate(n=t.count()).to_pandas()
    kpi = compute(store, ["offered"], period=month(store)).iloc[0]
    return {
        "read": run.rows_read,
        "loaded": run.rows_loaded,
        "quarantined": run.rows_quarantined,
        "duplicate": run.rows_duplicate,
        "skew_tolerated": run.skew_tolerated,
        "notes": dict(sorted(run.notes.items(), key=lambda kv: -kv[1])),
        "sha256": run.file_sha256,
        "outcomes": {o: int(outcomes[(outcomes.outcome == o) & ~outcomes.phantom].n.sum()) for o in ("answered", "abandoned", "ivr_ended")},
        "phantom": int(outcomes[outcomes.phantom].n.sum()),
        "excluded": int(kpi.excluded),
        "excluded_by": _rules(kpi.excluded_by),
    }


def volumes(store) -> dict:
    """Offered calls by hour of day and by weekday: month totals and the mean per such day."""
    period = month(store)
    days = _days(store)
    out = {}
    for dim in ("hour_of_day", "weekday"):
        frame = compute(store, ["offered"], by=dim, period=period)
        frame = frame[[dim, "value"]].rename(columns={dim: "key", "value": "offered"})
        frame["key"] = frame.key.astype(int)
        frame["offered"] = frame.offered.fillna(0).astype(int)
        if dim == "weekday":
            counts = days.dt.dayofweek.value_counts()
            frame["days"] = frame.key.map(counts).fillna(0).astype(int)
        else:
            frame["days"] = len(days)
        frame["per_day"] = frame.offered / frame.days
        out[dim] = frame.sort_values("key").reset_index(drop=True)
    return out


def service(store) -> pd.DataFrame:
    """The service KPIs for all customers and per tier: one row per tier (`all` first), KPIs as columns."""
    period = month(store)
    whole = compute(store, SERVICE_KPIS, period=period).assign(customer_tier="all")
    tiers = compute(store, SERVICE_KPIS, by="customer_tier", period=period)
    frame = pd.concat([whole, tiers], ignore_index=True)
    frame["customer_tier"] = frame.customer_tier.map(lambda v: TIER_LABELS.get(v, v))
    return frame.pivot(index="customer_tier", columns="kpi", values="value").reindex(["all", "regular", "priority"])


def service_by_queue(store) -> pd.DataFrame:
    """Offered and SL per service type (queue) × tier: whether the tiers differ within a queue too."""
    frame = compute(store, ["offered", "SL"], by=["queue", "customer_tier"], period=month(store))
    frame["customer_tier"] = frame.customer_tier.map(lambda v: TIER_LABELS.get(v, v))
    wide = frame.pivot_table(index="queue", columns=["kpi", "customer_tier"], values="value", aggfunc="first")
    wide.columns = [f"{kpi}_{tier}" for kpi, tier in wide.columns]
    wide = wide.reindex(columns=[f"{k}_{t}" for k in ("offered", "SL") for t in ("regular", "priority")])
    wide[["offered_regular", "offered_priority"]] = wide[["offered_regular", "offered_priority"]].fillna(0)
    total = wide.offered_regular + wide.offered_priority
    return wide.loc[total.sort_values(ascending=False).index]


def patience(store) -> dict:
    """Mean patience by the maximum-likelihood estimate for exponential patience.

    Every caller who reached the queue shows either their patience (abandoned: the wait) or a lower
    bound of it (answered: they would have waited at least that long), so with exponential patience
    the MLE of the abandonment rate is θ̂ = abandons ÷ Σ waits of all queued callers, and the mean
    patience 1/θ̂ (phantom records left out, as everywhere).
    """
    t = store.table("interactions")
    t = t.filter(t.is_phantom.fill_null(False) == False, t.outcome.isin(["answered", "abandoned"]), t.wait_s.notnull())  # noqa: E712
    row = t.aggregate(abandons=t.count(where=t.outcome == "abandoned"), wait_s=t.wait_s.sum(), callers=t.count()).to_pandas().iloc[0]
    abandons, wait = int(row.abandons), float(row.wait_s)
    return {"abandons": abandons, "wait_s": wait, "callers": int(row.callers), "mean_s": wait / abandons}


def hourly_staffing(store, calls: pd.DataFrame, patience_s: float, target: Target = Target()) -> pd.DataFrame:
    """Per hour of day, over the working days: offered calls and mean service time per day, the agents
    Erlang C and Erlang A need for the target, and the agents who actually served.

    Workload is every non-phantom call that reached the queue (`callscope.intervals`, no other
    exclusion rule: a call answered and dropped within 3 s still arrived), counted in the hour it
    arrived. Mean service time = Σ talk ÷ calls with a talk time.
    """
    rows = from_interactions(store, 60, by=()).to_pandas()
    rows = rows[rows.interval_start.dt.dayofweek.isin(WORKING_DAYS)]
    days = _days(store)
    n_days = int(days.dt.dayofweek.isin(WORKING_DAYS).sum())
    hours = rows.groupby(rows.interval_start.dt.hour).agg(offered=("offered", "sum"), handled=("handled", "sum"), handle_s=("handle_s", "sum"))
    hours = hours[(hours.offered > 0) & (hours.handled > 0)]
    frame = pd.DataFrame({"hour": hours.index, "days": n_days, "offered": hours.offered.to_numpy() / n_days, "aht": (hours.handle_s / hours.handled).to_numpy()})
    frame["load"] = frame.offered * frame.aht / 3600
    erlang_c = staff_intervals(frame.offered.to_numpy(), 3600, frame.aht.to_numpy(), sl=target.sl, answer_time=target.answer_time)
    erlang_a = staff_intervals(frame.offered.to_numpy(), 3600, frame.aht.to_numpy(), sl=target.sl, answer_time=target.answer_time, patience=patience_s)
    frame["erlang_c"] = erlang_c.agents.to_numpy().astype(int)
    frame["erlang_a"] = erlang_a.agents.to_numpy().astype(int)
    served = served_agents(calls)
    served = served[served.start.dt.dayofweek.isin(WORKING_DAYS)].groupby(served.start.dt.hour)[["agents", "busy"]].sum() / n_days
    frame["served"] = frame.hour.map(served.agents).fillna(0.0)
    frame["busy"] = frame.hour.map(served.busy).fillna(0.0)
    return frame.reset_index(drop=True)


def served_agents(calls: pd.DataFrame) -> pd.DataFrame:
    """Per clock hour: the distinct agents whose service of some call overlapped it, and the busy
    agent-hours (Σ overlap of service with the hour ÷ 3600, the load they actually carried).

    `calls` has agent_id, answered_at, ended_at (answered calls with a named agent and both times).
    """
    c = calls.dropna(subset=["agent_id", "answered_at", "ended_at"])
    c = c[c.ended_at > c.answered_at]
    first = c.answered_at.dt.floor("h")
    spans = ((c.ended_at - pd.Timedelta(microseconds=1)).dt.floor("h") - first) // pd.Timedelta(hours=1) + 1
    repeat = np.repeat(np.arange(len(c)), spans.to_numpy())
    offset = np.concatenate([np.arange(n) for n in spans.to_numpy()]) if len(c) else np.array([], dtype=int)
    start = first.to_numpy()[repeat] + offset * np.timedelta64(1, "h")
    begin = np.maximum(c.answered_at.to_numpy()[repeat], start)
    end = np.minimum(c.ended_at.to_numpy()[repeat], start + np.timedelta64(1, "h"))
    pieces = pd.DataFrame({"start": start, "agent_id": c.agent_id.to_numpy()[repeat], "busy": (end - begin) / np.timedelta64(1, "s") / 3600})
    return pieces.groupby("start").agg(agents=("agent_id", "nunique"), busy=("busy", "sum")).reset_index()


def answered_calls(store) -> pd.DataFrame:
    """The answered, non-phantom calls with their agent and service times (for `served_agents`)."""
    t = store.table("interactions")
    t = t.filter(t.is_phantom.fill_null(False) == False, t.outcome == "answered")  # noqa: E712
    return t.select("agent_id", "answered_at", "ended_at").to_pandas()


def diagnosis(store, target: Target, *, top: int = 5) -> dict:
    """Root cause of the SL miss against the target; hourly anomalies in the second fortnight."""
    from callscope.diagnose import anomalies, root_cause

    period = month(store)
    rc = root_cause(store, "SL", period, target=target.sl, options={"answer_time_s": target.answer_time}, lang="en")
    slices = rc.slices.copy()
    singles = slices[slices.depth == 1].head(top)
    pairs = slices[slices.depth == 2].head(top)
    # Only one month is loaded: the second fortnight is judged against the same weekday-hours of the first.
    window = _second_fortnight(store)
    found = {}
    for kpi in ("offered", "abandonment_rate"):
        a = anomalies(store, kpi, window, grain="hour", history_weeks=ANOMALY_WEEKS, threshold=ANOMALY_Z, min_volume=ANOMALY_MIN_VOLUME)
        a = a.reindex(a.robust_z.abs().sort_values(ascending=False).index)
        found[kpi] = {"count": len(a), "above": int((a.direction == "above").sum()), "below": int((a.direction == "below").sum()), "top": a.head(top)}
    return {
        "sentence": rc.sentence("en"),
        "sentence_zh": rc.sentence("zh"),
        "value": rc.value,
        "gap": rc.gap,
        "singles": singles,
        "pairs": pairs,
        "window": window,
        "history_weeks": ANOMALY_WEEKS,
        "threshold": ANOMALY_Z,
        "min_volume": ANOMALY_MIN_VOLUME,
        "anomalies": found,
    }


def month(store) -> str:
    """The month of the call log (one monthly file): the month of its first arrival."""
    t = store.table("interactions")
    return f"{pd.Timestamp(t.arrived_at.min().to_pyarrow().as_py()):%Y-%m}"


def _days(store) -> pd.Series:
    """The calendar days of the month loaded (a Series of dates)."""
    from callscope.kpi.period import parse_period

    p = parse_period(month(store))
    return pd.Series(pd.date_range(p.start, p.end - pd.Timedelta(days=1), freq="D"))


def _second_fortnight(store) -> str:
    days = _days(store)
    return f"{days.iloc[14]:%Y-%m-%d}..{days.iloc[-1]:%Y-%m-%d}"


def _rules(text: str | None) -> dict[str, int]:
    """'phantom=278; misoperation=432' → {'phantom': 278, 'misoperation': 432}."""
    out = {}
    for part in (text or "").split(";"):
        if "=" in part:
            name, n = part.split("=")
            out[name.strip()] = int(n)
    return out
