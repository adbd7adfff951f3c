"""Every rule holds in both solvers' schedules, checked by code here that shares nothing with theirs."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from callscope.schedule import Problem, ProblemError, WeeklyRules, Weights, generic_roster, requirement_from_frame, roster_from_frame, solve_cpsat, solve_greedy
from callscope.schedule.templates import parse_templates

TEMPLATES = [
    {
        "name": "day_8h",
        "starts": {"from": "07:00", "to": "14:00", "every": 60},
        "length": "8:30",
        "breaks": [
            {"kind": "break", "minutes": 15, "within": ["1:30", "3:00"]},
            {"kind": "lunch", "minutes": 30, "within": ["3:30", "5:00"]},
            {"kind": "break", "minutes": 15, "within": ["5:30", "7:00"]},
        ],
    },
    {"name": "part_4h", "starts": {"from": "08:00", "to": "18:00", "every": 120}, "length": "4:00", "breaks": [{"minutes": 15, "within": ["1:30", "2:30"]}]},
]
WINDOWS = {  # independent copy: (kind, minutes, window start, window end) after the shift start, in minutes
    "day_8h": [("break", 15, 90, 180), ("lunch", 30, 210, 300), ("break", 15, 330, 420)],
    "part_4h": [("break", 15, 90, 150)],
}
PAID = {"day_8h": 8.0, "part_4h": 4.0}
RULES = WeeklyRules(days_off=2, max_hours=36, min_rest_hours=12, max_consecutive_days=4)
ROSTER = pd.DataFrame(
    [
        {"agent_id": "A1", "skills": "voice", "days": "mon,tue,wed,thu,fri", "max_hours": "32"},
        {"agent_id": "A2", "skills": "voice,chat", "min_hours": "16"},
        {"agent_id": "A3", "skills": "chat", "earliest_start": "10:00", "latest_end": "20:00"},
        {"agent_id": "A4", "skills": "voice", "templates": "part_4h", "days": "sat,sun,mon,tue"},
        {"agent_id": "A5", "skills": "voice,chat", "hourly_cost": "1.5"},
        {"agent_id": "A6", "skills": "chat", "days_off": "3"},
        {"agent_id": "A7", "skills": "voice"},
        {"agent_id": "A8", "skills": "voice"},
    ]
).fillna("")


def two_skill_week() -> pd.DataFrame:
    """Mon–Sun, 15-minute intervals, 07:00–22:00: voice peaks late morning, chat in the evening."""
    times = pd.date_range("2024-03-04 07:00", "2024-03-10 21:45", freq="15min")
    times = times[(times.hour >= 7) & (times.hour < 22)]
    hour = times.hour + times.minute / 60
    weekend = times.dayofweek >= 5
    voice = np.where(weekend, 1, np.where((hour >= 9) & (hour < 13), 3, 2))
    chat = np.where((hour >= 17) & (hour < 21), 2, 1)
    frame = pd.DataFrame({"interval_start": times, "skill": "voice", "required": voice})
    return pd.concat([frame, pd.DataFrame({"interval_start": times, "skill": "chat", "required": chat})], ignore_index=True)


@pytest.fixture(scope="module")
def schedules():
    roster = roster_from_frame(ROSTER)
    problem = Problem(requirement_from_frame(two_skill_week()), parse_templates(TEMPLATES, "test"), roster, RULES, Weights(10, 1, 0.1))
    return {"greedy": solve_greedy(problem), "cpsat": solve_cpsat(problem, time_limit=8, workers=1, seed=3)}


@pytest.mark.parametrize("method", ["greedy", "cpsat"])
def test_weekly_rules_hold(schedules, method):
    shifts = schedules[method].shifts_table()
    assert len(shifts) > 10  # a real schedule, not an empty one
    roster = ROSTER.set_index("agent_id")
    for agent, own in shifts.sort_values("start").groupby("agent_id"):
        row = roster.loc[agent]
        days = [s.date() for s in own.start]
        assert len(days) == len(set(days)), f"{agent}: two shifts on one day"
        assert len(days) <= 7 - int(row.days_off or RULES.days_off)
        hours = sum(PAID[t] for t in own.template)
        assert hours <= float(row.max_hours or RULES.max_hours)
        assert hours >= float(row.min_hours or 0)
        rests = [(b - a).total_seconds() / 3600 for a, b in zip(own.end.iloc[:-1], own.start.iloc[1:])]
        assert min(rests, default=99) >= RULES.min_rest_hours, f"{agent}: rest {min(rests)} h"
        ordinals = sorted(d.toordinal() for d in days)
        run = longest = 1
        for a, b in zip(ordinals, ordinals[1:]):
            run = run + 1 if b == a + 1 else 1
            longest = max(longest, run)
        assert longest <= RULES.max_consecutive_days
        if row.days:
            allowed = {d.strip() for d in row.days.split(",")}
            assert {s.strftime("%a").lower() for s in own.start} <= allowed
        if row.earliest_start:
            assert all(s.time() >= dt.time(10) for s in own.start)
            assert all(e.time() <= dt.time(20) and e.date() == s.date() for s, e in zip(own.start, own.end))
        if row.templates:
            assert set(own.template) <= {row.templates}


@pytest.mark.parametrize("method", ["greedy", "cpsat"])
def test_breaks_sit_inside_their_windows(schedules, method):
    schedule = schedules[method]
    shifts = schedule.shifts_table()
    activities = schedule.activities_table()
    for shift in shifts.itertuples():
        mine = activities[(activities.agent_id == shift.agent_id) & (activities.start >= shift.start) & (activities.end <= shift.end)]
        assert mine.start.min() == shift.start and mine.end.max() == shift.end
        pauses = mine[mine.activity != "work"].sort_values("start")
        assert len(pauses) == len(WINDOWS[shift.template])
        for pause, (kind, minutes, lo, hi) in zip(pauses.itertuples(), WINDOWS[shift.template]):
            offset = (pause.start - shift.start).total_seconds() / 60
            assert pause.activity == kind
            assert (pause.end - pause.start).total_seconds() / 60 == minutes
            assert lo <= offset and offset + minutes <= hi


@pytest.mark.parametrize("method", ["greedy", "cpsat"])
def test_agents_serve_only_their_skills(schedules, method):
    schedule = schedules[method]
    work = schedule.activities_table().query("activity == 'work'")
    skills = {r.agent_id: set(r.skills.split(",")) for r in ROSTER.itertuples()}
    cover = schedule.coverage_table().set_index(["interval_start", "skill"]).scheduled
    for t in pd.date_range("2024-03-04", "2024-03-10 23:45", freq="15min"):
        on = [a for a, s, e in zip(work.agent_id, work.start, work.end) if s <= t < e]
        for skill in ("voice", "chat"):
            assert cover[t, skill] <= sum(skill in skills[a] for a in on)
        # Everyone at work serves exactly one skill.
        assert cover[t, "voice"] + cover[t, "chat"] == len(on)


def test_the_optimiser_starts_from_the_greedy_and_reports_a_bound(schedules):
    best, greedy = schedules["cpsat"].kpis().objective, schedules["greedy"].kpis().objective
    assert best <= greedy + 1e-9
    assert schedules["cpsat"].info.best_bound <= best + 1e-9
    assert schedules["cpsat"].info.gap == pytest.approx((best - schedules["cpsat"].info.best_bound) / best)


def test_a_skill_nobody_has_is_an_error():
    frame = pd.DataFrame({"interval_start": pd.date_range("2024-03-04 08:00", periods=16, freq="15min"), "skill": "video", "required": 1})
    with pytest.raises(ProblemError, match="skill 'video' but no agent in the roster has it"):
        Problem(requirement_from_frame(frame), parse_templates(TEMPLATES, "t"), roster_from_frame(ROSTER), RULES)


def _week(value=1):
    times = pd.date_range("2024-03-04", periods=7 * 96, freq="15min")
    return requirement_from_frame(pd.DataFrame({"interval_start": times, "required": value}))


def test_unreachable_minimum_hours_name_the_agent():
    # A9 may work mon and tue only: at most 2 × 8 = 16 paid hours, but 20 are required.
    roster = roster_from_frame(pd.DataFrame([{"agent_id": "A9", "days": "mon,tue", "min_hours": "20"}]))
    with pytest.raises(ProblemError, match=r"agent A9: min_hours 20 cannot be reached .* at most 16 paid hours"):
        Problem(_week(), parse_templates(TEMPLATES, "t"), roster, RULES)


def test_rules_that_contradict_each_other_are_reported_by_the_solver():
    # 40 h a week from 8-hour shifts needs 5 days, but with at most 1 day in a row a week holds 4.
    rules = WeeklyRules(days_off=2, max_hours=40, min_hours=40, max_consecutive_days=1)
    p = Problem(_week(), parse_templates(TEMPLATES[:1], "t"), generic_roster(2), rules)
    with pytest.raises(ProblemError, match="no schedule keeps every rule"):
        solve_cpsat(p, time_limit=10, workers=1)
    assert solve_greedy(p).info.status == "MIN_HOURS_UNMET"
