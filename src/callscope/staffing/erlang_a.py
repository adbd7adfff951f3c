"""Erlang A (Palm's M/M/n+M): callers abandon after an exponential patience time.

Parameters: arrival rate λ, mean handle time AHT = 1/μ, n servers, mean patience 1/θ. With
x = nμ/θ and y = λ/θ (Mandelbaum & Zeltyn's notation), every measure comes from Erlang B(n, a),
a = λ/μ, and the integral Z_c(y) = ∫₀^∞ exp(−c·s + y(1 − e^−s)) ds of special.py:

* A = x·Z_x(y), the ratio of queueing to "all servers just busy" probability;
  P(wait) = A·B / (1 + (A − 1)·B)                    (Garnett, Mandelbaum & Reiman 2002)
* A waiting caller's offered wait V (the wait if he never gave up) has θV = s with density
  ∝ exp(−x·s + y(1 − e^−s)); he is served with probability e^−s, so
  P(served | wait) = Z_{x+1}/Z_x = (x/y)(1 − 1/A), P(abandon) = P(wait)·(1 − P(served | wait)).
* Mean wait of all callers E[W] = P(abandon)/θ (Little's law on the queue: abandonment rate θ·E[Q]).
* ASA = mean wait of the *answered* callers = P(wait)·P(served | wait)·E_{x+1}[s]/θ / P(served),
  with E_{x+1}[s] the mean of s under the density with x+1 in place of x.

Service level at answer time T, two definitions (choose with `sl_definition`):

* "answered" (default): calls answered within T over all calls offered — what an ACD report of
  "answered within T / offered" measures; abandoned calls count as failures, even quick ones.
  SL = P(no wait) + P(wait)·P(served | wait)·P(s ≤ θT under the x+1 density).
* "virtual": callers whose offered wait V is at most T — the share that *would* be answered within
  T if nobody abandoned; Mandelbaum & Zeltyn's P{V ≤ T}. SL = 1 − P(wait)·P(s > θT under the x density).

As patience → ∞ both tend to Erlang C's 1 − C·e^(−(n−a)T/AHT); `patience_mean=inf` gives Erlang C
exactly. Time units are free but must agree (seconds throughout callscope).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import expit

from callscope.staffing.erlang import log_erlang_c
from callscope.staffing.inputs import as_array, check_nonnegative, check_positive, fail
from callscope.staffing.special import log_erlang_b, log_z, mean_s, on_quadrature_side, quadrature_deficit

__all__ = ["ErlangAResult", "SL_DEFINITIONS", "erlang_a"]

SL_DEFINITIONS = ("answered", "virtual")


class ErlangAResult(NamedTuple):
    """Erlang A measures; each a float, or an array for array input."""

    p_wait: object
    p_abandon: object
    asa: object  # mean wait of answered callers; NaN when nobody is answered (no servers)
    service_level: object
    mean_wait: object  # mean wait of all callers, abandoning ones included (= p_abandon · patience)
    occupancy: object  # answered load over servers
    sl_definition: str


def erlang_a(servers, arrival_rate, aht, patience_mean, answer_time, *, sl_definition: str = "answered", with_asa: bool = True) -> ErlangAResult:
    """Erlang A measures for `servers` agents, Poisson arrivals at `arrival_rate` (per time unit),
    exponential handle times of mean `aht` and exponential patience of mean `patience_mean`.

    `with_asa=False` leaves `asa` as NaN under Erlang A and saves about half the work (the ASA needs
    a numerical derivative): the staffing search uses it when no ASA target is set."""
    if sl_definition not in SL_DEFINITIONS:
        raise fail("unknown_sl_definition", value=repr(sl_definition), choices=", ".join(SL_DEFINITIONS))
    n, lam, aht, patience, t = np.broadcast_arrays(
        check_nonnegative("servers", as_array(servers)),
        check_nonnegative("arrival_rate", as_array(arrival_rate)),
        check_positive("aht", as_array(aht)),
        check_positive("patience", as_array(patience_mean), allow_inf=True),
        check_nonnegative("answer_time", as_array(answer_time)),
    )
    measures = [np.empty(n.shape) for _ in range(6)]
    cases = (
        (lam == 0, _no_calls),
        ((lam > 0) & (n == 0), _no_servers),
        ((lam > 0) & (n > 0) & np.isinf(patience), _erlang_c),
        ((lam > 0) & (n > 0) & np.isfinite(patience), _palm),
    )
    for mask, compute in cases:
        if mask.any():
            for out, values in zip(measures, compute(n[mask], lam[mask], aht[mask], patience[mask], t[mask], sl_definition, with_asa)):
                out[mask] = values
    as_output = (lambda v: float(v)) if n.ndim == 0 else (lambda v: v)
    return ErlangAResult(*(as_output(m) for m in measures), sl_definition)


def _no_calls(n, lam, aht, patience, t, _definition, _with_asa):
    zero = np.zeros(n.shape)
    return zero, zero, zero, np.ones(n.shape), zero, zero


def _no_servers(n, lam, aht, patience, t, _definition, _with_asa):
    one = np.ones(n.shape)
    return one, one, np.full(n.shape, np.nan), np.zeros(n.shape), patience, np.zeros(n.shape)


def _erlang_c(n, lam, aht, patience, t, _definition, _with_asa):
    a = lam * aht
    stable = n > a
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        log_c = log_erlang_c(n, a)
        c = np.exp(log_c)
        sl = np.where(stable, 1.0 - np.exp(log_c - (n - a) * t / aht), 0.0)
        wait = np.where(stable, c * aht / (n - a), np.inf)
    return c, np.zeros(n.shape), wait, sl, wait, np.minimum(a / n, 1.0)


def _palm(n, lam, aht, patience, t, definition, with_asa):
    a = lam * aht
    x = n * patience / aht
    y = lam * patience
    log_b = log_erlang_b(n, a)
    log_zx = log_z(x, y)
    log_a = np.log(x) + log_zx
    p_wait = expit(log_a + log_b - np.log1p(-np.exp(log_b)))
    abandon_if_wait = _abandon_given_wait(x, y, log_a, log_zx)
    served_if_wait = 1.0 - abandon_if_wait
    p_abandon = p_wait * abandon_if_wait
    horizon = t / patience  # θ·T
    if definition == "virtual":
        sl = 1.0 - p_wait * _tail(x, y, horizon, log_zx)
    else:
        sl = (1.0 - p_wait) + p_wait * served_if_wait * (1.0 - _tail(x + 1, y, horizon, log_z(x + 1, y)))
    sl = np.clip(sl, 0.0, 1.0)  # a probability: rounding can leave it a hair outside (−2e-12 at 560 Erlangs on 1 agent)
    answered = 1.0 - p_abandon
    asa = p_wait * served_if_wait * mean_s(x + 1, y) * patience / answered if with_asa else np.full(n.shape, np.nan)
    return p_wait, p_abandon, asa, sl, p_abandon * patience, a * answered / n


def _abandon_given_wait(x, y, log_a, log_zx):
    """1 − (x/y)(1 − 1/A); far into the quadrature side, D/(y·Z_x) with D = 1 − (x−y)·Z_x avoids
    the cancellation between two numbers close to (x−y)/y."""
    general = 1.0 - (x / y) * -np.expm1(-log_a)
    quad = on_quadrature_side(x, y)
    if not quad.any():
        return general
    deficit = quadrature_deficit(x[quad], y[quad])
    general[quad] = deficit / (y[quad] * np.exp(log_zx[quad]))
    return general


def _tail(c, y, horizon, log_zc):
    """P(s > horizon) under the density ∝ exp(−c·s + y(1 − e^−s)): e^{g(h)}·Z_c(y·e^−h)/Z_c(y)."""
    g = -c * horizon - y * np.expm1(-horizon)
    return np.where(horizon > 0, np.exp(g + log_z(c, y * np.exp(-horizon)) - log_zc), 1.0)
