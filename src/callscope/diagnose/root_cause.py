"""Root cause of a KPI's gap: which slices of which dimensions made it, by mix and by rate.

`root_cause(store, "SL", "2024-09")` compares the period's value with its target (or the previous
period, or the same period a year earlier), decomposes the gap over the slices of every dimension
and every pair of dimensions (see decompose.py), ranks the slices by how much of the gap they make,
and says it in one sentence: "SL missed the target by 6.0 points (74.0% vs 80.0%): 4.1 points from
售后投诉 in peak hours".

The numbers are the KPI engine's: one `compute(..., by=all dimensions)` per period gives every
fine slice's numerator and denominator, which add up exactly to any coarser slice.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from callscope.config import Config, load_config
from callscope.diagnose.common import as_period, normalise_filters, ratio_scale, sliceable
from callscope.diagnose.decompose import EFFECT_COLUMNS, shift_share
from callscope.diagnose.targets import find_target, targets_in_effect
from callscope.diagnose.wording import amount, level, signed, slice_label
from callscope.i18n import LANGS, resolve_lang, tr
from callscope.kpi import KPI, Period, compute, get_kpi
from callscope.kpi.dims import DIMENSIONS, normalise_by
from callscope.kpi.output import note_text
from callscope.store import Store

__all__ = ["RootCause", "root_cause", "BASELINES", "DEFAULT_DIMS", "DRILL_SHARE"]

BASELINES = ("target", "prev", "yoy")
# Agents are left out by default (many small slices); ask for them with dims=[..., "agent"].
DEFAULT_DIMS = tuple(d for d in DIMENSIONS if d != "agent")
# Who answered: unknown for a contact nobody answered, so for KPIs over queued contacts (SL,
# abandonment, waits) "team not recorded" would stand for "abandoned". Left out of their defaults.
AGENT_DIMS = ("agent", "team", "site", "tenure_band")
QUEUE_POPULATIONS = ("queue_offered", "queue_arrivals")
# The headline drills into a finer slice (a pair of dimensions) when that slice carries at least
# this share of its coarser slice's contribution from at most this share of its volume.
DRILL_SHARE = 0.5


@dataclass(frozen=True)
class RootCause:
    """A KPI's gap against its reference and the slices that make it.

    `slices`: one row per slice (top `top` of each dimension set, most adverse first) with columns
    dimensions ('category × peak'), depth, slice (((dimension, value), …)), label, one column per
    dimension, volume, share, rate, reference_volume, reference_share, reference_rate, mix_effect,
    rate_effect, contribution, share_of_gap. `dimensions`: per dimension set, the mix and rate
    effects (each set's contributions add up to the gap) and its most adverse slice.
    """

    kpi: str
    name: str
    unit: str
    direction: str
    period: str
    baseline: str  # target | prev | yoy
    reference_period: str | None  # the compared period (prev/yoy)
    value: float
    reference: float  # the target, or the compared period's value
    gap: float  # value − reference
    status: str | None  # target: met | missed; prev/yoy: better | worse | unchanged (None for neutral KPIs)
    slices: pd.DataFrame
    dimensions: pd.DataFrame
    headline: dict | None  # the slice the explanation names
    explanation: dict[str, str] = field(default_factory=dict)  # one sentence per language (en, zh)

    def sentence(self, lang: str | None = None) -> str:
        return self.explanation[resolve_lang(lang)]

    def to_dict(self) -> dict:
        """Plain data for JSON: the fields, tables as lists of records, None where a number is unknown."""
        return _plain_data({
            "kpi": self.kpi, "name": self.name, "unit": self.unit, "direction": self.direction, "period": self.period,
            "baseline": self.baseline, "reference_period": self.reference_period, "value": self.value,
            "reference": self.reference, "gap": self.gap, "status": self.status, "explanation": self.explanation,
            "headline": self.headline, "slices": self.slices.to_dict("records"), "dimensions": self.dimensions.to_dict("records"),
        })


def root_cause(
    store: Store,
    kpi: str,
    period: str | Period | None,
    *,
    target: float | None = None,
    baseline: str = "target",
    dims: list[str] | str | None = None,
    depth: int = 2,
    filters: dict | None = None,
    top: int | None = 10,
    lang: str | None = None,
    options: dict | None = None,
    config: Config | str | Path | None = None,
    targets: str | Path | None = None,
) -> RootCause:
    """Decompose the gap of ratio KPI `kpi` in `period` against `baseline` over the slices of `dims`
    (default: every dimension the KPI can be sliced by, except agent) and their combinations up to
    `depth` dimensions. `top` keeps that many slices per dimension set (None: all of them, whose
    contributions then add up to the gap for every set)."""
    k = get_kpi(kpi)
    scale = ratio_scale(k)
    if baseline not in BASELINES:
        raise ValueError(f"unknown baseline {baseline!r}; use {', '.join(BASELINES)}")
    if int(depth) < 1:
        raise ValueError(f"depth must be at least 1 (got {depth})")
    lang = resolve_lang(lang)
    config = config if isinstance(config, Config) else load_config(config)
    period = as_period(store, period)
    filters = normalise_filters(filters)
    chosen = _dimensions(k, dims, filters)
    common = dict(filters=filters, options=options, config=config, targets=targets)
    current = _slices(store, k, chosen, period, common)
    reference_period, operator = None, {"higher": ">=", "lower": "<="}.get(k.direction)
    if baseline == "target":
        reference, operator = _target(store, k, period, filters, config, targets, target, operator)
    else:
        earlier = period.previous() if baseline == "prev" else period.year_earlier()
        reference_period = earlier.label
        reference = _slices(store, k, chosen, earlier, common)
    table, value, ref_value = _decompose(current, reference, _varying(chosen, current, reference), int(depth), scale, lang)
    gap = value - ref_value
    table = _ranked(table, gap, k.direction)
    summary = _by_dimensions(table, gap)
    headline = _headline(table, gap)
    if top is not None:
        table = table.groupby("dimensions", sort=False).head(int(top)).reset_index(drop=True)
    status = _status(k, baseline, gap, operator)
    facts = dict(k=k, scale=scale, baseline=baseline, reference_period=reference_period, value=value, reference=ref_value, gap=gap, status=status, headline=headline)
    return RootCause(
        kpi=k.id, name=k.name(lang), unit=k.unit, direction=k.direction, period=period.label, baseline=baseline,
        reference_period=reference_period, value=value, reference=ref_value, gap=gap, status=status,
        slices=table, dimensions=summary, headline=headline,
        explanation={language: _sentence(language, **facts) for language in LANGS},
    )


# ---- inputs ---------------------------------------------------------------------------------


def _dimensions(k: KPI, dims, filters: dict[str, list]) -> list[str]:
    allowed = sliceable(k)
    pinned = {name for name, values in filters.items() if len(values) == 1}
    if dims is None:
        left_out = AGENT_DIMS if getattr(k.measure, "population", None) in QUEUE_POPULATIONS else ()
        chosen = [d for d in DEFAULT_DIMS if d in allowed and d not in pinned and d not in left_out]
    else:
        chosen = [d for d in normalise_by(dims) if d not in pinned]
        bad = [d for d in chosen if d not in allowed]
        if bad:
            raise ValueError(f"{k.id} cannot be sliced by {', '.join(bad)}; it can be sliced by {', '.join(allowed)}")
    if not chosen:
        raise ValueError(f"no dimension left to slice {k.id} by (the filters pin {', '.join(sorted(pinned)) or 'none'}); give --by")
    return chosen


def _slices(store: Store, k: KPI, dims: list[str], period: Period, common: dict) -> pd.DataFrame:
    """The finest slices (every dimension at once) with the engine's numerator and denominator."""
    frame = compute(store, [k.id], by=dims, period=period, **common)
    notes = frame["note"].dropna()
    blocking = [n for n in notes if str(n).split(":")[0] in ("missing", "not_sliceable")]
    if blocking:
        raise ValueError(f"{k.id} over {period.label}: {note_text(blocking[0], 'en')}")
    frame = frame[dims + ["numerator", "denominator"]].copy()
    frame[["numerator", "denominator"]] = frame[["numerator", "denominator"]].astype(float).fillna(0.0)
    return frame


def _target(store, k: KPI, period: Period, filters, config, targets, given: float | None, operator: str | None) -> tuple[float, str | None]:
    """The target value and its operator (>= or <=): the one given, else the applicable target."""
    if given is not None:
        return float(given), operator
    candidates = targets_in_effect(store, k.id, period, config, targets)
    found = find_target(candidates, filters)
    if found is not None:
        return found.value, found.operator
    scopes = sorted({";".join(f"{n}={v}" for n, v in t.slice.items()) for t in candidates if t.slice})
    hint = f"; targets exist for {', '.join(scopes)} — filter to one of them" if scopes else ""
    raise ValueError(f"no target for {k.id} in {period.label} for this population{hint}; or give the target (--target) or compare with --baseline prev")


def _varying(dims: list[str], current: pd.DataFrame, reference) -> list[str]:
    """The dimensions with more than one value: a single slice holding everything explains nothing.
    (If none varies, the first is kept so the gap is still reported.)"""
    both = pd.concat([current, reference]) if isinstance(reference, pd.DataFrame) else current
    varying = [d for d in dims if both.loc[both["denominator"] > 0, d].nunique(dropna=False) > 1]
    return varying or dims[:1]


def _combinations(dims: list[str], depth: int):
    for size in range(1, min(depth, len(dims)) + 1):
        yield from itertools.combinations(dims, size)


# ---- the table ------------------------------------------------------------------------------


def _decompose(current: pd.DataFrame, reference, dims: list[str], depth: int, scale: float, lang: str) -> tuple[pd.DataFrame, float, float]:
    """Every dimension set's slices with their effects, one table; and the value and reference."""
    parts = []
    for combo in _combinations(dims, depth):
        d = shift_share(current, reference, list(combo), scale)
        parts.append(_labelled(d.slices, combo, lang))
    return pd.concat(parts, ignore_index=True), d.value, d.reference


def _labelled(slices: pd.DataFrame, combo: tuple[str, ...], lang: str) -> pd.DataFrame:
    out = slices.copy()
    keys = list(zip(*(out[d] for d in combo)))
    out.insert(0, "dimensions", " × ".join(combo))
    out.insert(1, "depth", len(combo))
    out.insert(2, "slice", [tuple(zip(combo, _plain(values))) for values in keys])
    out.insert(3, "label", [slice_label(pairs, lang) for pairs in out["slice"]])
    return out


def _plain(values) -> tuple:
    """Slice values as plain Python (None for missing, int for whole numbers) for labels and JSON."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append(None)
        elif isinstance(v, np.generic):
            out.append(v.item())
        else:
            out.append(v)
    return tuple(out)


def _adverse_sign(gap: float, direction: str) -> float:
    """+1 if contributions in the gap's direction come first; for no gap, the KPI's bad direction."""
    if gap:
        return float(np.sign(gap))
    return -1.0 if direction == "higher" else 1.0


def _ranked(table: pd.DataFrame, gap: float, direction: str) -> pd.DataFrame:
    sign = _adverse_sign(gap, direction)
    table["share_of_gap"] = table["contribution"] / gap if gap else np.nan
    order = (table["contribution"] * sign).sort_values(ascending=False, kind="stable").index
    return table.loc[order].reset_index(drop=True)


def _by_dimensions(table: pd.DataFrame, gap: float) -> pd.DataFrame:
    rows = []
    for dims, group in table.groupby("dimensions", sort=False):
        best = group.iloc[0]
        rows.append({
            "dimensions": dims, "depth": int(best["depth"]), "slices": len(group),
            "mix_effect": float(group["mix_effect"].sum()), "rate_effect": float(group["rate_effect"].sum()),
            "top_slice": best["label"], "top_contribution": float(best["contribution"]),
            "top_share_of_gap": float(best["contribution"] / gap) if gap else np.nan,
        })
    return pd.DataFrame(rows)


def _headline(table: pd.DataFrame, gap: float) -> dict | None:
    """The slice that stands out most, to name in the sentence.

    Big slices carry much of any gap just by being big, so the headline starts from the
    single-dimension slice with the largest *excess* in the gap's direction: its contribution
    beyond its volume share of the gap (contribution − share × gap). It then drills into a finer
    slice inside it (a pair of dimensions) that carries at least DRILL_SHARE of its contribution
    from at most DRILL_SHARE of its volume — the largest such — and so on down to `depth`.
    """
    if not gap:
        return None
    sign = np.sign(gap)
    adverse = table[table["contribution"] * sign > 0]
    excess = (adverse["contribution"] - adverse["share"] * gap) * sign
    level = adverse[(adverse["depth"] == 1) & (excess > 0)]
    if level.empty:
        return None
    chosen = level.loc[excess[level.index].idxmax()]
    while True:
        parent = set(chosen["slice"])
        finer = adverse[(adverse["depth"] == chosen["depth"] + 1) & adverse["slice"].map(lambda s: parent <= set(s))]
        carries = finer["contribution"] / chosen["contribution"] >= DRILL_SHARE
        concentrated = finer["share"] <= DRILL_SHARE * chosen["share"]
        finer = finer[carries & concentrated]
        if finer.empty:
            break
        chosen = finer.iloc[0]  # the table is ranked by contribution
    return {c: chosen[c] for c in ["dimensions", "slice", "label", *EFFECT_COLUMNS, "share_of_gap"]}


def _status(k: KPI, baseline: str, gap: float, operator: str | None) -> str | None:
    if baseline == "target":
        if operator is None:
            return None
        return "met" if (gap >= 0 if operator == ">=" else gap <= 0) else "missed"
    if k.direction == "neutral":
        return None
    if not gap:
        return "unchanged"
    return "better" if (gap > 0) == (k.direction == "higher") else "worse"


# ---- the sentence ---------------------------------------------------------------------------


def _sentence(lang: str, *, k: KPI, scale: float, baseline: str, reference_period, value, reference, gap, status, headline) -> str:
    numbers = dict(kpi=k.name(lang), gap=amount(gap, k.unit, scale, lang), value=level(value, k.unit, lang), reference=level(reference, k.unit, lang))
    if baseline == "target":
        key = "on_target" if not gap else ("missed" if status == "missed" else "met")
        head = tr(f"diagnose.root_cause.{key}", lang, **numbers)
    else:
        when = tr(f"diagnose.baseline.{baseline}", lang, period=reference_period)
        key = "unchanged" if not gap else ("rose" if gap > 0 else "fell")
        head = tr(f"diagnose.root_cause.{key}", lang, when=when, **numbers)
    if headline is None:
        return head
    slice_text = slice_label(headline["slice"], lang)
    text = tr("diagnose.root_cause.from", lang, head=head, part=amount(headline["contribution"], k.unit, scale, lang), slice=slice_text)
    if baseline != "target":
        text += tr("diagnose.root_cause.split", lang, rate=signed(headline["rate_effect"], k.unit, scale), mix=signed(headline["mix_effect"], k.unit, scale))
    return text


def _plain_data(value):
    """NaN → None and numpy scalars → Python, all the way down (JSON has no NaN)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_data(v) for v in value]
    return value
