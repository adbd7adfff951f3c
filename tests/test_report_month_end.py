"""The month-end report on the shipped KPI fixture: its numbers are the KPI engine's, in the model
and in every format (HTML parsed, XLSX read back, PDF text extracted); the agent score, the action
windows and the option checks worked out by hand."""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest

from callscope.kpi import compute
from callscope.kpi.output import format_value
from callscope.kpi.period import parse_period
from callscope.report import ReportOptions, build_report, render_file
from callscope.report.actions import load_actions, windows
from callscope.report.month_end import PERFORMANCE
from callscope.report.render.pdf import find_chromium
from callscope.report.team import score_agents
from callscope.report.write import report_path
from tests.report_readers import html_table

TARGETS = "tests/fixtures/kpi/targets.yaml"
PERIOD = "2024-09"
COMPARED = ("value", "target", "prev_value", "yoy_value", "prev_change_pct")


@pytest.fixture(scope="module")
def actions_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("actions") / "actions.yaml"
    path.write_text(
        "actions:\n"
        "  - {measure: 午间弹性排班, owner: 排班组, kpi: abandonment_rate, slice: {channel: voice}, start: 2024-09-10, due: 2024-09-30, progress: 100}\n"
        "  - {measure: IVR 菜单重构, owner: 技术部, kpi: SL, start: 2024-10-08, due: 2024-10-31, progress: '10%'}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def written(kpi_duckdb, actions_file, tmp_path_factory):
    """The report in English, built once and written in the three formats."""
    out = tmp_path_factory.mktemp("report")
    report = build_report(kpi_duckdb, "month_end", PERIOD, lang="en", targets=TARGETS, actions=actions_file, options=ReportOptions(min_handled=1))
    formats = ("html", "xlsx", "pdf") if find_chromium() else ("html", "xlsx")
    paths = {fmt: render_file(report, fmt, report_path(out, report, fmt)) for fmt in formats}
    return report, paths


@pytest.fixture(scope="module")
def engine(kpi_duckdb):
    """What the report's overview should show: the engine's own result for the month."""
    return compute(kpi_duckdb, PERFORMANCE, period=PERIOD, compare="prev,yoy", targets=TARGETS, lang="en").set_index("kpi")


def test_the_overview_holds_the_engines_numbers(written, engine):
    overview = written[0].table("overview").frame.set_index("kpi")
    assert list(overview.index) == PERFORMANCE
    for kpi in PERFORMANCE:
        for column in COMPARED:
            assert _same(overview.loc[kpi, column], engine.loc[kpi, column]), (kpi, column)
    # Hand check on the fixture's September (all channels): offered = 7 voice (V1 V2 V3 V4 V5 V6
    # V11) + 4 chat (C1 C2 C5 answered, C4 abandoned) = 11; abandoned = V4, V11, C4 = 3 (V3 is a
    # short abandon); abandonment = 3 ÷ (11 − 1 short) = 0.3 against the 5% target → missed.
    assert overview.loc["offered", "value"] == 11
    assert overview.loc["abandoned", "value"] == 3
    assert overview.loc["abandonment_rate", "value"] == pytest.approx(0.3)
    assert overview.loc["abandonment_rate", "status"] == "missed"


def test_the_quarter_column_is_the_engines_rolling_quarter(written, kpi_duckdb):
    overview = written[0].table("overview").frame.set_index("kpi")
    quarter = compute(kpi_duckdb, PERFORMANCE, period="2024-07-01..2024-09-30", compare="prev", targets=TARGETS).set_index("kpi")
    for kpi in PERFORMANCE:
        assert _same(overview.loc[kpi, "q_value"], quarter.loc[kpi, "value"]), kpi
        assert _same(overview.loc[kpi, "q_change_pct"], quarter.loc[kpi, "prev_change_pct"]), kpi


def test_targets_are_measured_on_their_own_slices(written, kpi_duckdb):
    targets = written[0].table("targets").frame
    rows = {(r["kpi"], r["slice"]): r for r in targets.to_dict("records")}
    # targets.yaml: SL ≥ 80%, abandonment ≤ 5%, CSAT ≥ 4.0 on all contacts; FRT ≤ 480 s for VIP;
    # response timeliness ≥ 90% within 120 s for e-mail. CSAT = (5 + 3 + 4) ÷ 3 = 4.0 → met.
    assert set(rows) == {("SL", "all contacts"), ("abandonment_rate", "all contacts"), ("CSAT", "all contacts"), ("FRT", "VIP"), ("response_timeliness", "email")}
    assert rows[("CSAT", "all contacts")]["value"] == pytest.approx(4.0) and rows[("CSAT", "all contacts")]["status"] == "met"
    vip = compute(kpi_duckdb, ["FRT"], by="customer_tier", period=PERIOD, targets=TARGETS).set_index("customer_tier")
    assert rows[("FRT", "VIP")]["value"] == vip.loc["VIP", "value"]
    assert rows[("FRT", "VIP")]["target"] == 480


def test_html_tables_carry_the_same_numbers(written, engine):
    cells = _html_cells(written[1]["html"].read_text(encoding="utf-8"), "overview")
    names = engine["name"].to_dict()
    for kpi in PERFORMANCE:
        row = cells[names[kpi]]
        for column in ("value", "target", "prev_value", "yoy_value"):
            expected = engine.loc[kpi, column]
            raw, text = row[column]
            if pd.isna(expected):
                assert raw == "" and text == "—", (kpi, column)
            else:
                assert float(raw) == pytest.approx(float(expected), rel=1e-12, abs=1e-12), (kpi, column)
                assert text == format_value(float(expected), engine.loc[kpi, "unit"]), (kpi, column)


def test_xlsx_tables_hold_numbers_not_text(written, engine):
    book = openpyxl.load_workbook(written[1]["xlsx"])
    sheet = book["overview"]
    assert list(sheet.tables) == ["T_overview"]
    header = [c.value for c in sheet[4]]
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=5, values_only=True)}
    names = engine["name"].to_dict()
    for kpi in PERFORMANCE:
        expected = engine.loc[kpi, "value"]
        got = rows[names[kpi]]["value"]
        if pd.isna(expected):
            assert got is None
        else:
            assert isinstance(got, (int, float)) and got == pytest.approx(float(expected), rel=1e-12), kpi
    assert rows[names["abandonment_rate"]]["status"] == "missed"
    # Every chart of the report is a native Excel chart on its own sheet (heatmaps a colour scale).
    charts = [c for c in written[0].charts() if c.kind != "heatmap"]
    assert charts and all(len(book[c.id]._charts) == 1 for c in charts)


