"""Reading templates, requirements and rosters: values worked out by hand, and clear errors."""

import datetime as dt

import pandas as pd
import pytest

from callscope.schedule import RequirementError, RosterError, TemplateError, WeeklyRules, load_setup, read_requirements, read_roster, requirement_from_frame
from callscope.schedule.templates import expand_templates, parse_templates


def test_shipped_setup_expands_on_a_15_minute_grid():
    setup = load_setup()
    assert [t.name for t in setup.templates] == ["day_8h", "short_6h", "part_4h"]
    day = setup.templates[0]
    assert day.length == 510 and day.paid_minutes == 480  # 8:30 on site less the 30-minute unpaid lunch
    options = expand_templates(setup.templates, 15)
    # day_8h starts 06:00–14:30 every 30 min: 18; short_6h 07:00–17:00 hourly: 11; part_4h 08:00–19:00: 12.
    assert len(options) == 18 + 11 + 12
    first = options[0]
    # break 1 within 1:45–3:00 → starts 1:45, 2:00, 2:15, 2:30, 2:45 = intervals 7..11;
    # lunch (30 min) within 3:30–5:00 → 3:30 … 4:30 = intervals 14..18.
    assert first.breaks[0].offsets == (7, 8, 9, 10, 11)
    assert first.breaks[1].offsets == (14, 15, 16, 17, 18) and first.breaks[1].slots == 2 and not first.breaks[1].paid
    assert (first.start_slot, first.slots, first.end_minute) == (24, 34, 6 * 60 + 510)
    assert setup.rules == WeeklyRules() and (setup.weights.under, setup.weights.over, setup.weights.cost) == (10, 1, 0.1)


@pytest.mark.parametrize(
    "template, message",
    [
        ({"name": "a", "starts": ["8:00"], "length": "4:00", "breaks": [{"minutes": 45, "within": ["1:00", "1:30"]}]}, r"a 45-minute break does not fit within \['1:00', '1:30'\]"),
        (
            {"name": "a", "starts": ["8:00"], "length": "8:00", "breaks": [{"minutes": 15, "within": ["2:00", "3:00"]}, {"kind": "lunch", "minutes": 30, "within": ["2:30", "4:00"]}]},
            "break windows 02:00–03:00 and 02:30–04:00 overlap",
        ),
        ({"name": "a", "starts": ["8:00"], "length": "4:00", "breaks": [{"minutes": 15, "within": ["3:00", "5:00"]}]}, r"window \['3:00', '5:00'\] ends after the shift \(04:00\)"),
        ({"name": "a", "starts": ["25:00"], "length": "4:00"}, "start 25:00 is not within the day"),
        ({"name": "a", "starts": ["8:00"], "length": "8h"}, "length: '8h' is not a time"),
        ({"name": "a", "starts": ["8:00"], "length": "4:00", "colour": "red"}, r"unknown key\(s\) \['colour'\]"),
        ({"name": "a", "starts": ["8:00"], "length": "4:00", "breaks": [{"kind": "nap", "minutes": 15, "within": ["1:00", "2:00"]}]}, "kind 'nap' is not one of"),
    ],
)
def test_template_errors_say_what_and_where(template, message):
    with pytest.raises(TemplateError, match=message):
        parse_templates([template], "shifts.yaml")


def test_template_times_must_sit_on_the_requirement_grid():
    templates = parse_templates([{"name": "odd", "starts": ["8:10"], "length": "4:00"}], "shifts.yaml")
    with pytest.raises(TemplateError, match="template 'odd', start 08:10: 490 minutes is not a multiple of the 15-minute interval"):
        expand_templates(templates, 15)


def test_setup_file_sections_are_checked(tmp_path):
    path = tmp_path / "shifts.yaml"
    path.write_text("templates:\n  - {name: a, starts: ['8:00'], length: '4:00'}\nrules: {days_of: 2}\n")
    with pytest.raises(ValueError, match=r"rules: unknown rule\(s\) \['days_of'\]"):
        load_setup(path)
    path.write_text("templates:\n  - {name: a, starts: ['8:00'], length: '4:00'}\nrules: {days_off: 9}\n")
    with pytest.raises(ValueError, match="rule days_off = 9 must be between 0 and 7"):
        load_setup(path)


