"""The `events` table: the calendar's holidays, campaigns, outage and IVR change, plus
public-opinion incidents with their detection, alert and alert deadline (some alerted late).

An incident also colours the complaints of the following days with its theme (see feedback.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from callscope.demo.calendar import Calendar
from callscope.demo.config import DemoConfig
from callscope.demo.feedback import THEMES
from callscope.demo.texts import INCIDENTS

__all__ = ["Incident", "public_opinion", "incident_theme_by_day", "event_rows", "ALERT_DEADLINE"]

ALERT_DEADLINE = dt.timedelta(hours=2)  # an incident must be alerted within 2 hours of detection
_ECHO_DAYS = 4
_THEME_NAMES = {"wait": "排队等待", "logistics": "物流延误", "refund": "退款", "quality": "商品质量", "attitude": "服务态度",
                "repeat": "重复来电", "billing": "扣费"}
_COLUMNS = ("event_id", "kind", "name", "start", "end", "detected_at", "alerted_at", "deadline", "channel", "queue", "effect",
            "description")


@dataclass(frozen=True)
class Incident:
    start: dt.datetime
    detected: dt.datetime
    alerted: dt.datetime
    end: dt.datetime
    description: str
    theme: int  # index into feedback.THEMES


def public_opinion(cfg: DemoConfig, cal: Calendar) -> list[Incident]:
    """About one incident a month; two of them alerted after the deadline."""
    rng = cfg.rng("public_opinion")
    n = max(3, round(cfg.months * 0.8))
    days = np.sort(rng.choice(cal.days, size=min(n, cal.days), replace=False))
    late = set(rng.choice(days.size, size=min(2, days.size), replace=False).tolist())
    picks = rng.permutation(np.resize(np.arange(len(INCIDENTS)), days.size))
    out = []
    for i, day in enumerate(days):
        start = cfg.epoch + dt.timedelta(days=int(day), seconds=int(rng.integers(8 * 3600, 20 * 3600)))
        detected = start + dt.timedelta(seconds=int(60 * (10 + rng.exponential(45))))
        if i in late:
            delay = ALERT_DEADLINE + dt.timedelta(minutes=int(rng.integers(20, 180)))
        else:
            delay = dt.timedelta(minutes=int(min(5 + rng.exponential(30), 110)))
        text, theme = INCIDENTS[int(picks[i])]
        end = start + dt.timedelta(days=int(rng.integers(2, 6)))
        out.append(Incident(start, detected, detected + delay, end, text, THEMES.index(theme)))
    return out


def incident_theme_by_day(incidents: list[Incident], cfg: DemoConfig) -> np.ndarray:
    """Per day, the theme an incident lends to complaints (-1 = none)."""
    theme = np.full(cfg.days, -1)
    for inc in incidents:
        first = (inc.start.date() - cfg.first_day).days
        theme[first : first + _ECHO_DAYS] = inc.theme
    return theme


def event_rows(cal: Calendar, incidents: list[Incident]) -> dict[str, list]:
    """The events table's columns, one entry per event, in order of start."""
    events = [
        {"kind": e.kind, "name": e.name, "start": e.start, "end": e.end, "channel": e.channel, "queue": e.queue,
         "effect": e.effect, "description": e.description}
        for e in cal.events
    ]
    events += [
        {"kind": "public_opinion", "name": "舆情:" + _THEME_NAMES[THEMES[inc.theme]], "start": inc.start, "end": inc.end,
         "channel": "social", "description": inc.description, "detected_at": inc.detected, "alerted_at": inc.alerted,
         "deadline": inc.detected + ALERT_DEADLINE}
        for inc in incidents
    ]
    events.sort(key=lambda e: (e["start"], e["kind"], e["name"]))
    for i, event in enumerate(events):
        event["event_id"] = f"EV{i + 1:04d}"
    return {column: [e.get(column) for e in events] for column in _COLUMNS}
