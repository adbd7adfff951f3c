"""A first-come-first-served multi-server queue with impatient customers, vectorised across streams.

Each stream (one queue on one day) is independent. The simulation walks through the customers of
every stream in lock-step — step j serves the j-th customer of each stream with numpy arrays
across streams — so the Python loop runs as many times as the busiest stream has customers, not
once per customer. Per stream it keeps each server's next-free time; a customer takes the server
that can start soonest, and abandons, without occupying it, when that virtual wait exceeds their
patience (FCFS with abandonment: the M/M/c+M "Erlang A" model when times are exponential, Erlang C
when patience is infinite).

Servers come and go with their shifts. `ready_times` turns an on-duty grid (stream × interval ×
server) into "the earliest time from the start of interval i at which server k is on duty"; a
server may start a contact at any moment of an on-duty interval (and finish it after), never in
an off-duty one (break, lunch, training, after the shift).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["QueueResult", "ready_times", "simulate"]


@dataclass(frozen=True)
class QueueResult:
    start: np.ndarray  # service start, or the time a server would have been free (inf: never)
    server: np.ndarray  # server index within the stream, -1 for customers who abandoned
    end: np.ndarray  # service end (nan for customers who abandoned)

    @property
    def served(self) -> np.ndarray:
        return self.server >= 0


def ready_times(on_duty: np.ndarray, t0: np.ndarray, width: float) -> np.ndarray:
    """(streams, intervals, servers) → earliest on-duty time at or after each interval's start."""
    n_int = on_duty.shape[1]
    starts = t0[:, None, None] + width * np.arange(n_int)[None, :, None]
    ready = np.where(on_duty, starts, np.inf)
    return np.minimum.accumulate(ready[:, ::-1, :], axis=1)[:, ::-1, :]


def simulate(
    stream: np.ndarray,
    arrival: np.ndarray,
    work: np.ndarray,
    patience: np.ndarray,
    ready: np.ndarray,
    t0: np.ndarray,
    width: float,
    speed: np.ndarray | None = None,
    fill: bool = False,
) -> QueueResult:
    """Serve customers first come, first served.

    stream, arrival, work, patience: one entry per customer, sorted by (stream, arrival); work is
    the service demand at speed 1 and a server's time is `round(work × speed[stream, server])`.
    ready: from `ready_times`; t0: start of each stream's interval grid; the last interval
    extends for ever (a stream's final on-duty set keeps serving).
    Routing: the longest-idle free server; with `fill`, the free server with the lowest index
    (chat platforms that fill one agent's slots before the next agent's).
    """
    n = stream.size
    n_streams, n_int, n_servers = ready.shape
    counts = np.bincount(stream, minlength=n_streams)
    order = np.argsort(-counts, kind="stable")  # busiest first: the active streams are a prefix
    rank = np.empty(n_streams, np.int64)
    rank[order] = np.arange(n_streams)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    pos = np.arange(n) - first[stream]
    steps = int(counts.max()) if n else 0
    active = np.searchsorted(-counts[order], -np.arange(steps), side="left")  # streams with > j customers

    def grid(values, pad):
        out = np.full((steps, n_streams), pad, dtype=values.dtype)
        out[pos, rank[stream]] = values
        return out

    interval = np.clip(np.floor((arrival - t0[stream]) / width), 0, n_int - 1).astype(np.int64)
    T, I, W, P = grid(arrival, 0.0), grid(interval, 0), grid(work.astype(float), 0.0), grid(patience.astype(float), 0.0)
    R = ready[order]
    spd = np.ones((n_streams, n_servers)) if speed is None else speed[order]
    t0p = t0[order]
    free = np.full((n_streams, n_servers), -np.inf)
    START, K, END = np.empty_like(T), np.empty(T.shape, np.int64), np.empty_like(T)
    rows = np.arange(n_streams)
    for j in range(steps):
        m = active[j]
        r = rows[:m]
        cand = np.maximum(free[:m], R[r, I[j, :m]])
        t = T[j, :m]
        k = cand.argmin(axis=1)
        if fill:
            now = cand <= t[:, None]
            k = np.where(now.any(axis=1), now.argmax(axis=1), k)
        start = np.maximum(t, cand[r, k])
        ok = (start - t <= P[j, :m]) & np.isfinite(start)
        end = start + np.maximum(np.rint(W[j, :m] * spd[r, k]), 1.0)
        rs, ks, es = r[ok], k[ok], end[ok]
        after = np.clip(np.floor((es - t0p[rs]) / width), 0, n_int - 1).astype(np.int64)
        free[rs, ks] = np.maximum(es, R[rs, after, ks])  # a server that ends in its break is back after it
        START[j, :m], K[j, :m], END[j, :m] = start, np.where(ok, k, -1), np.where(ok, end, np.nan)
    at = (pos, rank[stream])
    return QueueResult(START[at], K[at], END[at])
