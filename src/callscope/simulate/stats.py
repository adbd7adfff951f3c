"""From per-contact outcomes to per-interval measures, and replications to confidence intervals.

Measures, per queue and interval of *arrival* (and for all queues together):

* service_level — "answered" (default): contacts answered within T over contacts offered;
  "virtual": contacts whose offered wait (the wait had they never given up) is at most T, over
  contacts offered. Abandons within `short_abandon_s` (default 0: none) leave both the numerator
  and the denominator. The same definitions as callscope.staffing (docs/staffing.md).
* asa — mean wait of the answered contacts.
* abandon_rate — contacts abandoning over contacts offered.
* p_wait — contacts whose offered wait is above 0 (they found every eligible slot busy).

Each replication gives one value per measure; the estimate is their mean and the interval
mean ± t(1 − α/2, m − 1)·s/√m (Student t over the m replications where the measure is defined),
clipped to the measure's range ([0, 1] for shares, ≥ 0 for ASA).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.stats import t as student_t

__all__ = ["MEASURES", "RANGES", "COUNTS", "replication_counts", "ratios", "confidence"]

MEASURES = ("service_level", "asa", "abandon_rate", "p_wait")
RANGES = {"service_level": (0.0, 1.0), "asa": (0.0, np.inf), "abandon_rate": (0.0, 1.0), "p_wait": (0.0, 1.0)}
COUNTS = ("offered", "answered", "abandoned", "short_abandoned", "sl_hits", "sl_base", "wait_sum", "waited")


def replication_counts(
    key: np.ndarray,
    n_keys: int,
    arrival: np.ndarray,
    patience: np.ndarray,
    start: np.ndarray,
    reached: np.ndarray,
    *,
    answer_time: float,
    sl_definition: str,
    short_abandon_s: float,
) -> np.ndarray:
    """Counts per key (queue × interval cell): array (len(COUNTS), n_keys)."""
    answered = ~np.isnan(start)
    wait = np.where(answered, start - arrival, 0.0)
    offered_wait = reached - arrival
    abandoned = ~answered & np.isfinite(patience)
    short = abandoned & (patience < short_abandon_s)
    hit = offered_wait <= answer_time if sl_definition == "virtual" else answered & (wait <= answer_time)
    columns = (np.ones(key.size), answered, abandoned, short, hit & ~short, ~short, wait, offered_wait > 0)
    return np.stack([np.bincount(key, weights=np.asarray(w, dtype=float), minlength=n_keys) for w in columns])


def ratios(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Measures from counts (first axis COUNTS); NaN where a measure has no contacts to count."""
    c = dict(zip(COUNTS, counts))
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "service_level": c["sl_hits"] / c["sl_base"],
            "asa": c["wait_sum"] / c["answered"],
            "abandon_rate": c["abandoned"] / c["offered"],
            "p_wait": c["waited"] / c["offered"],
        }


def confidence(values: np.ndarray, level: float, low: float = -np.inf, high: float = np.inf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and Student-t interval over axis 0 (replications), ignoring NaN replications; the
    interval is clipped to [low, high] (a share cannot leave [0, 1], a wait cannot be negative)."""
    m = np.sum(~np.isnan(values), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells: the mean stays NaN
        mean = np.nanmean(values, axis=0)
        sd = np.nanstd(values, axis=0, ddof=1)
        half = student_t.ppf(0.5 + level / 2, np.maximum(m - 1, 1)) * sd / np.sqrt(m)
    half = np.where(m >= 2, half, np.nan)
    return mean, np.maximum(mean - half, low), np.minimum(mean + half, high)
