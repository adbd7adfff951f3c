"""When customers get in touch: intraday and weekly shape, trend, holidays, campaigns, an outage.

Volume per (day, 15-minute interval) is the product of a weekday factor, a monthly growth trend,
an intraday profile with a noon peak and a before-close peak, and the effects of calendar events
(Chinese public holidays, shopping campaigns such as 618 and 双11 and the after-sales surge that
follows them, one system outage). The same events are written to the `events` table, so the
volume they move is visible and explainable. The planners' forecast knows the holidays, the
trend and the profile, but only 60% of a campaign's lift and nothing of the outage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from callscope.demo.config import DAY_INTERVALS, DemoConfig

__all__ = ["Calendar", "CalendarEvent", "build_calendar", "intraday_profile", "WEEKDAY_FACTOR", "HOLIDAYS"]

WEEKDAY_FACTOR = np.array([1.20, 1.08, 1.02, 1.00, 0.97, 0.80, 0.72])  # Monday … Sunday
MONTHLY_GROWTH = 0.015
HOLIDAY_EFFECT = -0.45
CAMPAIGN_FORECAST_SHARE = 0.4  # planners staff for 40% of a campaign's lift

# Official public-holiday breaks in mainland China (State Council notices); outside these years
# only the fixed-date holidays are known.
HOLIDAYS: dict[int, tuple[tuple[str, str, str], ...]] = {
    2022: (("元旦", "01-01", "01-03"), ("春节", "01-31", "02-06"), ("清明节", "04-03", "04-05"), ("劳动节", "04-30", "05-04"),
           ("端午节", "06-03", "06-05"), ("中秋节", "09-10", "09-12"), ("国庆节", "10-01", "10-07")),
    2023: (("元旦", "01-01", "01-02"), ("春节", "01-21", "01-27"), ("清明节", "04-05", "04-05"), ("劳动节", "04-29", "05-03"),
           ("端午节", "06-22", "06-24"), ("中秋国庆", "09-29", "10-06"), ("元旦", "12-30", "12-31")),
    2024: (("元旦", "01-01", "01-01"), ("春节", "02-10", "02-17"), ("清明节", "04-04", "04-06"), ("劳动节", "05-01", "05-05"),
           ("端午节", "06-08", "06-10"), ("中秋节", "09-15", "09-17"), ("国庆节", "10-01", "10-07")),
    2025: (("元旦", "01-01", "01-01"), ("春节", "01-28", "02-04"), ("清明节", "04-04", "04-06"), ("劳动节", "05-01", "05-05"),
           ("端午节", "05-31", "06-02"), ("中秋国庆", "10-01", "10-08")),
    2026: (("元旦", "01-01", "01-03"), ("春节", "02-15", "02-23"), ("清明节", "04-04", "04-06"), ("劳动节", "05-01", "05-05"),
           ("端午节", "06-19", "06-21"), ("中秋节", "09-25", "09-27"), ("国庆节", "10-01", "10-07")),
}
_FIXED_HOLIDAYS = (("元旦", "01-01", "01-01"), ("劳动节", "05-01", "05-05"), ("国庆节", "10-01", "10-07"))

# (name, first day, last day, queue, effect): shopping festivals lift pre-sales, then after-sales.
CAMPAIGNS = (
    ("年货节", "01-10", "01-20", "售前咨询", 0.20),
    ("618大促", "06-01", "06-18", "售前咨询", 0.50),
    ("618售后高峰", "06-19", "06-30", "售后服务", 0.30),
    ("双11大促", "11-01", "11-11", "售前咨询", 0.80),
    ("双11售后高峰", "11-12", "11-25", "售后服务", 0.40),
    ("双12", "12-10", "12-12", "售前咨询", 0.30),
)


@dataclass(frozen=True)
class CalendarEvent:
    kind: str  # holiday, campaign, outage, system_change (see schema EVENT_KINDS)
    name: str
    start: dt.datetime
    end: dt.datetime
    effect: float | None = None
    channel: str | None = None  # None = every channel
    queue: str | None = None  # None = every queue
    description: str = ""

    def applies_to(self, channel: str, queue: str) -> bool:
        return (self.channel in (None, channel)) and (self.queue in (None, queue))


@dataclass(frozen=True)
class Calendar:
    first_day: dt.date
    days: int
    events: tuple[CalendarEvent, ...]

    @property
    def weekday(self) -> np.ndarray:
        return (self.first_day.weekday() + np.arange(self.days)) % 7

    def day_index(self, when: dt.datetime | dt.date) -> int:
        day = when.date() if isinstance(when, dt.datetime) else when
        return (day - self.first_day).days

    def covered(self, event: CalendarEvent) -> np.ndarray:
        """(days, intervals) bool: the cells the event covers."""
        origin = dt.datetime.combine(self.first_day, dt.time())
        first = int((event.start - origin).total_seconds() // 900)
        last = int(np.ceil((event.end - origin).total_seconds() / 900))
        cells = np.zeros(self.days * DAY_INTERVALS, bool)
        cells[max(first, 0) : max(min(last, cells.size), 0)] = True
        return cells.reshape(self.days, DAY_INTERVALS)

    def campaign_days(self, channel: str, queue: str) -> np.ndarray:
        days = np.zeros(self.days, bool)
        for event in self.events:
            if event.kind == "campaign" and event.applies_to(channel, queue):
                days |= self.covered(event).any(axis=1)
        return days

    def system_change_day(self) -> int | None:
        found = [self.day_index(e.start) for e in self.events if e.kind == "system_change"]
        return found[0] if found else None

    def cell_weights(self, channel: str, queue: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Relative volume per (day, interval) of one queue: what happens, and what the planners expected."""
        d = np.arange(self.days)
        base = WEEKDAY_FACTOR[self.weekday] * np.exp(MONTHLY_GROWTH * d / 30.44)
        actual = np.outer(base, intraday_profile(channel))
        forecast = actual * np.exp(rng.normal(0.0, 0.06, self.days))[:, None]  # daily forecast error
        for event in self.events:
            if event.effect is None or not event.applies_to(channel, queue):
                continue
            cells = self.covered(event)
            actual = np.where(cells, actual * (1 + event.effect), actual)
            known = {"holiday": 1.0, "campaign": CAMPAIGN_FORECAST_SHARE}.get(event.kind, 0.0)
            forecast = np.where(cells, forecast * (1 + known * event.effect), forecast)
        if channel == "email":  # the last evening's mail would be answered after the period
            actual[-1, 88:] = forecast[-1, 88:] = 0.0
        return actual, forecast


