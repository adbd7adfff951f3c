"""Cleaning and tagging from a project's own configuration (seed 003, step 3), on the KPI fixture
(tests/fixtures/kpi; see test_kpi_values.py for what it holds). Flags never delete rows."""

from __future__ import annotations

import pandas as pd
import pytest

from callscope.clean import exclusion_counts
from callscope.config import load_config
from callscope.kpi import compute

CONFIG = """
exclusions:
  - {id: sales_trial, table: interactions, when: "queue == 'sales'", applies_to: [response], en: "Sales trial", zh: "销售试点"}
tags:
  tenure_new_days: 30
  peak:
    - {days: [mon], from: "09:00", to: "10:00"}
  complexity:
    by_category: {售后投诉: simple, 产品咨询: complex}
  customer_tier:
    map: {VIP: 贵宾}
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "callscope.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return load_config(path)


def by(store, config, kpi, dim):
    frame = compute(store, [kpi], by=dim, period="2024-09", config=config)
    return {r[dim]: r["value"] for r in frame.to_dict("records")}


def test_a_rule_for_one_family_leaves_the_others_alone(kpi_duckdb, config):
    # The project's list replaces the default rules: V9 (2 s) and V10 (test) are now counted.
    voice = compute(kpi_duckdb, ["offered"], period="2024-09", filters={"channel": "voice"}, config=config).iloc[0]
    assert voice["value"] == 9 and voice["excluded"] == 0
    # sales_trial applies to response KPIs only: V1 (sales) leaves resolution time, E1 and E2 remain.
    row = compute(kpi_duckdb, ["resolution_time"], period="2024-09", config=config).iloc[0]
    assert row["value"] == pytest.approx((10800 + 86400) / 2)
    assert row["excluded_by"] == "sales_trial=6"  # V1 V2 V3 V8 V9 V10 are sales contacts in September


def test_flags_never_delete(kpi_duckdb, config):
    counts = {rule.id: n for rule, n in exclusion_counts(kpi_duckdb, config)}
    assert counts == {"sales_trial": 6 + 4}  # the whole store: also A1, A2 (Aug), Y1 (2023), Z1 (Oct)
    assert kpi_duckdb.count("interactions") == 22  # every fixture row is still stored


def test_configured_tags(kpi_duckdb, config):
    # 30 days: a1 (hired 1 Jun) and a4 (1 Aug) are senior by September, like a2 and a3.
    assert by(kpi_duckdb, config, "handled", "tenure_band") == {"senior": 11, None: 0}  # None: contacts no agent took
    # Peak only on Mondays 09:00–10:00: V1 V2 V3 V4 (2 Sep); off-peak V5 V6 V9 V10 V11 and chats C1 C2 C4 C5.
    assert by(kpi_duckdb, config, "offered", "peak") == {"peak": 4, "off_peak": 9}
    # Category map merged over the defaults: 售后投诉 simple (V2 C2 E1); 产品咨询 and 技术故障 complex.
    assert by(kpi_duckdb, config, "handled", "complexity") == {"complex": 8, "simple": 3}
    # Tier map: VIP → 贵宾 (V1 V5 C1 E1); other tiers are kept as they are.
    assert by(kpi_duckdb, config, "handled", "customer_tier") == {"贵宾": 4, "normal": 7}


def test_bad_rule_is_a_clear_error(kpi_duckdb, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("exclusions:\n  - {id: x, table: interactions, when: \"colour == 'red'\"}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="names 'colour', which is not a column"):
        compute(kpi_duckdb, ["offered"], period="2024-09", config=load_config(path))
    path.write_text("exclusion: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown section 'exclusion'"):
        load_config(path)


def test_a_rule_on_a_field_the_table_predates_matches_nothing(tmp_path):
    # A Parquet export written before is_phantom existed (schema 1) has no such column: the default
    # phantom rule cannot match there, while misoperation (handle under 3 s) still applies.
    import ibis

    from callscope.clean import exclusion_flags, exclusion_rules

    old = ibis.memtable({"outcome": ["answered", "answered"], "talk_s": [1.0, 200.0], "hold_s": [None, None], "acw_s": [None, None], "is_test": [False, False]})
    flags = exclusion_flags(old, exclusion_rules(load_config(None), "interactions"), "voice")
    assert "_ex_voice__phantom" not in flags
    kept = old.mutate(**flags).order_by("talk_s")._keep_voice.to_pyarrow().to_pylist()
    assert kept == [False, True]


def test_first_exclusion_names_the_first_rule_that_drops_a_row():
    # Rows: a test contact also handled in 1 s (both rules match: test_contact comes first in the
    # default list), a mis-operation alone, a phantom, and a normal call.
    import ibis

    from callscope.clean import exclusion_rules
    from callscope.clean.rules import first_exclusion

    t = ibis.memtable({
        "n": [1, 2, 3, 4],
        "outcome": ["answered", "answered", "abandoned", "answered"],
        "talk_s": [1.0, 2.0, None, 200.0], "hold_s": [None, 0.0, None, 10.0], "acw_s": [None, 0.0, None, 30.0],
        "is_test": [True, False, False, False], "is_phantom": [False, False, True, None],
    })
    rules = exclusion_rules(load_config(None), "interactions")
    first = t.mutate(first=first_exclusion(t, rules, "voice")).order_by("n").first.to_pyarrow().to_pylist()
    assert first == ["test_contact", "misoperation", "phantom", None]
    # A rule limited to another family does not count here; with no rule left there is no column.
    response_only = [r for r in rules if r.id == "misoperation"]
    response_only = [type(r)(**{**r.__dict__, "applies_to": ("response",)}) for r in response_only]
    assert first_exclusion(t, response_only, "voice") is None


def test_families_with_different_rules_in_one_call(kpi_duckdb, config):
    # sales_trial applies to response KPIs only, so offered (voice) and resolution time (response)
    # have different rules: computed together they must equal what each gives alone — offered
    # drops nothing (9 voice contacts offered, as above), resolution time drops the 6 sales
    # contacts (V1 V2 V3 V8 V9 V10) and keeps E1 (3 h) and E2 (1 day).
    by_queue = compute(kpi_duckdb, ["offered", "resolution_time"], by="queue", period="2024-09", config=config)
    together = compute(kpi_duckdb, ["offered", "resolution_time"], period="2024-09", config=config).set_index("kpi")
    assert together.loc["offered", "excluded"] == 0
    assert together.loc["resolution_time", "value"] == pytest.approx((10800 + 86400) / 2)
    assert together.loc["resolution_time", "excluded_by"] == "sales_trial=6"
    # By queue the sales queue's contacts are all dropped for resolution time; its row says so.
    sales = by_queue[(by_queue.queue == "sales") & (by_queue.kpi == "resolution_time")].iloc[0]
    assert sales["excluded_by"] == "sales_trial=6" and pd.isna(sales["value"])
    assert by_queue[by_queue.kpi == "resolution_time"].excluded.sum() == 6
    alone = compute(kpi_duckdb, ["offered"], by="queue", period="2024-09", config=config)
    assert sorted(zip(alone.queue, alone.value)) == sorted(zip(by_queue[by_queue.kpi == "offered"].queue, by_queue[by_queue.kpi == "offered"].value))


def test_a_slice_whose_rows_were_all_dropped_keeps_its_row(kpi_duckdb, tmp_path):
    # Dropping abandoned contacts leaves the slice without an agent (agent_id missing on V3 V4 V11
    # C4, all abandoned) with no kept row: it still shows, offered 0, with the 4 dropped rows; the
    # agents' own slices are as with no rule at all (this list replaces the default rules).
    path = tmp_path / "callscope.yaml"
    path.write_text("exclusions:\n  - {id: abandoned_calls, table: interactions, when: \"outcome == 'abandoned'\"}\n", encoding="utf-8")
    frame = compute(kpi_duckdb, ["offered"], by="agent", period="2024-09", config=load_config(path))
    no_agent = frame[frame.agent.isna()].iloc[0]
    assert no_agent["value"] == 0 and no_agent["excluded"] == 4 and no_agent["excluded_by"] == "abandoned_calls=4"
    path.write_text("exclusions: []\n", encoding="utf-8")
    plain = compute(kpi_duckdb, ["offered"], by="agent", period="2024-09", config=load_config(path))
    with_agent = frame[frame.agent.notna()].set_index("agent").value
    assert with_agent.to_dict() == plain[plain.agent.notna()].set_index("agent").value.to_dict()
