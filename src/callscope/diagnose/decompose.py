"""Shift-share decomposition of a ratio KPI's gap into a mix effect and a rate effect per slice.

A ratio KPI over a population is V = Σnᵢ ÷ Σdᵢ = Σ wᵢ·rᵢ, where slice i has the volume share
wᵢ = dᵢ ÷ Σd and the rate rᵢ = nᵢ ÷ dᵢ (times the KPI's scale). Against a reference with shares
w⁰ᵢ, rates r⁰ᵢ and value V⁰ = Σ w⁰ᵢ·r⁰ᵢ:

    rate effectᵢ  = wᵢ · (rᵢ − r⁰ᵢ)          the slice's own rate moved, weighted by today's volume
    mix effectᵢ   = (wᵢ − w⁰ᵢ) · (r⁰ᵢ − V⁰)   volume moved towards a slice that was worse (or
                                             better) than the whole
    contributionᵢ = rate effectᵢ + mix effectᵢ

Summed over the slices of one dimension the contributions give the gap exactly:
Σ wᵢrᵢ − Σ wᵢr⁰ᵢ + Σ wᵢr⁰ᵢ − Σ w⁰ᵢr⁰ᵢ − V⁰·(Σwᵢ − Σw⁰ᵢ) = V − V⁰, since both share sets sum to 1.
This is the usual two-factor shift-share (the "price–volume–mix" convention of variance analysis:
rate at current volume, mix at reference rates, the interaction Δw·Δr inside the rate effect).
Measuring the mix against V⁰ rather than 0 changes no total (Σ(wᵢ − w⁰ᵢ) = 0) but makes each
slice's mix effect say whether moving volume into it helped or hurt.

Against a target T every slice's reference rate is T and V⁰ = T, so the mix effect is 0 and the
contribution of a slice is wᵢ·(rᵢ − T): the whole gap is rate effect weighted by volume share.

A slice present in only one of the two is all mix: a new slice takes its own rate as reference
(rate effect 0); a vanished one has wᵢ = 0 (rate effect 0, mix effect −w⁰ᵢ·(r⁰ᵢ − V⁰)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Decomposition", "shift_share", "EFFECT_COLUMNS"]

EFFECT_COLUMNS = [
    "volume",
    "share",
    "rate",
    "reference_volume",
    "reference_share",
    "reference_rate",
    "mix_effect",
    "rate_effect",
    "contribution",
]


@dataclass(frozen=True)
class Decomposition:
    value: float  # V
    reference: float  # V⁰ (the target, or the reference period's value)
    slices: pd.DataFrame  # the key columns + EFFECT_COLUMNS

    @property
    def gap(self) -> float:
        return self.value - self.reference


def _rates(frame: pd.DataFrame, keys: list[str], scale: float, where: str) -> tuple[pd.DataFrame, float]:
    """Per slice of `keys`: volume (Σ denominator), share and rate; and the overall value."""
    grouped = frame.groupby(keys, dropna=False, sort=False)[["numerator", "denominator"]].sum().reset_index()
    grouped = grouped[grouped["denominator"] > 0]
    total = grouped["denominator"].sum()
    if not total > 0:
        raise ValueError(f"no data for this KPI in {where} (its denominator is 0): nothing to compare")
    grouped["share"] = grouped["denominator"] / total
    grouped["rate"] = grouped["numerator"] / grouped["denominator"] * scale
    value = float(grouped["numerator"].sum() / total * scale)
    return grouped.drop(columns="numerator").rename(columns={"denominator": "volume"}), value


def shift_share(current: pd.DataFrame, reference: pd.DataFrame | float, keys: list[str], scale: float = 1.0) -> Decomposition:
    """Mix and rate effect of every slice of `keys` (columns of `current`, which also has
    numerator and denominator). `reference` is a target value or a frame like `current`."""
    table, value = _rates(current, keys, scale, "the period")
    if isinstance(reference, pd.DataFrame):
        before, ref_value = _rates(reference, keys, scale, "the reference period")
        before = before.rename(columns={"volume": "reference_volume", "share": "reference_share", "rate": "reference_rate"})
        table = table.merge(before, on=keys, how="outer")
        volumes = ["volume", "share", "reference_volume", "reference_share"]
        table[volumes] = table[volumes].fillna(0.0)
        # A slice seen in one period only takes its other rate as reference: it is all mix.
        table["reference_rate"] = table["reference_rate"].fillna(table["rate"])
        table["rate_effect"] = table["share"] * (table["rate"].fillna(table["reference_rate"]) - table["reference_rate"])
        table["mix_effect"] = (table["share"] - table["reference_share"]) * (table["reference_rate"] - ref_value)
    else:
        ref_value = float(reference)
        table["reference_volume"] = np.nan
        table["reference_share"] = np.nan
        table["reference_rate"] = ref_value
        table["rate_effect"] = table["share"] * (table["rate"] - ref_value)
        table["mix_effect"] = 0.0
    table["contribution"] = table["rate_effect"] + table["mix_effect"]
    return Decomposition(value, ref_value, table[keys + EFFECT_COLUMNS].reset_index(drop=True))
