"""Arrival times: exactly the requested number of contacts, spread by the calendar's weights.

The total is split over families, then over (day, 15-minute interval) cells, with multinomial
draws — a Poisson process conditioned on its total, so `--rows` is met exactly — and each contact
gets a uniformly random second within its cell. Every value is a whole second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callscope.demo.calendar import Calendar
from callscope.demo.config import DAY_INTERVALS, DAY_S, FAMILIES, INTERVAL_S, DemoConfig, Family

__all__ = ["Arrivals", "draw_arrivals", "family_sizes"]


@dataclass(frozen=True)
class Arrivals:
    """A family's contacts in arrival order: when, and which of its queues."""

    time: np.ndarray  # seconds since the demo epoch, sorted
    queue: np.ndarray  # index into family.queues
    forecast: np.ndarray  # (days, intervals): contacts the planners expected per cell
    outage: np.ndarray  # per contact: arrived during an outage affecting its queue

    @property
    def day(self) -> np.ndarray:
        return (self.time // DAY_S).astype(np.int64)

    @property
    def interval(self) -> np.ndarray:
        return ((self.time % DAY_S) // INTERVAL_S).astype(np.int64)


def family_sizes(cfg: DemoConfig) -> list[np.ndarray]:
    """Contacts per queue of each family: the requested total, split by the queues' shares."""
    shares = np.array([q.share for f in FAMILIES for q in f.queues])
    counts = cfg.rng("families").multinomial(cfg.rows, shares / shares.sum())
    bounds = np.cumsum([0] + [len(f.queues) for f in FAMILIES])
    return [counts[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def draw_arrivals(cfg: DemoConfig, cal: Calendar, family: Family, sizes: np.ndarray) -> Arrivals:
    rng = cfg.rng(family.key, "arrivals")
    times, queues, outages = [], [], []
    forecast = np.zeros((cal.days, DAY_INTERVALS))
    for q, (queue, n) in enumerate(zip(family.queues, sizes)):
        actual, planned = cal.cell_weights(family.channel, queue.name, rng)
        total = actual.sum()
        counts = rng.multinomial(int(n), (actual / total).ravel())
        cell = np.repeat(np.arange(counts.size), counts)
        times.append(cell * INTERVAL_S + rng.integers(0, INTERVAL_S, cell.size))
        queues.append(np.full(cell.size, q))
        outage = np.zeros(counts.size, bool)
        for event in cal.events:
            if event.kind == "outage" and event.applies_to(family.channel, queue.name):
                outage |= cal.covered(event).ravel()
        outages.append(outage[cell])
        forecast += planned * (n / total)
    time = np.concatenate(times).astype(float)
    order = np.argsort(time, kind="stable")
    return Arrivals(time[order], np.concatenate(queues)[order], forecast, np.concatenate(outages)[order])
