"""Customers: VIP and normal pools, and the repeat contacts of those whose issue was not settled.

A contact that was not resolved (and, less often, one flagged resolved that was not) makes its
customer come back about the same problem a little later: within minutes after an abandoned
call, within days after an unresolved one. The return is an existing later contact of the same
queue and problem type, relabelled with the first customer's id — so the number of contacts and
their arrival pattern stay as generated, and first-contact resolution measured by repeat
contacts within N days has real repeats to find.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callscope.demo.config import DAY_S

__all__ = ["CustomerPools", "customer_pools", "link_repeats"]


@dataclass(frozen=True)
class CustomerPools:
    vip: int  # VIP customers are numbered 1 … vip
    normal: int  # normal customers vip+1 … vip+normal

    def draw(self, rng: np.random.Generator, vip: np.ndarray) -> np.ndarray:
        vip_no = rng.integers(1, self.vip + 1, vip.size)
        normal_no = rng.integers(self.vip + 1, self.vip + self.normal + 1, vip.size)
        return np.where(vip, vip_no, normal_no)


def customer_pools(rows: int) -> CustomerPools:
    """About three contacts per normal customer and eight per VIP over the period."""
    return CustomerPools(vip=max(50, rows // 80), normal=max(500, rows // 3))


def link_repeats(
    rng: np.random.Generator,
    time: np.ndarray,
    group: np.ndarray,
    return_prob: np.ndarray,
    mean_delay_s: np.ndarray,
) -> np.ndarray:
    """For each contact, the first contact of its chain of returns (itself if it is no return).

    Contact i comes back with probability return_prob[i] after an exponential delay (at least a
    minute, at most a week) as the first not yet claimed later contact of the same `group`.
    """
    n = time.size
    parent = np.arange(n)
    comes_back = rng.random(n) < return_prob
    delay = np.clip(rng.exponential(1.0, n) * mean_delay_s, 60, 7 * DAY_S)
    src = np.flatnonzero(comes_back)
    if src.size == 0:
        return parent
    span = float(time.max()) + 8 * DAY_S + 1
    key = group * span + time
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    at = np.searchsorted(sorted_key, key[src] + delay[src])
    found = at < n
    src, at = src[found], at[found]
    tgt = order[at]
    same = group[tgt] == group[src]
    src, tgt = src[same], tgt[same]
    _, first = np.unique(tgt, return_index=True)  # two returns to one contact: the earlier source wins
    parent[tgt[first]] = src[first]
    while True:  # follow chains (A → B → C) back to their first contact
        up = parent[parent]
        if np.array_equal(up, parent):
            return parent
        parent = up
