"""Everything one KPI computation needs to know: store, period, slices, options, rules."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import ibis

from callscope.config import Config
from callscope.kpi.period import Period
from callscope.store import Store

__all__ = ["KpiContext"]


@dataclass
class KpiContext:
    store: Store
    config: Config
    period: Period
    dims: list[str]  # non-time dimensions, in the user's order
    grain: str | None  # time grain, or None for the whole period
    filters: dict[str, list[Any]]
    opts: dict[str, Any]
    lang: str = "en"
    cache: dict = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """The slice columns of a result: dimensions, then the time bucket."""
        return self.dims + ([self.grain] if self.grain else [])

    def table(self, name: str) -> ibis.Table:
        """The store's table, looked up once per computation (each lookup asks the engine for
        the table's schema)."""
        key = ("table", name)
        if key not in self.cache:
            self.cache[key] = self.store.table(name)
        return self.cache[key]

    def has_table(self, name: str) -> bool:
        key = ("has_table", name)
        if key not in self.cache:
            self.cache[key] = self.store.has_table(name)
        return self.cache[key]

    def within(self, ts: ibis.Value) -> ibis.Value:
        return (ts >= ibis.literal(self.period.start)) & (ts < ibis.literal(self.period.end))

    def for_period(self, period: Period) -> "KpiContext":
        return replace(self, period=period, cache={}, opts={**self.opts, "_period_end": period.end})
