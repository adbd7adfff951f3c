"""The KPI catalogue: every KPI callscope computes, with its readable definition.

Families, one module each: voice (traditional ACD), agents, multimedia (seed 001), response
(seed 003); the KPIs an ACD interval report can give also carry a variant over
`interval_stats` (catalogue/intervals.py). `CATALOGUE` maps id → KPI in a stable order; ids are case-insensitive and some KPIs
have aliases (e.g. service_level → SL).
"""

from __future__ import annotations

from callscope.kpi.catalogue.agents import AGENTS
from callscope.kpi.catalogue.common import OPTIONS, POPULATIONS
from callscope.kpi.catalogue.intervals import with_interval_measure
from callscope.kpi.catalogue.multimedia import MULTIMEDIA
from callscope.kpi.catalogue.response import RESPONSE
from callscope.kpi.catalogue.voice import VOICE
from callscope.kpi.model import KPI

__all__ = ["CATALOGUE", "OPTIONS", "POPULATIONS", "get_kpi", "resolve_kpis", "FAMILY_ORDER"]

FAMILY_ORDER = ("voice", "agents", "multimedia", "response")
CATALOGUE: dict[str, KPI] = {k.id: with_interval_measure(k) for k in (*VOICE, *AGENTS, *MULTIMEDIA, *RESPONSE)}
_LOOKUP = {**{k.id.lower(): k for k in CATALOGUE.values()}, **{a.lower(): k for k in CATALOGUE.values() for a in k.aliases}}


def get_kpi(name: str) -> KPI:
    try:
        return _LOOKUP[name.strip().lower()]
    except KeyError:
        raise KeyError(f"unknown KPI {name!r}; `callscope kpi list` shows them all") from None


def resolve_kpis(names: list[str] | str | None) -> list[KPI]:
    """KPIs by id (comma-separated or a list), or a family name (voice, agents, multimedia, response), or all."""
    if names is None or names == "all" or names == ["all"]:
        return list(CATALOGUE.values())
    items = [n.strip() for n in (names.split(",") if isinstance(names, str) else names) if n.strip()]
    out: list[KPI] = []
    for item in items:
        found = [k for k in CATALOGUE.values() if k.family == item] if item in FAMILY_ORDER else [get_kpi(item)]
        out.extend(k for k in found if k not in out)
    return out
