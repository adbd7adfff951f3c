"""`callscope forecast` from a file of counts (the US bank series) and from a store."""

import datetime as dt
import io
import json

import pandas as pd
import pytest

from callscope.cli import main
from callscope.store import open_store
from test_forecast_history import BANK, contact, needs_bank, put_interactions


def run(capsys, *args) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(["forecast", *map(str, args)])
    assert exit_.value.code in (0, None), capsys.readouterr()
    return capsys.readouterr().out


@needs_bank
def test_bank_file_hourly_json(capsys):
    out = run(capsys, "--history", BANK, "--columns", "DateTime=interval_start,Calls=offered", "--series", "bank",
              "--interval", 60, "--horizon", "1d", "--backtest-weeks", 1, "--format", "json")
    payload = json.loads(out)
    assert payload["interval_minutes"] == 60
    fc = pd.DataFrame(payload["forecast"])
    # 07:00 … 21:00 hourly on Monday 2003-10-27: 15 intervals, volume only (the file has no handle time)
    assert len(fc) == 15 and set(fc.measure) == {"offered"}
    assert fc.interval_start.iloc[0].startswith("2003-10-27T07:00")
    bt = pd.DataFrame(payload["backtest"]).set_index("model")
    # one week of daily origins: 5 windows × 15 hours (2003-10-20 … 10-24, none closed)
    assert bt.loc["seasonal_naive", "windows"] == 5 and bt.loc["seasonal_naive", "points"] == 75
    assert bt.chosen.sum() == 1
    assert {n["key"] for n in payload["notes"]} == {"closed_days"}


def seasonal_store(path):
    """Three weeks, Mon–Fri, 09:00 and 09:30: two answered contacts each (AHT 100 + 20 + 30 = 150 s),
    and every Monday at 09:00 customer x abandons and calls back 10 minutes later (one demand)."""
    rows, i = [], 0
    for day in pd.bdate_range("2024-03-04", "2024-03-22"):
        start = dt.timedelta(days=(day - pd.Timestamp("2024-03-04")).days, hours=9)
        for minute in (0, 5, 30, 35):
            i += 1
            rows.append(contact(i, start + dt.timedelta(minutes=minute), "answered", customer=f"c{i}", talk=100.0, hold=20.0, acw=30.0))
        if day.weekday() == 0:
            rows.append(contact(i + 1, start + dt.timedelta(minutes=10), "abandoned", customer="x", abandon_after=dt.timedelta(minutes=1)))
            rows.append(contact(i + 2, start + dt.timedelta(minutes=21), "answered", customer="x", talk=100.0, hold=20.0, acw=30.0))
            i += 2
    with open_store(str(path), timezone="UTC") as s:
        put_interactions(s, rows)


def test_store_forecast_csv_has_true_demand_and_aht(tmp_path, capsys):
    seasonal_store(tmp_path / "s.duckdb")
    out = run(capsys, "--store", tmp_path / "s.duckdb", "--horizon", "1d", "--backtest-weeks", 1, "--models", "seasonal_naive", "--format", "csv")
    fc = pd.read_csv(io.StringIO(out), parse_dates=["interval_start"]).set_index(["measure", "interval_start"])
    monday = pd.Timestamp("2024-03-25 09:00")
    # Monday 09:00: 2 contacts + x's abandon and its retry counted once = 3; 09:30: 2
    assert fc.loc[("offered", monday), "forecast"] == 3
    assert fc.loc[("offered", monday + pd.Timedelta(minutes=30)), "forecast"] == 2
    # every handled contact took 150 s
    assert fc.loc[("aht_s", monday), "forecast"] == 150 and fc.loc[("aht_s", monday + pd.Timedelta(minutes=30)), "forecast"] == 150
    assert set(fc.series) == {"sales/voice"}


def test_table_output_in_chinese(tmp_path, capsys, monkeypatch):
    from callscope.cli.common import console

    monkeypatch.setattr(console, "width", 200)  # no wrapping inside the table's cells
    seasonal_store(tmp_path / "s.duckdb")
    out = run(capsys, "--store", tmp_path / "s.duckdb", "--horizon", "1d", "--backtest-weeks", 1, "--models", "seasonal_naive", "--lang", "zh", "--out", tmp_path / "f.csv")
    assert "滚动起点回测" in out and "进线量(真实需求)" in out and "预测已写入" in out
    assert len(pd.read_csv(tmp_path / "f.csv")) == 4  # two half-hours × (offered, AHT)


def test_user_error_is_one_line(tmp_path, capsys):
    seasonal_store(tmp_path / "s.duckdb")
    with pytest.raises(SystemExit) as exit_:
        main(["forecast", "--store", str(tmp_path / "s.duckdb"), "--format", "xml"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--format 'xml' is not one of table, csv, json" in err and err.count("\n") == 1
