"""Stable building blocks for the Erlang formulas: nothing here forms a factorial or a power.

Every Erlang quantity is a ratio of huge or tiny numbers (a^n/n!, e^-a, incomplete gamma
functions). We work with logarithms and, where a tail probability would underflow, with an integral
whose integrand is of order one and which Gauss–Laguerre quadrature evaluates to full precision.

Two families cover Erlang B, C and A:

* the Poisson term  log(z^s e^-z / Γ(s+1)), written as s·(log1p(d) − d) − ½log(2πs) − stirlerr(s)
  with d = (z − s)/s, so its rounding error is ~ε·|z − s| instead of ~ε·s·log z;
* the integral      Z_c(y) = ∫₀^∞ exp(−c·s + y·(1 − e^−s)) ds = e^y y^−c Γ(c) P(c, y),
  P the regularised lower incomplete gamma. For c well above y, P(c, y) underflows, but there
  Z_c(y) = 1/(c−y) · E[exp(−y·φ(W/(c−y)))], W ~ Exp(1), φ(s) = s − 1 + e^−s, is an expectation of a
  smooth function of order one: Gauss–Laguerre. (Erlang A's waiting-time law is this integral's
  density: see callscope.staffing.erlang_a.)

Each function evaluates only the branch an element needs, so arrays of many intervals cost one
special-function call per element (plus 64 quadrature nodes for the few on the far side).
"""

from __future__ import annotations

from functools import cache
from typing import Callable

import numpy as np
from scipy import special as sc

__all__ = ["KAPPA", "log_poisson_term", "on_quadrature_side", "log_z", "quadrature_deficit", "mean_s", "log_erlang_b"]

# Switch to quadrature when the gap c − y exceeds KAPPA·√y: there P(c, y) is tiny (about
# e^(−KAPPA²/2)) and the quadrature's integrand varies on a scale of ≥ KAPPA in W, which 64 Laguerre
# nodes resolve to ~1e-15. Below the switch P(c, y) is far from underflow, so scipy's incomplete
# gamma keeps its relative precision. (Both sides checked against mpmath in tests/test_erlang.py.)
KAPPA = 2.0
_NODES = 64
# Step of the numerical derivative in mean_s, relative to √c (Richardson, error O(h⁴)): keeps both
# truncation and rounding near 1e-11 for c from 1e-2 to 1e9.
_DERIV_STEP = 1e-2


@cache
def _laguerre() -> tuple[np.ndarray, np.ndarray]:
    return sc.roots_laguerre(_NODES)


def _by_branch(quad: np.ndarray, on_quadrature: Callable, on_gamma: Callable, *args: np.ndarray) -> np.ndarray:
    """Evaluate each element on its own side only; args are broadcast arrays of quad's shape."""
    out = np.empty(quad.shape)
    if quad.any():
        out[quad] = on_quadrature(*(a[quad] for a in args))
    rest = ~quad
    if rest.any():
        out[rest] = on_gamma(*(a[rest] for a in args))
    return out


def _stirlerr(s: np.ndarray) -> np.ndarray:
    """log Γ(s+1) − [(s+½)log s − s + ½log 2π], the error of Stirling's formula, for s > 0."""
    big = s >= 10
    sb = np.where(big, s, 10.0)
    series = 1 / (12 * sb) - 1 / (360 * sb**3) + 1 / (1260 * sb**5) - 1 / (1680 * sb**7) + 1 / (1188 * sb**9)
    ss = np.where(big, 1.0, np.maximum(s, 1e-300))
    direct = sc.gammaln(ss + 1) - ((ss + 0.5) * np.log(ss) - ss + 0.5 * np.log(2 * np.pi))
    return np.where(big, series, direct)


def log_poisson_term(s, z) -> np.ndarray:
    """log(z^s e^−z / Γ(s+1)) for s ≥ 0, z ≥ 0 (the Poisson pmf when s is whole)."""
    s, z = np.broadcast_arrays(np.asarray(s, float), np.asarray(z, float))
    small = s < 10
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = sc.xlogy(s, z) - z - sc.gammaln(s + 1)
        sb = np.where(small, 10.0, s)
        d = (z - sb) / sb
        # log(1 + d) = log(z/s): log1p near d = 0, the plain ratio far from it (z ≪ s)
        log_ratio = np.where(np.abs(d) < 0.5, np.log1p(d), np.log(z / sb))
        stable = sb * (log_ratio - d) - 0.5 * np.log(2 * np.pi * sb) - _stirlerr(sb)
    return np.where(small, direct, stable)


