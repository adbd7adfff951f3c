"""`callscope plan` end to end on the Call Centre Helper interval report: the summary's figures,
the files (plan.xlsx read back equals plan.csv), a schedule, and the Chinese table."""

from __future__ import annotations

import datetime
import json
import zipfile

import openpyxl
import pandas as pd
import pytest

from callscope.cli import main
from plan_stores import PLAN_WEEK, call_centre_helper_store

FAST = ["--models", "seasonal_naive", "--backtest-weeks", "1", "--time-limit", "10", "--workers", "1"]


def run(capsys, *args) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(["plan", *map(str, args)])
    out = capsys.readouterr()
    assert exit_.value.code in (0, None), out.err
    return out.out


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """One plan with a schedule for 20 agents, written once and read by the tests below."""
    folder = tmp_path_factory.mktemp("plan")
    url = call_centre_helper_store(folder / "acd.duckdb")
    out_dir = folder / "out"
    with pytest.raises(SystemExit) as exit_:
        main(["plan", "--store", url, "--period", PLAN_WEEK, "--interval", "30", "--sl", "0.8", "--answer-time", "20",
              "--shrinkage", "0.3", "--headcount", "20", "--out", str(out_dir), "--format", "json", "--lang", "en", *FAST])  # fmt: skip
    assert exit_.value.code in (0, None)
    return url, out_dir


def test_summary_fields(planned):
    _, out_dir = planned
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["period"] == {"first": "2024-03-25", "last": "2024-03-29", "interval_minutes": 30}
    assert (summary["history"], summary["channel"], summary["queues"]) == ("intervals", "voice", ["sales"])
    # 10 half-hours × 100 calls; 14 agents (Call Centre Helper) → 70 agent-hours, 20 after 30 % shrinkage → 100
    assert (summary["calls"], summary["agent_hours"], summary["required_hours"]) == (1000, 70, 100)
    assert summary["peak"] == {"interval_start": "2024-03-25 09:00:00", "required": 20, "agents": 14, "calls": 100}
    assert summary["service_level"] == 0.8884
    # the history repeats itself exactly: no error, and MASE has no scale (its in-sample errors are 0)
    exact = {"queue": "sales", "model": "seasonal_naive", "wmape": 0.0, "mase": None, "baseline_wmape": 0.0, "baseline_mase": None}
    assert summary["accuracy"] == [{**exact, "measure": "offered"}, {**exact, "measure": "aht_s"}]
    sched = summary["schedule"]
    # 20 agents can cover 09:00–10:00 on every weekday (a 4-hour shift from 08:00, break after 10:00)
    assert (sched["coverage"], sched["under_hours"], sched["grid_minutes"]) == (1.0, 0.0, 15)
    # by hand: 20 agents × 5 days on the shipped 4-hour shift from 08:00 or 09:00 (its 15-min break falls after 10:00)
    # = 100 shifts, 400 paid hours; on duty 3.75 h of which 1 h is needed → 2.75 × 100 = 275 h over;
    # objective 1 × 275 + 0.1 × 400 = 315, proven optimal (no shift is shorter than 4 h)
    assert (sched["status"], sched["objective"], sched["over_hours"], sched["paid_hours"], sched["shifts"]) == ("OPTIMAL", 315, 275, 400, 100)
    # on the phones: ⌊20 × 0.7⌋ = 14 → Call Centre Helper's 88.8 %
    assert sched["service_level"] == 0.8884 and sched["cpsat_failed"] is None
    # the simulation check (callscope.simulate, 20 replications) agrees with Erlang C within 3 points
    simulation = summary["simulation"]
    assert (simulation["status"], simulation["replications"], simulation["abandon_rate"]) == ("ran", 20, 0.0)
    assert simulation["service_level"] == pytest.approx(0.8884, abs=0.03)


def test_xlsx_reads_back_as_the_csv(planned):
    _, out_dir = planned
    csv = pd.read_csv(out_dir / "plan.csv", parse_dates=["interval_start"])
    xlsx = pd.read_excel(out_dir / "plan.xlsx", sheet_name="plan")
    pd.testing.assert_frame_equal(xlsx, csv, check_dtype=False)
    assert len(csv) == 10 and (csv.scheduled == 20).all() and (csv.gap == 0).all()
    book = openpyxl.load_workbook(out_dir / "plan.xlsx")
    plan = book["plan"]
    assert list(plan.tables) == ["t_plan"] and plan.tables["t_plan"].ref == "A1:Z11"  # 17 plan columns + 9 simulated (SL, ASA, abandonment with 99 % bounds)
    assert plan["A2"].value == datetime.datetime(2024, 3, 25, 9, 0) and plan["D2"].value == 100  # a time and a number, not text
    assert plan["J2"].number_format == "0.0%"  # service_level
    assert [c.title for c in book.chartsheets] == ["chart"]
    chart = zipfile.ZipFile(out_dir / "plan.xlsx").read("xl/charts/chart1.xml").decode()
    # a native chart: calls (column B of by_interval, right axis), agents, required, scheduled
    assert chart.count("<c:ser>") == 4 and "by_interval!$B$2:$B$11" in chart and "by_interval!$E$2:$E$11" in chart
    by_interval = pd.read_excel(out_dir / "plan.xlsx", sheet_name="by_interval")
    assert list(by_interval.columns) == ["interval_start", "calls", "agents", "required", "scheduled"] and (by_interval.required == 20).all()
    shifts = pd.read_csv(out_dir / "shifts.csv")
    assert shifts.agent_id.nunique() <= 20 and shifts.paid_hours.sum() > 0
    for png in ("forecast.png", "staffing.png"):
        assert (out_dir / png).read_bytes()[:4] == b"\x89PNG"


def test_table_in_chinese(planned, tmp_path, capsys, monkeypatch):
    from callscope.cli.common import console

    monkeypatch.setattr(console, "width", 200)
    url, _ = planned
    out = run(capsys, "--store", url, "--horizon", "2d", "--no-schedule", "--shrinkage", "0.3", "--out", tmp_path / "zh", "--lang", "zh", *FAST)
    assert "计划 2024-03-25 … 2024-03-26,30 分钟时段,渠道 voice,队列 sales(历史数据:区间统计)" in out
    assert "需排班工时(计入缩水率)" in out and "2024-03-25 09:00:00 需排班 20 人(在线 14 人,话务 100)" in out
    assert "未排班(--no-schedule)" in out and "仿真服务水平" in out
    assert pd.read_csv(tmp_path / "zh" / "plan.csv").scheduled.isna().all()


def test_user_error_is_one_line(planned, tmp_path, capsys):
    url, _ = planned
    with pytest.raises(SystemExit) as exit_:
        main(["plan", "--store", url, "--period", "2024-03-25", "--out", str(tmp_path)])
    assert exit_.value.code == 2
    assert "--period '2024-03-25': write FIRST..LAST as dates" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # before any forecast is made
        main(["plan", "--store", url, "--abandon-target", "0.05", "--out", str(tmp_path)])
    assert exit_.value.code == 2 and "an abandonment target needs the callers' mean patience (--patience SECONDS)" in capsys.readouterr().err
