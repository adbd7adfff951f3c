"""Queueing formulas and staffing: Erlang B, C and A, chat concurrency, shrinkage, staffing solvers.

The stable public API (other modules — simulation, `plan`, reports — call these):

    erlang_b(servers, load)                      blocking probability
    erlang_c(servers, load)                      probability of waiting (M/M/n)
    service_level(servers, load, aht, answer_time)
    asa(servers, load, aht)
    occupancy(servers, load)
    erlang_a(servers, arrival_rate, aht, patience_mean, answer_time, sl_definition=…) -> ErlangAResult
    staff(calls, interval_s, aht, *, sl, answer_time, asa, max_abandon, max_occupancy, patience,
          shrinkage, concurrency, sl_definition) -> StaffingResult
    staff_intervals(...) -> DataFrame            the same, vectorised over many intervals
    evaluate(calls, interval_s, aht, agents, ...) / evaluate_intervals(...)   what-if for given agents
    scheduled_agents(agents, shrinkage)

Formulas, definitions and sources: docs/staffing.md.
"""

from callscope.staffing.concurrency import servers_for
from callscope.staffing.erlang import asa, erlang_b, erlang_c, occupancy, service_level
from callscope.staffing.erlang_a import SL_DEFINITIONS, ErlangAResult, erlang_a
from callscope.staffing.inputs import StaffingInputError
from callscope.staffing.shrinkage import scheduled_agents
from callscope.staffing.solve import MAX_AGENTS, StaffingResult, evaluate, evaluate_intervals, staff, staff_intervals

__all__ = [
    "erlang_b",
    "erlang_c",
    "service_level",
    "asa",
    "occupancy",
    "erlang_a",
    "ErlangAResult",
    "SL_DEFINITIONS",
    "staff",
    "staff_intervals",
    "evaluate",
    "evaluate_intervals",
    "StaffingResult",
    "StaffingInputError",
    "scheduled_agents",
    "servers_for",
    "MAX_AGENTS",
]