def test_pdf_text_shows_the_same_numbers(written, engine):
    if "pdf" not in written[1]:
        pytest.fail("headless Chromium is not installed; .ci/run installs it (apt-get install chromium)")
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(written[1]["pdf"]).pages)
    text = " ".join(text.split())
    for kpi in PERFORMANCE:
        value = engine.loc[kpi, "value"]
        if not pd.isna(value):
            assert format_value(float(value), engine.loc[kpi, "unit"]) in text, kpi
    assert "Month-end operations report" in text


def test_actions_are_measured_over_equal_windows(written, kpi_duckdb, actions_file):
    first, later = load_actions(actions_file)
    # Starts 10 Sep: after = 10–30 Sep (21 days), before = the 21 days before, 20 Aug – 9 Sep.
    assert windows(first, parse_period(PERIOD)) == ("2024-08-20..2024-09-09", "2024-09-10..2024-09-30")
    assert windows(later, parse_period(PERIOD)) is None  # starts in October: nothing to measure yet
    assert later.progress == pytest.approx(0.10)
    table = written[0].table("actions").frame
    before = compute(kpi_duckdb, ["abandonment_rate"], period="2024-08-20..2024-09-09", filters={"channel": "voice"})["value"].iloc[0]
    after = compute(kpi_duckdb, ["abandonment_rate"], period="2024-09-10..2024-09-30", filters={"channel": "voice"})["value"].iloc[0]
    assert _same(table.loc[0, "before"], before) and _same(table.loc[0, "after"], after)
    assert table.loc[1, "effect"] == "not started yet"


