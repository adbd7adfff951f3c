"""`callscope simulate`: JSON fields, the table in Chinese, multi-queue YAML, interval CSV, errors.

Expected values: Erlang C (callscope.staffing, reproducing Call Centre Helper's 100 calls / 30 min,
AHT 180 s, 14 agents → SL 88.8 % in 20 s) and cases worked out by hand."""

import json

import pytest

from callscope.cli import main
from callscope.staffing import asa, service_level


def _run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(["simulate", *args])
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def test_json_fields_and_erlang_c(capsys):
    code, out, _ = _run(capsys, "--aht", "180", "--agents", "14", "--warmup", "2",
                        "--replications", "30", "--seed", "11", "--format", "json", "--calls", ",".join(["100"] * 40))
    assert code == 0
    result = json.loads(out)
    assert {"engine", "replications", "confidence", "sl_definition", "answer_time_s", "contacts", "contacts_per_second", "overall", "intervals"} <= set(result)
    assert (result["engine"], result["replications"], result["confidence"], result["sl_definition"]) == ("fcfs", 30, 0.99, "answered")
    assert len(result["intervals"]) == 40
    row = result["overall"][0]
    for m in ("service_level", "asa", "abandon_rate", "p_wait"):
        assert {m, f"{m}_lo", f"{m}_hi"} <= set(row)
    assert row["service_level_lo"] <= service_level(14, 10.0, 180, 20) <= row["service_level_hi"]
    assert row["asa_lo"] <= asa(14, 10.0, 180) <= row["asa_hi"]
    assert row["abandon_rate"] == 0.0


def test_json_null_where_nobody_is_answered(capsys):
    # By hand: no agents, patience 30 s: everybody abandons, SL 0, ASA has no value (null, not NaN)
    code, out, _ = _run(capsys, "--calls", "10", "--aht", "180", "--agents", "0", "--patience", "30", "--replications", "3", "--format", "json")
    row = json.loads(out)["overall"][0]
    assert code == 0 and row["abandon_rate"] == 1.0 and row["service_level"] == 0.0 and row["asa"] is None


def test_table_in_chinese(capsys):
    code, out, _ = _run(capsys, "--calls", "100,120", "--aht", "180", "--agents", "14,16", "--patience", "120", "--replications", "5", "--lang", "zh")
    assert code == 0 and "分时段模拟结果" in out and "服务水平" in out and "99% 置信区间" in out and "指数" in out


def test_centre_yaml_with_vip_priority(capsys, tmp_path):
    centre = tmp_path / "centre.yaml"
    vip, normal = [20] * 16, [80] * 16
    centre.write_text(
        f"""
interval_s: 1800
answer_time_s: 20
queues:
  - {{name: vip, calls: {vip}, aht_s: 180, priority: 0}}
  - {{name: normal, calls: {normal}, aht_s: 180, priority: 1, patience_s: 300, patience: {{kind: lognormal, cv: 1.2}}}}
groups:
  - {{name: agents, skills: [vip, normal], agents: 13}}
""",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "--centre", str(centre), "--replications", "20", "--format", "json")
    rows = {r["queue"]: r for r in json.loads(out)["overall"]}
    assert code == 0 and set(rows) == {"vip", "normal", "all"}
    assert rows["vip"]["asa_hi"] < rows["normal"]["asa_lo"]
    assert rows["vip"]["abandon_rate"] == 0.0  # VIPs never abandon here


def test_interval_csv(capsys, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("interval_start,calls,aht_s,agents\n2026-01-05 08:00,50,180,0\n2026-01-05 08:30,50,180,200\n", encoding="utf-8")
    code, out, _ = _run(capsys, "--file", str(path), "--replications", "20", "--format", "json")
    first, second = json.loads(out)["intervals"]
    # By hand: nobody in the first half hour, patient callers, all answered at 08:30 → mean wait 900 s
    assert code == 0 and first["interval_start"] == "2026-01-05 08:00"
    assert first["asa_lo"] <= 900 <= first["asa_hi"] and second["asa"] == 0.0


def test_errors_are_one_clear_line(capsys, tmp_path):
    code, _, err = _run(capsys, "--calls", "100,120,90", "--aht", "180,200", "--agents", "14")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--aht has 2 values but there are 3 intervals" in err
    code, _, err = _run(capsys, "--calls", "100", "--aht", "180", "--agents", "14", "--patience-dist", "weibull")
    assert code == 2 and "unknown distribution 'weibull'" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("interval_s: 1800\nqueues: [{name: q, calls: [1], aht_s: 60, colour: red}]\ngroups: [{name: a, skills: [q], agents: 1}]\n", encoding="utf-8")
    code, _, err = _run(capsys, "--centre", str(bad))
    assert code == 2 and "queues[0] has unknown keys colour" in err
