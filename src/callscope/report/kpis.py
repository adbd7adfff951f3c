"""The KPI engine calls a report makes: one place, each call recorded with its arguments and time.

Reports ask for many KPIs per call (the engine computes every KPI of a base table in one grouped
query), so a report needs a handful of calls. The record lets the benchmark replay exactly the
calls a report made (`bench/report.py`) and lets tests compare the report with the engine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from callscope.kpi import compute
from callscope.store import Store

__all__ = ["KpiCalls", "Call"]


@dataclass(frozen=True)
class Call:
    kpis: tuple[str, ...]
    by: str | None
    period: str
    compare: str | None
    filters: tuple[tuple[str, tuple], ...] = ()
    seconds: float = field(default=0.0, compare=False)

    def kwargs(self) -> dict:
        return {
            "kpis": list(self.kpis),
            "by": self.by,
            "period": self.period,
            "compare": self.compare,
            "filters": {k: list(v) for k, v in self.filters} or None,
        }


class KpiCalls:
    """`calls(kpis, by=…, period=…)` → `callscope.kpi.compute(store, …)` with the report's targets,
    configuration and language; identical calls are answered from memory."""

    def __init__(self, store: Store, *, lang: str, targets=None, config=None):
        self.store = store
        self.lang = lang
        self.targets = targets
        self.config = config
        self.log: list[Call] = []
        self._memo: dict[Call, pd.DataFrame] = {}

    def __call__(self, kpis: list[str], *, period: str, by: str | None = None, compare: str | None = None, filters: dict | None = None) -> pd.DataFrame:
        values = lambda v: (v,) if isinstance(v, str) else tuple(v)  # noqa: E731
        key = Call(tuple(kpis), by, period, compare, tuple(sorted((k, values(v)) for k, v in (filters or {}).items())))
        if key not in self._memo:
            start = time.perf_counter()
            frame = compute(self.store, **key.kwargs(), targets=self.targets, config=self.config, lang=self.lang)
            self.log.append(Call(*[getattr(key, f) for f in ("kpis", "by", "period", "compare", "filters")], seconds=time.perf_counter() - start))
            self._memo[key] = frame
        return self._memo[key].copy()

    @property
    def seconds(self) -> float:
        return sum(c.seconds for c in self.log)
