"""The demo's queue simulation agrees with queueing theory and with itself.

Erlang C (M/M/c, patient callers): P(wait) = C(c, a) and ASA = C(c, a) / (cμ − λ), with
    C(c, a) = [a^c/c! · c/(c−a)] / [Σ_{k<c} a^k/k! + a^c/c! · c/(c−a)]
(Tijms, A First Course in Stochastic Models, 2003, §5.2–5.3; Gans, Koole & Mandelbaum 2003, §4.1).
Erlang A (M/M/c+M, exponential patience with rate θ) is the birth–death process with birth rate λ
and death rate min(n, c)·μ + max(n − c, 0)·θ; P(abandon) = θ·E[queue length] / λ
(Garnett, Mandelbaum & Reiman 2002, "Designing a call center with impatient customers", §2).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callscope.demo.queue import ready_times, simulate
from callscope.demo.staffing import plan_shifts, sqrt_staffing


def erlang_c(c: int, a: float) -> float:
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def erlang_a(c: int, lam: float, mu: float, theta: float, cap: int = 400) -> tuple[float, float]:
    """(P(wait), P(abandon)) of M/M/c+M from its stationary distribution."""
    pi = np.ones(cap + 1)
    for n in range(cap):
        pi[n + 1] = pi[n] * lam / (min(n + 1, c) * mu + max(n + 1 - c, 0) * theta)
    pi /= pi.sum()
    queue = np.maximum(np.arange(cap + 1) - c, 0)
    return float(pi[c:].sum()), float(theta * (queue * pi).sum() / lam)


def constant_staffing(streams: int, servers: int):
    """Every server on duty all the time: one interval that lasts for ever."""
    on = np.ones((streams, 1, servers), bool)
    return ready_times(on, np.zeros(streams), 1.0), np.zeros(streams)


def poisson_streams(seed: int, streams: int, per: int, lam: float, mean_work: float, patience=None):
    rng = np.random.default_rng(seed)
    arrival = np.cumsum(rng.exponential(1 / lam, (streams, per)), axis=1).ravel()
    stream = np.repeat(np.arange(streams), per)
    work = rng.exponential(mean_work, streams * per)
    if patience is None:
        patience = np.full(streams * per, np.inf)
    else:
        patience = rng.exponential(patience, streams * per)
    return stream, arrival, work, patience


def test_erlang_c_by_hand():
    # c = 5, a = 4: a^5/5! = 1024/120 = 8.5333, × 5/(5−4) = 42.667;
    # Σ_{k<5} 4^k/k! = 1 + 4 + 8 + 10.667 + 10.667 = 34.333; C = 42.667 / 77.0 = 0.55411
    assert erlang_c(5, 4.0) == pytest.approx(0.55411, abs=1e-5)


def test_patient_callers_wait_as_erlang_c_says():
    # λ = 4/min, mean service 1 min, 5 agents: a = 4 erlangs. C = 0.5541; ASA = C / (cμ − λ)
    # = 0.5541 / (5 − 4 per min) = 0.5541 min = 33.25 s.
    streams, per, warmup = 400, 3000, 300
    stream, arrival, work, patience = poisson_streams(7, streams, per, lam=4 / 60, mean_work=60.0)
    ready, t0 = constant_staffing(streams, 5)
    res = simulate(stream, arrival, work, patience, ready, t0, 1.0)
    wait = (res.start - arrival).reshape(streams, per)[:, warmup:]
    assert res.served.all()
    waited = (wait > 0).mean(axis=1)
    mean_wait = wait.mean(axis=1)
    # Independent streams: their means vary around the truth with standard error sd/√streams;
    # allow 4 standard errors (the seed is fixed, so the test is deterministic).
    assert abs(waited.mean() - erlang_c(5, 4.0)) < 4 * waited.std() / np.sqrt(streams)
    assert abs(mean_wait.mean() - 33.247) < 4 * mean_wait.std() / np.sqrt(streams)


def test_impatient_callers_abandon_as_erlang_a_says():
    # λ = 5/min, service 1 min, 4 agents (ρ = 1.25: only abandonment keeps the queue stable),
    # mean patience 2 min.
    lam, mu, theta, c = 5 / 60, 1 / 60, 1 / 120, 4
    p_wait, p_abandon = erlang_a(c, lam, mu, theta)
    streams, per, warmup = 300, 3000, 300
    stream, arrival, work, patience = poisson_streams(11, streams, per, lam, 1 / mu, patience=1 / theta)
    ready, t0 = constant_staffing(streams, c)
    res = simulate(stream, arrival, work, patience, ready, t0, 1.0)
    abandoned = (~res.served).reshape(streams, per)[:, warmup:].mean(axis=1)
    waited = (res.start - arrival > 0).reshape(streams, per)[:, warmup:].mean(axis=1)
    assert 0.2 < p_abandon < 0.3  # a regime where abandonment matters
    assert abs(abandoned.mean() - p_abandon) < 4 * abandoned.std() / np.sqrt(streams)
    assert abs(waited.mean() - p_wait) < 4 * waited.std() / np.sqrt(streams)
    # An abandoning caller leaves after exactly their patience and never holds an agent.
    gone = ~res.served
    assert np.isnan(res.end[gone]).all() and (res.start[gone] - arrival[gone] > patience[gone]).all()


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.integers(0, 400), min_size=1, max_size=40),
    works=st.lists(st.integers(1, 900), min_size=40, max_size=40),
    servers=st.integers(1, 4),
)
def test_one_more_agent_never_makes_anyone_wait_longer(gaps, works, servers):
    # FCFS with service times attached to customers: every customer's wait is non-increasing in
    # the number of servers (Kiefer–Wolfowitz workload recursion; Wolff 1989, §5-11).
    n = len(gaps)
    arrival = np.cumsum(np.array(gaps, float))
    work = np.array(works[:n], float)
    stream, patience = np.zeros(n, np.int64), np.full(n, np.inf)
    waits = []
    for c in (servers, servers + 1):
        ready, t0 = constant_staffing(1, c)
        waits.append(simulate(stream, arrival, work, patience, ready, t0, 1.0).start - arrival)
    assert (waits[1] <= waits[0]).all()


def test_more_agents_mean_fewer_abandons_and_shorter_waits():
    stream, arrival, work, patience = poisson_streams(3, 100, 2000, lam=8 / 60, mean_work=60.0, patience=90.0)
    results = []
    for c in (7, 8, 9, 10):
        ready, t0 = constant_staffing(100, c)
        res = simulate(stream, arrival, work, patience, ready, t0, 1.0)
        results.append(((~res.served).mean(), np.where(res.served, res.start - arrival, 0).mean()))
    abandon, wait = zip(*results)
    assert list(abandon) == sorted(abandon, reverse=True) and list(wait) == sorted(wait, reverse=True)


def test_square_root_staffing():
    # n = ⌈a + β√a⌉: a = 16, β = 0.5 → 16 + 2 = 18; a = 9, β = 1 → 12; a = 2.25, β = 0 → 3;
    # a tiny load still gets one agent; no load, none.
    assert sqrt_staffing(np.array([16.0, 9.0, 2.25, 0.1, 0.0]), np.array([0.5, 1.0, 0.0, 0.0, 1.0])).tolist() == [18, 12, 3, 1, 0]


def test_abandonment_rises_as_beta_is_lowered():
    # a = 8 erlangs: β = 1.5, 1.0, 0.5, 0.0 → n = ⌈8 + β·2.83⌉ = 13, 11, 10, 8.
    lam, mu, theta = 8 / 60, 1 / 60, 1 / 120
    staff = sqrt_staffing(np.full(4, 8.0), np.array([1.5, 1.0, 0.5, 0.0]))
    assert staff.tolist() == [13, 11, 10, 8]
    stream, arrival, work, patience = poisson_streams(5, 100, 2000, lam, 1 / mu, patience=1 / theta)
    observed = []
    for c in staff:
        ready, t0 = constant_staffing(100, int(c))
        gone = ~simulate(stream, arrival, work, patience, ready, t0, 1.0).served
        observed.append(gone.reshape(100, 2000)[:, 200:].mean())
    theory = [erlang_a(int(c), lam, mu, theta)[1] for c in staff]
    assert observed == sorted(observed) and theory == sorted(theory)
    assert observed[0] < 0.01 < 0.05 < observed[-1]
    assert np.allclose(observed, theory, atol=0.01)


def test_servers_work_only_when_on_duty_one_contact_at_a_time_in_arrival_order():
    rng = np.random.default_rng(1)
    streams, n_int, servers, width = 30, 24, 4, 600.0
    on = rng.random((streams, n_int, servers)) < 0.6
    t0 = np.arange(streams) * 1e6
    per = 150
    stream = np.repeat(np.arange(streams), per)
    arrival = (t0[:, None] + np.sort(rng.uniform(0, n_int * width, (streams, per)), axis=1)).ravel()
    work = rng.exponential(200, stream.size)
    patience = rng.exponential(900, stream.size)
    res = simulate(stream, arrival, work, patience, ready_times(on, t0, width), t0, width)
    s, k, start, end = stream[res.served], res.server[res.served], res.start[res.served], res.end[res.served]
    interval = np.clip(np.floor((start - t0[s]) / width), 0, n_int - 1).astype(int)
    assert on[s, interval, k].all()  # a contact starts only while its server is on duty
    order = np.lexsort((start, k, s))
    same = (s[order][1:] == s[order][:-1]) & (k[order][1:] == k[order][:-1])
    assert (start[order][1:][same] >= end[order][:-1][same]).all()  # never two at once
    for i in range(streams):  # first come, first served: service starts in arrival order
        mine = res.served & (stream == i)
        assert (np.diff(res.start[mine]) >= 0).all()
    assert (start >= arrival[res.served]).all()


def test_fill_routing_gives_a_free_agent_the_next_contact_until_they_are_full():
    # Contacts every 100 s lasting 50 s: one agent can take them all.
    arrival = np.arange(6) * 100.0
    args = (np.zeros(6, np.int64), arrival, np.full(6, 50.0), np.full(6, np.inf))
    ready, t0 = constant_staffing(1, 3)
    assert simulate(*args, ready, t0, 1.0, fill=True).server.tolist() == [0] * 6
    # Longest-idle routing spreads them over the agents instead.
    assert simulate(*args, ready, t0, 1.0).server.tolist() == [0, 1, 2, 0, 1, 2]


def test_shifts_cover_the_heads_wanted():
    heads = np.zeros((1, 96), np.int64)
    heads[0, 32:88] = 2  # two agents 08:00–22:00
    heads[0, 80:88] = 4  # four from 20:00
    starts = plan_shifts(heads, 32, 88)
    # Two 9-hour shifts from 08:00 (to 17:00); at 17:00 two 5-hour shifts (to 22:00), and at
    # 20:00 two more part-timers — who must start by 17:00 to end at closing.
    assert starts[36][0].nonzero()[0].tolist() == [32] and starts[36][0, 32] == 2
    assert starts[20][0].nonzero()[0].tolist() == [68] and starts[20][0, 68] == 4
