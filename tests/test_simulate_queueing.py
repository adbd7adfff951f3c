"""The simulation against queueing theory: each analytic value lies within the simulation's 99 %
Student-t confidence interval.

Sources:
* Erlang C (M/M/n) and Erlang A (M/M/n+M): callscope.staffing, itself checked against published
  values — Call Centre Helper's worked example (100 calls in 30 min, AHT 180 s, 14 agents: SL 88.8 %
  in 20 s, ASA 7.8 s) and Tijms, *A First Course in Stochastic Models*, §5.3 (100 agents at
  utilisation 0.95: 50.6 % wait).
* M/M/n+G (deterministic and lognormal patience): the offered-wait density of Baccelli & Hébuterne
  (1981), as written by Mandelbaum & Zeltyn (2005, "Call centers with impatient customers: many-server
  asymptotics of the M/M/n+G queue", Queueing Systems 51): on v > 0 it is proportional to
  exp(λ·H(v) − nμ·v), H(v) = ∫₀ᵛ Ḡ(u) du, Ḡ the patience survival function; P(V > 0) = λJ·B/(1 + λJ·B)
  with J = ∫₀^∞ exp(λH(v) − nμv) dv and B = Erlang B(n − 1, λ/μ). Computed below by quadrature and
  checked first against Erlang A, where Ḡ is exponential.
"""

import math

import pytest
from scipy import integrate, stats

from callscope.simulate import AgentGroup, Centre, Distribution, Queue, simulate
from callscope.staffing import asa, erlang_a, erlang_b, erlang_c, service_level

INTERVAL = 1800.0


def _centre(calls, agents, aht, *, patience_s=None, patience=Distribution(), intervals=40, **kw):
    queue = Queue("q", calls=[calls] * intervals, aht_s=aht, patience_s=patience_s, patience=patience)
    return Centre(INTERVAL, [queue], [AgentGroup("a", ["q"], agents)], **kw)


def _inside(row, measure, value):
    lo, hi = row[f"{measure}_lo"], row[f"{measure}_hi"]
    assert lo <= value <= hi, f"{measure}: analytic {value:.5f} outside the 99 % CI [{lo:.5f}, {hi:.5f}] (estimate {row[measure]:.5f})"


@pytest.mark.parametrize("engine", ["fcfs", "events"])
def test_erlang_c_call_centre_helper(engine):
    # Call Centre Helper: 100 calls / 30 min, AHT 180 s, 14 agents → SL(20 s) 88.8 %, ASA 7.8 s; P(wait) = C(14, 10)
    result = simulate(_centre(100, 14, 180), replications=30, seed=11, warmup_intervals=2, engine=engine)
    row = result.overall.iloc[0]
    _inside(row, "service_level", service_level(14, 10.0, 180, 20))
    _inside(row, "asa", asa(14, 10.0, 180))
    _inside(row, "p_wait", erlang_c(14, 10.0))
    assert row["abandon_rate"] == 0.0
    assert round(service_level(14, 10.0, 180, 20), 3) == 0.888  # the published figure the analytic side reproduces


def test_erlang_c_tijms_heavy_traffic():
    # Tijms §5.3: 100 agents at utilisation 0.95 → 50.6 % of callers wait. AHT 180 s: 950 calls per half hour.
    result = simulate(_centre(950, 100, 180, intervals=24), replications=20, seed=5, warmup_intervals=4)
    row = result.overall.iloc[0]
    _inside(row, "p_wait", erlang_c(100, 95.0))
    _inside(row, "asa", asa(100, 95.0, 180))
    assert round(erlang_c(100, 95.0), 3) == 0.506


@pytest.mark.parametrize("engine", ["fcfs", "events"])
@pytest.mark.parametrize("definition", ["answered", "virtual"])
def test_erlang_a(engine, definition):
    # M/M/n+M: 13 agents (just under the 14 Erlang C needs), mean patience 120 s
    centre = _centre(100, 13, 180, patience_s=120, sl_definition=definition)
    row = simulate(centre, replications=30, seed=3, warmup_intervals=2, engine=engine).overall.iloc[0]
    ref = erlang_a(13, 100 / INTERVAL, 180, 120, 20, sl_definition=definition)
    _inside(row, "abandon_rate", ref.p_abandon)
    _inside(row, "service_level", ref.service_level)
    _inside(row, "p_wait", ref.p_wait)
    _inside(row, "asa", ref.asa)


