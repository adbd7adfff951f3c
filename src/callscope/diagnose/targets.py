"""The target that applies to a whole (possibly filtered) population.

The KPI engine matches a target's slice conditions against the slice columns of each result row.
A diagnosis looks at one population at a time, narrowed by filters; a target applies to it when
each of the target's slice conditions is a filter with exactly that one value (`channel=voice`
picks the voice SL target). The most specific target wins, as in the engine (most conditions,
then a dated target over an undated one).
"""

from __future__ import annotations

from pathlib import Path

from callscope.config import Config
from callscope.kpi.period import Period
from callscope.kpi.targets import Target, load_targets
from callscope.store import Store

__all__ = ["targets_in_effect", "find_target", "single_values"]


def single_values(filters: dict[str, list]) -> dict[str, str]:
    """The filters that pin a dimension to one value, as text."""
    return {name: str(values[0]) for name, values in filters.items() if len(values) == 1}


def targets_in_effect(store: Store, kpi: str, period: Period, config: Config, targets: str | Path | None = None) -> list[Target]:
    """The KPI's targets in effect at the start of the period, from the store, configuration and file."""
    found = load_targets(store=store, config_targets=config.targets, path=targets)
    return [t for t in found if t.kpi == kpi and t.in_effect(period.start)]


def find_target(candidates: list[Target], filters: dict[str, list]) -> Target | None:
    """The most specific of `candidates` whose slice conditions the filters pin down."""
    pinned = single_values(filters)
    matching = [t for t in candidates if all(pinned.get(name) == str(value) for name, value in t.slice.items())]
    if not matching:
        return None
    return max(matching, key=lambda t: (len(t.slice), t.start is not None))