def test_requirement_grid_and_skills(tmp_path):
    path = tmp_path / "req.csv"
    path.write_text(
        "interval_start,queue,required_agents\n"
        "2024-03-05 08:00,voice,2.5\n2024-03-05 08:30,voice,3\n2024-03-06 23:30,chat,1\n"
    )
    req = read_requirements(path)
    # Horizon: Tue 2024-03-05 00:00 to Thu 00:00 → 2 days × 48 half-hours. Skills sorted: chat, voice.
    assert (req.start, req.interval_minutes, req.days, req.skills) == (dt.datetime(2024, 3, 5), 30, 2, ("chat", "voice"))
    assert req.required[1, 16] == 2.5 and req.required[1, 17] == 3 and req.required[0, 48 + 47] == 1
    assert req.required.sum() == 6.5  # every other interval requires nobody


@pytest.mark.parametrize(
    "rows, message",
    [
        ("interval_start,required\n2024-03-05 08:00,2\n2024-03-05 08:15,-1\n", r"req.csv line 3, column required: '-1' is not a number of agents ≥ 0"),
        ("interval_start,required\n2024-03-05 08:00,2\nnot a time,1\n", r"req.csv line 3, column interval_start: 'not a time' is not a timestamp"),
        ("interval_start,required\n2024-03-05 08:00,2\n2024-03-05 08:15,1\n2024-03-05 08:00,1\n", "req.csv line 4: interval 2024-03-05 08:00:00 .* appears twice"),
        ("interval_start,required\n2024-03-05 08:00,2\n2024-03-05 08:07,1\n", "interval length 7 minutes must divide a day"),
        ("interval_start,interval_minutes,required\n2024-03-05 08:10,15,2\n", "2024-03-05 08:10:00 is not on the 15-minute grid"),
        ("start,agents_needed\n2024-03-05 08:00,2\n", "needs columns interval_start and required"),
    ],
)
def test_requirement_errors_name_line_column_and_value(tmp_path, rows, message):
    path = tmp_path / "req.csv"
    path.write_text(rows)
    with pytest.raises(RequirementError, match=message):
        read_requirements(path)


def test_interval_seconds_column_is_understood():
    frame = pd.DataFrame({"interval_start": ["2024-03-05 08:00"], "interval_s": [900], "required": [4]})
    req = requirement_from_frame(frame)
    assert req.interval_minutes == 15 and req.required[0, 32] == 4


def test_roster_columns_and_errors(tmp_path):
    path = tmp_path / "agents.csv"
    path.write_text(
        "agent_id,skills,hourly_cost,max_hours,days,earliest_start,latest_end,templates\n"
        "A1,\"voice, chat\",30,32,\"mon,tue,wed\",07:00,19:30,part_4h\nA2,,,,,,,\n"
    )
    a1, a2 = read_roster(path)
    assert a1.skills == {"voice", "chat"} and a1.hourly_cost == 30 and a1.days == {0, 1, 2}
    assert (a1.earliest_start, a1.latest_end, a1.templates) == (420, 1170, {"part_4h"})
    assert a1.rules(WeeklyRules()).max_hours == 32 and a2.rules(WeeklyRules()).max_hours == 40
    assert a2.serves("anything") and not a1.serves("email")
    path.write_text("agent_id,days\nA1,mon\nA1,tue\n")
    with pytest.raises(RosterError, match="line 3: agent_id 'A1' appears twice"):
        read_roster(path)
    path.write_text("agent_id,days\nA1,funday\n")
    with pytest.raises(RosterError, match="line 2, column days: 'fun' is not a weekday"):
        read_roster(path)
    path.write_text("agent_id,max_hours,min_hours\nA1,20,30\n")
    with pytest.raises(RosterError, match=r"agent A1: rule min_hours = 30.0 must be between 0 and max_hours \(20\)"):
        read_roster(path)
