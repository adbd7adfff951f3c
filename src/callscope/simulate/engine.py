"""The event loop: skills-based routing with priorities, lazy abandonment, per-interval staffing.

Events are arrivals (pre-drawn, already sorted), slot releases (a heap) and staffing changes at
interval boundaries; the loop merges the three in time order. Each agent group is a pool of slots
(agents × concurrency).

* Arrival: the first group, in declaration order, that has the contact's skill and a free slot takes
  it at once; otherwise it joins its queue (FCFS within a queue).
* Release (end of talk + wrap-up): the slot takes the waiting contact of the highest priority
  (lowest number) among its group's queues, the longest-waiting one between equal priorities.
* Abandonment needs no event of its own: a contact who gives up changes nothing for the others
  (FCFS queues, non-pre-emptive priorities), so it is removed when a slot reaches it, which is also
  the moment it would have been answered had it waited: its *offered* (virtual) wait.
* Staffing change: more agents → new slots take waiting contacts at once; fewer → idle slots leave
  at once and busy ones as they finish (an agent does not hang up on a customer).

After the last interval the last staffing stays on until every queue is empty. Contacts that can
never be answered (no agents left, infinite patience) keep start = NaN and virtual = inf.
"""

from __future__ import annotations

from collections import deque
from heapq import heappop, heappush, heapreplace

import numpy as np

from callscope.simulate.contacts import Contacts
from callscope.simulate.model import Compiled

__all__ = ["run_events", "run_fcfs", "fcfs_applies"]


def run_events(model: Compiled, c: Contacts) -> tuple[np.ndarray, np.ndarray]:
    """Answer time (NaN: not answered) and offered-wait end time (inf: never reached) per contact."""
    arrival, queue, busy, patience = c.arrival.tolist(), c.queue.tolist(), c.busy.tolist(), c.patience.tolist()
    deadline = (c.arrival + c.patience).tolist()
    n = len(arrival)
    start = [np.nan] * n
    reached = [np.inf] * n
    prio = model.priority
    skills = model.skills
    eligible = model.eligible
    slots = model.slots.tolist()
    free = [s[0] for s in slots]
    leaving = [0] * len(free)
    waiting = [deque() for _ in prio]
    heap: list[tuple[float, int]] = []

    def dispatch(g: int, t: float) -> bool:
        """Give the slot of group g freed at t its next contact; False when nobody waits."""
        qs = skills[g]
        while True:
            best, key = -1, None
            for q in qs:
                w = waiting[q]
                if w:
                    k = (prio[q], arrival[w[0]])
                    if key is None or k < key:
                        best, key = q, k
            if best < 0:
                return False
            h = waiting[best].popleft()
            reached[h] = t
            if deadline[h] > t:
                start[h] = t
                heappush(heap, (t + busy[h], g))
                return True

    def release(t: float, g: int) -> None:
        if leaving[g]:
            leaving[g] -= 1
        elif not dispatch(g, t):
            free[g] += 1

    def restaff(t: float, j: int) -> None:
        for g, s in enumerate(slots):
            delta = s[j] - s[j - 1]
            if delta > 0:
                back = min(leaving[g], delta)  # agents about to leave stay on instead
                leaving[g] -= back
                for _ in range(delta - back):
                    if not dispatch(g, t):
                        free[g] += 1
            elif delta < 0:
                idle = min(free[g], -delta)
                free[g] -= idle
                leaving[g] += -delta - idle

    i = 0
    for j in range(1, model.n_intervals + 1):
        edge = j * model.interval_s if j < model.n_intervals else np.inf
        while i < n and arrival[i] < edge:
            t = arrival[i]
            while heap and heap[0][0] <= t:
                tc, g = heappop(heap)
                release(tc, g)
            q = queue[i]
            for g in eligible[q]:
                if free[g]:
                    free[g] -= 1
                    start[i] = reached[i] = t
                    heappush(heap, (t + busy[i], g))
                    break
            else:
                waiting[q].append(i)
            i += 1
        while heap and heap[0][0] < edge:
            tc, g = heappop(heap)
            release(tc, g)
        if j < model.n_intervals:
            restaff(edge, j)
    return np.array(start), np.array(reached)


def fcfs_applies(model: Compiled) -> bool:
    """One queue, one group, the same staffing throughout: the fast recursion is exact."""
    return model.calls.shape[0] == 1 and model.slots.shape[0] == 1 and bool((model.slots[0] == model.slots[0, 0]).all())


def run_fcfs(model: Compiled, c: Contacts) -> tuple[np.ndarray, np.ndarray]:
    """The same answer for one FCFS queue and constant staffing, by the Kiefer–Wolfowitz recursion:
    keep the times at which the s slots next fall free in a heap; a contact arriving at t is reached
    at max(t, earliest free time) and, if patient enough, moves that slot's free time on by its
    handle time. Abandoning contacts leave the heap untouched. One heap operation per contact."""
    servers = int(model.slots[0, 0])
    arrival = c.arrival.tolist()
    if servers == 0:
        return np.full(len(arrival), np.nan), np.full(len(arrival), np.inf)
    heap = [0.0] * servers
    reached = []
    served = []
    for t, b, p in zip(arrival, c.busy.tolist(), c.patience.tolist()):
        f = heap[0]
        if f <= t:
            heapreplace(heap, t + b)
            reached.append(t)
            served.append(True)
        elif f - t < p:
            heapreplace(heap, f + b)
            reached.append(f)
            served.append(True)
        else:
            reached.append(f)
            served.append(False)
    reached_a = np.array(reached)
    return np.where(served, reached_a, np.nan), reached_a
