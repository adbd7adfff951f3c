"""One replication's contacts, drawn up front with numpy: arrival times, talk, wrap-up, patience.

Arrivals are a Poisson process with a rate constant within each interval (`calls` expected per
interval): the count is Poisson, the times uniform within the interval (the order statistics of a
Poisson process given its count). Handle times and patience are drawn per contact from the queue's
distributions, the handle-time mean being the one of the interval the contact arrives in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callscope.simulate.model import Compiled

__all__ = ["Contacts", "draw_contacts"]


@dataclass(frozen=True)
class Contacts:
    """Sorted by arrival time."""

    arrival: np.ndarray
    queue: np.ndarray  # queue index
    interval: np.ndarray  # interval index of the arrival
    busy: np.ndarray  # talk + wrap-up: how long the contact holds an agent slot
    patience: np.ndarray  # inf: never abandons


def draw_contacts(model: Compiled, rng: np.random.Generator) -> Contacts:
    parts = []
    for q in range(model.calls.shape[0]):
        counts = rng.poisson(model.calls[q])
        interval = np.repeat(np.arange(model.n_intervals), counts)
        arrival = (interval + rng.random(interval.size)) * model.interval_s
        talk = model.service[q].sample(rng, model.aht[q][interval])
        patience = model.patience[q].sample(rng, np.full(interval.size, model.patience_mean[q]))
        parts.append((arrival, np.full(interval.size, q), interval, talk + model.wrap[q], patience))
    arrival, queue, interval, busy, patience = (np.concatenate(col) for col in zip(*parts))
    order = np.argsort(arrival, kind="stable")
    return Contacts(arrival[order], queue[order], interval[order], busy[order], patience[order])
