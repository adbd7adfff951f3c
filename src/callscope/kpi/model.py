"""What a KPI is: metadata a manager can read, and a measure the engine can compute.

Most KPIs are a `Sum`: over the rows of a population (e.g. offered contacts), value =
Σ numerator ÷ Σ denominator, both per-row expressions (a condition counts 1 or 0). A `Quantile`
is a percentile of a column over a population. A `Custom` measure computes its own grouped
numerator and denominator (time allocation, interval sweeps, joins across tables).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir

__all__ = ["Option", "KPI", "Sum", "Quantile", "Custom", "Opts", "UNITS", "DIRECTIONS", "KNOWN"]

UNITS = ("count", "ratio", "seconds", "score", "number", "per_hour", "currency")
DIRECTIONS = ("higher", "lower", "neutral")

Opts = dict[str, Any]
RowExpr = Callable[[ir.Table, Opts], ir.Value]


@dataclass(frozen=True)
class Option:
    """A choice where the industry disagrees; the chosen value is stated with every figure."""

    name: str
    default: Any
    en: str
    zh: str
    choices: tuple | None = None


# A Sum's denominator for a mean: the population's rows where the numerator is known (not NULL).
KNOWN = "known"


@dataclass(frozen=True)
class Sum:
    population: str  # name of a population of the base table (see catalogue/populations.py)
    numerator: RowExpr
    denominator: RowExpr | str | None = None  # None: the number of rows in the population; KNOWN: those with a numerator
    ratio: bool = True  # False: the value is Σ numerator (a count or total)
    scale: float = 1.0  # multiply the value (NPS is reported ×100)


@dataclass(frozen=True)
class Quantile:
    population: str
    column: RowExpr
    q: float


@dataclass(frozen=True)
class Custom:
    """compute(ctx) → grouped table with the slice columns plus `_num`, `_den` (and `_value` if not a ratio)."""

    compute: Callable[..., ir.Table]
    ratio: bool = True
    dims: tuple[str, ...] = ()  # the dimensions this measure can slice by (time grains always)


@dataclass(frozen=True)
class KPI:
    id: str
    family: str  # voice | agents | multimedia | response (decides which exclusion rules apply)
    base: str  # the table the measure reads: interactions, tickets, agent_states, events, knowledge_hotspots
    en: str
    zh: str
    unit: str
    direction: str
    definition_en: str
    definition_zh: str
    needs: tuple[str, ...] | Callable[[Opts], tuple[str, ...]]  # canonical fields, 'table.field'
    measure: Sum | Quantile | Custom
    options: tuple[str, ...] = ()
    additive: bool = False  # the value adds up over slices (counts)
    seed: str = ""  # where the formula comes from, e.g. "seed 001 (5)"
    aliases: tuple[str, ...] = field(default=())
    prepare: tuple[str, ...] = ()  # extra columns the base needs: 'messages' (per-conversation summary), 'fcr'
    intervals: Any = None  # catalogue.intervals.IntervalMeasure: the same KPI from interval statistics

    def required_fields(self, opts: Opts) -> tuple[str, ...]:
        return self.needs(opts) if callable(self.needs) else self.needs

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def definition(self, lang: str) -> str:
        text = self.definition_zh if lang == "zh" else self.definition_en
        if self.intervals is None:
            return text
        if lang == "zh":
            return f"{text}仅有区间统计(interval_stats)时:{self.intervals.zh}"
        return f"{text} From interval statistics (interval_stats), when there are no contact records: {self.intervals.en}"
