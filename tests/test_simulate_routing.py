"""Routing, priorities, chat concurrency, wrap-up, per-interval staffing, determinism, check_staffing.

Sources are named per test: Cobham (1954) for priorities, Erlang A (callscope.staffing) for chat
slots, and values worked out by hand for wrap-up and staffing changes.
"""

import numpy as np
import pandas as pd
import pytest

from callscope.simulate import CHECK_COLUMNS, AgentGroup, Centre, Distribution, Queue, SimulationInputError, check_staffing, simulate
from callscope.staffing import erlang_a, erlang_c, servers_for

INTERVAL = 1800.0


def _inside(row, measure, value):
    lo, hi = row[f"{measure}_lo"], row[f"{measure}_hi"]
    assert lo <= value <= hi, f"{measure}: expected {value:.5f} outside the 99 % CI [{lo:.5f}, {hi:.5f}] (estimate {row[measure]:.5f})"


def test_vip_priority_matches_cobham():
    # Non-pre-emptive priorities in M/M/n with equal service rates (Cobham 1954; Kleinrock, Queueing
    # Systems vol. 2, §3.7): W_k = C(n, a)/(nμ) / ((1 − σ_{k−1})(1 − σ_k)), σ_k = Σ_{i≤k} λ_i/(nμ).
    # 14 agents, AHT 180 s, 20 VIP + 80 normal calls per half hour (a = 10, the Call Centre Helper load).
    vip = Queue("vip", calls=[20] * 40, aht_s=180, priority=0)
    normal = Queue("normal", calls=[80] * 40, aht_s=180, priority=1)
    centre = Centre(INTERVAL, [normal, vip], [AgentGroup("agents", ["normal", "vip"], 14)])
    result = simulate(centre, replications=30, seed=2, warmup_intervals=2)
    rows = result.overall.set_index("queue")
    c, n_mu = erlang_c(14, 10.0), 14 / 180
    s1, s = (20 / INTERVAL) / n_mu, (100 / INTERVAL) / n_mu
    _inside(rows.loc["vip"], "asa", c / n_mu / (1 - s1))  # 2.61 s
    _inside(rows.loc["normal"], "asa", c / n_mu / ((1 - s1) * (1 - s)))  # 9.14 s
    _inside(rows.loc["all"], "asa", c / n_mu / (1 - s))  # Erlang C's ASA, priorities or not
    for q in ("vip", "normal"):  # arrivals see time averages: both classes find all agents busy alike
        _inside(rows.loc[q], "p_wait", c)
    assert rows.loc["vip", "asa_hi"] < rows.loc["normal", "asa_lo"]


def test_skills_route_overflow_only_to_skilled_groups():
    # A specialist group serves only "billing"; "sales" has nobody: every sales contact is lost to patience.
    billing = Queue("billing", calls=[50] * 4, aht_s=120, patience_s=60)
    sales = Queue("sales", calls=[30] * 4, aht_s=120, patience_s=60)
    centre = Centre(INTERVAL, [billing, sales], [AgentGroup("billing team", ["billing"], 10), AgentGroup("sales team", ["sales"], 0)])
    rows = simulate(centre, replications=5, seed=1).overall.set_index("queue")
    assert rows.loc["sales", "abandon_rate"] == 1.0 and rows.loc["sales", "answered"] == 0.0
    assert rows.loc["billing", "abandon_rate"] < 0.01


def test_chat_concurrency_multiplies_throughput():
    # 5 agents × 3 chats = 15 slots (callscope.staffing.servers_for), chats of 600 s, 90 chats per
    # half hour (twice what 15 slots can take: load 30 erlangs), patience 60 s. Erlang A with 15
    # servers gives the share that abandons; the rest is the throughput.
    queue = Queue("chat", calls=[90] * 30, aht_s=600, patience_s=60)
    centre = Centre(INTERVAL, [queue], [AgentGroup("chat agents", ["chat"], 5, concurrency=3)])
    row = simulate(centre, replications=20, seed=4, warmup_intervals=2).overall.iloc[0]
    ref = erlang_a(servers_for(5, 3), 90 / INTERVAL, 600, 60, 20)
    _inside(row, "abandon_rate", ref.p_abandon)
    per_interval = row["answered"] / 28
    assert per_interval == pytest.approx(90 * (1 - ref.p_abandon), rel=0.02)
    # 15 slots busy nearly all the time: ≈ 15 × 1800 / 600 = 45 chats per half hour, three times one chat each
    assert 43 < per_interval <= 45.5


