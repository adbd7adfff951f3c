"""Ranking agents on a documented multi-dimensional score (seed 000, part 5: 月度服务之星).

Score of an agent = Σ wᵢ·zᵢ ÷ Σ wᵢ over the scored KPIs, where zᵢ is the agent's standard score
on KPI i among the agents of the same team (its peers: same queues, same channel mix), with the
sign turned for KPIs where lower is better (AHT), so a higher score is always better. An agent's
missing value (no QA sample, say) scores 0, the team average. Agents with fewer than
`min_handled` handled contacts in the period are listed but not ranked. The top `star_share`
(5%, at least one) of ranked agents are the month's service stars.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from callscope.kpi import get_kpi

__all__ = ["DEFAULT_WEIGHTS", "SCORED_KPIS", "score_agents", "tenure_of"]

DEFAULT_WEIGHTS = {"contacts_per_agent_hour": 0.20, "AHT": 0.15, "QA": 0.20, "CSAT": 0.20, "FCR": 0.15, "adherence": 0.10}
SCORED_KPIS = tuple(DEFAULT_WEIGHTS)


def check_weights(weights: dict[str, float]) -> dict[str, float]:
    if not weights:
        raise ValueError("the agent score needs at least one KPI weight, e.g. QA=1")
    out = {}
    for name, w in weights.items():
        kpi = get_kpi(name)
        if kpi.direction == "neutral":
            raise ValueError(f"score weight {name}={w}: {kpi.id} has no better direction, so it cannot be scored; use e.g. {', '.join(SCORED_KPIS)}")
        if float(w) < 0:
            raise ValueError(f"score weight {name}={w} is negative; weights must be ≥ 0")
        out[kpi.id] = float(w)
    if sum(out.values()) == 0:
        raise ValueError("all agent score weights are 0; give at least one a positive weight")
    return out


def score_agents(by_agent: pd.DataFrame, roster: pd.DataFrame, weights: dict[str, float], *, min_handled: int = 20, star_share: float = 0.05) -> pd.DataFrame:
    """One row per agent: team, name, the scored KPIs, handled, score, rank and star.

    by_agent: an engine result by agent with `handled` and the weighted KPIs; roster: the agents
    table (agent_id, name, team, tenure_band).
    """
    weights = check_weights(weights)
    wide = by_agent[by_agent["agent"].notna()].pivot_table(index="agent", columns="kpi", values="value", aggfunc="first")
    wide = wide.reindex(columns=["handled", *weights]).reset_index()
    wide = wide.merge(roster.rename(columns={"agent_id": "agent"}), on="agent", how="left")
    wide["team"] = wide["team"].fillna("—")
    wide["handled"] = wide["handled"].fillna(0.0)
    ranked = wide["handled"] >= min_handled
    total = np.zeros(len(wide))
    for kpi, weight in weights.items():
        z = wide.loc[ranked].groupby("team")[kpi].transform(_zscore).reindex(wide.index)
        if get_kpi(kpi).direction == "lower":
            z = -z
        wide[f"z_{kpi}"] = z
        total += weight * z.fillna(0.0).to_numpy()
    wide["score"] = np.where(ranked, total / sum(weights.values()), np.nan)
    wide["rank"] = wide["score"].rank(ascending=False, method="min")
    stars = max(1, math.ceil(star_share * int(ranked.sum()))) if ranked.any() else 0
    wide["star"] = wide["rank"] <= stars
    return wide.sort_values(["rank", "agent"], na_position="last").reset_index(drop=True)


def _zscore(values: pd.Series) -> pd.Series:
    spread = values.std(ddof=0)
    if not spread or np.isnan(spread):
        return values * 0.0  # one agent, or all equal: nobody is above or below their peers
    return (values - values.mean()) / spread


def tenure_of(roster: pd.DataFrame, on: pd.Timestamp, new_days: int) -> pd.Series:
    """'new' for agents hired fewer than `new_days` days before `on`, else 'senior' (as the KPI tags)."""
    hired = pd.to_datetime(roster["hire_date"])
    band = np.where(hired.isna(), None, np.where(pd.Timestamp(on) < hired + pd.Timedelta(days=new_days), "new", "senior"))
    return pd.Series(band, index=roster.index)
