"""One scheduling problem: requirement × shift options × agents × rules × objective weights.

Both solvers read the same `Problem`: which agent may work which shift option on which day
(`eligible`), which skills each agent group serves, and what a paid hour costs. Contradictions
that no schedule could satisfy are caught here, with the agent or skill named.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np

from callscope.schedule.requirements import Requirement
from callscope.schedule.rules import WEEKDAYS, Agent, RosterError, WeeklyRules
from callscope.schedule.templates import ShiftOption, ShiftTemplate, expand_templates, format_clock

__all__ = ["Weights", "Problem", "ProblemError"]


class ProblemError(ValueError):
    """Inputs that contradict each other, so that no schedule can meet them."""


@dataclass(frozen=True)
class Weights:
    """The objective: under × under-staffed agent-hours + over × over-staffed agent-hours + cost × paid cost."""

    under: float = 10.0
    over: float = 1.0
    cost: float = 0.1  # per unit of hourly_cost × paid hours

    @classmethod
    def from_mapping(cls, values: dict | None, source: str = "weights") -> "Weights":
        values = dict(values or {})
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ProblemError(f"{source}: unknown weight(s) {sorted(unknown)}; known: under, over, cost")
        try:
            weights = cls(**{k: float(v) for k, v in values.items()})
        except (TypeError, ValueError):
            raise ProblemError(f"{source}: {values!r} — every weight is a number") from None
        if min(weights.under, weights.over, weights.cost) < 0:
            raise ProblemError(f"{source}: weights must be ≥ 0, got {weights}")
        return weights


class Problem:
    def __init__(
        self,
        requirement: Requirement,
        templates: list[ShiftTemplate],
        agents: list[Agent],
        rules: WeeklyRules = WeeklyRules(),
        weights: Weights = Weights(),
    ):
        self.requirement = requirement
        self.templates = templates
        self.options: list[ShiftOption] = expand_templates(templates, requirement.interval_minutes)
        self.agents = agents
        self.rules = rules
        self.agent_rules = [a.rules(rules) for a in agents]
        self.weights = weights
        self.paid_minutes = np.array([o.paid_minutes for o in self.options])
        self.cost = np.array([[a.hourly_cost * o.paid_minutes / 60 for o in self.options] for a in agents])
        self.groups, self.group_of = self._groups()
        self.eligible = self._eligible()
        self._check()

    @property
    def days(self) -> int:
        return self.requirement.days

    def weeks(self) -> list[range]:
        """7-day blocks from the first day; the last may be shorter."""
        return [range(w, min(w + 7, self.days)) for w in range(0, self.days, 7)]

    def work_days_allowed(self, agent: int, week: range) -> int:
        return min(len(week), 7 - self.agent_rules[agent].days_off)

    def date(self, day: int) -> dt.date:
        return (self.requirement.start + dt.timedelta(days=day)).date()

    def group_agents(self, group: int) -> list[int]:
        return [a for a in range(len(self.agents)) if self.group_of[a] == group]

    def agent_classes(self) -> list[list[int]]:
        """Agents split into classes of interchangeable ones: same skills, cost, rules and availability."""
        classes: dict[tuple, list[int]] = {}
        for a, agent in enumerate(self.agents):
            key = (int(self.group_of[a]), agent.hourly_cost, self.agent_rules[a], agent.days, agent.earliest_start, agent.latest_end, agent.templates)
            classes.setdefault(key, []).append(a)
        return list(classes.values())

    # -- building ------------------------------------------------------------------------
    def _groups(self) -> tuple[list[tuple[int, ...]], np.ndarray]:
        skills = self.requirement.skills
        served = [tuple(q for q, s in enumerate(skills) if a.serves(s)) for a in self.agents]
        groups = sorted(set(served))
        return groups, np.array([groups.index(s) for s in served], dtype=int)

    def _eligible(self) -> np.ndarray:
        known = {t.name for t in self.templates}
        eligible = np.zeros((len(self.agents), self.days, len(self.options)), dtype=bool)
        weekday = [self.date(d).weekday() for d in range(self.days)]
        for a, agent in enumerate(self.agents):
            if agent.templates is not None and not agent.templates <= known:
                raise RosterError(f"agent {agent.agent_id}: unknown template(s) {sorted(agent.templates - known)}; templates are {sorted(known)}")
            if not self.groups[self.group_of[a]]:
                continue  # serves none of the required skills
            max_minutes = self.agent_rules[a].max_hours * 60
            fits = np.array(
                [
                    (agent.templates is None or o.template in agent.templates)
                    and (agent.earliest_start is None or o.start_minute >= agent.earliest_start)
                    and (agent.latest_end is None or o.end_minute <= agent.latest_end)
                    and o.paid_minutes <= max_minutes
                    for o in self.options
                ]
            )
            for d in range(self.days):
                if weekday[d] in agent.days:
                    eligible[a, d] = fits
        return eligible

    def _check(self) -> None:
        req = self.requirement
        for q, skill in enumerate(req.skills):
            if req.required[q].max() > 0 and not any(q in self.groups[g] for g in self.group_of):
                raise ProblemError(f"the requirement asks for skill {skill!r} but no agent in the roster has it; add the skill to some agents")
        for a, agent in enumerate(self.agents):
            rules = self.agent_rules[a]
            for week in self.weeks():
                if len(week) < 7 or rules.min_hours == 0:
                    continue
                best = sorted((self.paid_minutes[self.eligible[a, d]].max(initial=0) for d in week), reverse=True)
                reachable = sum(best[: self.work_days_allowed(a, week)]) / 60
                if reachable < rules.min_hours:
                    days = ",".join(WEEKDAYS[d] for d in sorted(agent.days))
                    raise ProblemError(
                        f"agent {agent.agent_id}: min_hours {rules.min_hours:g} cannot be reached in the week from "
                        f"{self.date(week[0])} — at most {reachable:g} paid hours with {rules.days_off} days off, "
                        f"days {days}, window {format_clock(agent.earliest_start or 0)}–{format_clock(agent.latest_end or 1440)}; "
                        "lower min_hours or widen the agent's availability"
                    )
