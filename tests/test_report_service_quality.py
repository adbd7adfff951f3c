"""The service-quality evaluation (seed 002) on the shipped KPI fixture: the four areas of the
indicator system, each indicator's number equal to the KPI engine's in the model and in every
format (HTML parsed, XLSX read back, PDF text), trends by month, targets, and KPIs the data lacks
shown as not available (never 0)."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from callscope.kpi import compute, get_kpi
from callscope.kpi.output import format_value
from callscope.report import build_report, render_file
from callscope.report.render.pdf import find_chromium
from callscope.report.service_quality import SYSTEM
from callscope.report.write import report_path
from tests.report_readers import html_table, pdf_text, xlsx_rows

TARGETS = "tests/fixtures/kpi/targets.yaml"
PERIOD = "2024-09"
NAMED = ["SL", "abandonment_rate", "CSAT", "AHT", "QA", "self_service_rate"]
AREA_OF = {k: area for area, kpis in SYSTEM.items() for k in kpis}


@pytest.fixture(scope="module")
def written(kpi_duckdb, tmp_path_factory):
    out = tmp_path_factory.mktemp("sq")
    if find_chromium() is None:
        pytest.fail("headless Chromium is not installed; .ci/run installs it (apt-get install chromium)")
    report = build_report(kpi_duckdb, "service_quality", PERIOD, lang="en", targets=TARGETS)
    return report, {fmt: render_file(report, fmt, report_path(out, report, fmt)) for fmt in ("html", "xlsx", "pdf")}


@pytest.fixture(scope="module")
def engine(kpi_duckdb):
    return compute(kpi_duckdb, NAMED, period=PERIOD, compare="prev,yoy", targets=TARGETS, lang="en").set_index("kpi")


def _rows(report) -> pd.DataFrame:
    return pd.concat([report.table(f"sq_{area}").frame for area in SYSTEM], ignore_index=True).set_index("kpi")


def test_the_indicator_system_has_its_four_areas(written):
    report = written[0]
    assert [s.id for s in report.sections] == ["summary", "service", "process", "people", "technology", "trend", "definitions"]
    for area, kpis in SYSTEM.items():
        assert list(report.table(f"sq_{area}").frame["kpi"]) == kpis
    areas = report.table("areas").frame.set_index("group")
    assert list(areas.index) == list(SYSTEM)
    assert areas["indicators"].sum() == sum(len(k) for k in SYSTEM.values())


def test_each_indicator_is_the_engines_number_with_its_formula_and_target(written, engine):
    rows = _rows(written[0])
    for kpi in NAMED:
        for column in ("value", "target", "prev_value", "yoy_value", "prev_change_pct"):
            assert _same(rows.loc[kpi, column], engine.loc[kpi, column]), (kpi, column)
        assert rows.loc[kpi, "definition"] == get_kpi(kpi).definition("en")
        assert rows.loc[kpi, "group"] == AREA_OF[kpi]
    # By hand on the fixture's September: CSAT = (5 + 3 + 4) ÷ 3 = 4.0 against the target 4.0 → met;
    # QA = (90 + 70 + 80) ÷ 3 = 80; self-service = C3 (bot resolved) ÷ 15 contacts (18 arrivals, less
    # the blocked V7, the test contact V10 and the 2-second mis-operation V9).
    assert rows.loc["CSAT", "value"] == pytest.approx(4.0) and rows.loc["CSAT", "status"] == "met"
    assert rows.loc["QA", "value"] == pytest.approx(80.0)
    assert rows.loc["self_service_rate", "value"] == pytest.approx(1 / 15)
    assert rows.loc["abandonment_rate", "status"] == "missed"
    # Abandonment was 0 in August and rose to 0.3: worse, since lower is better.
    assert rows.loc["abandonment_rate", "trend"] == "worsened"


def test_the_trend_is_the_engines_month_by_month(written, kpi_duckdb):
    trend = written[0].table("sq_trend").frame.set_index("name")
    months = ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09"]
    assert [c.key for c in written[0].table("sq_trend").columns][3:] == months
    monthly = compute(kpi_duckdb, ["SL", "AHT"], by="month", period="2024-04-01..2024-09-30", targets=TARGETS, lang="en")
    for kpi in ("SL", "AHT"):
        got = trend.loc[get_kpi(kpi).en, months].astype(float)
        rows = monthly[monthly["kpi"] == kpi]
        expected = dict(zip(pd.to_datetime(rows["month"]).dt.strftime("%Y-%m"), rows["value"]))
        for m in months:
            assert _same(got[m], expected.get(m)), (kpi, m)
    # August: A1 answered in 10 s, A2 in 40 s → SL(20 s) = 1 ÷ 2.
    assert trend.loc["Service level", "2024-08"] == pytest.approx(0.5)
    service = next(c for c in written[0].charts() if c.id == "sq_service_ratio")
    assert list(service.wide().index) == months  # six months on the axis, though the data starts in August
    charts = {c.id for c in written[0].charts()}
    assert {"sq_service_ratio", "sq_process_seconds", "sq_people_score", "sq_technology_ratio"} <= charts


def test_html_xlsx_and_pdf_show_the_engines_numbers(written, engine):
    paths = written[1]
    html = paths["html"].read_text(encoding="utf-8")
    cells = {r["name"][1]: r for area in SYSTEM for r in html_table(html, f"sq_{area}")}
    book = openpyxl.load_workbook(paths["xlsx"])
    sheets = {r["KPI"]: r for area in SYSTEM for r in xlsx_rows(book, f"sq_{area}")}
    text = pdf_text(paths["pdf"])
    for kpi in NAMED:
        name, unit, value = engine.loc[kpi, "name"], engine.loc[kpi, "unit"], float(engine.loc[kpi, "value"])
        raw, shown = cells[name]["value"]
        assert float(raw) == pytest.approx(value, rel=1e-12) and shown == format_value(value, unit), kpi
        assert isinstance(sheets[name]["this period"], (int, float)) and sheets[name]["this period"] == pytest.approx(value, rel=1e-12), kpi
        assert format_value(value, unit) in text, kpi
    assert cells["Customer satisfaction"]["status_text"][1] == "met"
    assert sheets["Abandonment rate"]["status"] == "missed"
    assert "Service-quality evaluation" in text and "4 Technology" in text


def test_kpis_the_data_lacks_are_not_available_never_zero_in_chinese(kpi_duckdb, tmp_path):
    # The fixture's August has no QA scores, survey answers or agent state log; this also renders
    # the Chinese report.
    report = build_report(kpi_duckdb, "service_quality", "2024-08", lang="zh", targets=TARGETS)
    rows = _rows(report)
    assert pd.isna(rows.loc["QA", "value"]) and pd.isna(rows.loc["CSAT", "value"])
    assert rows.loc["QA", "note"] == "不可用:本期数据中没有 interactions.qa_score"
    assert rows.loc["utilisation", "note"] == "不可用:本期数据中没有 agent_states.state"
    html = render_file(report, "html", tmp_path / "zh.html").read_text(encoding="utf-8")
    assert "<h1>呼叫中心服务质量评估</h1>" in html
    for title in ("一、服务水平", "二、业务流程", "三、人员素质", "四、技术设备"):
        assert f"<h2>{title}</h2>" in html
    qa = next(r for r in html_table(html, "sq_people") if r["name"][1] == "质检得分")
    assert qa["value"] == ("", "—") and qa["note"][1] == "不可用:本期数据中没有 interactions.qa_score"
    sheet = {r["指标"]: r for r in xlsx_rows(render_file(report, "xlsx", tmp_path / "zh.xlsx"), "sq_people")}
    assert sheet["质检得分"]["本期"] is None and "计算公式" in sheet["质检得分"]
    # August, by hand: A1 and A2 answered after 10 s and 40 s → SL(20 s) 50%, below the 80% target.
    service = {r["指标"]: r for r in xlsx_rows(tmp_path / "zh.xlsx", "sq_service")}
    assert service["服务水平"]["本期"] == pytest.approx(0.5) and service["服务水平"]["达标情况"] == "未达标"


def _same(a, b) -> bool:
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return (a is None or pd.isna(a)) and (b is None or pd.isna(b))
    return float(a) == pytest.approx(float(b), rel=1e-12, abs=1e-12)
