"""Interval statistics: the two shipped interval profiles on the real files, aggregating call records
to intervals, interval stats as forecast history, and the schema-2 migration that adds the table.

Daily totals are counted here from the files with pandas; PROVENANCE.md's checked facts (US bank:
164 days × 169 intervals, 5,323,661 calls, days from 27,666 to 42,889, 41,257 on 2003-03-03;
Anonymous Bank: 363 days × 240 slots, 444,448 records, 1999-01-11/12 missing, monthly totals, the
February cells equal to the call log's under the right-closed slot rule) are asserted alongside.
"""

from __future__ import annotations

import pandas as pd
import pytest

from callscope.forecast import history_from_file, history_from_intervals
from callscope.ingest import ingest_file
from callscope.intervals import from_interactions
from callscope.store import open_store
from real_data import ENGINES, FEBRUARY, ISRAEL, SIX_MINUTES, US_BANK, engine_store_url, needs

FIXTURE_CALLS = """interaction_id,channel,queue,arrived_at,answered_at,wait_s,talk_s,hold_s,acw_s,outcome,is_phantom
c1,voice,sales,2024-03-04 09:00:00,2024-03-04 09:00:10,10,100,20,30,answered,
c2,voice,sales,2024-03-04 09:10:00,2024-03-04 09:10:25,25,200,,,answered,
c3,voice,sales,2024-03-04 09:29:59,,40,,,,abandoned,
c4,voice,sales,2024-03-04 09:30:00,,,,,,ivr_ended,
c5,voice,sales,2024-03-04 09:31:00,2024-03-04 09:31:05,5,,,,answered,
c6,voice,sales,2024-03-04 09:40:00,2024-03-04 09:40:05,5,50,,,answered,true
"""


@pytest.fixture(scope="module", params=ENGINES)
def intervals_store(request, tmp_path_factory):
    """Both interval files imported into one store (Israel's time zone keeps the 1999 times as written)."""
    store = open_store(engine_store_url(request, tmp_path_factory), timezone=ISRAEL)
    runs = {p: ingest_file(store, f, p) for p, f in (("us_bank_5min", US_BANK), ("anonymous_bank_6min", SIX_MINUTES)) if f.exists()}
    yield store, runs
    store.close()


def _every_row_daily(intervals_store, profile: str, rows: int, source: str, measure: str) -> tuple:
    """The store, after checking the profile's import loaded all `rows`, and the measure per day."""
    store, runs = intervals_store
    run = runs[profile]
    assert (run.rows_read, run.rows_loaded, run.rows_quarantined, run.rows_duplicate) == (rows, rows, 0, 0)
    return store, _daily(store, source, measure)


def _daily(store, source: str, measure: str) -> pd.Series:
    t = store.table("interval_stats")
    t = t.filter(t.source == source)
    days = t.group_by(day=t.interval_start.date()).aggregate(n=t[measure].sum()).to_pandas()
    return days.set_index(pd.to_datetime(days.day))["n"].astype(int).sort_index()


@needs(US_BANK)
def test_us_bank_loads_every_row_and_its_daily_totals(intervals_store):
    store, got = _every_row_daily(intervals_store, "us_bank_5min", 27_716, "us_bank_weinberg", "offered")
    raw = pd.read_csv(US_BANK, parse_dates=["DateTime"])
    assert got.to_dict() == raw.groupby(raw.DateTime.dt.normalize()).Calls.sum().to_dict()
    # PROVENANCE.md: 164 days × 169 intervals = 27,716; 5,323,661 calls; 41,257 on the first day.
    assert (len(got), got.sum(), got.min(), got.max(), got.iloc[0]) == (164, 5_323_661, 27_666, 42_889, 41_257)
    t = store.table("interval_stats").filter(lambda t: t.source == "us_bank_weinberg")
    shape = t.aggregate(n=t.count(), minutes=t.interval_minutes.max(), arrivals=t.arrivals.count(), queues=t.queue.count()).to_pandas().iloc[0]
    assert (shape.n, shape.minutes, shape.arrivals, shape.queues) == (27_716, 5, 0, 0)  # offered only; all queues together


