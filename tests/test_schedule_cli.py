"""`callscope schedule` end to end: files written, figures printed, roster from a file or the store."""

import json

import pandas as pd
import pyarrow as pa
import pytest

from callscope.cli import main
from callscope.store import open_store

# The greedy trap of test_schedule_solvers: hours 0–5 need [1,1,2,2,1,1]; long 6 h vs two 4 h shifts.
# Optimum four@00 + four@02: 8 paid hours × 0.1 = 0.8. Greedy long@00 + four@00: 2 over + 10 × 0.1 = 3.0.
SETUP = """
templates:
  - {name: long, starts: ["0:00"], length: "6:00"}
  - {name: four, starts: ["0:00", "2:00"], length: "4:00"}
weights: {under: 10, over: 1, cost: 0.1}
"""


@pytest.fixture
def inputs(tmp_path):
    req = tmp_path / "req.csv"
    pd.DataFrame(
        {"interval_start": pd.date_range("2024-03-04", periods=6, freq="h"), "interval_minutes": 60, "required": [1, 1, 2, 2, 1, 1]}
    ).to_csv(req, index=False)
    setup = tmp_path / "shifts.yaml"
    setup.write_text(SETUP)
    return req, setup


def run(args, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def test_schedule_writes_both_methods_and_the_files(inputs, tmp_path, capsys):
    req, setup = inputs
    out_dir = tmp_path / "out"
    code, out, _ = run(["schedule", "-r", str(req), "-t", str(setup), "--headcount", "2", "--time-limit", "10", "--workers", "1", "--out", str(out_dir), "--format", "json", "--lang", "en"], capsys)
    assert code == 0
    figures = json.loads(out)
    assert figures["cpsat"]["objective"] == pytest.approx(0.8) and figures["cpsat"]["status"] == "OPTIMAL"
    assert figures["greedy"]["objective"] == pytest.approx(3.0) and figures["greedy"]["over_hours"] == 2
    shifts = pd.read_csv(out_dir / "shifts.csv")
    assert sorted(shifts.template + "@" + pd.to_datetime(shifts.start).dt.strftime("%H:%M")) == ["four@00:00", "four@02:00"]
    coverage = pd.read_csv(out_dir / "coverage.csv")
    assert coverage.scheduled[:6].tolist() == [1, 1, 2, 2, 1, 1]
    assert coverage.greedy_scheduled[:6].tolist() == [2, 2, 2, 2, 1, 1]  # long@00 + four@00
    assert set(pd.read_excel(out_dir / "schedule.xlsx", sheet_name=None)) == {"summary", "shifts", "activities", "coverage", "greedy_shifts"}
    assert (out_dir / "coverage.png").read_bytes()[:4] == b"\x89PNG"


def test_schedule_table_output_in_chinese(inputs, capsys):
    req, setup = inputs
    code, out, _ = run(["schedule", "-r", str(req), "-t", str(setup), "--headcount", "2", "--time-limit", "10", "--workers", "1", "--lang", "zh"], capsys)
    assert code == 0
    assert "排班:优化器(CP-SAT)与贪心基线对比" in out
    assert "目标值 贪心 / CP-SAT:3.75×" in out  # 3.0 / 0.8


def test_roster_comes_from_the_store(inputs, tmp_path, capsys):
    req, setup = inputs
    url = str(tmp_path / "cs.duckdb")
    with open_store(url) as s:
        s.append(
            "agents",
            pa.table(
                {
                    "agent_id": ["A1", "A2", "GONE"],
                    "leave_date": pa.array([None, None, pd.Timestamp("2024-01-31").date()], pa.date32()),
                    "hourly_cost": [1.0, 1.0, 1.0],
                }
            ),
        )
    code, out, _ = run(["schedule", "-r", str(req), "-t", str(setup), "--store", url, "--time-limit", "10", "--workers", "1", "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out)["cpsat"]["agents_used"] == 2  # GONE left before the week and is not scheduled


def test_user_errors_are_one_line(inputs, tmp_path, capsys):
    req, setup = inputs
    code, _, err = run(["schedule", "-r", str(req), "-t", str(setup), "--headcount", "2", "--agents", str(tmp_path / "a.csv")], capsys)
    assert code == 2 and "--agents and --headcount both given" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("templates: []\n")
    code, _, err = run(["schedule", "-r", str(req), "-t", str(bad), "--headcount", "2"], capsys)
    assert code == 2 and "'templates' must be a non-empty list" in err
