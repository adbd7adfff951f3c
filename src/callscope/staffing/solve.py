"""Staffing per interval: the fewest agents meeting every target, or the measures of a given staffing.

Targets (any combination; the answer is the fewest agents meeting all of them):
  sl + answer_time   service level ≥ sl          (Erlang C, or Erlang A when patience is given)
  asa                average speed of answer ≤ asa seconds
  max_abandon        probability of abandoning ≤ max_abandon (needs patience)
  max_occupancy      occupancy ≤ max_occupancy

Every measure is monotone in the number of agents, so the search is exact and vectorised over all
intervals at once (search.py): for Erlang C a walk up Erlang's B recursion from just below the answer,
for Erlang A a bracket-and-bisect on the full formulas. Targets are met "up to rounding": a service level of 0.8 − 1e-12 counts as meeting 0.8.

Chat concurrency k multiplies servers (see concurrency.py); shrinkage turns agents on the phones into
scheduled agents (see shrinkage.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from callscope.staffing.concurrency import check_concurrency
from callscope.staffing.erlang_a import SL_DEFINITIONS, erlang_a
from callscope.staffing.inputs import (
    as_array,
    broadcast_intervals,
    check_fraction,
    check_nonnegative,
    check_positive,
    check_whole,
    fail,
)
from callscope.staffing.search import TOLERANCE, ErlangCTargets, TooMuchLoad, bisect_fewest, erlang_c_walk, halfin_whitt_servers, walk_up
from callscope.staffing.shrinkage import scheduled_agents

__all__ = ["MAX_AGENTS", "COLUMNS", "StaffingResult", "staff", "staff_intervals", "evaluate", "evaluate_intervals"]

# The most agents the solver will consider for one interval: far above any real queue, low enough
# that an absurd input (a billion calls in a minute) fails at once with a clear message.
MAX_AGENTS = 1_000_000
_CHUNK = 16384
COLUMNS = ("calls", "interval_s", "aht", "load", "agents", "scheduled_agents", "service_level", "asa", "occupancy", "p_wait", "p_abandon", "mean_wait")


@dataclass(frozen=True)
class StaffingResult:
    """One interval's staffing and its measures (times in seconds, probabilities in [0, 1]).

    `service_level` is None without an answer time; `p_abandon` and `mean_wait` (the mean wait of
    all callers, abandoning ones included) are None under Erlang C, where nobody abandons. `asa` is
    the mean wait of answered callers.
    """

    agents: int
    scheduled_agents: int
    service_level: float | None
    asa: float
    occupancy: float
    p_wait: float
    p_abandon: float | None
    mean_wait: float | None
    load: float
    model: str  # "erlang_c" or "erlang_a"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Intervals:
    """Checked per-interval inputs, all broadcast to one shape (1-d)."""

    calls: np.ndarray
    interval_s: np.ndarray
    aht: np.ndarray
    patience: np.ndarray  # inf: Erlang C
    answer_time: np.ndarray  # NaN: no service level asked for
    concurrency: np.ndarray
    shrinkage: np.ndarray
    sl_definition: str
    rate: np.ndarray = field(init=False)  # calls per second
    load: np.ndarray = field(init=False)  # erlangs

    def __post_init__(self):
        object.__setattr__(self, "rate", self.calls / self.interval_s)
        object.__setattr__(self, "load", self.rate * self.aht)

    def measures(self, idx: np.ndarray, agents: np.ndarray, *, with_asa: bool = True):
        """Erlang A (Erlang C where patience is infinite) for the intervals `idx` at `agents`."""
        t = self.answer_time[idx]
        return erlang_a(
            agents * self.concurrency[idx],
            self.rate[idx],
            self.aht[idx],
            self.patience[idx],
            np.where(np.isnan(t), 0.0, t),
            sl_definition=self.sl_definition,
            with_asa=with_asa,
        )


# ---- public API -----------------------------------------------------------------------------


def staff(calls, interval_s, aht, *, sl=None, answer_time=None, asa=None, max_abandon=None, max_occupancy=None, patience=None, shrinkage=0.0, concurrency=1, sl_definition="answered") -> StaffingResult:
    """Fewest agents for one interval: `calls` arriving in `interval_s` seconds, handle time `aht` s."""
    frame = staff_intervals(calls, interval_s, aht, sl=sl, answer_time=answer_time, asa=asa, max_abandon=max_abandon, max_occupancy=max_occupancy, patience=patience, shrinkage=shrinkage, concurrency=concurrency, sl_definition=sl_definition)
    return _single(frame, patience)


def evaluate(calls, interval_s, aht, agents, *, answer_time=None, patience=None, shrinkage=0.0, concurrency=1, sl_definition="answered") -> StaffingResult:
    """The measures of a given staffing (`agents` on the phones) — the planner's what-if."""
    frame = evaluate_intervals(calls, interval_s, aht, agents, answer_time=answer_time, patience=patience, shrinkage=shrinkage, concurrency=concurrency, sl_definition=sl_definition)
    return _single(frame, patience)


