"""Weekly rules every schedule must keep, and the agents it is made for.

Rules apply to each agent; an agent's own row in the roster may override the hours and days off
(part-timers) and narrow when they can work. Weeks are 7-day blocks counted from the first day
of the requirement; consecutive days and rest are counted across week boundaries.

Roster columns (CSV or the store's `agents` table): agent_id, skills (comma-separated; empty =
every skill), hourly_cost, and optionally max_hours, min_hours, days_off, days ("mon,tue,…"),
earliest_start and latest_end ("H:MM", latest_end may exceed 24:00 for late shifts), templates
(names of the templates the agent may work).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, fields, replace
from pathlib import Path

import pandas as pd

from callscope.schedule.templates import parse_clock

__all__ = ["WeeklyRules", "Agent", "RosterError", "roster_from_frame", "read_roster", "roster_from_store", "generic_roster", "WEEKDAYS"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class RosterError(ValueError):
    """An agent roster or rule set that cannot be used as written."""


@dataclass(frozen=True)
class WeeklyRules:
    days_off: int = 2  # at least this many days off in each 7-day week
    max_hours: float = 40.0  # paid hours per week, at most
    min_hours: float = 0.0  # paid hours per (full) week, at least
    min_rest_hours: float = 11.0  # between the end of one shift and the start of the next
    max_consecutive_days: int = 5

    def __post_init__(self) -> None:
        checks = [
            (0 <= self.days_off <= 7, "days_off", "between 0 and 7"),
            (self.max_hours >= 0, "max_hours", "≥ 0"),
            (0 <= self.min_hours <= self.max_hours, "min_hours", f"between 0 and max_hours ({self.max_hours:g})"),
            (0 <= self.min_rest_hours < 24, "min_rest_hours", "between 0 and 24"),
            (self.max_consecutive_days >= 1, "max_consecutive_days", "≥ 1"),
        ]
        for ok, name, expected in checks:
            if not ok:
                raise RosterError(f"rule {name} = {getattr(self, name)!r} must be {expected}")

    @classmethod
    def from_mapping(cls, values: dict | None, source: str = "rules") -> "WeeklyRules":
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise RosterError(f"{source}: unknown rule(s) {sorted(unknown)}; known: {sorted(known)}")
        try:
            return cls(**{k: type(getattr(cls, k))(v) for k, v in values.items()})
        except (TypeError, ValueError) as exc:
            if isinstance(exc, RosterError):
                raise
            raise RosterError(f"{source}: {values!r} — every rule is a number ({exc})") from None


@dataclass(frozen=True)
class Agent:
    agent_id: str
    skills: frozenset[str] = frozenset()  # empty: can take every skill
    hourly_cost: float = 1.0
    max_hours: float | None = None  # overrides the weekly rule
    min_hours: float | None = None
    days_off: int | None = None
    days: frozenset[int] = frozenset(range(7))  # weekdays the agent can work, Monday = 0
    earliest_start: int | None = None  # minutes after midnight
    latest_end: int | None = None
    templates: frozenset[str] | None = None  # templates the agent may work; None = all

    def rules(self, default: WeeklyRules) -> WeeklyRules:
        """The weekly rules for this agent: the defaults with the agent's own overrides."""
        own = {k: v for k, v in (("max_hours", self.max_hours), ("min_hours", self.min_hours), ("days_off", self.days_off)) if v is not None}
        try:
            return replace(default, **own) if own else default
        except RosterError as exc:
            raise RosterError(f"agent {self.agent_id}: {exc}") from None

    def serves(self, skill: str) -> bool:
        return not self.skills or skill in self.skills


def read_roster(path: str | Path) -> list[Agent]:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"agent roster {path} does not exist")
    frame = pd.read_parquet(path) if path.suffix.lower() in (".parquet", ".pq") else pd.read_csv(path, dtype=str, keep_default_na=False)
    return roster_from_frame(frame, source=str(path))


