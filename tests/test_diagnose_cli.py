"""`callscope diagnose`: root cause in JSON and as a table, in both languages; errors in one line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from callscope.cli import app
from callscope.i18n import set_lang

runner = CliRunner()


@pytest.fixture(autouse=True)
def _language_reset():
    """`--lang` sets the process's language (as the CLI should); put it back for the next tests."""
    yield
    set_lang(None)


def run(*args):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_root_cause_json_on_the_kpi_fixture(kpi_duckdb):
    # Voice AHT of the fixture (test_kpi_values): sales V1 380 s, V2 240 s; support V5 490 s, V6 100 s.
    # Against 300 s: gap 302.5 − 300 = +2.5 s. By queue (shares 1/2 each):
    #   sales 0.5 × (310 − 300) = +5.0 s;  support 0.5 × (295 − 300) = −2.5 s
    out = run("diagnose", "root-cause", "--kpi", "AHT", "--period", "2024-09", "--target", "300", "--by", "queue",
              "--filter", "channel=voice", "--format", "json", "--store", kpi_duckdb.url)
    data = json.loads(out)
    assert (data["value"], data["reference"], data["gap"], data["status"]) == (pytest.approx(302.5), 300, pytest.approx(2.5), "missed")
    rows = {r["label"]: r for r in data["slices"]}
    assert rows["sales"]["contribution"] == pytest.approx(5.0) and rows["support"]["contribution"] == pytest.approx(-2.5)
    assert rows["sales"]["slice"] == [["queue", "sales"]] and rows["sales"]["reference_share"] is None
    assert data["explanation"] == {
        "en": "Average handle time missed the target by 2.5 s (302.5 s vs 300.0 s): 5.0 s from sales",
        "zh": "平均处理时长未达目标,差 2.5 秒(302.5 秒,目标 300.0 秒),其中 5.0 秒 来自sales",
    }


def test_root_cause_table_in_chinese(kpi_duckdb):
    out = run("diagnose", "root-cause", "--kpi", "AHT", "--period", "2024-09", "--target", "300", "--by", "queue",
              "--filter", "channel=voice", "--lang", "zh", "--store", kpi_duckdb.url)
    assert "平均处理时长未达目标" in out and "比率效应" in out and "+5.0" in out


def test_errors_are_one_line_with_exit_2(kpi_duckdb, capsys):
    from callscope.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["diagnose", "root-cause", "--kpi", "SL", "--period", "2024-09", "--baseline", "lastyear", "--store", kpi_duckdb.url])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err == "callscope: unknown baseline 'lastyear'; use target, prev, yoy"
