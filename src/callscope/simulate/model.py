"""What is simulated: queues (contact types), agent groups with skills, and the interval grid.

A centre runs for `len(calls)` intervals of `interval_s` seconds. Each queue has its own expected
arrivals per interval, handle time, wrap-up, patience and priority; each agent group has its skills
(the queues it may serve), its agents per interval (from a schedule) and its chat concurrency.
After the last interval no more contacts arrive, the last interval's staffing stays on, and the
simulation runs until every contact waiting has been answered or has abandoned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from callscope.simulate.distributions import Distribution
from callscope.simulate.errors import fail
from callscope.staffing import SL_DEFINITIONS  # the same two definitions (docs/staffing.md, docs/simulate.md)

__all__ = ["Queue", "AgentGroup", "Centre", "SL_DEFINITIONS"]

@dataclass(frozen=True)
class Queue:
    """One contact type. `calls` and `aht_s` are per interval (or one value for all intervals).

    aht_s: mean talk + hold time; the agent is then busy `wrap_s` more seconds (wrap-up, fixed).
    patience_s: mean patience (None: nobody abandons). priority: lower is served first (VIP = 0).
    """

    name: str
    calls: Sequence[float]
    aht_s: float | Sequence[float]
    wrap_s: float = 0.0
    patience_s: float | None = None
    patience: Distribution = field(default_factory=Distribution)
    service: Distribution = field(default_factory=Distribution)
    priority: int = 0


@dataclass(frozen=True)
class AgentGroup:
    """Agents sharing skills. `agents` per interval (or one value); each handles up to
    `concurrency` contacts at once (chat), each of its slots an independent server."""

    name: str
    skills: Sequence[str]
    agents: int | Sequence[int]
    concurrency: int = 1


@dataclass(frozen=True)
class Centre:
    interval_s: float
    queues: Sequence[Queue]
    groups: Sequence[AgentGroup]
    answer_time_s: float = 20.0
    sl_definition: str = "answered"
    short_abandon_s: float = 0.0

    @property
    def n_intervals(self) -> int:
        return len(self.queues[0].calls)


@dataclass(frozen=True)
class Compiled:
    """The centre as arrays the engines read: everything checked, per-interval values expanded."""

    interval_s: float
    n_intervals: int
    calls: np.ndarray  # (queues, intervals) expected arrivals
    aht: np.ndarray  # (queues, intervals) mean talk time
    wrap: np.ndarray  # (queues,)
    patience_mean: np.ndarray  # (queues,), inf = never abandons
    patience: tuple[Distribution, ...]
    service: tuple[Distribution, ...]
    priority: tuple[int, ...]
    slots: np.ndarray  # (groups, intervals) agents × concurrency
    eligible: tuple[tuple[int, ...], ...]  # per queue: groups that may serve it, in declaration order
    skills: tuple[tuple[int, ...], ...]  # per group: queues it serves


def _per_interval(name: str, where: str, value, n: int) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(value, dtype=float))
    if arr.size == 1:
        arr = np.full(n, arr[0])
    if arr.shape != (n,):
        raise fail("length", name=name, where=where, got=arr.size, n=n)
    if not np.all(np.isfinite(arr)):
        i = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise fail("not_number", name=name, where=where, i=i, value=f"{arr[i]:g}")
    if (arr < 0).any():
        i = int(np.flatnonzero(arr < 0)[0])
        raise fail("negative", name=name, where=where, i=i, value=f"{arr[i]:g}")
    return arr


def _positive(name: str, where: str, value: float, *, allow_zero: bool = False) -> float:
    v = float(value)
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise fail("not_positive" if not allow_zero else "negative_scalar", name=name, where=where, value=f"{v:g}")
    return v


def compile_centre(centre: Centre) -> Compiled:
    if not centre.queues or not centre.groups:
        raise fail("empty")
    if centre.sl_definition not in SL_DEFINITIONS:
        raise fail("unknown_sl_definition", value=repr(centre.sl_definition), choices=", ".join(SL_DEFINITIONS))
    interval_s = _positive("interval_s", "centre", centre.interval_s)
    _positive("answer_time_s", "centre", centre.answer_time_s, allow_zero=True)
    _positive("short_abandon_s", "centre", centre.short_abandon_s, allow_zero=True)
    n = len(centre.queues[0].calls)
    if n == 0:
        raise fail("no_intervals")
    names = [q.name for q in centre.queues]
    if len(set(names)) != len(names):
        raise fail("duplicate_queue", names=", ".join(names))
    calls, aht = [], []
    for q in centre.queues:
        where = f"queue {q.name!r}"
        calls.append(_per_interval("calls", where, q.calls, n))
        aht.append(_per_interval("aht_s", where, q.aht_s, n))
        if (aht[-1] <= 0).any():
            i = int(np.flatnonzero(aht[-1] <= 0)[0])
            raise fail("not_positive", name=f"aht_s[{i}]", where=where, value=f"{aht[-1][i]:g}")
        _positive("wrap_s", where, q.wrap_s, allow_zero=True)
        if q.patience_s is not None:
            _positive("patience_s", where, q.patience_s)
    slots, skills = [], []
    for g in centre.groups:
        where = f"agent group {g.name!r}"
        agents = _per_interval("agents", where, g.agents, n)
        if (agents != np.round(agents)).any():
            i = int(np.flatnonzero(agents != np.round(agents))[0])
            raise fail("not_whole", name="agents", where=where, i=i, value=f"{agents[i]:g}")
        if int(g.concurrency) != g.concurrency or g.concurrency < 1:
            raise fail("bad_concurrency", where=where, value=g.concurrency)
        unknown = [s for s in g.skills if s not in names]
        if unknown or not g.skills:
            raise fail("unknown_skill", where=where, skills=", ".join(map(repr, unknown)) or "—", names=", ".join(names))
        slots.append(agents.astype(np.int64) * int(g.concurrency))
        skills.append(tuple(names.index(s) for s in g.skills))
    eligible = tuple(tuple(gi for gi, sk in enumerate(skills) if qi in sk) for qi in range(len(names)))
    orphan = [names[qi] for qi, e in enumerate(eligible) if not e]
    if orphan:
        raise fail("no_group", queues=", ".join(map(repr, orphan)))
    return Compiled(
        interval_s=interval_s,
        n_intervals=n,
        calls=np.array(calls),
        aht=np.array(aht),
        wrap=np.array([float(q.wrap_s) for q in centre.queues]),
        patience_mean=np.array([np.inf if q.patience_s is None else float(q.patience_s) for q in centre.queues]),
        patience=tuple(q.patience for q in centre.queues),
        service=tuple(q.service for q in centre.queues),
        priority=tuple(int(q.priority) for q in centre.queues),
        slots=np.array(slots),
        eligible=eligible,
        skills=tuple(skills),
    )
