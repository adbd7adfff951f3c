"""Reporting periods: '2024-09', '2024-Q3', '2024', '2024-W36', '2024-09-01..2024-09-15', '2024-09-03'.

A period is a half-open range of local time [start, end). Comparisons use the previous period of
the same kind (previous month, quarter, year, week, day, or an equally long range just before) and
the same period one year earlier.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["Period", "parse_period", "PeriodError"]


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime  # exclusive
    kind: str  # year | quarter | month | week | day | range
    label: str

    def previous(self) -> "Period":
        if self.kind in ("year", "quarter", "month"):
            months = {"year": 12, "quarter": 3, "month": 1}[self.kind]
            start = _add_months(self.start, -months)
            return Period(start, self.start, self.kind, _label(self.kind, start))
        length = self.end - self.start
        start = self.start - length
        return Period(start, self.start, self.kind, _label(self.kind, start, self.start))

    def year_earlier(self) -> "Period":
        start, end = _add_months(self.start, -12), _add_months(self.end, -12)
        if self.kind == "week":  # the same ISO week of the previous year
            year, week, _ = self.start.isocalendar()
            start = dt.datetime.fromisocalendar(year - 1, min(week, 52), 1)
            end = start + dt.timedelta(days=7)
        return Period(start, end, self.kind, _label(self.kind, start, end))


def parse_period(text: str) -> Period:
    text = text.strip()
    if ".." in text:
        a, b = (part.strip() for part in text.split("..", 1))
        start, end = _day(a), _day(b) + dt.timedelta(days=1)
        if end <= start:
            raise PeriodError(f"period {text!r} ends before it starts")
        return Period(start, end, "range", text)
    if m := re.fullmatch(r"(\d{4})", text):
        start = dt.datetime(int(m[1]), 1, 1)
        return Period(start, _add_months(start, 12), "year", text)
    if m := re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text):
        start = dt.datetime(int(m[1]), 3 * int(m[2]) - 2, 1)
        return Period(start, _add_months(start, 3), "quarter", f"{m[1]}-Q{m[2]}")
    if m := re.fullmatch(r"(\d{4})-?[Ww](\d{1,2})", text):
        start = dt.datetime.fromisocalendar(int(m[1]), int(m[2]), 1)
        return Period(start, start + dt.timedelta(days=7), "week", f"{m[1]}-W{int(m[2]):02d}")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        start = dt.datetime(int(m[1]), int(m[2]), 1)
        return Period(start, _add_months(start, 1), "month", f"{start:%Y-%m}")
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        start = _day(text)
        return Period(start, start + dt.timedelta(days=1), "day", f"{start:%Y-%m-%d}")
    raise PeriodError(
        f"cannot read period {text!r}; use 2024-09 (month), 2024-Q3, 2024, 2024-W36, 2024-09-03 or 2024-09-01..2024-09-15"
    )


def _day(text: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise PeriodError(f"cannot read date {text!r} (expected YYYY-MM-DD)") from None


def _add_months(when: dt.datetime, months: int) -> dt.datetime:
    """Same day-of-month `months` later, clamped to the month's last day (29 Feb → 28 Feb)."""
    index = when.year * 12 + when.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


def _label(kind: str, start: dt.datetime, end: dt.datetime | None = None) -> str:
    if kind == "year":
        return f"{start:%Y}"
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if kind == "month":
        return f"{start:%Y-%m}"
    if kind == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "day":
        return f"{start:%Y-%m-%d}"
    return f"{start:%Y-%m-%d}..{(end - dt.timedelta(days=1)):%Y-%m-%d}"
