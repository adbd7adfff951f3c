"""KPI targets: per KPI, optionally per slice and period, from a YAML file, the project
configuration and the store's `targets` table.

    targets:
      - {kpi: SL, value: 0.80, threshold_s: 20}           # SL ≥ 80% within 20 s
      - {kpi: abandonment_rate, value: 0.05}              # ≤ 5% (lower is better)
      - {kpi: FRT, value: 480, slice: {customer_tier: VIP}, period: 2024-09}

The operator defaults to the KPI's direction (≥ when higher is better, ≤ when lower is better).
For a result row the most specific matching target applies: all its slice conditions must be
slice columns of the row with equal values. A target's `threshold_s` also sets the KPI's time
threshold (T of SL, the response target) for the rows of its slice.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import yaml

from callscope.kpi.catalogue import get_kpi
from callscope.kpi.period import parse_period

__all__ = ["Target", "load_targets", "match_target", "threshold_expression", "THRESHOLD_OPTION"]

# The option a target's threshold_s overrides, per KPI.
THRESHOLD_OPTION = {"SL": "answer_time_s", "response_timeliness": "response_target_s", "ticket_timeliness": "response_target_s"}


@dataclass(frozen=True)
class Target:
    kpi: str
    value: float
    operator: str
    threshold_s: float | None = None
    slice: dict = field(default_factory=dict)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    note: str = ""

    def applies(self, row: dict, period_start: dt.datetime) -> bool:
        if self.start and period_start < self.start:
            return False
        if self.end and period_start >= self.end:
            return False
        return all(k in row and str(row[k]) == str(v) for k, v in self.slice.items())

    def met(self, value: float) -> bool:
        return value >= self.value if self.operator == ">=" else value <= self.value


def _target(raw: dict, where: str) -> Target:
    if "kpi" not in raw or "value" not in raw:
        raise ValueError(f"{where}: a target needs kpi and value (got {raw})")
    kpi = get_kpi(str(raw["kpi"]))
    operator = raw.get("operator") or {"higher": ">=", "lower": "<="}.get(kpi.direction)
    if operator not in (">=", "<="):
        raise ValueError(f"{where}: target for {kpi.id} needs operator '>=' or '<=' ({kpi.id} has no better direction)")
    start = end = None
    if raw.get("period"):
        p = parse_period(str(raw["period"]))
        start, end = p.start, p.end
    if raw.get("period_start"):
        start = _as_datetime(raw["period_start"])
    if raw.get("period_end"):
        end = _as_datetime(raw["period_end"]) + dt.timedelta(days=1)
    piece = raw.get("slice") or {}
    if isinstance(piece, str):
        piece = dict(part.split("=", 1) for part in piece.split(";") if "=" in part)
    return Target(kpi.id, float(raw["value"]), operator, _float(raw.get("threshold_s")), dict(piece), start, end, str(raw.get("note") or ""))


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return dt.datetime.fromisoformat(str(value))


def _float(value) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def load_targets(*, store=None, config_targets: list | None = None, path: str | Path | None = None) -> list[Target]:
    """Targets from the store's table, then the configuration, then a file (later ones win on equal keys)."""
    found: dict[tuple, Target] = {}
    sources: list[tuple[str, list[dict]]] = []
    if store is not None and store.has_table("targets"):
        rows = store.table("targets").to_pyarrow().to_pylist()
        sources.append(("the store's targets table", [{**r, "slice": r.get("slice") or {}} for r in rows]))
    if config_targets:
        sources.append(("the configuration", config_targets))
    if path is not None:
        text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
        items = data.get("targets", data) if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise ValueError(f"{path}: expected a list of targets (or a 'targets:' key with one)")
        sources.append((str(path), items))
    for where, items in sources:
        for raw in items:
            t = _target(raw, where)
            found[(t.kpi, json.dumps(t.slice, sort_keys=True, ensure_ascii=False), t.start)] = t
    return list(found.values())


def match_target(targets: list[Target], kpi: str, row: dict, period_start: dt.datetime) -> Target | None:
    candidates = [t for t in targets if t.kpi == kpi and t.applies(row, period_start)]
    if not candidates:
        return None
    return max(candidates, key=lambda t: (len(t.slice), t.start is not None))


def threshold_expression(targets: list[Target], kpi: str, table: ir.Table, default: float, period_start: dt.datetime):
    """The per-row time threshold for `kpi`: the most specific target's threshold_s, else `default`."""
    relevant = [
        t for t in targets
        if t.kpi == kpi and t.threshold_s is not None and all(k in table.columns for k in t.slice)
        and (t.start is None or period_start >= t.start) and (t.end is None or period_start < t.end)
    ]
    if not relevant:
        return default
    relevant.sort(key=lambda t: -len(t.slice))
    cases = []
    for t in relevant:
        if not t.slice:
            return ibis.cases(*cases, else_=t.threshold_s) if cases else t.threshold_s
        condition = None
        for k, v in t.slice.items():
            part = table[k].cast("string") == str(v)
            condition = part if condition is None else condition & part
        cases.append((condition, t.threshold_s))
    return ibis.cases(*cases, else_=default)
