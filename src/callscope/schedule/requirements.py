"""The per-interval staffing requirement the schedule must cover.

The staffing step writes a tidy table, one row per interval (and skill, when there are several):

    interval_start, interval_minutes, skill, required
    2024-03-04 08:00, 15, voice, 12.4

`interval_minutes` (or `interval_s`) may be left out when the rows are evenly spaced; `skill`
(or `queue`) may be left out when there is one. `required` (or `required_agents`) is agents on
duty after shrinkage and may be fractional. The horizon runs from midnight of the first day to
midnight after the last; intervals without a row require nobody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Requirement", "RequirementError", "read_requirements", "requirement_from_frame", "NO_SKILL"]

NO_SKILL = ""  # the single skill of a requirement without a skill column
_ALIASES = {
    "interval_start": ("interval_start", "start", "interval"),
    "required": ("required", "required_agents", "agents_required", "agents"),
    "skill": ("skill", "queue"),
}


class RequirementError(ValueError):
    """A requirement table that cannot be scheduled against."""


@dataclass(frozen=True, eq=False)
class Requirement:
    start: dt.datetime  # midnight of the first day
    interval_minutes: int
    days: int
    skills: tuple[str, ...]
    required: np.ndarray  # (skills, intervals) agents required, float

    @property
    def per_day(self) -> int:
        return 24 * 60 // self.interval_minutes

    @property
    def intervals(self) -> int:
        return self.days * self.per_day

    @property
    def interval_hours(self) -> float:
        return self.interval_minutes / 60

    def time_of(self, slot: int) -> dt.datetime:
        return self.start + dt.timedelta(minutes=slot * self.interval_minutes)

    def times(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, periods=self.intervals, freq=f"{self.interval_minutes}min")


def read_requirements(path: str | Path) -> Requirement:
    """A CSV or Parquet requirement file → Requirement."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"requirement file {path} does not exist")
    frame = pd.read_parquet(path) if path.suffix.lower() in (".parquet", ".pq") else pd.read_csv(path)
    return requirement_from_frame(frame, source=str(path))


def requirement_from_frame(frame: pd.DataFrame, source: str = "requirement") -> Requirement:
    columns = {name: _find_column(frame, name, source) for name in _ALIASES}
    if columns["interval_start"] is None or columns["required"] is None:
        raise RequirementError(
            f"{source}: needs columns interval_start and required (found {list(frame.columns)}); "
            "rename them or write the staffing step's output as is"
        )
    starts = _parse_starts(frame[columns["interval_start"]], source, columns["interval_start"])
    required = _parse_required(frame[columns["required"]], source, columns["required"])
    skill_col = columns["skill"]
    skills = frame[skill_col].fillna("").astype(str).str.strip() if skill_col else pd.Series(NO_SKILL, index=frame.index)
    minutes = _interval_minutes(frame, starts, source)

    first = starts.min().normalize()
    offsets = (starts - first) / pd.Timedelta(minutes=1)
    off_grid = np.flatnonzero(offsets.to_numpy() % minutes != 0)
    if off_grid.size:
        i = int(off_grid[0])
        raise RequirementError(
            f"{source} line {i + 2}, column {columns['interval_start']}: {starts.iloc[i]} is not on the "
            f"{minutes}-minute grid from midnight; align interval starts to multiples of {minutes} minutes"
        )
    slots = (offsets.to_numpy() // minutes).astype(int)
    per_day = 24 * 60 // minutes
    days = int(slots.max() // per_day) + 1
    skill_names = tuple(sorted(skills.unique()))
    table = np.zeros((len(skill_names), days * per_day))
    index = {s: i for i, s in enumerate(skill_names)}
    rows = np.array([index[s] for s in skills])
    seen = pd.Series(list(zip(rows, slots))).duplicated()
    if seen.any():
        i = int(np.flatnonzero(seen.to_numpy())[0])
        raise RequirementError(
            f"{source} line {i + 2}: interval {starts.iloc[i]} (skill {skills.iloc[i]!r}) appears twice; "
            "give one row per interval and skill"
        )
    table[rows, slots] = required
    return Requirement(first.to_pydatetime(), minutes, days, skill_names, table)


def _find_column(frame: pd.DataFrame, name: str, source: str) -> str | None:
    found = [c for c in _ALIASES[name] if c in frame.columns]
    if len(found) > 1:
        raise RequirementError(f"{source}: columns {found} all mean {name}; keep one")
    return found[0] if found else None


def _parse_starts(column: pd.Series, source: str, name: str) -> pd.Series:
    parsed = pd.to_datetime(column, errors="coerce")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise RequirementError(f"{source} line {i + 2}, column {name}: {str(column.iloc[i])!r} is not a timestamp; write YYYY-MM-DD HH:MM")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)  # the store keeps local, naive time stamps
    return parsed


def _parse_required(column: pd.Series, source: str, name: str) -> np.ndarray:
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if bad.size:
        i = int(bad[0])
        raise RequirementError(f"{source} line {i + 2}, column {name}: {str(column.iloc[i])!r} is not a number of agents ≥ 0")
    return values


def _interval_minutes(frame: pd.DataFrame, starts: pd.Series, source: str) -> int:
    if "interval_minutes" in frame.columns or "interval_s" in frame.columns:
        col = "interval_minutes" if "interval_minutes" in frame.columns else "interval_s"
        values = pd.to_numeric(frame[col], errors="coerce") / (60 if col == "interval_s" else 1)
        distinct = values.dropna().unique()
        if len(distinct) != 1 or values.isna().any():
            raise RequirementError(f"{source}, column {col}: intervals must all have one length, found {sorted(map(float, distinct))}")
        minutes = float(distinct[0])
    else:
        gaps = np.diff(np.unique(starts.to_numpy())) / np.timedelta64(1, "m")
        if not gaps.size:
            raise RequirementError(f"{source}: one interval only; add an interval_minutes column")
        minutes = float(gaps.min())
    if minutes <= 0 or minutes != int(minutes) or (24 * 60) % int(minutes):
        raise RequirementError(f"{source}: interval length {minutes:g} minutes must divide a day (e.g. 15, 30, 60)")
    return int(minutes)