def roster_from_store(store, first_day: dt.date, last_day: dt.date) -> list[Agent]:
    """Agents in the store's `agents` table who are employed during the horizon."""
    frame = store.table("agents").to_pandas()
    if frame.empty:
        raise RosterError(f"store {store.url}: the agents table is empty; import a roster or pass --agents FILE or --headcount N")
    hired, left = pd.to_datetime(frame["hire_date"]), pd.to_datetime(frame["leave_date"])
    employed = (hired.isna() | (hired <= pd.Timestamp(last_day))) & (left.isna() | (left >= pd.Timestamp(first_day)))
    return roster_from_frame(frame[employed.to_numpy()].reset_index(drop=True), source=f"store {store.url}, table agents")


def generic_roster(headcount: int, hourly_cost: float = 1.0) -> list[Agent]:
    """`headcount` interchangeable agents A001, A002, … who can take every skill."""
    if headcount < 1:
        raise RosterError(f"headcount {headcount} must be at least 1")
    width = max(3, len(str(headcount)))
    return [Agent(f"A{i:0{width}d}", hourly_cost=hourly_cost) for i in range(1, headcount + 1)]


def roster_from_frame(frame: pd.DataFrame, source: str = "roster") -> list[Agent]:
    if "agent_id" not in frame.columns:
        raise RosterError(f"{source}: needs an agent_id column (found {list(frame.columns)})")
    agents, seen = [], set()
    for i, row in enumerate(frame.to_dict("records")):
        where = f"{source} line {i + 2}"
        agent = _agent(row, where)
        if agent.agent_id in seen:
            raise RosterError(f"{where}: agent_id {agent.agent_id!r} appears twice; give one row per agent")
        seen.add(agent.agent_id)
        agents.append(agent)
    if not agents:
        raise RosterError(f"{source}: no agents")
    return agents


def _agent(row: dict, where: str) -> Agent:
    agent_id = _text(row.get("agent_id"))
    if not agent_id:
        raise RosterError(f"{where}, column agent_id: empty; every agent needs an id")
    cost = _number(row, "hourly_cost", where)
    days = _text(row.get("days"))
    templates = _text(row.get("templates"))
    agent = Agent(
        agent_id,
        skills=frozenset(s.strip() for s in _text(row.get("skills")).split(",") if s.strip()),
        hourly_cost=1.0 if cost is None else cost,
        max_hours=_number(row, "max_hours", where),
        min_hours=_number(row, "min_hours", where),
        days_off=_integer(row, "days_off", where),
        days=_weekdays(days, where) if days else frozenset(range(7)),
        earliest_start=_clock(row, "earliest_start", where),
        latest_end=_clock(row, "latest_end", where),
        templates=frozenset(t.strip() for t in templates.split(",") if t.strip()) if templates else None,
    )
    agent.rules(WeeklyRules(max_hours=10**6))  # fail early on contradictory overrides
    return agent


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    return str(value).strip()


def _number(row: dict, name: str, where: str) -> float | None:
    text = _text(row.get(name))
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise RosterError(f"{where}, column {name}: {text!r} is not a number ≥ 0")
    return value


def _integer(row: dict, name: str, where: str) -> int | None:
    value = _number(row, name, where)
    if value is not None and value != int(value):
        raise RosterError(f"{where}, column {name}: {value:g} is not a whole number")
    return None if value is None else int(value)


def _clock(row: dict, name: str, where: str) -> int | None:
    text = _text(row.get(name))
    if not text:
        return None
    try:
        return parse_clock(text, f"{where}, column {name}")
    except ValueError as exc:
        raise RosterError(str(exc)) from None


def _weekdays(text: str, where: str) -> frozenset[int]:
    days = set()
    for part in text.lower().replace(";", ",").split(","):
        part = part.strip()[:3]
        if part not in WEEKDAYS:
            raise RosterError(f"{where}, column days: {part!r} is not a weekday; write e.g. 'mon,tue,wed'")
        days.add(WEEKDAYS.index(part))
    return frozenset(days)