def staff_intervals(calls, interval_s=None, aht=None, *, sl=None, answer_time=None, asa=None, max_abandon=None, max_occupancy=None, patience=None, shrinkage=0.0, concurrency=1, sl_definition="answered") -> pd.DataFrame:
    """Fewest agents per interval, vectorised. Inputs are numbers or arrays (one value per interval);
    `calls` may be a DataFrame with columns calls, aht and optionally interval_s, patience.

    Returns a DataFrame with one row per interval and the columns in COLUMNS.
    """
    calls, interval_s, aht, patience, index = _from_frame(calls, interval_s, aht, patience)
    p = _check(calls, interval_s, aht, patience, answer_time, shrinkage, concurrency, sl_definition)
    targets = _check_targets(p, sl, asa, max_abandon, max_occupancy)
    agents, measures = _fewest_agents(p, targets)
    return _frame(p, agents, index, measures)


def evaluate_intervals(calls, interval_s=None, aht=None, agents=None, *, answer_time=None, patience=None, shrinkage=0.0, concurrency=1, sl_definition="answered") -> pd.DataFrame:
    """Measures of given staffing per interval, vectorised (same inputs and columns as staff_intervals)."""
    calls, interval_s, aht, patience, index = _from_frame(calls, interval_s, aht, patience)
    p = _check(calls, interval_s, aht, patience, answer_time, shrinkage, concurrency, sl_definition, agents=agents)
    n = np.broadcast_to(check_whole("agents", as_array(agents)), p.calls.shape)
    return _frame(p, n.astype(np.int64), index)


# ---- inputs ---------------------------------------------------------------------------------


def _from_frame(calls, interval_s, aht, patience):
    if not isinstance(calls, pd.DataFrame):
        return calls, interval_s, aht, patience, None
    frame = calls
    pick = lambda given, column: given if given is not None or column not in frame else frame[column].to_numpy(float)  # noqa: E731
    return frame["calls"].to_numpy(float), pick(interval_s, "interval_s"), pick(aht, "aht"), pick(patience, "patience"), frame.index


def _check(calls, interval_s, aht, patience, answer_time, shrinkage, concurrency, sl_definition, agents=None) -> _Intervals:
    if sl_definition not in SL_DEFINITIONS:
        raise fail("unknown_sl_definition", value=repr(sl_definition), choices=", ".join(SL_DEFINITIONS))
    given = dict(
        calls=check_nonnegative("calls", as_array(calls)),
        interval_s=check_positive("interval_s", as_array(1800.0 if interval_s is None else interval_s)),
        aht=check_positive("aht", as_array(aht)),
        patience=np.inf if patience is None else check_positive("patience", as_array(patience), allow_inf=True),
        answer_time=np.nan if answer_time is None else check_nonnegative("answer_time", as_array(answer_time)),
        concurrency=check_concurrency(concurrency),
        shrinkage=check_fraction("shrinkage", as_array(shrinkage), closed_low=True, closed_high=False),
    )
    if agents is not None:
        given["agents"] = as_array(agents)
    shaped = broadcast_intervals(**{k: as_array(v) for k, v in given.items()})
    shaped.pop("agents", None)
    return _Intervals(**{k: np.atleast_1d(v).astype(float, copy=False) for k, v in shaped.items()}, sl_definition=sl_definition)


