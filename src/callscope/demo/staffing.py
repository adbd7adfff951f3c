"""How many agents the planners put on: square-root staffing per interval, then 9-hour shifts.

The planners turn their forecast into offered load a = λ·E[S] per 15-minute interval and staff
n = ⌈a + β·√a⌉ (the square-root staffing rule, Halfin & Whitt 1981; Gans, Koole & Mandelbaum
2003 §4.1), grossed up for breaks and lunch. β is deliberately low at the noon and before-close
peaks, so service level misses and abandonment spikes there come from the staffing, as they do in
real centres. Shifts are then laid greedily: whenever an interval is short of heads, enough shifts
start there to cover it — 9-hour shifts while one still fits before closing, 5-hour part-time
shifts for the evening after that.
"""

from __future__ import annotations

import numpy as np

from callscope.demo.config import DAY_INTERVALS, Family

__all__ = [
    "sqrt_staffing",
    "beta_profile",
    "plan_shifts",
    "seats_needed",
    "agents_needed",
    "heads_to_schedule",
    "SHIFT_LEN",
    "PART_TIME_LEN",
    "SHRINKAGE",
    "PLANNED_CHATS",
]

SHIFT_LEN = 36  # 9 hours in 15-minute intervals, including two breaks and lunch
PART_TIME_LEN = 20  # 5 hours with one break
SHRINKAGE = 0.14  # breaks and lunch: 1¼ of 9 hours
PLANNED_CHATS = 5.5  # concurrent chats per agent the planners assume
EMAIL_HOURS = (36, 72)  # the e-mail team works 09:00–18:00
_PEAKS = ((46, 54), (82, 88))  # 11:30–13:30 and 20:30–22:00


def sqrt_staffing(load: np.ndarray, beta) -> np.ndarray:
    """Servers n = ⌈a + β·√a⌉ for offered load a (erlangs); at least one wherever a > 0."""
    load = np.asarray(load, float)
    n = np.ceil(load + np.asarray(beta) * np.sqrt(load))
    return np.where(load > 0, np.maximum(n, 1), 0).astype(np.int64)


def beta_profile(family: Family) -> np.ndarray:
    """β per interval of the day: the family's β, lowered at the peaks."""
    beta = np.full(DAY_INTERVALS, family.beta)
    for a, b in _PEAKS:
        beta[a:b] = family.beta_peak
    return beta


def plan_shifts(heads: np.ndarray, open_from: int, open_to: int) -> dict[int, np.ndarray]:
    """(days, intervals) heads wanted → per shift length, (days, intervals) shifts starting there."""
    days = heads.shape[0]
    cover = np.zeros((days, DAY_INTERVALS + SHIFT_LEN), np.int64)
    starts = {SHIFT_LEN: np.zeros((days, DAY_INTERVALS), np.int64), PART_TIME_LEN: np.zeros((days, DAY_INTERVALS), np.int64)}
    for i in range(open_from, open_to):
        short = np.maximum(heads[:, i] - cover[:, i], 0)
        length = SHIFT_LEN if i + SHIFT_LEN <= open_to or open_to - open_from < SHIFT_LEN else PART_TIME_LEN
        s = max(min(i, open_to - length), open_from)
        starts[length][:, s] += short
        cover[:, s : s + length] += short[:, None]
    return starts


def seats_needed(shifts_per_day: np.ndarray, window: int = 28) -> np.ndarray:
    """Seats a team keeps: the typical (median) daily shifts around each day, ×7/5 for rest days.

    Campaign spikes are met with overtime, not with permanent seats.
    """
    from numpy.lib.stride_tricks import sliding_window_view

    half = window // 2
    padded = np.pad(shifts_per_day.astype(float), (half, window - half - 1), mode="edge")
    typical = np.median(sliding_window_view(padded, window), axis=1)
    return np.ceil(typical * 7 / 5 * 1.05).astype(np.int64) + 1


def agents_needed(family: Family, forecast_counts: np.ndarray, mean_work: float) -> np.ndarray:
    """(days, intervals) agents the planners want on duty, from their forecast of contacts per cell."""
    if family.is_email:
        daily_work = forecast_counts.sum(axis=1) * mean_work
        per_agent = (EMAIL_HOURS[1] - EMAIL_HOURS[0]) * 900 * (1 - SHRINKAGE) * 0.85
        need = np.zeros_like(forecast_counts, dtype=np.int64)
        need[:, EMAIL_HOURS[0] : EMAIL_HOURS[1]] = np.ceil(daily_work / per_agent)[:, None]
        return need
    load = forecast_counts * mean_work / 900.0
    servers = sqrt_staffing(load, beta_profile(family)[None, :])
    if family.channel == "chat":
        servers = np.ceil(servers / PLANNED_CHATS)
    return servers.astype(np.int64)


def heads_to_schedule(need: np.ndarray) -> np.ndarray:
    """Agents to schedule so that about `need` are on duty after breaks and lunch (rounded to
    the nearest head, as planners do: a team of two covers its breaks by itself)."""
    return np.ceil(need / (1 - SHRINKAGE)).astype(np.int64)
