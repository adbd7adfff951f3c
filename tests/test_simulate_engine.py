"""The event loop on hand-made contacts, every time traced by hand (docs/simulate.md, "The model")."""

import numpy as np

from callscope.simulate import AgentGroup, Centre, Queue
from callscope.simulate.contacts import Contacts
from callscope.simulate.engine import run_events
from callscope.simulate.model import compile_centre

INF = np.inf


def _run(queues, agents, contacts):
    """contacts: (arrival, queue index, busy, patience) in arrival order; intervals of 100 s."""
    n = len(agents)
    model = compile_centre(Centre(100, [Queue(q, calls=[0] * n, aht_s=1, priority=p) for q, p in queues],
                                  [AgentGroup("a", [q for q, _ in queues], agents)]))
    arrival, queue, busy, patience = (np.array(col) for col in zip(*contacts))
    start, reached = run_events(model, Contacts(arrival.astype(float), queue.astype(int), (arrival // 100).astype(int), busy.astype(float), patience.astype(float)))
    return start.tolist(), reached.tolist()


def test_leaving_agent_finishes_the_call_then_leaves():
    # 2 agents, then 1 from t = 100. A: 0–150. B: 10–40. C arrives 50, takes B's idle slot: 50–150.
    # D arrives 60, queues. At 100 both agents are busy, so one leaves when it next falls free (150);
    # the other takes D at 150: D waits 90 s, nobody is cut off.
    start, _ = _run([("q", 0)], [2, 1], [(0, 0, 150, INF), (10, 0, 30, INF), (50, 0, 100, INF), (60, 0, 10, INF)])
    assert start == [0, 10, 50, 150]


def test_idle_agent_leaves_first():
    # 2 agents, then 1 from t = 100. A: 0–300; the other agent is idle at 100 and leaves at once,
    # so B (arriving 120) waits for A's agent: answered at 300.
    start, _ = _run([("q", 0)], [2, 1], [(0, 0, 300, INF), (120, 0, 10, INF)])
    assert start == [0, 300]


def test_new_agent_takes_the_waiting_contact_at_the_boundary():
    # nobody in [0, 100), one agent from 100: A (arrived 10) is answered at 100.
    start, _ = _run([("q", 0)], [0, 1], [(10, 0, 50, INF)])
    assert start == [100]


def test_priority_and_abandonment_with_offered_wait():
    # One agent. A (normal) 0–100. B (normal) arrives 10, patience 20: gone at 30. C (vip) arrives 20,
    # busy 10. D (normal) arrives 30, patient. At 100 the agent takes the VIP C (100–110), though B and D
    # came first; at 110 it reaches B — gone, offered wait 100 s — and takes D at 110.
    start, reached = _run([("normal", 1), ("vip", 0)], [1], [(0, 0, 100, INF), (10, 0, 5, 20), (20, 1, 10, INF), (30, 0, 5, INF)])
    assert np.isnan(start[1]) and [start[i] for i in (0, 2, 3)] == [0, 100, 110]
    assert reached == [0, 110, 100, 110]
