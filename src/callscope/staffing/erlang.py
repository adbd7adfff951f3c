"""Erlang B and Erlang C (M/M/n): blocking, probability of waiting, service level, ASA, occupancy.

Notation: n servers (agents, or chat slots: see concurrency.py), offered load a = λ·AHT in erlangs.

* Erlang B  B(n, a) = (aⁿ/n!) / Σₖ₌₀ⁿ aᵏ/k!  — the share of calls lost when nobody may queue.
* Erlang C  C(n, a) = n·B / (n − a(1 − B)) for n > a — the probability that a caller waits.
  For n ≤ a the queue has no steady state: C = 1, service level 0, ASA infinite.
* Service level  SL(T) = P(wait ≤ T) = 1 − C·e^(−(n − a)·T/AHT).
* ASA (average speed of answer, all callers) = C·AHT/(n − a).
* Occupancy = a/n (capped at 1).

All functions take numbers or numpy arrays (broadcast together) and return a float for scalar input,
an array otherwise. B is computed in log space (see special.py), so n = 50,000 agents and
a = 45,000 erlangs are as accurate as n = 3. Servers may be non-integer (the formulas' continuous
extension through the incomplete gamma function); staffing always uses whole agents.
"""

from __future__ import annotations

import numpy as np

from callscope.staffing.inputs import as_array, check_nonnegative, check_positive
from callscope.staffing.special import log_erlang_b

__all__ = ["erlang_b", "erlang_c", "service_level", "asa", "occupancy", "log_erlang_c"]


def _out(values: np.ndarray):
    return float(values) if np.ndim(values) == 0 else values


def _servers_load(servers, load) -> tuple[np.ndarray, np.ndarray]:
    n = check_nonnegative("servers", as_array(servers))
    a = check_nonnegative("load", as_array(load))
    return np.broadcast_arrays(n, a)


def erlang_b(servers, load):
    """Erlang B: probability that a call finds all `servers` busy when calls cannot queue."""
    n, a = _servers_load(servers, load)
    return _out(np.exp(log_erlang_b(n, a)))


def log_erlang_c(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """log C(n, a) (0 where n ≤ a): C = n·B/(n − a + a·B), assembled from log B without overflow."""
    stable = n > a
    log_b = log_erlang_b(np.where(stable, n, 1.0), np.where(stable, a, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_c = np.log(n) + log_b - np.log(n - a + a * np.exp(log_b))
    return np.where(stable, log_c, 0.0)


def erlang_c(servers, load):
    """Erlang C: probability that a caller has to wait (1 when servers ≤ load: no steady state)."""
    n, a = _servers_load(servers, load)
    return _out(np.exp(log_erlang_c(n, a)))


def service_level(servers, load, aht, answer_time):
    """Share of callers answered within `answer_time` (same time unit as `aht`), Erlang C."""
    n, a = _servers_load(servers, load)
    aht = check_positive("aht", as_array(aht))
    t = check_nonnegative("answer_time", as_array(answer_time))
    with np.errstate(over="ignore", invalid="ignore"):
        late = np.exp(log_erlang_c(n, a) - (n - a) * t / aht)
    return _out(np.where(n > a, 1.0 - late, 0.0))


def asa(servers, load, aht):
    """Average speed of answer over all callers, in the unit of `aht` (inf when servers ≤ load)."""
    n, a = _servers_load(servers, load)
    aht = check_positive("aht", as_array(aht))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.exp(log_erlang_c(n, a)) * aht / (n - a)
    return _out(np.where(n > a, value, np.inf))


def occupancy(servers, load):
    """Share of the servers' time spent handling calls: a/n, at most 1 (0 with no load)."""
    n, a = _servers_load(servers, load)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(a > 0, np.minimum(a / n, 1.0), 0.0)
    return _out(value)
