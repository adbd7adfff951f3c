"""`callscope report`: writes the files it names, in the language asked for; user errors are one line."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest

from tests.conftest import load_kpi_fixture

TARGETS = "tests/fixtures/kpi/targets.yaml"


def _run(*args, env_extra=None):
    import os

    env = {**os.environ, "CALLSCOPE_LANG": "en", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "callscope", *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    """The KPI fixture in a store of its own (a DuckDB file is locked by the process using it)."""
    url = str(tmp_path_factory.mktemp("cli") / "cli.duckdb")
    load_kpi_fixture(url).close()
    return url


def test_report_command_writes_html_and_xlsx(store_url, tmp_path):
    done = _run(
        "report", "month_end", "--period", "2024-09", "--format", "html,xlsx", "--out", str(tmp_path), "--lang", "zh",
        "--targets", TARGETS, "--store", store_url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    html, xlsx = tmp_path / "month_end_2024-09_zh.html", tmp_path / "month_end_2024-09_zh.xlsx"
    assert done.stdout.split() == ["已写入:" + str(html), "已写入:" + str(xlsx)]
    assert "<h1>呼叫中心月底运营汇报</h1>" in html.read_text(encoding="utf-8")
    assert openpyxl.load_workbook(xlsx).sheetnames[0] == "目录"


def test_report_command_writes_the_other_kinds(store_url, tmp_path):
    done = _run("report", "scorecard", "--period", "2024-09", "--format", "xlsx", "--out", str(tmp_path), "--lang", "en", "--targets", TARGETS, "--store", store_url)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "scorecard_2024-09_en.xlsx")
    assert {"bsc_summary", "bsc_customer", "bsc_financial", "bsc_competitiveness", "bsc_learning"} <= set(book.sheetnames)


def test_report_command_errors_are_one_line(store_url, tmp_path):
    store = store_url
    done = _run("report", "month_end", "--period", "2024-09", "--format", "docx", "--out", str(tmp_path), "--store", str(store))
    assert done.returncode == 2
    assert done.stderr.strip() == "callscope: unknown report format docx; use html, pdf and/or xlsx (comma-separated)"
    done = _run("report", "weekly", "--period", "2024-09", "--out", str(tmp_path), "--store", str(store))
    assert done.returncode == 2 and "unknown report 'weekly'; reports: month_end, service_quality, response_speed, scorecard" in done.stderr
