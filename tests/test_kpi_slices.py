"""Slices, time grains, comparisons and targets on the shipped fixture (see test_kpi_values.py
for what the fixture holds); every expected value is worked out from the fixture by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from callscope.kpi import compute, parse_period

TARGETS = "tests/fixtures/kpi/targets.yaml"
VOICE = {"channel": "voice"}


def rows(frame, *keys):
    return {tuple(r[k] for k in keys): r for r in frame.to_dict("records")}


def test_by_queue_with_an_all_abandoned_slice(kpi_store):
    frame = compute(kpi_store, ["offered", "SL", "ASA", "abandonment_rate"], by="queue", period="2024-09", filters=VOICE)
    r = rows(frame, "queue", "kpi")
    assert r[("sales", "offered")]["value"] == 3  # V1 V2 V3 (V9, V10 excluded)
    assert r[("sales", "SL")]["value"] == pytest.approx(1 / 2)  # V1 within 20 s ÷ (3 − short V3)
    assert r[("support", "SL")]["value"] == pytest.approx(1 / 2)  # V5 yes, V6 (25 s) no
    # 投诉: V4 and V11, both abandoned: SL 0, abandonment 100%, and no ASA at all (not 0 s).
    assert r[("投诉", "SL")]["value"] == 0
    assert r[("投诉", "abandonment_rate")]["value"] == 1.0
    assert pd.isna(r[("投诉", "ASA")]["value"]) and r[("投诉", "ASA")]["note"] == "no_data"


def test_additive_counts_sum_to_the_total(kpi_store):
    by_queue = compute(kpi_store, ["offered", "handled", "abandoned"], by="queue", period="2024-09")
    total = compute(kpi_store, ["offered", "handled", "abandoned"], period="2024-09")
    sums = by_queue.groupby("kpi")["value"].sum().to_dict()
    assert sums == dict(zip(total.kpi, total.value))


def test_previous_period_and_year_over_year(kpi_store):
    frame = compute(kpi_store, ["SL"], period="2024-09", filters=VOICE, compare="mom,yoy")
    r = frame.iloc[0]
    # September 1/3; August: A1 (10 s) in, A2 (40 s) out → 1/2; September 2023: Y1 (5 s) → 1
    assert r["prev_value"] == pytest.approx(1 / 2)
    assert r["prev_change"] == pytest.approx(1 / 3 - 1 / 2)
    assert r["prev_change_pct"] == pytest.approx((1 / 3 - 1 / 2) / (1 / 2))
    assert r["yoy_value"] == pytest.approx(1.0)
    assert r["yoy_change"] == pytest.approx(-2 / 3)


def test_month_grain_compares_each_month_with_the_one_before(kpi_store):
    frame = compute(kpi_store, ["SL"], by="month", period="2024-Q3", filters=VOICE, compare="prev")
    r = {pd.Timestamp(x["month"]).strftime("%Y-%m"): x for x in frame.to_dict("records")}
    assert sorted(r) == ["2024-08", "2024-09"]  # July has no calls
    assert r["2024-09"]["value"] == pytest.approx(1 / 3)
    assert r["2024-09"]["prev_value"] == pytest.approx(1 / 2)
    assert pd.isna(r["2024-08"]["prev_value"])


def test_interval_grain(kpi_store):
    frame = compute(kpi_store, ["offered", "SL"], by="interval30", period="2024-09-02", filters=VOICE)
    r = rows(frame, "interval30", "kpi")
    nine, half_past = pd.Timestamp("2024-09-02 09:00"), pd.Timestamp("2024-09-02 09:30")
    assert r[(nine, "offered")]["value"] == 3  # V1, V2, V3
    assert r[(nine, "SL")]["value"] == pytest.approx(1 / 2)  # V1 ÷ (3 − short V3)
    assert r[(half_past, "SL")]["value"] == 0  # V4 abandoned


def test_weekday_hour_peak_and_tenure(kpi_duckdb):
    by_day = rows(compute(kpi_duckdb, ["offered"], by="weekday", period="2024-09", filters=VOICE), "weekday", "kpi")
    assert {k[0]: v["value"] for k, v in by_day.items()} == {0: 4, 2: 2, 3: 1}  # Mon 2 Sep, Wed 4 Sep, Thu 5 Sep
    by_hour = rows(compute(kpi_duckdb, ["offered"], by="hour_of_day", period="2024-09", filters=VOICE), "hour_of_day", "kpi")
    assert {k[0]: v["value"] for k, v in by_hour.items()} == {9: 4, 14: 2, 10: 1}
    # Default peaks are weekdays 11–14 and 16–18: only C4 (11:10) among offered contacts.
    by_peak = rows(compute(kpi_duckdb, ["offered"], by="peak", period="2024-09"), "peak", "kpi")
    assert by_peak[("peak", "offered")]["value"] == 1
    # a1 (hired 2024-06-01) and a4 (2024-08-01) are new (< 180 days); a2 and a3 senior.
    by_tenure = rows(compute(kpi_duckdb, ["handled"], by="tenure_band", period="2024-09"), "tenure_band", "kpi")
    assert by_tenure[("new", "handled")]["value"] == 4  # V1 V2 E1 E2
    assert by_tenure[("senior", "handled")]["value"] == 5  # V5 V6 C1 C2 C5


def test_complexity_from_category_and_tiers(kpi_duckdb):
    # 售后投诉 and 技术故障 are complex by default: handled V2 V5 C2 C5 E1 are complex; V1 V6 C1 E2 simple.
    frame = rows(compute(kpi_duckdb, ["handled"], by="complexity", period="2024-09"), "complexity", "kpi")
    assert frame[("complex", "handled")]["value"] == 5
    assert frame[("simple", "handled")]["value"] == 4


def test_targets_status_and_gap(kpi_store):
    frame = compute(kpi_store, ["SL", "CSAT", "abandonment_rate"], by="queue", period="2024-09", filters=VOICE, targets=TARGETS)
    r = rows(frame, "queue", "kpi")
    assert r[("sales", "SL")]["target"] == 0.8
    assert r[("sales", "SL")]["gap"] == pytest.approx(0.5 - 0.8)
    assert r[("sales", "SL")]["status"] == "missed"
    assert r[("sales", "CSAT")]["status"] == "met"  # V1 5 and V2 3 → 4.0 ≥ 4.0
    assert r[("投诉", "abandonment_rate")]["status"] == "missed"  # 100% > 5%


def test_slice_target_applies_only_to_its_slice(kpi_store):
    frame = compute(kpi_store, ["FRT"], by="customer_tier", period="2024-09", targets=TARGETS)
    r = rows(frame, "customer_tier", "kpi")
    assert r[("VIP", "FRT")]["value"] == pytest.approx((40 + 1800) / 2)  # C1, E1
    assert r[("VIP", "FRT")]["target"] == 480 and r[("VIP", "FRT")]["status"] == "missed"
    assert pd.isna(r[("normal", "FRT")]["target"])  # the VIP target does not apply to normal customers


def test_target_threshold_sets_the_response_target_per_slice(kpi_store):
    # threshold_s 120 for email: E1 (1800 s) and E2 (300 s) are late; chats keep the 600 s default.
    frame = compute(kpi_store, ["response_timeliness"], by="channel", period="2024-09", targets=TARGETS)
    r = rows(frame, "channel", "kpi")
    assert r[("email", "response_timeliness")]["value"] == 0
    assert r[("chat", "response_timeliness")]["value"] == 1.0


def test_total_comparison_across_slices(kpi_duckdb):
    frame = compute(kpi_duckdb, ["SL"], by="queue", period="2024-09", filters=VOICE, compare="total")
    r = rows(frame, "queue", "kpi")
    assert r[("sales", "SL")]["total_value"] == pytest.approx(1 / 3)
    assert r[("sales", "SL")]["vs_total"] == pytest.approx(1 / 2 - 1 / 3)


def test_agent_kpis_by_team_and_hour(kpi_duckdb):
    frame = compute(kpi_duckdb, ["occupancy", "utilisation"], by="team", period="2024-09")
    r = rows(frame, "team", "kpi")
    assert r[("A", "occupancy")]["value"] == pytest.approx(2400 / 6300)  # a1: handling 1800+600 of ready 6300
    assert r[("B", "utilisation")]["value"] == pytest.approx(3600 / 9000)  # a2
    # States are split at the hour edges: a1 09:00–10:00 is on_contact 1800, acw 600, available 1200.
    hourly = rows(compute(kpi_duckdb, ["occupancy"], by="hour", period="2024-09-02"), "hour", "kpi")
    assert hourly[(pd.Timestamp("2024-09-02 09:00"), "occupancy")]["value"] == pytest.approx(2400 / 3600)
    assert hourly[(pd.Timestamp("2024-09-02 10:00"), "occupancy")]["value"] == 0  # break, then available


def test_agent_kpi_cannot_be_sliced_by_queue(kpi_duckdb):
    frame = compute(kpi_duckdb, ["occupancy"], by="queue", period="2024-09")
    assert frame.iloc[0]["note"] == "not_sliceable:queue"


def test_periods():
    assert parse_period("2024-09").previous().label == "2024-08"
    assert parse_period("2024-Q1").previous().label == "2023-Q4"
    assert parse_period("2024-02-29").year_earlier().start == dt.datetime(2023, 2, 28)
    week = parse_period("2024-W36")
    assert (week.start, week.end) == (dt.datetime(2024, 9, 2), dt.datetime(2024, 9, 9))
    span = parse_period("2024-09-01..2024-09-15")
    assert span.previous().label == "2024-08-17..2024-08-31"
    with pytest.raises(ValueError, match="cannot read period"):
        parse_period("Sept")


def test_bad_slices_and_options_are_clear(kpi_duckdb):
    with pytest.raises(ValueError, match="cannot slice by 'colour'"):
        compute(kpi_duckdb, ["SL"], by="colour", period="2024-09")
    with pytest.raises(ValueError, match="sl_denominator must be one of"):
        compute(kpi_duckdb, ["SL"], period="2024-09", options={"sl_denominator": "all"})
    with pytest.raises(KeyError, match="unknown KPI 'SLA'"):
        compute(kpi_duckdb, ["SLA"], period="2024-09")
