"""Staffing solver, shrinkage, concurrency, what-if evaluation and the `callscope staff` command."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callscope.cli import main
from callscope.staffing.search import ErlangCTargets, erlang_b_at, erlang_c_walk
from callscope.i18n import set_lang
from callscope.staffing import (
    MAX_AGENTS,
    erlang_a,
    erlang_c,
    evaluate,
    evaluate_intervals,
    scheduled_agents,
    service_level,
    staff,
    staff_intervals,
)


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("CALLSCOPE_LANG", "en")
    yield
    set_lang(None)


# ---- published case --------------------------------------------------------------------------


def test_call_centre_helper_staffing():
    # Call Centre Helper, "Erlang C Formula – Made Simple with an Easy Worked Example": 100 calls per
    # 30 minutes, AHT 180 s, 80 % in 20 s → 14 agents (SL 88.8 %, ASA 7.8 s, occupancy 71.4 %);
    # with 30 % shrinkage 14/0.7 = 20 agents on the schedule.
    r = staff(100, 1800, 180, sl=0.8, answer_time=20, shrinkage=0.3)
    assert (r.agents, r.scheduled_agents) == (14, 20)
    assert round(r.service_level, 3) == 0.888
    assert round(r.asa, 1) == 7.8
    assert round(r.occupancy, 3) == 0.714
    assert round(r.p_wait, 3) == 0.174
    assert r.p_abandon is None and r.model == "erlang_c" and r.load == 10.0


# ---- each target, worked by hand from the Erlang C table of the same interval -----------------
# agents:   12     13     14     15
# SL(20 s): 0.640  0.796  0.888  0.941
# ASA (s):  40.4   17.1   7.84   3.67
# occupancy 0.833  0.769  0.714  0.667


def test_each_target_alone():
    assert staff(100, 1800, 180, asa=10).agents == 14  # 17.1 > 10 ≥ 7.84
    assert staff(100, 1800, 180, asa=40.5).agents == 12
    assert staff(100, 1800, 180, max_occupancy=0.7).agents == 15  # 10/14 = 0.714 > 0.7 ≥ 10/15
    assert staff(100, 1800, 180, max_occupancy=0.8).agents == 13  # 10/12 = 0.833 > 0.8 ≥ 10/13
    # all at once: the strictest wins
    assert staff(100, 1800, 180, sl=0.8, answer_time=20, asa=10, max_occupancy=0.7).agents == 15


def test_abandonment_target_with_patience():
    # Erlang A, 2-minute patience: 14 agents abandon 2.28 %, 15 agents 1.29 % (tests/test_erlang.py
    # checks these measures against a brute-force chain)
    assert erlang_a(14, 100 / 1800, 180, 120, 20).p_abandon > 0.02 > erlang_a(15, 100 / 1800, 180, 120, 20).p_abandon
    r = staff(100, 1800, 180, max_abandon=0.02, patience=120)
    assert r.agents == 15 and r.model == "erlang_a" and r.p_abandon < 0.02


def test_patience_lowers_the_staffing_for_the_same_virtual_service_level():
    # Abandonment shortens the queue: offered waits are shorter than under Erlang C, so never more agents.
    c = staff(100, 1800, 180, sl=0.8, answer_time=20)
    a = staff(100, 1800, 180, sl=0.8, answer_time=20, patience=120, sl_definition="virtual")
    assert a.agents <= c.agents


# ---- the search finds the fewest -------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(calls=st.floats(1, 20_000), aht=st.floats(20, 900), sl=st.floats(0.5, 0.99), t=st.floats(0, 60))
def test_fewest_agents_meet_the_target_and_one_fewer_does_not(calls, aht, sl, t):
    r = staff(calls, 1800, aht, sl=sl, answer_time=t)
    assert r.service_level >= sl - 1e-12
    if r.agents - 1 > r.load:  # below that Erlang C has no steady state
        assert service_level(r.agents - 1, r.load, aht, t) < sl


@settings(max_examples=25, deadline=None)
@given(calls=st.floats(1, 3_000), patience=st.floats(10, 600), target=st.floats(0.005, 0.3))
def test_fewest_agents_for_an_abandonment_target(calls, patience, target):
    r = staff(calls, 1800, 240, max_abandon=target, patience=patience)
    assert r.p_abandon <= target + 1e-12
    if r.agents > 1:
        assert erlang_a(r.agents - 1, calls / 1800, 240, patience, 0).p_abandon > target


def test_vectorised_equals_one_at_a_time():
    rng = np.random.default_rng(7)
    calls = rng.uniform(0, 3000, 40)
    aht = rng.uniform(60, 600, 40)
    frame = staff_intervals(calls, 1800, aht, sl=0.8, answer_time=20, shrinkage=0.25)
    for i in range(0, 40, 7):
        one = staff(calls[i], 1800, aht[i], sl=0.8, answer_time=20, shrinkage=0.25)
        assert frame["agents"].iloc[i] == one.agents
        assert frame["scheduled_agents"].iloc[i] == one.scheduled_agents
        assert frame["service_level"].iloc[i] == pytest.approx(one.service_level, rel=1e-13)


def test_intervals_from_a_dataframe_and_empty_intervals():
    df = pd.DataFrame({"calls": [0.0, 100.0], "aht": [180.0, 180.0], "interval_s": [1800, 1800]}, index=["08:00", "08:30"])
    out = staff_intervals(df, sl=0.8, answer_time=20)
    assert list(out.index) == ["08:00", "08:30"]
    assert list(out["agents"]) == [0, 14]
    assert out.loc["08:00", "service_level"] == 1.0 and out.loc["08:00", "occupancy"] == 0.0


def test_huge_interval_is_solved_exactly():
    # 45,000 erlangs (900,000 calls per half hour at 90 s): the answer meets 80/20 and one fewer does not
    r = staff(900_000, 1800, 90, sl=0.8, answer_time=20)
    assert r.load == 45_000
    assert r.service_level >= 0.8 > service_level(r.agents - 1, 45_000, 90, 20)
    assert 45_000 < r.agents < 45_200 and math.isfinite(r.asa)
    # and Erlang A at that size
    a = staff(900_000, 1800, 90, sl=0.8, answer_time=20, patience=60)
    assert a.service_level >= 0.8 and a.agents <= r.agents


def test_walk_is_exact_whatever_the_guess():
    # The Erlang C walk starts at a guess; a guess above the answer must not change the answer.
    a = np.array([10.0, 95.0, 0.3, 1500.0])
    goal = ErlangCTargets(np.full(4, 180.0), np.full(4, 20.0), sl=np.full(4, 0.8))
    exact, _ = erlang_c_walk(a, goal, cap=1e6, guess=a)  # guess = load: below every answer
    high, b = erlang_c_walk(a, goal, cap=1e6, guess=exact + 10)  # far above: walked again from the load
    assert list(high) == list(exact) and exact[0] == 14
    assert b == pytest.approx([float(erlang_b_at(np.array([x]), np.array([n]))[0]) for x, n in zip(a, exact)], rel=1e-12)


def test_erlang_b_by_recursion_and_by_incomplete_gamma_agree():
    # Small loads get B by Erlang's recursion from B(0) = 1, large ones by the incomplete gamma.
    from callscope.staffing import erlang_b

    a = np.array([0.5, 10.0, 60.0, 127.9, 128.1, 900.0])
    m = np.floor(a) + 3
    assert erlang_b_at(a, m) == pytest.approx(erlang_b(m, a), rel=1e-12)


def test_per_interval_targets_match_one_target_for_all():
    calls = np.array([50.0, 100.0, 400.0])
    one = staff_intervals(calls, 1800, 180, sl=0.8, answer_time=20)
    each = staff_intervals(calls, 1800, 180, sl=np.array([0.8, 0.8, 0.8]) + np.array([0, 0, 1e-15]), answer_time=20)
    assert list(one["agents"]) == list(each["agents"])


# ---- shrinkage and concurrency -------------------------------------------------------------


def test_shrinkage_rounds_up_to_whole_people():
    assert scheduled_agents(14, 0.3) == 20  # 14/0.7 = 20 exactly (20.000000000000004 in floating point)
    assert scheduled_agents(10, 0.25) == 14  # 13.33 → 14
    assert scheduled_agents(0, 0.3) == 0
    assert list(scheduled_agents(np.array([7, 21]), 0.3)) == [10, 30]


def test_chat_concurrency_counts_each_agent_as_several_servers():
    # 240 chats per 30 minutes of 900 s each = 120 erlangs. One chat per agent needs S servers for
    # 80 % in 60 s; with 3 chats per agent, agents provide 3 servers each, so ⌈S/3⌉ agents suffice.
    single = staff(240, 1800, 900, sl=0.8, answer_time=60)
    triple = staff(240, 1800, 900, sl=0.8, answer_time=60, concurrency=3)
    assert triple.agents == math.ceil(single.agents / 3)
    assert triple.occupancy == pytest.approx(120 / (3 * triple.agents), rel=1e-14)
    assert triple.p_wait == pytest.approx(erlang_c(3 * triple.agents, 120), rel=1e-14)


# ---- what-if -----------------------------------------------------------------------------------


def test_evaluate_a_given_staffing():
    r = evaluate(100, 1800, 180, 13, answer_time=20, shrinkage=0.3)
    assert r.agents == 13 and r.scheduled_agents == 19  # 13/0.7 = 18.6 → 19
    assert round(r.service_level, 3) == 0.796
    under = evaluate(100, 1800, 180, 9, answer_time=20)  # 9 agents, 10 erlangs: no steady state
    assert (under.service_level, under.asa, under.p_wait, under.occupancy) == (0.0, math.inf, 1.0, 1.0)
    frame = evaluate_intervals([100, 200], 1800, 180, [14, 25], answer_time=20)
    assert list(frame["agents"]) == [14, 25]


# ---- bad input ---------------------------------------------------------------------------------


def test_bad_inputs_say_what_is_wrong():
    with pytest.raises(ValueError, match=r"calls = -5 \(interval 2\) is negative; calls must be ≥ 0"):
        staff_intervals([10, 20, -5], 1800, 180, sl=0.8, answer_time=20)
    with pytest.raises(ValueError, match=r"aht = 0 must be greater than 0"):
        staff(100, 1800, 0, sl=0.8, answer_time=20)
    with pytest.raises(ValueError, match=r"service-level target 1 is unreachable.*use a target below 1"):
        staff(100, 1800, 180, sl=1.0, answer_time=20)
    with pytest.raises(ValueError, match=r"ASA target 0 is unreachable"):
        staff(100, 1800, 180, asa=0)
    with pytest.raises(ValueError, match=r"abandonment target needs the callers' mean patience"):
        staff(100, 1800, 180, max_abandon=0.05)
    with pytest.raises(ValueError, match=r"abandonment target 0 is unreachable"):
        staff(100, 1800, 180, max_abandon=0, patience=60)
    with pytest.raises(ValueError, match=r"needs the answer time T"):
        staff(100, 1800, 180, sl=0.8)
    with pytest.raises(ValueError, match=r"give at least one target"):
        staff(100, 1800, 180)
    with pytest.raises(ValueError, match=r"shrinkage = 1 must lie in \[0, 1\)"):
        staff(100, 1800, 180, sl=0.8, answer_time=20, shrinkage=1)
    with pytest.raises(ValueError, match=r"concurrency = 1.5 is not a whole number"):
        staff(100, 1800, 180, sl=0.8, answer_time=20, concurrency=1.5)
    with pytest.raises(ValueError, match=r"different lengths \(calls: 3, interval_s: 1, aht: 2"):
        staff_intervals([1, 2, 3], 1800, [180, 200], sl=0.8, answer_time=20)


def test_load_beyond_any_staffing_fails_fast():
    # 10¹² calls of 180 s in half an hour is 10¹¹ erlangs: more agents than the solver will consider
    with pytest.raises(ValueError, match=rf"a load of 1e\+11 erlangs needs more than {MAX_AGENTS:,} agents"):
        staff(1e12, 1800, 180, sl=0.8, answer_time=20)


# ---- command line ---------------------------------------------------------------------------


def _run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(["staff", *args])
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def test_cli_json_for_the_call_centre_helper_case(capsys):
    code, out, _ = _run(capsys, "--calls", "100", "--interval", "1800", "--aht", "180", "--sl", "0.8", "--answer-time", "20", "--shrinkage", "0.3", "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert (result["agents"], result["scheduled_agents"]) == (14, 20)
    assert round(result["service_level"], 3) == 0.888
    assert round(result["asa"], 1) == 7.8
    assert round(result["occupancy"], 3) == 0.714
    assert round(result["p_wait"], 3) == 0.174
    assert result["p_abandon"] is None


def test_cli_with_patience_and_what_if(capsys):
    code, out, _ = _run(capsys, "--calls", "100", "--aht", "180", "--max-abandon", "0.02", "--patience", "120", "--format", "json")
    assert code == 0 and json.loads(out)["agents"] == 15 and json.loads(out)["p_abandon"] < 0.02
    code, out, _ = _run(capsys, "--calls", "100", "--aht", "180", "--agents", "13", "--format", "json")
    assert code == 0 and round(json.loads(out)["service_level"], 3) == 0.796


def test_cli_table_in_chinese(capsys):
    code, out, _ = _run(capsys, "--calls", "100", "--aht", "180", "--sl", "0.8", "--lang", "zh")
    assert code == 0 and "在线坐席数" in out and "88.8%" in out and "Erlang C" in out


def test_cli_errors_are_one_clear_line(capsys):
    code, _, err = _run(capsys, "--calls", "100", "--aht", "180", "--agents", "9")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "9 agents cannot serve a load of 10 erlangs" in err
    code, _, err = _run(capsys, "--calls", "100", "--aht", "180", "--sl", "1")
    assert code == 2 and "unreachable" in err
    code, _, err = _run(capsys, "--calls", "100", "--aht", "180", "--sl", "0.8", "--format", "xml")
    assert code == 2 and "unknown output format 'xml'; use one of: table, json" in err


def test_cli_json_has_null_where_a_measure_has_no_value(capsys):
    # no agents and impatient callers: everybody abandons (mean wait = patience), nobody is answered
    code, out, _ = _run(capsys, "--calls", "10", "--aht", "180", "--agents", "0", "--patience", "30", "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["asa"] is None and result["p_abandon"] == 1.0 and result["mean_wait"] == 30.0
