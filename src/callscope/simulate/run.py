"""Replications of a centre: seeds, engine choice, and the tables of estimates with their intervals."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from callscope.simulate.contacts import draw_contacts
from callscope.simulate.engine import fcfs_applies, run_events, run_fcfs
from callscope.simulate.errors import fail
from callscope.simulate.model import Centre, compile_centre
from callscope.simulate.stats import COUNTS, MEASURES, RANGES, confidence, ratios, replication_counts

__all__ = ["simulate", "SimulationResult", "ENGINES"]

ENGINES = ("auto", "events", "fcfs")
ALL = "all"


@dataclass(frozen=True)
class SimulationResult:
    """`intervals`: one row per queue (and "all") and interval; `overall`: one row per queue and
    "all" over the intervals after the warm-up. Each measure has `<m>`, `<m>_lo`, `<m>_hi`;
    counts are means per replication."""

    intervals: pd.DataFrame
    overall: pd.DataFrame
    contacts: int  # contacts simulated, all replications
    seconds: float  # wall time of the simulation proper (drawing + event loop + counting)
    engine: str
    replications: int
    confidence: float
    sl_definition: str

    @property
    def contacts_per_second(self) -> float:
        return self.contacts / self.seconds if self.seconds > 0 else float("inf")


def simulate(
    centre: Centre,
    *,
    replications: int = 20,
    seed: int = 0,
    confidence_level: float = 0.99,
    warmup_intervals: int = 0,
    engine: str = "auto",
) -> SimulationResult:
    """Run `replications` independent replications of `centre` (seeded: the same seed gives the
    same numbers). `warmup_intervals` leaves the first intervals out of `overall` (to estimate a
    steady state from a centre that opens empty). `engine`: "auto" uses the one-queue FCFS
    recursion where it is exact (one queue, one group, constant staffing), else the event loop."""
    model = compile_centre(centre)
    if int(replications) != replications or replications < 2:
        raise fail("replications", value=replications)
    if not 0 < confidence_level < 1:
        raise fail("confidence", value=confidence_level)
    if not 0 <= warmup_intervals < model.n_intervals:
        raise fail("warmup", value=warmup_intervals, n=model.n_intervals)
    if engine not in ENGINES:
        raise fail("unknown_engine", value=repr(engine), choices=", ".join(ENGINES))
    if engine == "fcfs" and not fcfs_applies(model):
        raise fail("fcfs_not_applicable")
    use_fcfs = engine == "fcfs" or (engine == "auto" and fcfs_applies(model))
    run_one = run_fcfs if use_fcfs else run_events
    n_queues, n_int = model.calls.shape
    cells = n_queues * n_int
    per_rep, total = [], 0
    began = time.perf_counter()
    for rng in (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(int(replications))):
        contacts = draw_contacts(model, rng)
        start, reached = run_one(model, contacts)
        counts = replication_counts(
            contacts.queue * n_int + contacts.interval,
            cells,
            contacts.arrival,
            contacts.patience,
            start,
            reached,
            answer_time=centre.answer_time_s,
            sl_definition=centre.sl_definition,
            short_abandon_s=centre.short_abandon_s,
        ).reshape(len(COUNTS), n_queues, n_int)
        per_rep.append(np.concatenate([counts, counts.sum(axis=1, keepdims=True)], axis=1))  # + all queues
        total += contacts.arrival.size
    seconds = time.perf_counter() - began
    counts = np.stack(per_rep)  # (replications, COUNTS, queues + 1, intervals)
    names = [q.name for q in centre.queues] + [ALL]
    if n_queues == 1:
        counts, names = counts[:, :, :1], names[:1]
    intervals = _table(counts, names, confidence_level, interval=np.arange(n_int), interval_s=model.interval_s)
    overall = _table(counts[..., warmup_intervals:].sum(axis=-1, keepdims=True), names, confidence_level)
    return SimulationResult(intervals, overall, total, seconds, "fcfs" if use_fcfs else "events", int(replications), confidence_level, centre.sl_definition)


def _table(counts: np.ndarray, names: list[str], level: float, *, interval: np.ndarray | None = None, interval_s: float = 0.0) -> pd.DataFrame:
    """counts (replications, COUNTS, queues, cells) → long table, one row per queue × cell."""
    n_q, n_c = counts.shape[2], counts.shape[3]
    frame = pd.DataFrame({"queue": np.repeat(names, n_c)})
    if interval is not None:
        frame["interval"] = np.tile(interval, n_q)
        frame["interval_start_s"] = frame["interval"] * interval_s
    values = ratios(np.moveaxis(counts, 1, 0))  # each (replications, queues, cells)
    for m in MEASURES:
        mean, lo, hi = confidence(values[m], level, *RANGES[m])
        frame[m], frame[f"{m}_lo"], frame[f"{m}_hi"] = mean.ravel(), lo.ravel(), hi.ravel()
    for name, mean in zip(COUNTS[:3], counts.mean(axis=0)[:3]):
        frame[name] = mean.ravel()
    return frame