def on_quadrature_side(c: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Where log_z and its relatives use quadrature (the gap c − y exceeds KAPPA·√y)."""
    return c - y > KAPPA * np.sqrt(y)


def _laguerre_terms(c: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nodes s_i = W_i/(c−y) and φ(s_i) = s_i − 1 + e^−s_i (error ~ε·s_i); shape (..., nodes)."""
    s = _laguerre()[0] / (c - y)[..., None]
    return s, s + np.expm1(-s)


def log_z(c, y) -> np.ndarray:
    """log Z_c(y) = log ∫₀^∞ exp(−c·s + y(1 − e^−s)) ds, for c > 0, y ≥ 0."""
    c, y = np.broadcast_arrays(np.asarray(c, float), np.asarray(y, float))

    def quadrature(c, y):
        _, phi = _laguerre_terms(c, y)
        return np.log(np.exp(-y[..., None] * phi) @ _laguerre()[1]) - np.log(c - y)

    def gamma(c, y):
        with np.errstate(divide="ignore"):
            return np.log(sc.gammainc(c, y)) - log_poisson_term(c, y) - np.log(c)

    return _by_branch(on_quadrature_side(c, y), quadrature, gamma, c, y)


def quadrature_deficit(c, y) -> np.ndarray:
    """1 − (c−y)·Z_c(y) without cancellation, on the quadrature side (NaN elsewhere)."""
    c, y = np.broadcast_arrays(np.asarray(c, float), np.asarray(y, float))

    def quadrature(c, y):
        _, phi = _laguerre_terms(c, y)
        return -np.expm1(-y[..., None] * phi) @ _laguerre()[1]

    return _by_branch(on_quadrature_side(c, y), quadrature, lambda c, y: np.full(c.shape, np.nan), c, y)


def mean_s(c, y) -> np.ndarray:
    """E[s] under the density ∝ exp(−c·s + y(1 − e^−s)) on s > 0, i.e. −∂/∂c log Z_c(y).

    Quadrature where it applies; elsewhere log y − ψ(c) − ∂/∂c log P(c, y), the last term by a
    Richardson-extrapolated central difference (scipy has no derivative of P in its shape).
    """
    c, y = np.broadcast_arrays(np.asarray(c, float), np.asarray(y, float))

    def quadrature(c, y):
        s, phi = _laguerre_terms(c, y)
        f = np.exp(-y[..., None] * phi)
        w = _laguerre()[1]
        return ((s * f) @ w) / (f @ w)

    def gamma(c, y):
        h = _DERIV_STEP * np.sqrt(c) * np.minimum(1.0, np.sqrt(c))
        with np.errstate(divide="ignore"):
            lp = lambda k: np.log(sc.gammainc(c + k * h, y))  # noqa: E731
            dlogp = (8 * (lp(1) - lp(-1)) - (lp(2) - lp(-2))) / (12 * h)
            return np.log(y) - sc.digamma(c) - dlogp

    return _by_branch(on_quadrature_side(c, y), quadrature, gamma, c, y)


def log_erlang_b(n, a) -> np.ndarray:
    """log B(n, a), Erlang's loss formula, for n ≥ 0 servers (whole or not) and load a ≥ 0.

    B(n, a) = Poisson(a) pmf at n / cdf at n = exp(log_poisson_term(n, a)) / Q(n+1, a). When a is far
    above n the cdf underflows; there 1/B = ∫₀^∞ e^−r (1 + r/a)^n dr (the classical integral form),
    which with r = W·a/(a−n) is a/(a−n)·E[exp(n·(log1p(t) − t))], t = W/(a−n): Gauss–Laguerre again.
    """
    n, a = np.broadcast_arrays(np.asarray(n, float), np.asarray(a, float))

    def quadrature(n, a):
        xi, w = _laguerre()
        t = xi / (a - n)[..., None]
        return -(np.log(np.exp(n[..., None] * (np.log1p(t) - t)) @ w) + np.log(a) - np.log(a - n))

    def gamma(n, a):
        with np.errstate(divide="ignore"):
            return log_poisson_term(n, a) - np.log(sc.gammaincc(n + 1, a))

    return _by_branch(a - n > KAPPA * np.sqrt(n), quadrature, gamma, n, a)
