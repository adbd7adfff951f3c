"""Erlang B, C and A: published values, hand-worked cases, identities, huge sizes, bad input."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.linalg import expm, solve
from scipy.optimize import brentq
from scipy.stats import poisson

from callscope.staffing import asa, erlang_a, erlang_b, erlang_c, occupancy, service_level
from callscope.staffing.special import log_erlang_b


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("CALLSCOPE_LANG", "en")


# ---- published values ------------------------------------------------------------------------


def test_call_centre_helper_worked_example():
    # Call Centre Helper, "Erlang C Formula – Made Simple with an Easy Worked Example": 100 calls in
    # 30 minutes with AHT 180 s is 100·180/1800 = 10 erlangs; with 14 agents 88.8 % are answered in
    # 20 s, ASA 7.8 s, occupancy 71.4 %.
    assert round(service_level(14, 10, 180, 20), 3) == 0.888
    assert round(asa(14, 10, 180), 1) == 7.8
    assert round(occupancy(14, 10), 3) == 0.714
    # and 13 agents miss 80 % (the article steps up to 14): C(13,10) = 0.2853, SL = 1 − 0.2853·e^(−3·20/180)
    assert 0.79 < service_level(13, 10, 180, 20) < 0.80


def test_tijms_hundred_agents_at_95_percent():
    # H. C. Tijms, A First Course in Stochastic Models (Wiley 2003), §5.3: with c = 100 agents at
    # utilisation 0.95 (95 erlangs), 50.6 % of callers have to wait.
    assert round(erlang_c(100, 95), 3) == 0.506


def test_erlang_b_published_trunk_sizing():
    # Westbay Engineers' Erlang calculator manual, "How much traffic can a trunk group handle?"
    # (erlang.com/calculatormanual): 15 lines at 1 % blocking carry at most 8.108 erlangs.
    assert round(brentq(lambda a: erlang_b(15, a) - 0.01, 1, 15), 3) == 8.108
    # The same site's worked reply: 1,200 calls per busy hour of 100 s = 33.333 erlangs need 45 lines
    # for 1 % blocking — 44 lines block more than 1 %, 45 less.
    load = 1200 / 36
    assert erlang_b(45, load) <= 0.01 < erlang_b(44, load)


# ---- hand-worked small cases -------------------------------------------------------------------


def test_small_cases_by_hand():
    # B(1, a) = a/(1 + a); B(2, 1) = (1/2)/(1 + 1 + 1/2) = 0.2
    assert erlang_b(1, 3.0) == pytest.approx(0.75, rel=1e-14)
    assert erlang_b(2, 1.0) == pytest.approx(0.2, rel=1e-14)
    # M/M/1: P(wait) = ρ and ASA = ρ·AHT/(1 − ρ): ρ = 0.5, AHT 60 s → 0.5 and 60 s
    assert erlang_c(1, 0.5) == pytest.approx(0.5, rel=1e-14)
    assert asa(1, 0.5, 60) == pytest.approx(60.0, rel=1e-14)
    # M/M/2 with 1 erlang: C = (1²/2!·2/(2−1)) / (1 + 1 + 1) = 1/3
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, rel=1e-14)
    # SL with T = 0 is 1 − C; no load: nobody waits
    assert service_level(2, 1.0, 60, 0) == pytest.approx(2 / 3, rel=1e-14)
    assert erlang_c(5, 0.0) == 0.0 and occupancy(5, 0.0) == 0.0


def test_no_steady_state_when_load_reaches_servers():
    assert erlang_c(10, 10) == 1.0
    assert service_level(9, 10, 180, 20) == 0.0
    assert asa(10, 12, 180) == math.inf
    assert occupancy(9, 10) == 1.0


def test_arrays_broadcast():
    values = erlang_c(np.array([13, 14, 15]), 10.0)
    assert values.shape == (3,)
    assert values[1] == pytest.approx(erlang_c(14, 10.0), rel=1e-15)


# ---- identities and properties ---------------------------------------------------------------

loads = st.floats(min_value=0.01, max_value=2000, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=1, max_value=3000), a=loads)
def test_erlang_b_recursion(n, a):
    # B(n, a) = a·B(n−1, a) / (n + a·B(n−1, a))
    previous = erlang_b(n - 1, a)
    assert erlang_b(n, a) == pytest.approx(a * previous / (n + a * previous), rel=1e-11, abs=1e-300)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=1, max_value=5000), a=loads)
def test_probability_of_waiting_is_a_probability(n, a):
    c = erlang_c(n, a)
    assert 0.0 <= c <= 1.0
    assert c >= erlang_b(n, a) - 1e-15  # queueing waits at least as often as the loss system blocks


@settings(max_examples=150, deadline=None)
@given(a=loads, extra=st.integers(min_value=1, max_value=200), aht=st.floats(10, 1000), t=st.floats(0, 300), dt=st.floats(0.1, 100))
def test_service_level_grows_with_agents_and_answer_time(a, extra, aht, t, dt):
    n = math.floor(a) + extra
    sl = service_level(n, a, aht, t)
    assert 0.0 <= sl <= 1.0
    assert service_level(n + 1, a, aht, t) >= sl - 1e-12
    assert service_level(n, a, aht, t + dt) >= sl - 1e-12


# ---- huge sizes against a high-precision reference ------------------------------------------


def _mp_erlang_b(n: int, a: float) -> mp.mpf:
    """Erlang B at 50 digits: Poisson pmf at n over cdf at n (regularised upper incomplete gamma)."""
    with mp.workdps(50):
        n, a = mp.mpf(n), mp.mpf(a)
        log_pmf = n * mp.log(a) - a - mp.loggamma(n + 1)
        return mp.exp(log_pmf) / mp.gammainc(n + 1, a, mp.inf, regularized=True)


@pytest.mark.parametrize(
    "n, a",
    [(50_000, 45_000), (45_000, 50_000), (45_000, 45_000), (45_100, 45_000), (44_000, 45_000), (3_000, 45_000), (1, 45_000), (50_000, 49_900)],
)
def test_erlang_b_huge_sizes_match_mpmath(n, a):
    assert erlang_b(n, a) == pytest.approx(float(_mp_erlang_b(n, a)), rel=1e-11)


def test_erlang_c_and_service_level_huge_sizes_match_mpmath():
    n, a = 45_200, 45_000
    b = _mp_erlang_b(n, a)
    c = n * b / (n - a * (1 - b))
    assert erlang_c(n, a) == pytest.approx(float(c), rel=1e-11)
    sl = 1 - c * mp.exp(-(n - a) * mp.mpf(20) / 180)
    assert service_level(n, a, 180, 20) == pytest.approx(float(sl), rel=1e-12)
    # Far beyond overflow of a^n/n!: 50,000 agents, 45,000 erlangs gives C ≈ 7e-119, not NaN
    assert erlang_c(50_000, 45_000) == pytest.approx(float(50_000 * _mp_erlang_b(50_000, 45_000) / (5_000 + 45_000 * _mp_erlang_b(50_000, 45_000))), rel=1e-11)


def test_erlang_b_where_the_poisson_cdf_underflows():
    # B(1, a) = a/(1 + a) holds however large a is; at 45,000 erlangs and 1 line P(Poisson ≤ 1) ≈ e^−45000
    assert erlang_b(1, 45_000) == pytest.approx(45_000 / 45_001, rel=1e-14)
    # log B stays finite where B itself underflows: B(50,000, 1,000) ≈ e^−146607.479 (mpmath)
    with mp.workdps(40):
        ref = float(mp.log(_mp_erlang_b(50_000, 1_000)))
    assert float(log_erlang_b(50_000, 1_000)) == pytest.approx(ref, rel=1e-13)


# ---- Erlang A -----------------------------------------------------------------------------


def _ctmc_reference(n, lam, aht, patience, t, queue_cap=400):
    """M/M/n+M by brute force: a truncated birth–death chain for the state seen on arrival (PASTA),
    then the tagged caller's own chain (k callers ahead; served or abandons), solved with matrix
    exponentials and linear solves. No incomplete gamma anywhere: an independent check."""
    mu, theta = 1 / aht, 1 / patience
    log_p = np.zeros(n + queue_cap + 1)
    for j in range(1, len(log_p)):
        log_p[j] = log_p[j - 1] + math.log(lam / (min(j, n) * mu + max(j - n, 0) * theta))
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    k_states, served = queue_cap, queue_cap

    def tagged(own_abandon: bool) -> np.ndarray:
        q = np.zeros((k_states + 2, k_states + 2))
        for k in range(k_states):
            q[k, k - 1 if k else served] += n * mu + k * theta
            if own_abandon:
                q[k, k_states + 1] += theta
            q[k, k] = -q[k].sum()
        return q

    q, q_virtual = tagged(True), tagged(False)
    arrive = p[n : n + k_states]
    eventually = solve(-q[:k_states, :k_states], q[:k_states, served])
    wait_if_served = solve(-q[:k_states, :k_states], eventually)  # E[W · 1{served}] from each k
    p_abandon = arrive @ (1 - eventually)
    return {
        "p_wait": p[n:].sum(),
        "p_abandon": p_abandon,
        "sl_answered": p[:n].sum() + arrive @ expm(q * t)[:k_states, served],
        "sl_virtual": p[:n].sum() + arrive @ expm(q_virtual * t)[:k_states, served],
        "asa": (arrive @ wait_if_served) / (1 - p_abandon),
    }


@pytest.mark.parametrize(
    "n, lam, aht, patience, t",
    [
        (14, 100 / 1800, 180, 120, 20),  # the Call Centre Helper interval with 2-minute patience
        (50, 48 / 60, 60, 120, 20),  # 50 agents, 2,880 calls/h, 1-min service, 2-min patience
        (10, 12 / 60, 60, 600, 30),  # overloaded: 12 erlangs on 10 agents
        (3, 1.0, 1.0, 0.5, 0.3),
    ],
)
def test_erlang_a_matches_brute_force_chain(n, lam, aht, patience, t):
    ref = _ctmc_reference(n, lam, aht, patience, t)
    answered = erlang_a(n, lam, aht, patience, t)
    virtual = erlang_a(n, lam, aht, patience, t, sl_definition="virtual")
    assert answered.p_wait == pytest.approx(ref["p_wait"], rel=1e-9)
    assert answered.p_abandon == pytest.approx(ref["p_abandon"], rel=1e-9)
    assert answered.service_level == pytest.approx(ref["sl_answered"], rel=1e-9)
    assert virtual.service_level == pytest.approx(ref["sl_virtual"], rel=1e-9)
    assert answered.asa == pytest.approx(ref["asa"], rel=1e-8)


def test_erlang_a_fifty_agents_example():
    # The Erlang-A example of Mandelbaum & Zeltyn ("The Palm/Erlang-A queue, with applications to
    # call centers", 2005) and Garnett, Mandelbaum & Reiman (2002): 50 agents, 48 calls/min, 1-min
    # service, 2-min mean patience. Values below are from the brute-force chain above (the note's own
    # table could not be retrieved to quote): 46.8 % wait, 3.1 % abandon, occupancy 93.0 %.
    r = erlang_a(50, 48 / 60, 60, 120, 20)
    assert round(r.p_wait, 3) == 0.468
    assert round(r.p_abandon, 3) == 0.031
    assert round(r.occupancy, 3) == round(48 * (1 - r.p_abandon) / 50, 3) == 0.930
    assert r.mean_wait == pytest.approx(r.p_abandon * 120, rel=1e-15)  # Little: P(Ab) = θ·E[W]


def test_erlang_a_patience_equal_to_handle_time_is_an_infinite_server_queue():
    # When θ = μ every caller in the system leaves at rate μ (served or not), so the number in system
    # is Poisson(a): P(wait) = P(N ≥ n), P(abandon) = θ·E[(N − n)⁺]/λ = E[(N − n)⁺]/a.
    # By hand for n = 1, a = 1: P(wait) = 1 − e⁻¹ = 0.63212, P(abandon) = E[N] − P(N ≥ 1) = e⁻¹.
    r = erlang_a(1, 1.0, 1.0, 1.0, 0.0)
    assert r.p_wait == pytest.approx(1 - math.exp(-1), rel=1e-13)
    assert r.p_abandon == pytest.approx(math.exp(-1), rel=1e-13)
    # and at 45,000 agents and 45,000 erlangs (sums over the Poisson law, no incomplete gamma)
    n, a = 45_000, 45_000.0
    k = np.arange(n, n + 5_000)
    excess = np.sum((k - n) * poisson.pmf(k, a))
    r = erlang_a(n, a / 180, 180, 180, 20)
    assert r.p_wait == pytest.approx(poisson.sf(n - 1, a), rel=1e-10)
    assert r.p_abandon == pytest.approx(excess / a, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(a=st.floats(0.5, 500), extra=st.integers(0, 60), t=st.floats(0, 120))
def test_erlang_a_tends_to_erlang_c_as_patience_grows(a, extra, t):
    # Abandonment shifts the queue's drift by about θ·E[queue] relative to nμ − λ, i.e. by ~a/((n−a)²·10⁹)
    # at patience 10⁹·AHT: keep n − a ≥ 1 so that real difference stays below the tolerance.
    n, aht = math.ceil(a + 1) + extra, 180.0
    r = erlang_a(n, a / aht, aht, 1e9 * aht, t)
    assert r.p_wait == pytest.approx(erlang_c(n, a), rel=1e-5, abs=1e-12)
    assert r.service_level == pytest.approx(service_level(n, a, aht, t), rel=1e-5, abs=1e-9)
    assert r.asa == pytest.approx(asa(n, a, aht), rel=1e-5, abs=1e-9)
    assert r.p_abandon < 1e-6


@settings(max_examples=80, deadline=None)
@given(n=st.integers(1, 400), a=st.floats(0.1, 600), patience=st.floats(5, 3000), t=st.floats(0, 200))
@example(n=1, a=560.0, patience=2684.0, t=1.0)  # service level came out at −1.8e-12 before clipping
def test_erlang_a_measures_are_consistent(n, a, patience, t):
    aht = 180.0
    answered = erlang_a(n, a / aht, aht, patience, t)
    virtual = erlang_a(n, a / aht, aht, patience, t, sl_definition="virtual")
    for p in (answered.p_wait, answered.p_abandon, answered.service_level, virtual.service_level, answered.occupancy):
        assert -1e-12 <= p <= 1 + 1e-12
    assert answered.p_abandon <= answered.p_wait + 1e-12
    assert answered.service_level <= virtual.service_level + 1e-12  # answered-within-T ⊂ offered-wait-within-T
    assert answered.service_level <= 1 - answered.p_abandon + 1e-12
    more = erlang_a(n + 1, a / aht, aht, patience, t)
    assert more.service_level >= answered.service_level - 1e-9
    assert more.p_abandon <= answered.p_abandon + 1e-12


def test_erlang_a_huge_sizes_are_finite_and_sane():
    r = erlang_a(np.array([45_000, 45_200, 50_000]), 45_000 / 180, 180, 120, 20)
    assert np.all(np.isfinite([r.p_wait, r.p_abandon, r.asa, r.service_level]))
    assert np.all(np.diff(r.service_level) > 0) and np.all(np.diff(r.p_abandon) < 0)


def test_erlang_a_edge_cases():
    nobody = erlang_a(5, 0.0, 180, 120, 20)
    assert (nobody.p_wait, nobody.p_abandon, nobody.service_level) == (0.0, 0.0, 1.0)
    no_agents = erlang_a(0, 1 / 60, 180, 120, 20)
    assert (no_agents.p_wait, no_agents.p_abandon, no_agents.service_level, no_agents.mean_wait) == (1.0, 1.0, 0.0, 120.0)
    infinite = erlang_a(14, 100 / 1800, 180, math.inf, 20)
    assert infinite.service_level == pytest.approx(service_level(14, 10, 180, 20), rel=1e-14)


# ---- bad input ----------------------------------------------------------------------------


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match=r"load = -1 is negative; load must be ≥ 0"):
        erlang_c(10, -1)
    with pytest.raises(ValueError, match=r"servers = -2 \(interval 1\) is negative"):
        erlang_b(np.array([3, -2]), 1.0)
    with pytest.raises(ValueError, match=r"aht = 0 must be greater than 0"):
        service_level(14, 10, 0, 20)
    with pytest.raises(ValueError, match=r"load = nan is not a number"):
        erlang_b(3, float("nan"))
    with pytest.raises(ValueError, match=r"patience = -5 must be greater than 0"):
        erlang_a(3, 1.0, 1.0, -5, 0)
    with pytest.raises(ValueError, match=r"unknown service-level definition 'within'; use one of: answered, virtual"):
        erlang_a(3, 1.0, 1.0, 5, 0, sl_definition="within")
