"""Discrete-event simulation of a contact centre: several queues, skills-based routing with
priorities, abandonment, chat concurrency, wrap-up, per-interval arrivals and staffing, and
replications with Student-t confidence intervals.

Public API:

    check_staffing(intervals, *, interval_s, answer_time_s, patience_s=None, replications=20,
                   seed=0, concurrency=1) -> DataFrame      one queue, per-interval staffing
    simulate(centre, *, replications, seed, confidence_level, warmup_intervals, engine)
        -> SimulationResult                                  any centre
    Centre, Queue, AgentGroup, Distribution                  describing the centre

Model, service-level definitions and validation: docs/simulate.md.
"""

from callscope.simulate.check import CHECK_COLUMNS, check_staffing
from callscope.simulate.distributions import KINDS, Distribution
from callscope.simulate.errors import SimulationInputError
from callscope.simulate.model import SL_DEFINITIONS, AgentGroup, Centre, Queue
from callscope.simulate.run import ENGINES, SimulationResult, simulate

__all__ = [
    "check_staffing",
    "CHECK_COLUMNS",
    "simulate",
    "SimulationResult",
    "Centre",
    "Queue",
    "AgentGroup",
    "Distribution",
    "KINDS",
    "SL_DEFINITIONS",
    "ENGINES",
    "SimulationInputError",
]
