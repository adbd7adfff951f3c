"""Root cause: stores built so the decomposition is known by construction, worked out by hand.

SL here = answered within 20 s ÷ offered (no abandons, so offered − short abandons = offered).
Every fixture call is answered, after 10 s ("fast", within 20 s) or 60 s ("slow").
"""

from __future__ import annotations

import pandas as pd
import pytest

from callscope.diagnose import root_cause, shift_share
from callscope.kpi import compute
from callscope.store import open_store
from diagnose_stores import calls, load_rows


def _store(tmp_path, rows):
    s = open_store(str(tmp_path / "rc.duckdb"), timezone="Asia/Shanghai")
    load_rows(s, tmp_path, "interactions", rows)
    return s


def _by_slice(result, dimensions):
    table = result.slices[result.slices["dimensions"] == dimensions]
    return {r["label"]: r for r in table.to_dict("records")}


def test_rate_fall_in_one_category_is_pure_rate_effect(store, tmp_path):
    # August: 售后投诉 100 calls, 90 fast (SL 90%); 产品咨询 100 calls, 80 fast (80%).
    # September: 售后投诉 100, 60 fast (60%); 产品咨询 100, 80 fast (80%). Shares stay 50/50.
    load_rows(store, tmp_path, "interactions", [
        *calls("售后投诉", "2024-08-06 08:00", 90, 10, prefix="a"), *calls("产品咨询", "2024-08-07 08:00", 80, 20, prefix="b"),
        *calls("售后投诉", "2024-09-03 08:00", 60, 40, prefix="c"), *calls("产品咨询", "2024-09-04 08:00", 80, 20, prefix="d"),
    ])
    result = root_cause(store, "SL", "2024-09", baseline="prev", dims=["category"], top=None)
    # V⁰ = (90 + 80) / 200 = 0.85; V = (60 + 80) / 200 = 0.70; gap = −0.15
    assert (result.reference, result.value, result.gap) == pytest.approx((0.85, 0.70, -0.15))
    assert result.status == "worse" and result.reference_period == "2024-08"
    rows = _by_slice(result, "category")
    # 售后投诉: rate effect = w·(r − r⁰) = 0.5 × (0.60 − 0.90) = −0.15 (its share × 30 points);
    # mix effect = (w − w⁰)·(r⁰ − V⁰) = (0.5 − 0.5) × (0.90 − 0.85) = 0
    assert rows["售后投诉"]["rate_effect"] == pytest.approx(-0.15)
    assert rows["售后投诉"]["mix_effect"] == pytest.approx(0.0)
    # 产品咨询: rate 0.5 × (0.80 − 0.80) = 0, mix 0
    assert rows["产品咨询"]["contribution"] == pytest.approx(0.0)
    assert sum(r["contribution"] for r in rows.values()) == pytest.approx(result.gap)
    assert result.sentence("en") == (
        "Service level fell by 15.0 points vs the previous period (2024-08) (70.0% vs 85.0%): 15.0 points from 售后投诉 (own rate −15.0, volume mix +0.0)"
    )
    # The numbers are the KPI engine's.
    engine = compute(store, ["SL"], period="2024-09")
    assert result.value == pytest.approx(float(engine["value"].iloc[0]))


def test_mix_shift_with_constant_rates_is_pure_mix_effect(tmp_path):
    # Rates constant: 售后投诉 60%, 产品咨询 90% in both months. Volume moves towards 售后投诉:
    # August 售后投诉 50 (30 fast), 产品咨询 150 (135 fast): shares 0.25 / 0.75
    # September 售后投诉 150 (90 fast), 产品咨询 50 (45 fast): shares 0.75 / 0.25
    s = _store(tmp_path, [
        *calls("售后投诉", "2024-08-06 08:00", 30, 20, prefix="a"), *calls("产品咨询", "2024-08-07 08:00", 135, 15, prefix="b"),
        *calls("售后投诉", "2024-09-03 08:00", 90, 60, prefix="c"), *calls("产品咨询", "2024-09-04 08:00", 45, 5, prefix="d"),
    ])
    result = root_cause(s, "SL", "2024-09", baseline="prev", dims=["category"], top=None)
    # V⁰ = (30 + 135) / 200 = 0.825; V = (90 + 45) / 200 = 0.675; gap = −0.15
    assert result.gap == pytest.approx(-0.15)
    rows = _by_slice(result, "category")
    # rate effects: w·(r − r⁰) = 0 for both (rates unchanged)
    assert rows["售后投诉"]["rate_effect"] == pytest.approx(0.0)
    assert rows["产品咨询"]["rate_effect"] == pytest.approx(0.0)
    # 售后投诉: (0.75 − 0.25) × (0.60 − 0.825) = −0.1125 (volume moved into the worse slice)
    # 产品咨询: (0.25 − 0.75) × (0.90 − 0.825) = −0.0375 (volume moved out of the better slice)
    assert rows["售后投诉"]["mix_effect"] == pytest.approx(-0.1125)
    assert rows["产品咨询"]["mix_effect"] == pytest.approx(-0.0375)
    assert rows["售后投诉"]["contribution"] + rows["产品咨询"]["contribution"] == pytest.approx(result.gap)
    assert result.slices.iloc[0]["label"] == "售后投诉"  # ranked by contribution to the gap
    s.close()


