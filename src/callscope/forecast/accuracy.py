"""Forecast accuracy measures, defined exactly.

For actuals y_t and forecasts ŷ_t over the scored backtest intervals of one series:

* wMAPE = Σ|y_t − ŷ_t| / Σ|y_t| (weighted MAPE, also called WAPE: busy intervals weigh more and
  empty ones cannot divide by zero).
* MASE = mean|y_t − ŷ_t| / Q, where Q is the in-sample mean absolute error of the seasonal-naive
  forecast with season m, Q = mean|x_s − x_{s−m}| over the history x before the first backtest
  origin (Hyndman & Koehler 2006). m is the weekly period, or the daily one while the history is
  shorter than two weeks. Pairs where either x_s or x_{s−m} was imputed (closed days) are left out.
  MASE < 1: the forecast's errors are smaller than the in-sample seasonal-naive errors.
"""

from __future__ import annotations

import numpy as np

__all__ = ["wmape", "mase", "seasonal_naive_scale", "coverage"]


def wmape(actual: np.ndarray, predicted: np.ndarray) -> float:
    total = np.abs(actual).sum()
    return float(np.abs(actual - predicted).sum() / total) if total > 0 else float("nan")


def seasonal_naive_scale(history: np.ndarray, season: int, usable: np.ndarray | None = None) -> float:
    """Q: the mean absolute seasonal difference of `history` (pairs where both points are usable)."""
    history = np.asarray(history, dtype=float)
    if len(history) <= season:
        return float("nan")
    ok = np.ones(len(history), bool) if usable is None else np.asarray(usable, bool)
    pairs = ok[season:] & ok[:-season]
    diffs = np.abs(history[season:] - history[:-season])[pairs]
    return float(diffs.mean()) if diffs.size else float("nan")


def mase(actual: np.ndarray, predicted: np.ndarray, scale: float) -> float:
    if not scale > 0:
        return float("nan")
    return float(np.abs(actual - predicted).mean() / scale)


def coverage(actual: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of actuals inside [lo, hi]."""
    return float(((actual >= lo) & (actual <= hi)).mean()) if len(actual) else float("nan")