def _check_targets(p: _Intervals, sl, asa, max_abandon, max_occupancy) -> dict[str, np.ndarray]:
    targets: dict[str, np.ndarray] = {}
    if sl is not None:
        values = _check_share_target("sl", sl, "sl_unreachable")
        if np.isnan(p.answer_time).any():
            raise fail("sl_needs_answer_time")
        targets["sl"] = values
    if asa is not None:
        values = check_nonnegative("asa", as_array(asa))
        zero = values == 0
        if zero.any():
            raise fail("asa_unreachable", _first_index(zero), value="0")
        targets["asa"] = values
    if max_abandon is not None:
        if np.isinf(p.patience).any():
            raise fail("abandon_needs_patience")
        values = as_array(max_abandon)
        check_fraction("max_abandon", values, closed_low=True, closed_high=True)
        if (values == 0).any():
            raise fail("abandon_unreachable", _first_index(values == 0), value="0")
        targets["max_abandon"] = values
    if max_occupancy is not None:
        targets["max_occupancy"] = check_fraction("max_occupancy", as_array(max_occupancy), closed_low=False, closed_high=True)
    if not targets:
        raise fail("no_target")
    shaped = broadcast_intervals(calls=p.calls, **targets)
    shaped.pop("calls")
    return shaped


def _check_share_target(name: str, value, unreachable_key: str) -> np.ndarray:
    """A target share in [0, 1); 1 or more is unreachable (said so), below 0 is not a share."""
    values = as_array(value)
    check_nonnegative(name, values)
    bad = values >= 1
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise fail(unreachable_key, i if values.ndim else None, value=f"{values.reshape(-1)[i]:g}")
    return values


def _first_index(bad: np.ndarray) -> int | None:
    return int(np.flatnonzero(bad)[0]) if bad.ndim else None


# ---- search ---------------------------------------------------------------------------------