def _peak_fixture(tmp_path):
    # September, Tuesday 3rd; peak is 11:00–14:00 on weekdays (default configuration).
    #   售后投诉 peak 50 calls, 10 fast (20%)    售后投诉 off-peak 50, 50 fast (100%)
    #   产品咨询 peak 50 calls, 40 fast (80%)    产品咨询 off-peak 50, 40 fast (80%)
    # Overall 140 / 200 = 70%.
    return _store(tmp_path, [
        *calls("售后投诉", "2024-09-03 11:00", 10, 40, prefix="a"), *calls("售后投诉", "2024-09-03 08:00", 50, 0, prefix="b"),
        *calls("产品咨询", "2024-09-04 11:00", 40, 10, prefix="c"), *calls("产品咨询", "2024-09-04 08:00", 40, 10, prefix="d"),
    ])


def test_against_a_target_the_gap_is_rate_effect_weighted_by_share(tmp_path):
    s = _peak_fixture(tmp_path)
    result = root_cause(s, "SL", "2024-09", target=0.8, dims=["category", "peak"], top=None)
    # gap = 0.70 − 0.80 = −0.10; every slice's reference rate is the target, so mix effects are 0
    assert result.gap == pytest.approx(-0.10) and result.status == "missed"
    assert (result.slices["mix_effect"] == 0).all()
    assert result.slices["reference_rate"].eq(0.8).all()
    category = _by_slice(result, "category")
    assert category["售后投诉"]["contribution"] == pytest.approx(0.5 * (0.60 - 0.80))  # −0.10
    assert category["产品咨询"]["contribution"] == pytest.approx(0.5 * (0.80 - 0.80))  # 0
    peak = _by_slice(result, "peak")
    assert peak["peak hours"]["contribution"] == pytest.approx(0.5 * (0.50 - 0.80))  # −0.15
    assert peak["off-peak hours"]["contribution"] == pytest.approx(0.5 * (0.90 - 0.80))  # +0.05
    pair = _by_slice(result, "category × peak")
    assert pair["售后投诉 in peak hours"]["contribution"] == pytest.approx(0.25 * (0.20 - 0.80))  # −0.15
    assert pair["售后投诉 in off-peak hours"]["contribution"] == pytest.approx(0.25 * (1.00 - 0.80))  # +0.05
    # Every dimension set adds up to the gap exactly.
    sums = result.slices.groupby("dimensions")["contribution"].sum()
    assert sums.to_numpy() == pytest.approx([-0.10] * 3)
    summary = result.dimensions.set_index("dimensions")
    assert summary.loc["peak", "rate_effect"] == pytest.approx(-0.10) and summary.loc["peak", "mix_effect"] == 0
    # Headline: peak hours stand out most (excess −0.15 − 0.5 × −0.10 = −0.10 vs 售后投诉's −0.05);
    # inside it 售后投诉 carries all of its −0.15 from half its volume, so the sentence names the pair.
    assert result.headline["label"] == "售后投诉 in peak hours"
    assert result.sentence("en") == "Service level missed the target by 10.0 points (70.0% vs 80.0%): 15.0 points from 售后投诉 in peak hours"
    assert result.sentence("zh") == "服务水平未达目标,差 10.0 个百分点(70.0%,目标 80.0%),其中 15.0 个百分点 来自高峰时段的售后投诉"
    s.close()