def test_agent_score_is_a_weighted_z_score_within_the_team():
    by_agent = pd.DataFrame(
        [(a, k, v) for a, qa, aht in (("x", 70, 300), ("y", 80, 500), ("z", 90, 400)) for k, v in (("handled", 50), ("QA", qa), ("AHT", aht))],
        columns=["agent", "kpi", "value"],
    )
    roster = pd.DataFrame({"agent_id": ["x", "y", "z"], "name": ["X", "Y", "Z"], "team": ["A", "A", "A"]})
    scores = score_agents(by_agent, roster, {"QA": 1, "AHT": 1}, star_share=0.05).set_index("agent")
    # Population std of 70, 80, 90 = √(200/3) = 8.165, so QA z = −1.2247, 0, +1.2247; AHT 300,
    # 500, 400 → z −1.2247, +1.2247, 0, turned round because lower is better.
    # x: (−1.2247 + 1.2247) ÷ 2 = 0; y: (0 − 1.2247) ÷ 2 = −0.6124; z: (1.2247 + 0) ÷ 2 = 0.6124.
    assert scores.loc["x", "score"] == pytest.approx(0.0, abs=1e-12)
    assert scores.loc["y", "score"] == pytest.approx(-10 / math.sqrt(200 / 3) / 2)
    assert scores.loc["z", "score"] == pytest.approx(10 / math.sqrt(200 / 3) / 2)
    assert list(scores.sort_values("rank").index) == ["z", "x", "y"]
    assert list(scores.index[scores["star"]]) == ["z"]  # top 5% of 3 agents, at least one


def test_agents_below_the_minimum_are_listed_not_ranked():
    by_agent = pd.DataFrame([("x", "handled", 5.0), ("x", "QA", 90.0), ("y", "handled", 40.0), ("y", "QA", 70.0)], columns=["agent", "kpi", "value"])
    scores = score_agents(by_agent, pd.DataFrame({"agent_id": ["x", "y"], "name": ["X", "Y"], "team": ["A", "A"]}), {"QA": 1}, min_handled=20).set_index("agent")
    assert pd.isna(scores.loc["x", "score"]) and scores.loc["y", "rank"] == 1


def test_bad_options_and_files_say_what_to_fix(kpi_duckdb, tmp_path):
    with pytest.raises(ValueError, match="occupancy has no better direction"):
        ReportOptions(score_weights={"occupancy": 1})
    with pytest.raises(ValueError, match="write KPI=weight pairs"):
        ReportOptions().with_weights("QA")
    bad = tmp_path / "actions.csv"
    bad.write_text("measure,owner,kpi,start,due,progress\nTrain,Li,SLX,2024-09-01,,50\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"actions.csv, line 2: unknown KPI 'SLX'"):
        load_actions(bad)
    bad.write_text("measure,owner,kpi,start,due,progress\nTrain,Li,SL,1 Sept,,50\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: start '1 Sept' is not a date; write YYYY-MM-DD"):
        load_actions(bad)
    with pytest.raises(ValueError, match="one calendar month; got period '2024-Q3'"):
        build_report(kpi_duckdb, "month_end", "2024-Q3", lang="en")
    with pytest.raises(ValueError, match="unknown report 'weekly'"):
        build_report(kpi_duckdb, "weekly", PERIOD, lang="en")


def _same(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    return not pd.isna(a) and not pd.isna(b) and float(a) == pytest.approx(float(b), rel=1e-12, abs=1e-12)


def _html_cells(html: str, table_id: str) -> dict:
    """Cells of one report table: {first cell text: {column key: (data-value, text)}}."""
    return {next(iter(row.values()))[1]: row for row in html_table(html, table_id)}