@needs(SIX_MINUTES)
def test_anonymous_bank_6min_loads_every_row_and_its_daily_totals(intervals_store):
    store, got = _every_row_daily(intervals_store, "anonymous_bank_6min", 87_120, "anonymous_bank", "arrivals")
    raw = pd.read_csv(SIX_MINUTES, parse_dates=["date"])
    assert got.to_dict() == raw.groupby("date").calls.sum().to_dict()
    # PROVENANCE.md: 363 days × 240 slots, 444,448 records; 11 and 12 January have no rows.
    assert (len(got), got.sum()) == (363, 444_448)
    assert pd.Timestamp("1999-01-11") not in got.index and pd.Timestamp("1999-01-12") not in got.index
    months = got.groupby(got.index.month).sum().tolist()
    assert months == [31_599, 33_344, 38_801, 32_036, 39_553, 37_935, 39_022, 42_078, 31_371, 34_625, 41_019, 43_065]
    t = store.table("interval_stats").filter(lambda t: t.source == "anonymous_bank")
    first = t.order_by("interval_start").limit(2).select("interval_start", "interval_minutes", "arrivals", "offered").to_pandas()
    # The file's first rows: 1999-01-01 00:00 → 2 records, 00:06 → 0.
    assert first.values.tolist() == [[pd.Timestamp("1999-01-01 00:00"), 6, 2, None], [pd.Timestamp("1999-01-01 00:06"), 6, 0, None]]


@needs(FEBRUARY, SIX_MINUTES)
def test_february_calls_aggregate_to_the_6_minute_file(tmp_path):
    store = open_store(str(tmp_path / "s.duckdb"), timezone=ISRAEL)
    ingest_file(store, FEBRUARY, "anonymous_bank")
    ingest_file(store, SIX_MINUTES, "anonymous_bank_6min")
    t = store.table("interval_stats")
    feb = t.filter((t.interval_start >= pd.Timestamp("1999-02-01")) & (t.interval_start < pd.Timestamp("1999-03-01")))
    imported = feb.select("interval_start", "arrivals").to_pandas().set_index("interval_start").arrivals
    assert len(imported) == 28 * 240
    # The 6-minute file counts every record, PHANTOM included, by vru_entry in slots closed on the right.
    ours = from_interactions(store, 6, by=(), closed="right", include_phantom=True).to_pandas().set_index("interval_start")
    cells = ours.arrivals.reindex(imported.index, fill_value=0)
    assert (cells == imported).all() and cells.sum() == 33_344  # all 6,720 cells agree
    daily = lambda s: s.groupby(s.index.normalize()).sum()  # noqa: E731
    assert daily(cells).equals(daily(imported))
    # Left-closed slots move the calls that arrive on a slot boundary (PROVENANCE.md: 97.4 % of cells agree).
    left = from_interactions(store, 6, by=(), include_phantom=True).to_pandas().set_index("interval_start").arrivals
    agree = (left.reindex(imported.index, fill_value=0) == imported).mean()
    assert agree == pytest.approx(0.974, abs=0.0005) and daily(left.reindex(imported.index, fill_value=0)).equals(daily(imported))
    # Without phantom records (the default) 278 fewer arrivals; by queue the rows add up again.
    assert from_interactions(store, 6, by=()).to_pandas().arrivals.sum() == 33_344 - 278
    by_queue = from_interactions(store, 60).to_pandas()
    assert by_queue.arrivals.sum() == 33_066 and set(by_queue.queue) == {"regular", "regular (English)", "internet", "stock exchange", "prospective customers", "callbacks"}
    store.close()


def test_from_interactions_measures_by_hand(tmp_path):
    path = tmp_path / "interactions.csv"
    path.write_text(FIXTURE_CALLS, encoding="utf-8")
    store = open_store(str(tmp_path / "s.duckdb"), timezone="UTC")
    ingest_file(store, path, table="interactions")
    rows = from_interactions(store, 30, threshold_s=20).to_pandas().set_index("interval_start")
    nine, half_past = rows.loc[pd.Timestamp("2024-03-04 09:00")], rows.loc[pd.Timestamp("2024-03-04 09:30")]
    # 09:00–09:30: c1 answered after 10 s, c2 after 25 s, c3 abandoned after 40 s.
    assert (nine.arrivals, nine.offered, nine.answered, nine.abandoned) == (3, 3, 2, 1)
    assert (nine.answered_within, nine.threshold_s, nine.answer_wait_s) == (1, 20.0, 10 + 25)  # only c1 within 20 s
    assert (nine.handled, nine.handle_s, nine.talk_s) == (2, (100 + 20 + 30) + 200, 100 + 200)  # c2's hold and ACW unknown → 0
    # 09:30–10:00: c4 ended in the IVR (arrives, not offered); c5 answered without a talk time
    # (not handled); c6 is a phantom record, left out.
    assert (half_past.arrivals, half_past.offered, half_past.answered, half_past.handled) == (2, 1, 1, 0)
    assert (half_past.queue, half_past.channel, half_past.interval_minutes, half_past.source) == ("sales", "voice", 30, "import")
    assert pd.isna(half_past.handle_s) and pd.isna(half_past.staffed_s)
    # Closed on the right, c1 (09:00:00 exactly) belongs to 08:30–09:00 and c4 (09:30:00) to 09:00–09:30.
    right = from_interactions(store, 30, by=(), closed="right").to_pandas().set_index("interval_start")
    assert right.arrivals.to_dict() == {pd.Timestamp("2024-03-04 08:30"): 1, pd.Timestamp("2024-03-04 09:00"): 3, pd.Timestamp("2024-03-04 09:30"): 1}
    assert pd.isna(right.queue).all()
    with pytest.raises(ValueError, match="interval of 7 minutes does not divide a day"):
        from_interactions(store, 7)
    with pytest.raises(ValueError, match="cannot break interval statistics down by agent_id"):
        from_interactions(store, 30, by=("agent_id",))
    store.close()


