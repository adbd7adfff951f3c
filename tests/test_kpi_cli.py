"""The `callscope kpi` command: list, explain (in both languages), and JSON/CSV/XLSX output."""

from __future__ import annotations

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from callscope.cli import app
from callscope.kpi import CATALOGUE

runner = CliRunner()


def run(*args):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_every_kpi_has_a_definition_in_both_languages():
    for k in CATALOGUE.values():
        assert k.definition_en and k.definition_zh and k.en and k.zh, k.id
        assert k.unit in ("count", "ratio", "seconds", "score", "number", "per_hour", "currency")


def test_list_and_explain():
    from callscope.cli.kpi import explain_text

    assert "Service level" in run("kpi", "list")
    assert "服务水平" in run("kpi", "explain", "SL", "--lang", "zh")
    text = explain_text("SL", "zh")
    assert "sl_denominator (offered_minus_short)" in text and "应答 + 超过短时阈值的放弃" in text
    assert "(longest + shortest) ÷ 2" in explain_text("mean_wait", "en")


def test_json_output_has_the_promised_fields(kpi_duckdb):
    out = run("kpi", "--kpis", "SL,ASA", "--by", "queue", "--period", "2024-09", "--filter", "channel=voice", "--compare", "prev,yoy,target",
              "--targets", "tests/fixtures/kpi/targets.yaml", "--format", "json", "--store", kpi_duckdb.url)
    records = json.loads(out)
    sales_sl = next(r for r in records if r["queue"] == "sales" and r["kpi"] == "SL")
    for key in ("kpi", "queue", "value", "numerator", "denominator", "target", "status"):
        assert key in sales_sl
    assert sales_sl["value"] == pytest.approx(0.5) and sales_sl["status"] == "missed"


def test_xlsx_holds_numbers(kpi_duckdb, tmp_path):
    path = tmp_path / "k.xlsx"
    run("kpi", "-k", "SL", "--period", "2024-09", "--filter", "channel=voice", "--format", "xlsx", "--out", str(path), "--store", kpi_duckdb.url)
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    value = sheet.cell(row=2, column=header.index("value") + 1).value
    assert isinstance(value, float) and value == pytest.approx(1 / 3)


def test_unknown_kpi_is_one_line_with_exit_2(kpi_duckdb, capsys):
    from callscope.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["kpi", "-k", "SLA", "--store", kpi_duckdb.url])
    assert stop.value.code == 2
    assert "unknown KPI 'SLA'" in capsys.readouterr().err


@pytest.mark.parametrize("lang,path", [("en", "docs/kpi-reference.md"), ("zh", "docs/kpi-reference.zh.md")])
def test_kpi_reference_docs_are_current(lang, path):
    from pathlib import Path

    from callscope.kpi.reference import markdown

    assert Path(path).read_text(encoding="utf-8") == markdown(lang), f"regenerate with: python -m callscope.kpi.reference {lang} > {path}"
