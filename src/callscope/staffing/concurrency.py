"""Chat and other channels where one agent handles several contacts at once.

Model: an agent who handles up to k conversations at a time is k independent servers ("slots").
A conversation occupies one slot for its handle time, and that handle time is the conversation's
length *as observed at the centre's usual concurrency* (so the slowdown of juggling several chats is
already in the AHT you measure). A new chat waits only when every slot of every agent is taken.

So n agents give n·k servers, the load in erlangs is λ·AHT as usual, and occupancy is the share of
slots in use. Assumptions: Poisson arrivals, exponential handle times independent of how many chats
the agent has open, any free slot may take the next chat. When concurrency strongly slows agents
down, measure AHT at the concurrency you plan for; k = 1 is the voice case.
"""

from __future__ import annotations

import numpy as np

from callscope.staffing.inputs import as_array, check_whole

__all__ = ["servers_for", "check_concurrency"]


def check_concurrency(concurrency) -> np.ndarray:
    return check_whole("concurrency", as_array(concurrency), minimum=1)


def servers_for(agents, concurrency) -> np.ndarray:
    """Servers (chat slots) offered by `agents` agents handling `concurrency` contacts each."""
    return as_array(agents) * check_concurrency(concurrency)
