"""From agents on the phones to agents on the schedule.

Shrinkage s is the share of paid time in which a scheduled agent is not available to take contacts
(breaks, training, meetings, absence). To have n agents available you schedule

    scheduled = ⌈n / (1 − s)⌉

rounded *up* to whole people, because rounding down would leave the interval short. A tolerance of
1e-9 absorbs floating-point noise, so 14 agents at 30 % shrinkage give 20 (14/0.7 is 20.000000000000004
in binary floating point), not 21.
"""

from __future__ import annotations

import numpy as np

from callscope.staffing.inputs import as_array, check_fraction, check_nonnegative

__all__ = ["scheduled_agents"]

_ROUNDING_SLACK = 1e-9


def scheduled_agents(agents, shrinkage):
    """Agents to schedule so that `agents` are available after `shrinkage` (0 ≤ shrinkage < 1)."""
    n = check_nonnegative("agents", as_array(agents))
    s = check_fraction("shrinkage", as_array(shrinkage), closed_low=True, closed_high=False)
    scheduled = np.ceil(n / (1.0 - s) - _ROUNDING_SLACK).astype(np.int64)
    return int(scheduled) if scheduled.ndim == 0 else scheduled
