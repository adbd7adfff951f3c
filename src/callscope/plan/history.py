"""Step 1, history: volume and handle time per queue × interval, from the store.

Call records (`interactions`) when the store has any, else ACD interval reports (`interval_stats`);
`source="interactions"` or `"intervals"` forces one. Both go through callscope.forecast's readers,
so "offered" means the same as in `callscope forecast` (true demand from call records; the reports'
offered or arrivals as given). A plan is for one channel: interval rows without a channel (reports
broken down by queue only) are taken to be that channel.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from callscope.forecast import events_from_store, history_from_intervals, history_from_store
from callscope.forecast.history import MISSING_LABEL

__all__ = ["SOURCES", "History", "load_history"]

SOURCES = ("auto", "interactions", "intervals")
BY = ("queue", "channel")


@dataclass
class History:
    frame: pd.DataFrame  # callscope.forecast's history frame, one series per queue
    events: pd.DataFrame | None
    source: str  # "interactions" or "intervals"


def load_history(
    store,
    *,
    interval_minutes: int,
    channel: str,
    queues: tuple[str, ...] = (),
    source: str = "auto",
    end=None,
    retry_window_minutes: float | None = 30,
    stats_source: str | None = None,
    volume: str = "offered",
) -> History:
    if source not in SOURCES:
        raise ValueError(f"--history {source!r}: choose {', '.join(SOURCES)}")
    if source == "auto":
        source = "interactions" if store.count("interactions") else "intervals"
        if source == "intervals" and not store.count("interval_stats"):
            raise ValueError(f"store {store.url} has neither interactions nor interval_stats; import call records or interval reports first")
    if source == "interactions":
        frame = history_from_store(store, interval_minutes=interval_minutes, by=BY, retry_window_minutes=retry_window_minutes, end=end)
    else:
        frame = history_from_intervals(store, by=BY, volume=volume, source=stats_source, end=end)
    frame = _select(frame, channel, queues, source)
    return History(frame, events_from_store(store), source)


def _select(frame: pd.DataFrame, channel: str, queues: tuple[str, ...], source: str) -> pd.DataFrame:
    """The channel's rows (and the chosen queues'), one series per queue."""
    found_channels = sorted(set(frame.channel))
    keep = frame.channel.isin([channel, MISSING_LABEL])
    if queues:
        keep &= frame.queue.isin(queues)
    picked = frame[keep].copy()
    if picked.empty:
        on_channel = sorted(set(frame.queue[frame.channel.isin([channel, MISSING_LABEL])]))
        wanted = f" and queue(s) {', '.join(queues)}" if queues else ""
        also = f"; on that channel the queues are {', '.join(on_channel)}" if on_channel else ""
        raise ValueError(f"no {source} history for channel {channel!r}{wanted}: the history has channels {', '.join(found_channels) or 'none'}{also}")
    picked["series"] = picked.queue
    picked["channel"] = channel
    # a queue reported both with and without a channel is one series
    sums = {c: (c, lambda s: s.sum(min_count=1)) for c in ("offered", "attempts", "handled", "handle_s")}
    merged = picked.groupby(["series", "interval_start", "queue", "channel"], as_index=False).agg(**sums)
    return merged[list(frame.columns)].sort_values(["series", "interval_start"], ignore_index=True)
