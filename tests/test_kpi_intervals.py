"""KPIs from interval statistics (ACD interval reports): the same catalogue, switched to the
`interval_stats` table when a period has no contact records (kpi/catalogue/intervals.py).

Six hand-written calls (the fixture of test_real_intervals.py) are imported once as call records
and once as the interval report `callscope.intervals.from_interactions` makes of them; the
KPIs an interval report can give must come out equal, worked out by hand below, and the others
must say which field is missing.
"""

from __future__ import annotations

import pytest

from callscope.ingest import ingest_file
from callscope.intervals import from_interactions
from callscope.kpi import compute
from callscope.store import open_store
from test_real_intervals import FIXTURE_CALLS

KPIS = ["offered", "handled", "abandoned", "SL", "ASA", "abandonment_rate", "answer_rate", "AHT", "ATT"]
# By hand: offered c1 c2 c3 c5 (c4 ended in the IVR, c6 is a phantom record); answered c1 c2 c5;
# c3 abandoned after 40 s (not a short abandon); waits 10, 25, 5 → ASA 40/3; within 20 s: c1, c5;
# handle c1 100+20+30, c2 200 (c5 has no talk time) → AHT 175; talk 100, 200 → ATT 150.
BY_HAND = {"offered": 4, "handled": 3, "abandoned": 1, "SL": 2 / 4, "ASA": 40 / 3, "abandonment_rate": 1 / 4, "answer_rate": 3 / 4, "AHT": 175, "ATT": 150}


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("intervals")
    calls = tmp / "calls.csv"
    calls.write_text(FIXTURE_CALLS, encoding="utf-8")
    records = open_store(str(tmp / "records.duckdb"), timezone="UTC")
    ingest_file(records, calls, table="interactions")
    report = tmp / "report.csv"
    from_interactions(records, 30, threshold_s=20).to_pandas().to_csv(report, index=False)
    intervals = open_store(str(tmp / "intervals.duckdb"), timezone="UTC")
    ingest_file(intervals, report, table="interval_stats")
    yield records, intervals
    records.close()
    intervals.close()


def values(store, kpis, **kw):
    frame = compute(store, kpis, period="2024-03", **kw)
    return frame, dict(zip(frame.kpi, frame.value))


def test_interval_report_gives_the_same_kpis_as_the_calls(stores):
    records, intervals = stores
    from_records, got_records = values(records, KPIS)
    from_intervals, got_intervals = values(intervals, KPIS)
    assert from_records.attrs["source"] == "records" and from_intervals.attrs["source"] == "interval_stats"
    assert got_records == pytest.approx(BY_HAND)
    assert got_intervals == pytest.approx(BY_HAND)


def test_what_an_interval_report_cannot_give_is_not_available(stores):
    _, intervals = stores
    frame, got = values(intervals, ["CSAT", "FCR", "contacts_per_agent_hour", "utilisation"])
    notes = dict(zip(frame.kpi, frame.note))
    assert notes["CSAT"] == "missing:interactions.csat"  # never 0
    assert notes["FCR"] == "missing:interactions.outcome,interactions.resolved"  # no call records at all
    assert notes["contacts_per_agent_hour"] == "missing:interval_stats.staffed_s"  # the report has no agent time
    assert notes["utilisation"] == "missing:interval_stats.staffed_s"
    assert all(v != v for v in got.values())  # NaN, not 0


def test_sl_counts_only_intervals_measured_at_its_threshold(stores):
    _, intervals = stores
    # The report counted answered_within at 20 s; asked for SL at 30 s there is nothing to count.
    frame = compute(intervals, ["SL"], period="2024-03", options={"answer_time_s": 30})
    assert frame.value.isna().all() and frame.note.tolist() == ["no_data"]


def test_interval_kpis_slice_by_time(stores):
    _, intervals = stores
    frame = compute(intervals, ["offered", "handled"], period="2024-03", by="hour_of_day")
    assert {(r.hour_of_day, r.kpi): r.value for r in frame.itertuples()} == {(9, "offered"): 4, (9, "handled"): 3}
    half_hours = compute(intervals, ["offered"], period="2024-03", by="interval30")
    # 09:00–09:30: c1 c2 c3; 09:30–10:00: c5.
    assert half_hours.value.tolist() == [3, 1]


def test_definitions_say_how_intervals_are_measured():
    from callscope.kpi.catalogue import get_kpi

    assert "Σ answer_wait_s ÷ Σ answered" in get_kpi("ASA").definition("en")
    assert "仅有区间统计" in get_kpi("ASA").definition("zh")
    assert "interval_stats" not in get_kpi("CSAT").definition("en")
