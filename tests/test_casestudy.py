"""The case study (`callscope case-study anonymous-bank`) on the real files.

One store for the module: February 1999 and the US bank series imported by the case study's own
run (no month-end reports; a one-day forecast horizon, a one-week backtest and two candidate models to stay fast). Each
expected number is counted here straight from the raw files, with plain SQL on DuckDB or pandas,
written independently of the importer and of `callscope.casestudy`.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from callscope.casestudy import Inputs, Settings
from callscope.casestudy.document import DOC_NAME, generate
from callscope.staffing import staff
from callscope.store import open_store
from real_data import DATA, FEBRUARY, ISRAEL, US_BANK, needs

REAL = needs(FEBRUARY, US_BANK)

SUNDAY_TO_THURSDAY = "(0, 1, 2, 3, 4)"  # DuckDB dayofweek: 0 = Sunday


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    store = open_store(str(out / "store.duckdb"), timezone=ISRAEL)
    settings = Settings(horizon="1d", backtest_weeks=1, reports=(), models=("seasonal_naive", "mstl_ses"))
    ctx = generate(store, Inputs(DATA), out, settings, lambda *a, **k: None)
    yield ctx, (out / DOC_NAME).read_text(encoding="utf-8")
    store.close()


@pytest.fixture(scope="module")
def raw():
    """The February file as text, with its outcome as the documentation defines it (docs/formats/anonymous-bank.md):
    AGENT → answered; HANG after queueing (q_start or q_exit set) → abandoned; PHANTOM kept apart."""
    con = duckdb.connect()
    con.execute(f"""
        CREATE VIEW calls AS SELECT *, strptime(date, '%y%m%d') AS day, hour(vru_entry::TIME) AS h,
            CASE WHEN outcome = 'AGENT' THEN 'answered'
                 WHEN outcome = 'HANG' AND (q_start <> '0:00:00' OR q_exit <> '0:00:00') THEN 'abandoned'
                 ELSE lower(outcome) END AS result,
            ser_start <> '0:00:00' OR ser_exit <> '0:00:00' AS has_service
        FROM read_csv('{FEBRUARY}', delim='\t', header=true, all_varchar=true)
        WHERE outcome <> 'PHANTOM'""")
    yield con
    con.close()


@REAL
def test_one_hour_of_erlang_c_and_a_from_a_direct_count(study, raw):
    ctx, doc = study
    # 10:00–11:00 on the 20 Sunday–Thursday days: calls that queued or were answered, arriving then.
    offered, aht, days = raw.execute(f"""
        SELECT count(*) FILTER (WHERE result IN ('answered', 'abandoned')),
               avg(ser_time::INT) FILTER (WHERE result = 'answered' AND has_service),
               count(DISTINCT day)
        FROM calls WHERE h = 10 AND dayofweek(day) IN {SUNDAY_TO_THURSDAY}""").fetchone()
    assert (offered, days) == (2_427, 20)
    # Exponential patience, MLE: abandons ÷ Σ queue time of every caller who reached the queue.
    abandons, waited = raw.execute("SELECT count(*) FILTER (WHERE result = 'abandoned'), sum(q_time::INT) FILTER (WHERE result IN ('answered', 'abandoned')) FROM calls").fetchone()
    assert (abandons, waited) == (3_963, 1_367_207)
    patience = waited / abandons
    erlang_c = staff(offered / days, 3600, aht, sl=0.8, answer_time=20).agents
    erlang_a = staff(offered / days, 3600, aht, sl=0.8, answer_time=20, patience=patience).agents
    row = ctx["hourly"].set_index("hour").loc[10]
    assert row.offered == pytest.approx(offered / days) and row.aht == pytest.approx(aht)
    assert (row.erlang_c, row.erlang_a) == (erlang_c, erlang_a) == (10, 9)
    # Distinct agents whose service overlapped 10:00–11:00, per working day.
    served = raw.execute(f"""
        SELECT count(DISTINCT (day, server)) / 20 FROM calls
        WHERE result = 'answered' AND server <> 'NO_SERVER' AND has_service AND dayofweek(day) IN {SUNDAY_TO_THURSDAY}
          AND ser_start::TIME < TIME '11:00:00' AND ser_exit::TIME > TIME '10:00:00' AND ser_exit::TIME > ser_start::TIME""").fetchone()[0]
    assert row.served == pytest.approx(served)
    line = f"| 10:00 | {offered / days:,.1f} | {aht:,.0f} | {offered / days * aht / 3600:,.2f} | {erlang_c} | {erlang_a} | {served:,.1f} |"
    assert line in doc
    assert f"{abandons:,} ÷ {waited:,} s" in doc and f"mean {patience:,.0f} s" in doc


@REAL
def test_regular_and_priority_counts_match_the_file(study, raw):
    ctx, doc = study
    # KPI exclusions: phantom (left out above) and `misoperation`, answered with under 3 s of talk.
    # Abandoned counts only abandons after the 5-s short-abandon threshold.
    counts = raw.execute("""
        SELECT CASE WHEN priority = '2' THEN 'priority' ELSE 'regular' END AS tier,
               count(*) FILTER (WHERE result IN ('answered', 'abandoned')) AS offered,
               count(*) FILTER (WHERE result = 'answered') AS handled,
               count(*) FILTER (WHERE result = 'abandoned' AND q_time::INT >= 5) AS abandoned
        FROM calls WHERE NOT (result = 'answered' AND has_service AND ser_time::INT < 3)
        GROUP BY tier""").df().set_index("tier")
    service = ctx["service"]
    for tier in ("regular", "priority"):
        for kpi in ("offered", "handled", "abandoned"):
            assert service.loc[tier, kpi] == counts.loc[tier, kpi], (tier, kpi)
    assert counts.offered.to_dict() == {"regular": 21_832, "priority": 8_861}
    # AHT: the call log has no hold or wrap-up, so it is the mean ser_time of answered calls with service times.
    aht = raw.execute("SELECT avg(ser_time::INT) FROM calls WHERE result = 'answered' AND has_service AND ser_time::INT >= 3").fetchone()[0]
    assert ctx["aht"] == pytest.approx(aht) and service.loc["all", "AHT"] == pytest.approx(aht)
    total = counts.offered.sum()
    assert f"| offered | {total:,} | {counts.offered.regular:,} | {counts.offered.priority:,} |" in doc


@REAL
def test_the_document_states_the_accounting_and_the_volumes(study, raw):
    ctx, doc = study
    assert "| 33,344 | 33,344 | 0 | 0 |" in doc  # read, loaded, quarantined, duplicates (PROVENANCE.md: 33,344 records)
    assert "| phantom | 278 |" in doc and "| `phantom` | 278 |" in doc  # PROVENANCE.md: PHANTOM 278
    answered, abandoned, ivr = raw.execute("SELECT count(*) FILTER (WHERE result = 'answered'), count(*) FILTER (WHERE result = 'abandoned'), count(*) FILTER (WHERE result = 'hang') FROM calls").fetchone()
    assert f"| answered | {answered:,} |" in doc and f"| abandoned | {abandoned:,} |" in doc and f"| ended in the IVR | {ivr:,} |" in doc
    # Tuesdays: offered calls (phantom and misoperation left out) over the month's 4 Tuesdays.
    tuesday = raw.execute("SELECT count(*) FROM calls WHERE dayofweek(day) = 2 AND result IN ('answered', 'abandoned') AND NOT (result = 'answered' AND has_service AND ser_time::INT < 3)").fetchone()[0]
    assert f"| Tuesday | 4 | {tuesday:,} | {tuesday / 4:,.1f} |" in doc
    for chart in ("volumes.png", "staffing.png", "plan.png"):
        assert f"(case-study/{chart})" in doc and (ctx["paths"][0].parent / "case-study" / chart).stat().st_size > 10_000


@REAL
def test_the_planning_example_scores_seasonal_naive_as_the_file_does(study):
    """Seasonal naive over the last week (Oct 20–24, 2003), 30-minute sums: each interval forecast by the
    same interval a week earlier; 2003-10-14, a closed day, is filled with the week before (Oct 7)."""
    ctx, doc = study
    calls = pd.read_csv(US_BANK, parse_dates=["DateTime"])
    half_hours = calls.groupby(calls.DateTime.dt.floor("30min")).Calls.sum()
    day = lambda d: half_hours[half_hours.index.normalize() == pd.Timestamp(d)].to_numpy()  # noqa: E731
    actual = np.concatenate([day(f"2003-10-{d}") for d in (20, 21, 22, 23, 24)])
    naive = np.concatenate([day(f"2003-10-{d:02d}") for d in (13, 7, 15, 16, 17)])
    wmape = np.abs(actual - naive).sum() / actual.sum()
    bt = ctx["plan"].backtest.iloc[0]
    assert bt.naive_wmape == pytest.approx(wmape) and bt.points == len(actual) == 5 * 29
    assert bt.wmape < bt.naive_wmape  # the chosen model beats the baseline on this series
    assert f"| all (offered) | `{bt.model}` | {bt.wmape * 100:.1f} % | {bt.mase:.3f} | {wmape * 100:.1f} % |" in doc
    # The next (one-day) forecast is staffed by Erlang C at the Anonymous Bank's February AHT.
    fc = ctx["plan"].intervals
    first = fc.iloc[0]
    assert first.interval_start == pd.Timestamp("2003-10-27 07:00")
    assert first.agents == staff(first.forecast, 1800, ctx["aht"], sl=0.8, answer_time=20).agents
    last = fc.iloc[-1]  # 21:00 holds only the 21:00–21:05 count
    assert last.interval_start == pd.Timestamp("2003-10-27 21:00") and last.agents == staff(last.forecast, 300, ctx["aht"], sl=0.8, answer_time=20).agents
    assert f"**{ctx['aht']:.1f} s**" in doc


def test_a_missing_data_folder_is_named(tmp_path, capsys):
    from callscope.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["case-study", "anonymous-bank", "--data", str(tmp_path), "--out", str(tmp_path / "docs"), "--lang", "en"])
    assert exit_.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"real data not found: {tmp_path}/anonymous_bank/mtpa_data_anonymous_bank_february.txt" in err and "CALLSCOPE_REAL_DATA" in err
    assert not (tmp_path / "docs").exists()  # nothing written