def mmn_g(n, lam, aht, survival, big_h, answer_time, kink=None):
    """M/M/n+G by the Baccelli–Hébuterne density: P(wait), P(abandon), SL answered within T, ASA.
    big_h(v) = ∫₀ᵛ Ḡ(u) du = E[min(patience, v)]; `kink`: where Ḡ jumps (deterministic patience)."""
    mu = 1 / aht
    dens = lambda v: math.exp(lam * big_h(v) - n * mu * v)  # noqa: E731
    upper = 40 * aht  # the density has fallen below e^-30 long before
    quad = lambda f, b: integrate.quad(f, 0, b, limit=400, points=[kink] if kink and kink < b else None)[0]  # noqa: E731
    j = quad(dens, upper)
    b = erlang_b(n - 1, lam * aht)
    p_wait = lam * j * b / (1 + lam * j * b)
    served = quad(lambda v: dens(v) * survival(v), upper) / j
    within = quad(lambda v: dens(v) * survival(v), answer_time) / j
    wait_served = quad(lambda v: v * dens(v) * survival(v), upper) / j
    p_served = 1 - p_wait + p_wait * served
    return {"p_wait": p_wait, "abandon_rate": p_wait * (1 - served), "service_level": 1 - p_wait + p_wait * within, "asa": p_wait * wait_served / p_served}


def test_mmn_g_reference_reproduces_erlang_a():
    ref = mmn_g(13, 100 / INTERVAL, 180, lambda u: math.exp(-u / 120), lambda v: 120 * -math.expm1(-v / 120), 20)
    a = erlang_a(13, 100 / INTERVAL, 180, 120, 20)
    assert ref["p_wait"] == pytest.approx(a.p_wait, rel=1e-7)
    assert ref["abandon_rate"] == pytest.approx(a.p_abandon, rel=1e-7)
    assert ref["service_level"] == pytest.approx(a.service_level, rel=1e-7)
    assert ref["asa"] == pytest.approx(a.asa, rel=1e-6)


SIGMA = math.sqrt(math.log1p(1.5**2))  # lognormal patience, mean 60 s, cv 1.5
LOGNORMAL = stats.lognorm(s=SIGMA, scale=60 * math.exp(-(SIGMA**2) / 2))


def _lognormal_h(v):
    """E[min(τ, v)] = E[τ; τ < v] + v·P(τ ≥ v), with E[τ; τ < v] = mean·Φ((ln v − μ − σ²)/σ)."""
    if v <= 0:
        return 0.0
    return 60 * stats.norm.cdf((math.log(v / LOGNORMAL.kwds["scale"]) - SIGMA**2) / SIGMA) + v * LOGNORMAL.sf(v)


@pytest.mark.parametrize(
    "patience, survival, big_h, kink",
    [
        (Distribution("deterministic"), lambda u: 1.0 if u < 60 else 0.0, lambda v: min(v, 60.0), 60.0),
        (Distribution("lognormal", cv=1.5), LOGNORMAL.sf, _lognormal_h, None),
    ],
    ids=["deterministic", "lognormal"],
)
def test_other_patience_distributions(patience, survival, big_h, kink):
    # M/M/12+G at 11.1 erlangs (heavily loaded), mean patience 60 s
    centre = _centre(111, 12, 180, patience_s=60, patience=patience)
    row = simulate(centre, replications=30, seed=7, warmup_intervals=2).overall.iloc[0]
    ref = mmn_g(12, 111 / INTERVAL, 180, survival, big_h, 20, kink)
    for measure in ("abandon_rate", "service_level", "p_wait", "asa"):
        _inside(row, measure, ref[measure])