def intraday_profile(channel: str) -> np.ndarray:
    """Share of a day's contacts per 15-minute interval (sums to 1).

    Voice and chat are open 08:00–22:00 with a morning rise, a noon peak and a peak just before
    closing (customers calling after work); e-mail arrives round the clock.
    """
    hour = (np.arange(DAY_INTERVALS) + 0.5) / 4

    def bump(mu: float, sd: float) -> np.ndarray:
        return np.exp(-0.5 * ((hour - mu) / sd) ** 2)

    open_hours = (hour >= 8) & (hour < 22)
    ramp = np.clip((hour - 8) / 1.5, 0, 1)
    if channel == "voice":
        shape = 0.55 + 0.25 * ramp + 0.35 * bump(10, 0.8) + 0.9 * bump(12.25, 0.7) + 0.8 * bump(21, 0.55)
    elif channel == "chat":
        shape = 0.5 + 0.3 * ramp + 0.25 * bump(10.5, 0.8) + 0.7 * bump(12.5, 0.8) + 1.0 * bump(20.75, 0.7)
    else:
        shape = np.where(open_hours, 0.7 + 0.3 * ramp + 0.3 * bump(10, 1.5), 0.12)
        return shape / shape.sum()
    shape = np.where(open_hours, shape, 0.0)
    return shape / shape.sum()


def build_calendar(cfg: DemoConfig) -> Calendar:
    first, last = cfg.first_day, cfg.last_day
    events: list[CalendarEvent] = []
    for year in range(first.year, last.year + 1):
        for name, a, b in HOLIDAYS.get(year, _FIXED_HOLIDAYS):
            events.append(_whole_days("holiday", name, year, a, b, HOLIDAY_EFFECT, None, f"{name}假期,话务量下降"))
        for name, a, b, queue, effect in CAMPAIGNS:
            events.append(_whole_days("campaign", name, year, a, b, effect, queue, f"{name}:{queue}话务量上升约{effect:.0%}"))
    events = [e for e in events if e.end.date() > first and e.start.date() <= last]
    days = cfg.days
    events.append(_outage(first, days))
    change = _weekday_on_or_after(first + dt.timedelta(days=int(days * 0.6)), 0)
    if change <= last:
        start = dt.datetime.combine(change, dt.time(0))
        events.append(CalendarEvent("system_change", "新版IVR自助菜单上线", start, start + dt.timedelta(days=1), -0.05, "voice", None,
                                    "IVR新增订单查询与物流查询自助服务,自助完成率上升"))
    events.sort(key=lambda e: (e.start, e.kind, e.name))
    return Calendar(first, days, tuple(events))


def _whole_days(kind: str, name: str, year: int, a: str, b: str, effect: float, queue: str | None, text: str) -> CalendarEvent:
    start = dt.datetime.fromisoformat(f"{year}-{a}")
    end = dt.datetime.fromisoformat(f"{year}-{b}") + dt.timedelta(days=1)
    return CalendarEvent(kind, name, start, end, effect, None, queue, text)


def _outage(first: dt.date, days: int) -> CalendarEvent:
    day = _weekday_on_or_after(first + dt.timedelta(days=int(days * 0.45)), 1)  # a Tuesday
    start = dt.datetime.combine(day, dt.time(14, 0))
    return CalendarEvent("outage", "APP登录故障", start, start + dt.timedelta(hours=2, minutes=30), 1.0, None, "技术支持",
                         "APP登录接口故障约2.5小时,技术支持来电和工单激增")


def _weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)