def _fewest_agents(p: _Intervals, targets: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Smallest whole number of agents meeting all targets per interval, and the measures there."""
    agents = np.zeros(p.calls.shape)
    # Every row of every measure is filled below, except p_abandon and mean_wait on Erlang C rows,
    # which _frame blanks out (nobody abandons in Erlang C).
    measures = {name: np.empty(p.calls.shape) for name in ("service_level", "asa", "occupancy", "p_wait", "p_abandon", "mean_wait")}
    busy = p.calls > 0
    fast = busy & np.isinf(p.patience) & ("max_abandon" not in targets)
    if fast.any():
        _erlang_c_fast(p, targets, np.flatnonzero(fast), agents, measures)
    general = np.flatnonzero(busy & ~fast)
    if general.size:
        agents[general] = _general(p, targets, general)
    rest = np.flatnonzero(~fast)
    if rest.size:
        m = p.measures(rest, agents[rest])
        for name in measures:
            measures[name][rest] = np.atleast_1d(getattr(m, name))
    return agents.astype(np.int64), measures


def _erlang_c_fast(p: _Intervals, targets, idx: np.ndarray, agents: np.ndarray, measures: dict) -> None:
    """The Erlang B walk (search.py) on intervals `idx`; fills their agents and measures.

    In chunks of _CHUNK intervals: the dozen temporaries per step then stay in the CPU cache and are
    recycled by the allocator instead of being fresh pages (measured ~1.5× faster at 100,000).
    """
    contiguous = idx.size == 0 or idx[-1] - idx[0] == idx.size - 1  # then slices: views, not copies
    sl = targets.get("sl")
    one_sl = None if sl is None or np.any(sl != sl.flat[0]) else float(sl.flat[0])
    for start in range(0, idx.size, _CHUNK):
        part = idx[start : start + _CHUNK]
        _erlang_c_chunk(p, targets, slice(part[0], part[-1] + 1) if contiguous else part, one_sl, agents, measures)


def _erlang_c_chunk(p: _Intervals, targets, idx: np.ndarray | slice, one_sl: float | None, agents: np.ndarray, measures: dict) -> None:
    k, a, aht, t = p.concurrency[idx], p.load[idx], p.aht[idx], p.answer_time[idx]
    pick = lambda name: targets[name][idx] if name in targets else None  # noqa: E731
    goal = ErlangCTargets(aht, t, pick("sl"), pick("asa"), pick("max_occupancy"))
    # Halfin–Whitt's guess needs one service-level target for all (else the walk starts at load + ½√load)
    guess = None if one_sl is None else halfin_whitt_servers(a, one_sl, t, aht)
    try:
        servers, b = erlang_c_walk(a, goal, cap=MAX_AGENTS * float(k.max()), guess=guess)
    except TooMuchLoad as exc:
        raise _too_much_load(p, int(np.arange(p.calls.size)[idx][exc.position])) from None
    n_agents = np.ceil(servers / k)
    n = n_agents * k
    b = b if (k == 1).all() else walk_up(a, servers, b, n)
    with np.errstate(over="ignore", invalid="ignore"):
        c = n * b / (n - a + a * b)
        values = {
            "p_wait": c,
            "service_level": np.where(np.isnan(t), np.nan, 1.0 - c * np.exp(-(n - a) * t / aht)),
            "asa": c * aht / (n - a),
            "occupancy": a / n,
        }
    agents[idx] = n_agents
    for name, value in values.items():
        measures[name][idx] = value


def _general(p: _Intervals, targets, idx: np.ndarray) -> np.ndarray:
    """Bracket-and-bisect on the full Erlang A/C measures, for intervals `idx`."""
    servers_load = p.load[idx] / p.concurrency[idx]
    # Erlang C needs more servers than erlangs; Erlang A is stable with any staffing.
    start = np.where(np.isinf(p.patience[idx]), np.floor(servers_load) + 1, 1.0)
    try:
        return bisect_fewest(lambda i, n: _meets(p, targets, idx[i], n), start, np.sqrt(servers_load), MAX_AGENTS)
    except TooMuchLoad as exc:
        raise _too_much_load(p, int(idx[exc.position])) from None


def _too_much_load(p: _Intervals, i: int) -> Exception:
    return fail("too_much_load", i if p.calls.size > 1 else None, load=f"{p.load[i]:,.6g}", cap=f"{MAX_AGENTS:,}")


def _meets(p: _Intervals, targets: dict[str, np.ndarray], idx: np.ndarray, agents: np.ndarray) -> np.ndarray:
    m = p.measures(idx, agents, with_asa="asa" in targets)
    ok = np.ones(idx.shape, bool)
    if "sl" in targets:
        ok &= np.atleast_1d(m.service_level) >= targets["sl"][idx] - TOLERANCE
    if "asa" in targets:
        ok &= np.atleast_1d(m.asa) <= targets["asa"][idx] * (1 + TOLERANCE)
    if "max_abandon" in targets:
        ok &= np.atleast_1d(m.p_abandon) <= targets["max_abandon"][idx] + TOLERANCE
    if "max_occupancy" in targets:
        ok &= np.atleast_1d(m.occupancy) <= targets["max_occupancy"][idx] + TOLERANCE
    return ok


# ---- output ---------------------------------------------------------------------------------


def _frame(p: _Intervals, agents: np.ndarray, index, measures: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    if measures is None:
        m = p.measures(np.arange(p.calls.size), agents.astype(float))
        measures = {name: np.atleast_1d(getattr(m, name)) for name in ("service_level", "asa", "occupancy", "p_wait", "p_abandon", "mean_wait")}
    erlang_c = np.isinf(p.patience)
    columns = {
        "calls": p.calls,
        "interval_s": p.interval_s,
        "aht": p.aht,
        "load": p.load,
        "agents": agents,
        "scheduled_agents": np.atleast_1d(scheduled_agents(agents, p.shrinkage)),
        "service_level": np.where(np.isnan(p.answer_time), np.nan, measures["service_level"]),
        "asa": measures["asa"],
        "occupancy": measures["occupancy"],
        "p_wait": measures["p_wait"],
        "p_abandon": np.where(erlang_c, np.nan, measures["p_abandon"]),
        "mean_wait": np.where(erlang_c, np.nan, measures["mean_wait"]),
    }
    return pd.DataFrame(columns, index=index, copy=False)


def _single(frame: pd.DataFrame, patience) -> StaffingResult:
    if len(frame) != 1:
        raise fail("shape_mismatch", sizes=f"{len(frame)} intervals given to a single-interval function")
    row = frame.iloc[0]
    maybe = lambda v: None if np.isnan(v) else float(v)  # noqa: E731
    return StaffingResult(
        agents=int(row["agents"]),
        scheduled_agents=int(row["scheduled_agents"]),
        service_level=maybe(row["service_level"]),
        asa=float(row["asa"]),
        occupancy=float(row["occupancy"]),
        p_wait=float(row["p_wait"]),
        p_abandon=maybe(row["p_abandon"]),
        mean_wait=maybe(row["mean_wait"]),
        load=float(row["load"]),
        model="erlang_c" if patience is None or np.isinf(patience) else "erlang_a",
    )
