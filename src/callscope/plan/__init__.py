"""The planning chain for a period (`callscope plan`): history → forecast → staffing → shrinkage →
schedule → check, each step done by its own package (callscope.forecast, callscope.staffing,
callscope.schedule, callscope.simulate when installed). Modules: `period`, `history`,
`requirement` (forecast inputs and sizing), `shifts`, `check`, `chain` (the glue), `summary`,
`output` (plan.csv, plan.xlsx, PNG charts). docs/plan.md describes each step.

    from callscope.plan import Settings, Targets, make_plan, parse_period, plan_summary, write_plan
    plan = make_plan(store, Settings(parse_period("2024-10-07..2024-10-13", None), targets=Targets(sl=0.8, shrinkage=0.3)))
    plan.table        # one row per queue × interval: calls, aht_s, agents, required, scheduled, …
"""

from callscope.plan.chain import PLAN_COLUMNS, Plan, Settings, accuracy_table, make_plan
from callscope.plan.output import write_plan
from callscope.plan.period import Period, parse_period
from callscope.plan.requirement import Targets
from callscope.plan.summary import plan_summary

__all__ = ["make_plan", "Plan", "Settings", "Targets", "Period", "parse_period", "plan_summary", "write_plan", "accuracy_table", "PLAN_COLUMNS"]