def test_wrap_up_holds_the_agent():
    # By hand: 4 agents, talk exactly 100 s + wrap-up 20 s, ten times more calls than they can take
    # (patience 30 s): each agent starts a call every 120 s, 1800/120 = 15 per half hour, 60 in all;
    # 10800/120 = 90 per agent, 360 over the six intervals. Contacts count in the interval they arrive
    # in, so interval 0 also gets the calls that arrived just before 1800 s and were answered after it.
    queue = Queue("q", calls=[600] * 6, aht_s=100, wrap_s=20, patience_s=30, service=Distribution("deterministic"))
    centre = Centre(INTERVAL, [queue], [AgentGroup("a", ["q"], 4)])
    result = simulate(centre, replications=5, seed=0, engine="events")
    answered = result.intervals["answered"].to_numpy()
    assert np.all(np.abs(answered[1:] - 60) <= 1)
    assert abs(answered.sum() - 360) <= 4  # one more call per agent may start after the last arrival


def test_queue_carries_across_an_interval_boundary():
    # By hand: nobody staffed in interval 0 and patient callers, 200 agents in interval 1. Callers of
    # interval 0 arrive uniformly and are all answered at 1800 s: mean wait 900 s, and the share answered
    # within 20 s is the share arriving in the last 20 s, 20/1800 = 1.11 %. Interval 1: no wait.
    intervals = pd.DataFrame({"interval_start": pd.to_datetime(["2026-01-05 08:00", "2026-01-05 08:30"]), "calls": [50, 50], "aht_s": [180, 180], "agents": [0, 200]})
    out = check_staffing(intervals, interval_s=INTERVAL, answer_time_s=20, replications=40, seed=0)
    assert list(out["interval_start"]) == list(intervals["interval_start"])
    first, second = out.iloc[0], out.iloc[1]
    _inside(first, "asa", 900.0)
    _inside(first, "service_level", 20 / 1800)
    assert second["service_level"] == 1.0 and second["asa"] == 0.0
    assert (out["abandon_rate"] == 0).all()


def test_fewer_agents_finish_their_calls():
    # By hand: 2 agents in interval 0, none after; talk exactly 1000 s. Calls
    # answered in interval 0 are not cut at 1800 s: the answered ones all complete, and the rest (infinite
    # patience) wait forever. At most 2 calls per agent can start in interval 0 (starts at t and t+1000 < 1800).
    queue = Queue("q", calls=[3, 3], aht_s=1000, service=Distribution("deterministic"))
    centre = Centre(INTERVAL, [queue], [AgentGroup("a", ["q"], [2, 0])])
    result = simulate(centre, replications=30, seed=1)
    answered = result.intervals["answered"].to_numpy()
    assert 0 < answered[0] <= 4 and answered[1] == 0.0
    assert (result.intervals["abandon_rate"] == 0).all()  # nobody abandons: they are still waiting


def test_same_seed_same_numbers_other_seed_other_numbers():
    queue = Queue("q", calls=[100, 140, 90], aht_s=[180, 200, 170], patience_s=90)
    centre = Centre(INTERVAL, [queue], [AgentGroup("a", ["q"], [13, 16, 12])])
    a = simulate(centre, replications=5, seed=42).intervals
    b = simulate(centre, replications=5, seed=42).intervals
    c = simulate(centre, replications=5, seed=43).intervals
    pd.testing.assert_frame_equal(a, b)
    assert not a["service_level"].equals(c["service_level"])


def test_engines_agree_contact_by_contact():
    # The FCFS recursion and the event loop are two algorithms for one model: identical numbers.
    centre = Centre(INTERVAL, [Queue("q", calls=[120] * 6, aht_s=180, patience_s=100, patience=Distribution("lognormal", cv=0.8))], [AgentGroup("a", ["q"], 12)])
    fast = simulate(centre, replications=4, seed=9, engine="fcfs").intervals
    slow = simulate(centre, replications=4, seed=9, engine="events").intervals
    pd.testing.assert_frame_equal(fast, slow)


def test_check_staffing_columns_and_bad_input():
    intervals = pd.DataFrame({"interval_start": pd.date_range("2026-01-05 08:00", periods=3, freq="30min"), "calls": [100, 120, 80], "aht_s": 180.0, "agents": [14, 16, 12]})
    out = check_staffing(intervals, interval_s=INTERVAL, answer_time_s=20, patience_s=120, replications=5)
    assert len(out) == 3 and set(CHECK_COLUMNS) <= set(out.columns)
    assert ((out["service_level_lo"] <= out["service_level"]) & (out["service_level"] <= out["service_level_hi"])).all()
    with pytest.raises(SimulationInputError, match="agents"):
        check_staffing(intervals.drop(columns="agents"), interval_s=INTERVAL, answer_time_s=20)
    with pytest.raises(SimulationInputError, match=r"calls\[1\].*-5"):
        check_staffing(intervals.assign(calls=[100, -5, 80]), interval_s=INTERVAL, answer_time_s=20)
    with pytest.raises(SimulationInputError, match="'sales'.*the queues are: q"):
        simulate(Centre(INTERVAL, [Queue("q", [1], 60)], [AgentGroup("a", ["sales"], 1)]))