def test_target_comes_from_the_targets_that_apply(tmp_path):
    s = _peak_fixture(tmp_path)
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - {kpi: SL, value: 0.75, threshold_s: 20, slice: {channel: voice}}\n", encoding="utf-8")
    result = root_cause(s, "SL", "2024-09", filters={"channel": "voice"}, dims=["category"], targets=targets)
    assert result.reference == 0.75 and result.gap == pytest.approx(-0.05)
    with pytest.raises(ValueError, match=r"no target for SL in 2024-09.*targets exist for channel=voice"):
        root_cause(s, "SL", "2024-09", dims=["category"], targets=targets)
    s.close()


def test_top_keeps_the_most_adverse_slices_of_each_dimension_set(tmp_path):
    s = _peak_fixture(tmp_path)
    result = root_cause(s, "SL", "2024-09", target=0.8, dims=["category", "peak"], top=1)
    assert result.slices["dimensions"].tolist() == ["peak", "category × peak", "category"]
    assert result.slices["label"].tolist() == ["peak hours", "售后投诉 in peak hours", "售后投诉"]
    s.close()


def test_a_new_slice_is_all_mix():
    # Reference: A 90 of 100 (0.9). Current: A 45 of 50 (0.9), C (new) 25 of 50 (0.5).
    reference = pd.DataFrame({"k": ["A"], "numerator": [90.0], "denominator": [100.0]})
    current = pd.DataFrame({"k": ["A", "C"], "numerator": [45.0, 25.0], "denominator": [50.0, 50.0]})
    d = shift_share(current, reference, ["k"])
    rows = d.slices.set_index("k")
    # V⁰ = 0.9, V = 0.7. A: rate 0.5 × 0 = 0, mix (0.5 − 1) × (0.9 − 0.9) = 0.
    # C takes its own rate as reference: rate 0, mix (0.5 − 0) × (0.5 − 0.9) = −0.2
    assert rows.loc["A", "contribution"] == pytest.approx(0.0)
    assert (rows.loc["C", "rate_effect"], rows.loc["C", "mix_effect"]) == pytest.approx((0.0, -0.2))
    assert d.gap == pytest.approx(-0.2)
    # A vanished slice: reference A and B, current only A → B's mix = −w⁰·(r⁰ − V⁰)
    reference = pd.DataFrame({"k": ["A", "B"], "numerator": [90.0, 10.0], "denominator": [100.0, 100.0]})  # V⁰ = 0.5
    current = pd.DataFrame({"k": ["A"], "numerator": [90.0], "denominator": [100.0]})  # V = 0.9
    rows = shift_share(current, reference, ["k"]).slices.set_index("k")
    assert rows.loc["B", "mix_effect"] == pytest.approx(-0.5 * (0.1 - 0.5))  # +0.2: losing a bad slice helps
    assert rows.loc["A", "mix_effect"] == pytest.approx(0.5 * (0.9 - 0.5))  # +0.2: gaining a good one helps


def test_contributions_add_up_on_the_kpi_fixture(kpi_duckdb):
    # AHT of the fixture's voice calls (302.5 s, see test_kpi_values) against 300 s: gap +2.5 s,
    # which every dimension set splits exactly.
    result = root_cause(kpi_duckdb, "AHT", "2024-09", target=300, filters={"channel": "voice"}, top=None)
    assert result.gap == pytest.approx(2.5)
    sums = result.slices.groupby("dimensions")["contribution"].sum()
    assert sums.to_numpy() == pytest.approx([2.5] * len(sums))
    assert result.status == "missed"  # AHT: lower is better


def test_clear_errors(kpi_duckdb):
    with pytest.raises(ValueError, match="median_wait is a percentile"):
        root_cause(kpi_duckdb, "median_wait", "2024-09", baseline="prev")
    with pytest.raises(ValueError, match="offered is a count"):
        root_cause(kpi_duckdb, "offered", "2024-09", baseline="prev")
    with pytest.raises(ValueError, match="unknown baseline 'lastyear'"):
        root_cause(kpi_duckdb, "SL", "2024-09", baseline="lastyear")
    with pytest.raises(ValueError, match="occupancy cannot be sliced by category"):
        root_cause(kpi_duckdb, "occupancy", "2024-09", target=0.8, dims=["category"])
