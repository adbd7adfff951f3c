"""The planning chain (callscope.plan): requirement rows equal callscope.staffing on the forecast,
the Call Centre Helper case, and interval reports giving the same plan as call records."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from callscope.forecast import forecast, history_from_store
from callscope.intervals import from_interactions
from callscope.plan import PLAN_COLUMNS, Settings, Targets, make_plan, parse_period
from callscope.plan.shifts import roster_for
from callscope.schema import TABLES, ibis_schema
from callscope.staffing import evaluate_intervals, staff_intervals
from callscope.store import open_store
from plan_stores import PLAN_WEEK, call_centre_helper_store, calls_store

FAST = dict(models=("seasonal_naive",), backtest_weeks=1)


def settings(**kw) -> Settings:
    return Settings(parse_period(kw.pop("period", PLAN_WEEK), None), **{**FAST, "schedule": False, "simulate": False, **kw})


def test_call_centre_helper_case(store_url):
    # Call Centre Helper, "Erlang C Formula – Made Simple with an Easy Worked Example": 100 calls in
    # 30 min, AHT 180 s, 80 % in 20 s → 14 agents, SL 88.8 %, ASA 7.8 s, occupancy 71.4 %; 20 with
    # 30 % shrinkage. The history repeats that half-hour, so the seasonal-naive forecast is exact.
    # On DuckDB and on a PostgreSQL server: every read goes through Ibis.
    url = call_centre_helper_store(store_url)
    with open_store(url, create=False) as s:
        plan = make_plan(s, settings(targets=Targets(sl=0.8, answer_time=20, shrinkage=0.3)))
    t = plan.table
    assert plan.history_source == "intervals" and list(t.columns) == list(PLAN_COLUMNS)
    # Monday 25 … Friday 29 March, 09:00 and 09:30
    assert len(t) == 10 and t.interval_start.dt.date.nunique() == 5 and set(t.interval_start.dt.strftime("%H:%M")) == {"09:00", "09:30"}
    assert (t.calls == 100).all() and (t.aht_s == 180).all() and (t.erlangs == 10).all()
    assert (t.agents == 14).all() and (t.required == 20).all()
    assert t.service_level.round(3).eq(0.888).all() and t.asa_s.round(1).eq(7.8).all() and t.occupancy.round(3).eq(0.714).all()
    acc = plan.accuracy.iloc[0]
    assert (acc.model, acc.wmape, acc.baseline_wmape) == ("seasonal_naive", 0.0, 0.0)


def test_requirement_rows_equal_staffing_on_the_forecast(tmp_path):
    """Every row: calls and AHT as callscope.forecast gives them, agents as callscope.staffing does."""
    url = calls_store(tmp_path / "calls.duckdb")
    targets = Targets(sl=0.8, answer_time=20, shrinkage=0.25, patience=90, max_occupancy=0.85)
    with open_store(url, create=False) as s:
        plan = make_plan(s, settings(targets=targets))
        hist = history_from_store(s, interval_minutes=30, by=("queue",))
    t = plan.table
    fc = forecast(hist, "5d", backtest_weeks=1, models=("seasonal_naive",)).forecast
    wide = fc.pivot_table(index=["series", "interval_start"], columns="measure", values="forecast")
    mine = t.set_index(["queue", "interval_start"])
    assert len(t) == 2 * 5 * 3 and sorted(t.queue.unique()) == ["sales", "service"]
    assert np.allclose(mine.calls, wide.loc[mine.index, "offered"]) and np.allclose(mine.aht_s, wide.loc[mine.index, "aht_s"])
    # seasonal naive: Monday 25 March 09:00 on sales = Monday 18 March 09:00: 4 + (10 + 0 + 0) % 5 = 4 contacts
    assert mine.loc[("sales", pd.Timestamp("2024-03-25 09:00")), "calls"] == 4
    expected = staff_intervals(t.calls.to_numpy(), 1800, t.aht_s.to_numpy(), sl=0.8, answer_time=20, shrinkage=0.25, patience=90, max_occupancy=0.85)
    assert t.agents.tolist() == expected.agents.tolist() and t.required.tolist() == expected.scheduled_agents.tolist()
    assert np.allclose(t.service_level, expected.service_level) and np.allclose(t.p_abandon, expected.p_abandon)
    assert t.required.gt(t.agents).all()  # 25 % shrinkage always adds someone here


def _as_interval_report(calls_url: str, path) -> str:
    """The call records aggregated to 30-minute interval_stats rows, loaded into a new store."""
    with open_store(calls_url, create=False) as s:
        rows = from_interactions(s, 30).to_pyarrow()
    schema = ibis_schema(TABLES["interval_stats"]).to_pyarrow()
    full = pa.table({n: rows[n] if n in rows.column_names else pa.nulls(rows.num_rows, schema.field(n).type) for n in schema.names}, schema=schema)
    with open_store(str(path), timezone="UTC") as s:
        s.append("interval_stats", full)
    return str(path)


def test_interval_reports_give_the_same_plan_as_call_records(tmp_path):
    calls_url = calls_store(tmp_path / "calls.duckdb")
    report_url = _as_interval_report(calls_url, tmp_path / "report.duckdb")
    plans = {}
    for name, url in (("calls", calls_url), ("report", report_url)):
        with open_store(url, create=False) as s:
            plans[name] = make_plan(s, settings(targets=Targets(sl=0.8, shrinkage=0.3)))
    assert (plans["calls"].history_source, plans["report"].history_source) == ("interactions", "intervals")
    pd.testing.assert_frame_equal(plans["calls"].table, plans["report"].table)
    pd.testing.assert_frame_equal(plans["calls"].accuracy, plans["report"].accuracy)


def test_queue_and_channel_selection_and_errors(tmp_path):
    url = calls_store(tmp_path / "calls.duckdb")
    with open_store(url, create=False) as s:
        plan = make_plan(s, settings(queues=("service",)))
        assert set(plan.table.queue) == {"service"}
        with pytest.raises(ValueError, match="no interactions history for channel 'chat': the history has channels voice$"):
            make_plan(s, settings(channel="chat"))
        with pytest.raises(ValueError, match="channel 'voice' and queue\\(s\\) billing: the history has channels voice; on that channel the queues are sales, service"):
            make_plan(s, settings(queues=("billing",)))
        with pytest.raises(ValueError, match="no open interval in 2024-03-30..2024-03-31"):
            make_plan(s, settings(period="2024-03-30..2024-03-31"))
    with pytest.raises(ValueError, match="write FIRST..LAST as dates"):
        parse_period("2024-10-07", None)
    with pytest.raises(ValueError, match="both given"):
        parse_period("2024-10-07..2024-10-13", "7d")


def test_simulation_checks_the_plan_against_erlang_c(tmp_path):
    """The plan's simulation step runs callscope.simulate.check_staffing on the agents it sized.
    Call Centre Helper case (100 calls per 30 min, AHT 180 s, 14 agents): Erlang C gives SL(20 s)
    88.8 %. The simulated centre starts empty on Monday 09:00, so its first hour runs a little
    ahead of the steady state; over the ten intervals the simulation's 99 % interval contains
    88.8 % in at least nine (seeded, so the same every run), nobody abandons (no patience given:
    M/M/n), and the mean over the ten intervals is within 3 points."""
    url = call_centre_helper_store(tmp_path / "acd.duckdb")
    with open_store(url, create=False) as s:
        plan = make_plan(s, settings(simulate=True, replications=20, targets=Targets(sl=0.8, shrinkage=0.3)))
    assert plan.simulation == "ran"
    t = plan.table
    assert (t.agents == 14).all() and len(t) == 10
    assert ((t.sim_service_level_lo <= 0.8884) & (0.8884 <= t.sim_service_level_hi)).sum() >= 9
    assert (t.sim_abandon_rate == 0).all()
    assert t.sim_service_level.mean() == pytest.approx(0.8884, abs=0.03)


def test_roster_is_the_channels_agents_and_none_skips_the_schedule(tmp_path):
    url = call_centre_helper_store(tmp_path / "acd.duckdb")
    with open_store(url, create=False) as s:
        plan = make_plan(s, settings(schedule=True))  # no --headcount and no agents in the store
        assert plan.schedule_skipped == "no_roster" and plan.shifts is None and plan.table.scheduled.isna().all()
        s.append("agents", pa.table({
            "agent_id": ["V", "C", "VC", "Q", "ANY", "GONE"],
            "skills": ["voice,sales", "chat,sales", "voice,chat,sales", "sales", None, "voice,sales"],
            "leave_date": pa.array([None] * 5 + [pd.Timestamp("2024-03-01").date()], pa.date32()),
        }))  # fmt: skip
        picked = roster_for(s, "voice", pd.Timestamp("2024-03-25").date(), pd.Timestamp("2024-03-29").date())
    # chat-only agents and those gone before the period are left out; no channel named = any channel
    assert sorted(a.agent_id for a in picked) == ["ANY", "Q", "V", "VC"]