@needs(US_BANK, SIX_MINUTES)
def test_interval_stats_are_forecast_history(intervals_store):
    store, _ = intervals_store
    from_store = history_from_intervals(store, by=(), source="us_bank_weinberg")
    from_file = history_from_file(US_BANK, columns={"DateTime": "interval_start", "Calls": "offered"})
    assert from_store.equals(from_file)  # the same 27,716 intervals and counts, handle time unknown
    arrivals = history_from_intervals(store, by=(), source="anonymous_bank", volume="arrivals")
    assert (len(arrivals), arrivals.offered.sum()) == (87_120, 444_448)
    with pytest.raises(ValueError, match="no offered counts for source 'anonymous_bank'; use volume 'arrivals'"):
        history_from_intervals(store, by=(), source="anonymous_bank")
    with pytest.raises(ValueError, match="5-minute, 6-minute intervals here; choose one source"):
        history_from_intervals(store, by=())
    with pytest.raises(ValueError, match="interval statistics have no category"):
        history_from_intervals(store, by=("category",))


@needs(US_BANK)
def test_forecast_cli_reads_interval_stats(tmp_path, capsys):
    from callscope.cli import main

    store = str(tmp_path / "s.duckdb")
    s = open_store(store)
    ingest_file(s, US_BANK, "us_bank_5min")
    s.close()
    args = ["forecast", "--store", store, "--intervals", "--by", "", "--interval", "60", "--horizon", "1d",
            "--backtest-weeks", "1", "--models", "seasonal_naive", "--format", "csv"]  # fmt: skip
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code in (0, None)
    fc = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out), parse_dates=["interval_start"])
    # Monday 2003-10-27, 07:00–21:00 hourly; seasonal naive repeats Monday 2003-10-20's hours.
    bank = pd.read_csv(US_BANK, parse_dates=["DateTime"])
    monday = bank[bank.DateTime.dt.date == pd.Timestamp("2003-10-20").date()]
    hourly = monday.groupby(monday.DateTime.dt.floor("60min")).Calls.sum()
    offered = fc[fc.measure == "offered"].set_index("interval_start").forecast
    assert offered.index[0] == pd.Timestamp("2003-10-27 07:00") and len(offered) == 15
    assert offered.tolist() == hourly.astype(float).tolist()


@needs(US_BANK, SIX_MINUTES)
def test_kpis_from_the_real_interval_reports(intervals_store):
    from callscope.kpi import compute

    store, _ = intervals_store
    # PROVENANCE.md: 41,257 calls on Monday 2003-03-03; by hour as pandas counts the file.
    day = compute(store, ["offered", "SL", "AHT"], period="2003-03-03", by="hour_of_day")
    raw = pd.read_csv(US_BANK, parse_dates=["DateTime"])
    monday = raw[raw.DateTime.dt.date == pd.Timestamp("2003-03-03").date()]
    offered = day[day.kpi == "offered"].set_index("hour_of_day").value
    assert offered.sum() == 41_257 and offered.to_dict() == monday.groupby(monday.DateTime.dt.hour).Calls.sum().to_dict()
    notes = set(day[day.kpi != "offered"].note)
    assert notes == {"missing:interval_stats.answered_within,interval_stats.threshold_s", "missing:interval_stats.handle_s,interval_stats.handled"}
    # The Anonymous Bank 6-minute file counts records (arrivals), not offered calls: February 1999
    # has 33,344 arrivals (PROVENANCE.md) but no offered count.
    feb = compute(store, ["offered"], period="1999-02").iloc[0]
    assert feb.note == "missing:interval_stats.offered"
