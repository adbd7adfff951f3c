"""Anomalies on a synthetic weekly-seasonal series with planted spikes, and bottlenecks by hand.

The series: nine weeks (Mon 8 Jul – Sun 8 Sep 2024), every day four hourly slots (10:00–13:00) of
20 voice calls each. In history week w (0…7) a slot has ABANDONED[w] abandons (after 60 s; the rest
answered after 10 s), the same in every slot. The judged week is the ninth, 2 – 8 Sep 2024, with 2
abandons per slot except where spikes are planted.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from callscope.diagnose import anomalies, bottlenecks
from callscope.store import open_store
from diagnose_stores import load_rows

ABANDONED = [1, 2, 1, 3, 2, 1, 2, 3]
FIRST_MONDAY = pd.Timestamp("2024-07-08")
WEEK = "2024-09-02..2024-09-08"
SPIKES = {pd.Timestamp("2024-09-04 12:00"): 12, pd.Timestamp("2024-09-07 10:00"): 8, pd.Timestamp("2024-09-05 11:00"): 4}
OUTAGE = pd.Timestamp("2024-09-06 13:00")  # no calls at all in this slot


def _series_rows(spikes: dict, outage=None) -> list[dict]:
    rows = []
    for week in range(9):
        for day in range(7):
            for hour in (10, 11, 12, 13):
                slot = FIRST_MONDAY + pd.Timedelta(days=7 * week + day, hours=hour)
                if slot == outage:
                    continue
                abandoned = ABANDONED[week] if week < 8 else spikes.get(slot, 2)
                for i in range(20):
                    gone = i < abandoned
                    rows.append({
                        "interaction_id": f"{slot:%Y%m%d%H}-{i}", "source": "pbx", "channel": "voice", "queue": "q",
                        "arrived_at": f"{slot + pd.Timedelta(minutes=2 * i):%Y-%m-%d %H:%M:%S}",
                        "wait_s": 60 if gone else 10, "talk_s": None if gone else 180, "outcome": "abandoned" if gone else "answered",
                    })
    return rows


@pytest.fixture(scope="module")
def seasonal(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seasonal")
    s = open_store(str(folder / "s.duckdb"), timezone="Asia/Shanghai")
    load_rows(s, folder, "interactions", _series_rows(SPIKES, OUTAGE))
    yield s
    s.close()


def test_planted_spikes_are_found_with_their_deviation(seasonal):
    found = anomalies(seasonal, "abandonment_rate", WEEK, grain="hour")
    # History of every slot: 1 2 1 3 2 1 2 3 abandons of 20 → median 2/20 = 0.10; |deviations|
    # 1 0 1 1 0 1 0 1 → MAD 1/20 = 0.05, × 1.4826 = 0.0741. The binomial floor is larger:
    # p = (20 × 0.10 + 2) / (20 + 4) = 1/6, √(p(1 − p) / 20) = √(5/36 / 20) = 1/12 ≈ 0.0833.
    assert found["start"].tolist() == [pd.Timestamp("2024-09-04 12:00"), pd.Timestamp("2024-09-07 10:00")]
    wed, sat = found.to_dict("records")
    assert wed["value"] == pytest.approx(12 / 20) and wed["expected"] == pytest.approx(0.10)
    assert wed["deviation"] == pytest.approx(0.50)
    assert wed["scale"] == pytest.approx(1 / 12)
    assert wed["robust_z"] == pytest.approx(0.50 * 12)  # 6.0
    assert sat["deviation"] == pytest.approx(0.30) and sat["robust_z"] == pytest.approx(0.30 * 12)  # 3.6
    assert (wed["direction"], wed["worse"], wed["volume"], wed["history"]) == ("above", True, 20, 8)
    # Thursday 11:00 (4 of 20 = 0.20) is only 1.2 robust SDs above: not an anomaly.
    every = anomalies(seasonal, "abandonment_rate", WEEK, grain="hour", flagged_only=False)
    thursday = every[every["start"] == pd.Timestamp("2024-09-05 11:00")].iloc[0]
    assert thursday["robust_z"] == pytest.approx(0.10 * 12)
    assert len(every) == 7 * 4 - 1  # every slot of the week judged but the outage (no calls)


def test_an_outage_is_a_drop_in_volume(seasonal):
    found = anomalies(seasonal, "offered", WEEK, grain="hour")
    # Offered is 20 in every slot of every week: expected 20, MAD 0, Poisson floor √20.
    # The outage slot has no calls: value 0, deviation −20, z = −20 / √20 = −√20 ≈ −4.47.
    assert found["start"].tolist() == [OUTAGE]
    row = found.iloc[0]
    assert (row["value"], row["expected"], row["deviation"], row["direction"]) == (0.0, 20.0, -20.0, "below")
    assert row["robust_z"] == pytest.approx(-math.sqrt(20))


def test_no_false_positives_on_a_clean_series(tmp_path):
    s = open_store(str(tmp_path / "clean.duckdb"), timezone="Asia/Shanghai")
    load_rows(s, tmp_path, "interactions", _series_rows({}))
    for kpi in ("abandonment_rate", "SL", "offered", "ASA"):
        assert anomalies(s, kpi, WEEK, grain="hour").empty, kpi
    s.close()


def test_anomaly_inputs_are_checked(seasonal):
    with pytest.raises(ValueError, match="unknown grain 'week'"):
        anomalies(seasonal, "SL", WEEK, grain="week")
    with pytest.raises(ValueError, match="history_weeks must be at least 2"):
        anomalies(seasonal, "SL", WEEK, history_weeks=1)


def test_bottleneck_when_fewer_agents_are_ready_than_erlang_c_needs(tmp_path):
    # Tuesday 3 Sep 2024, team T: 20 calls in 10:00–10:30 and 20 in 10:30–11:00, each 180 s talk.
    # Load a = 20 × 180 / 1800 = 2 erlangs. Erlang C for 80% in 20 s:
    #   n = 3: B = 0.2105, C = 3B / (3 − 2(1 − B)) = 0.4444, SL = 1 − C·e^(−(3 − 2)·20/180) = 0.602 < 0.8
    #   n = 4: B = 0.0952, C = 0.1739, SL = 1 − C·e^(−2·20/180) = 0.861 ≥ 0.8  → 4 agents needed.
    # Agents of T: x1, x2 available 10:00–11:00; x3 on break 10:00–10:30, then available with x4.
    s = open_store(str(tmp_path / "b.duckdb"), timezone="Asia/Shanghai")
    load_rows(s, tmp_path, "agents", [{"agent_id": f"x{i}", "team": "T"} for i in range(1, 5)])
    call = lambda i, start: {  # noqa: E731
        "interaction_id": f"c{start}{i}", "source": "pbx", "channel": "voice", "queue": "q", "team": "T", "agent_id": "x1",
        "arrived_at": f"2024-09-03 {start}:{i:02d}:00", "wait_s": 5, "talk_s": 180, "outcome": "answered",
    }
    load_rows(s, tmp_path, "interactions", [call(i, "10") for i in range(20)] + [call(i + 30, "10") for i in range(20)])
    state = lambda agent, kind, start, end: {"agent_id": agent, "source": "acd", "state": kind, "start": f"2024-09-03 {start}:00", "end": f"2024-09-03 {end}:00"}  # noqa: E731
    load_rows(s, tmp_path, "agent_states", [
        state("x1", "available", "10:00", "11:00"), state("x2", "available", "10:00", "11:00"),
        state("x3", "break", "10:00", "10:30"), state("x3", "available", "10:30", "11:00"), state("x4", "available", "10:30", "11:00"),
    ])
    frame = bottlenecks(s, "2024-09-03", grain="interval30", flagged_only=False)
    first, second = frame.to_dict("records")
    assert (first["offered"], first["aht"], first["agents_required"]) == (20, 180, 4)
    # 10:00–10:30: ready x1 + x2 = 2 (x3 is logged in but on a break: 3 logged in) → 2 short
    assert (first["agents_ready"], first["agents_logged_in"], first["shortfall"]) == (2, 3, 2)
    assert first["understaffed"] and not first["abandon_spike"]
    # 10:30–11:00: four agents ready for the same workload → no shortfall
    assert (second["agents_ready"], second["shortfall"], second["understaffed"]) == (4, 0, False)
    assert bottlenecks(s, "2024-09-03", grain="interval30")["start"].tolist() == [pd.Timestamp("2024-09-03 10:00")]
    s.close()


def test_anomalies_command_json(seasonal):
    import json

    from typer.testing import CliRunner

    from callscope.cli import app

    result = CliRunner().invoke(app, ["diagnose", "anomalies", "--kpi", "abandonment_rate", "--period", WEEK, "--grain", "hour", "--format", "json", "--store", seasonal.url])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert [(r["start"], round(r["robust_z"], 6)) for r in records] == [("2024-09-04T12:00:00", 6.0), ("2024-09-07T10:00:00", 3.6)]
