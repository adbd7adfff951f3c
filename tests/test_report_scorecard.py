"""The balanced scorecard (seed 004) on the shipped KPI fixture: the four perspectives and their
weights (each set summing to 1, checked with messages that name the setting), each KPI's value,
last year's and year-to-date values equal to the KPI engine's, scores worked out by hand from the
documented rule, the numbers in HTML, XLSX and PDF, and the Chinese report."""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest

from callscope.config import load_config
from callscope.kpi import compute
from callscope.kpi.output import format_value
from callscope.report import build_report, render_file
from callscope.report.format import display
from callscope.report.indicators import score_attainment
from callscope.report.render.pdf import find_chromium
from callscope.report.scorecard import PERSPECTIVES, score_rows, scorecard_settings
from callscope.report.write import report_path
from tests.report_readers import html_table, pdf_text, xlsx_rows

TARGETS = "tests/fixtures/kpi/targets.yaml"
PERIOD = "2024-09"


@pytest.fixture(scope="module")
def written(kpi_duckdb, tmp_path_factory):
    if find_chromium() is None:
        pytest.fail("headless Chromium is not installed; .ci/run installs it (apt-get install chromium)")
    out = tmp_path_factory.mktemp("bsc")
    report = build_report(kpi_duckdb, "scorecard", PERIOD, lang="en", targets=TARGETS)
    return report, {fmt: render_file(report, fmt, report_path(out, report, fmt)) for fmt in ("html", "xlsx", "pdf")}


def _kpis(report) -> pd.DataFrame:
    return pd.concat([report.table(f"bsc_{p}").frame for p in PERSPECTIVES], ignore_index=True).set_index("kpi")


def test_default_perspectives_and_weights_each_sum_to_one():
    perspectives, cap = scorecard_settings(load_config(None))
    assert [p.id for p in perspectives] == list(PERSPECTIVES) and cap == 1.2
    assert sum(p.weight for p in perspectives) == pytest.approx(1.0)
    for p in perspectives:
        assert sum(i.weight for i in p.indicators) == pytest.approx(1.0), p.id
    # Seed 004's competitiveness: service level, abandonment, QA accuracy, staff utilisation.
    assert [i.kpi for i in perspectives[2].indicators] == ["SL", "abandonment_rate", "QA", "utilisation"]


@pytest.mark.parametrize(
    "settings, message",
    [
        ("perspectives: {customer: {weight: 0.2}}", r"reports.scorecard.perspectives: the perspective weights sum to 0.9; they must sum to 1"),
        ("perspectives: {people: {weight: 0.1}}", r"reports.scorecard.perspectives: unknown perspective 'people'; use customer, financial, competitiveness, learning"),
        ("perspectives: {learning: {kpis: [{kpi: SLX, weight: 1}]}}", r"reports.scorecard.perspectives.learning.kpis\[1\]: unknown KPI 'SLX'"),
        ("perspectives: {learning: {kpis: [{kpi: occupancy, weight: 1}]}}", r"kpis\[1\]: occupancy has no better direction"),
        ("perspectives: {learning: {kpis: [{kpi: QA, weight: 0.5}, {kpi: FCR, weight: 0.4}]}}", r"learning.kpis: the KPI weights sum to 0.9; they must sum to 1"),
        ("perspectives: {learning: {kpis: [{kpi: QA, weight: -1}]}}", r"learning.kpis\[1\].weight: -1 is negative"),
    ],
)
def test_bad_settings_name_the_setting_and_the_value(tmp_path, settings, message):
    path = tmp_path / "callscope.yaml"
    path.write_text(f"reports:\n  scorecard: {{{settings}}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message) as error:
        scorecard_settings(load_config(path))
    assert str(error.value).startswith(f"{path}: reports.scorecard")


def test_scores_follow_the_documented_rule():
    # value ÷ target when higher is better, target ÷ value when lower is better, clipped to [0, cap].
    assert score_attainment(0.3, 0.8, "higher", 1.2) == pytest.approx(37.5)
    assert score_attainment(0.3, 0.05, "lower", 1.2) == pytest.approx(100 * 0.05 / 0.3)
    assert score_attainment(25, 10, "higher", 1.2) == pytest.approx(120)  # capped
    assert score_attainment(0.0, 0.05, "lower", 1.2) == pytest.approx(120)
    assert score_attainment(-20, 10, "higher", 1.2) == 0
    assert score_attainment(None, 10, "higher", 1.2) is None and score_attainment(5, None, "lower", 1.2) is None
    rows = pd.DataFrame({
        "group": ["a", "a", "a", "b"], "weight": [0.5, 0.3, 0.2, 1.0], "direction": ["higher", "lower", "higher", "higher"],
        "value": [90.0, 50.0, None, 1.0], "target": [100.0, 40.0, 1.0, None],
    })  # fmt: skip
    scored, per = score_rows(rows, {"a": 0.6, "b": 0.4}, 1.2)
    # a: 90 (w .5) and 80 (w .3) are scored, the third has no value → weights .5/.8 and .3/.8;
    # b has no target → no score, so a carries the whole overall weight.
    assert list(scored["weight_used"].round(6))[:2] == [0.625, 0.375] and pd.isna(scored["weight_used"].iloc[2])
    per = per.set_index("perspective")
    assert per.loc["a", "score"] == pytest.approx(0.625 * 90 + 0.375 * 80)
    assert pd.isna(per.loc["b", "score"]) and per.loc["a", "weight_used"] == 1.0


def test_the_fixtures_scorecard_worked_out_by_hand(written, kpi_duckdb):
    report = written[0]
    kpis = _kpis(report)
    engine = compute(kpi_duckdb, list(kpis.index), period=PERIOD, compare="yoy", targets=TARGETS, lang="en").set_index("kpi")
    for kpi in kpis.index:
        assert _same(kpis.loc[kpi, "value"], engine.loc[kpi, "value"]), kpi
        assert _same(kpis.loc[kpi, "yoy_value"], engine.loc[kpi, "yoy_value"]), kpi
    ytd = compute(kpi_duckdb, ["SL", "FCR", "hotspot_repair_rate"], period="2024-01-01..2024-09-30", compare="yoy", targets=TARGETS).set_index("kpi")
    for kpi in ytd.index:
        assert _same(kpis.loc[kpi, "ytd"], ytd.loc[kpi, "value"]) and _same(kpis.loc[kpi, "ytd_last_year"], ytd.loc[kpi, "yoy_value"]), kpi
    # Customer: CSAT (5 + 3 + 4) ÷ 3 = 4.0 on its 4.0 target → 100; NPS (2 promoters − 1 detractor)
    # ÷ 4 × 100 = 25 against the default 10 → capped at 120; FCR and complaints on their defaults.
    assert kpis.loc["CSAT", "score"] == pytest.approx(100) and kpis.loc["CSAT", "target_source"] == "targets"
    assert kpis.loc["NPS", "value"] == 25 and kpis.loc["NPS", "score"] == pytest.approx(120) and kpis.loc["NPS", "target_source"] == "default"
    fcr, complaints = engine.loc["FCR", "value"], engine.loc["complaint_rate", "value"]
    customer = 0.4 * 100 + 0.2 * 120 + 0.2 * (100 * fcr / 0.75) + 0.2 * (100 * 0.02 / complaints)
    # Competitiveness: SL 30% against 80% → 37.5; abandonment 30% against 5% → 16.7; QA 80 against
    # the default 85; utilisation against the default 75%.
    utilisation = engine.loc["utilisation", "value"]
    competitiveness = 0.3 * 37.5 + 0.3 * (100 * 0.05 / 0.3) + 0.2 * (100 * 80 / 85) + 0.2 * (100 * utilisation / 0.75)
    # Financial: cost per contact and contacts per agent-hour have no target → not scored; the
    # self-service rate (1 of 15 contacts, default target 20%) carries the perspective alone.
    assert pd.isna(kpis.loc["cost_per_contact", "score"]) and kpis.loc["self_service_rate", "weight_used"] == 1.0
    financial = 100 * (1 / 15) / 0.2
    learning = sum(w * min(1.2, engine.loc[k, "value"] / t) * 100 for k, w, t in (("adherence", 0.4, 0.9), ("hotspot_repair_rate", 0.3, 0.9), ("script_usage_rate", 0.3, 0.3)))
    summary = report.table("bsc_summary").frame.set_index("perspective")
    for p, score in (("customer", customer), ("financial", financial), ("competitiveness", competitiveness), ("learning", learning)):
        assert summary.loc[p, "score"] == pytest.approx(score, rel=1e-9), p
    overall = 0.3 * customer + 0.2 * financial + 0.3 * competitiveness + 0.2 * learning
    assert summary["weight"].iloc[:4].sum() == pytest.approx(1) and summary["weight_used"].iloc[:4].sum() == pytest.approx(1)
    assert summary["weighted"].iloc[4] == pytest.approx(overall, rel=1e-9)


def test_weights_and_targets_come_from_the_configuration(kpi_duckdb, tmp_path):
    path = tmp_path / "callscope.yaml"
    path.write_text(
        "reports:\n  scorecard:\n    perspectives:\n"
        "      customer: {weight: 0.4}\n"
        "      financial: {weight: 0.1, kpis: [{kpi: cost_per_contact, weight: 1, target: 100}]}\n"
        "      competitiveness: {kpis: [{kpi: SL, weight: 1, target: 0.8, slice: {channel: voice}}]}\n",
        encoding="utf-8",
    )
    report = build_report(kpi_duckdb, "scorecard", PERIOD, lang="en", targets=TARGETS, config=str(path))
    summary = report.table("bsc_summary").frame.set_index("perspective")
    assert summary.loc["customer", "weight"] == 0.4 and summary.loc["financial", "weight"] == 0.1
    cost = _kpis(report).loc["cost_per_contact"]
    # Lower is better: 100 ÷ cost × 100, here (a1..a4 logged-in hours × hourly cost ÷ handled).
    assert cost["score"] == pytest.approx(100 * 100 / cost["value"]) and summary.loc["financial", "score"] == pytest.approx(cost["score"])
    # SL on voice only: V1 (15 s) and V5 (5 s) of V1 V2 V4 V5 V6 V11 within 20 s (V3 is a short
    # abandon, V9 a mis-operation, V10 a test) → 2 ÷ 6, scored 100 × (1/3) ÷ 0.8.
    sl = _kpis(report).loc["SL"]
    voice = compute(kpi_duckdb, ["SL"], by="channel", period=PERIOD, targets=TARGETS).set_index("channel").loc["voice", "value"]
    assert sl["metric"] == "Service level (voice)" and sl["value"] == pytest.approx(voice) == pytest.approx(1 / 3)
    assert summary.loc["competitiveness", "score"] == pytest.approx(100 * (1 / 3) / 0.8)


def test_every_format_shows_the_scores(written, kpi_duckdb):
    report, paths = written
    engine = compute(kpi_duckdb, ["SL", "abandonment_rate", "CSAT", "NPS"], period=PERIOD, targets=TARGETS, lang="en").set_index("kpi")
    summary = report.table("bsc_summary").frame
    overall = float(summary["weighted"].iloc[4])
    html = paths["html"].read_text(encoding="utf-8")
    rows = {r["name"][1]: r for r in html_table(html, "bsc_summary")}
    assert float(rows["overall"]["weighted"][0]) == pytest.approx(overall, rel=1e-12)
    assert rows["competitiveness"]["weight"][1] == "30.0%"
    book = openpyxl.load_workbook(paths["xlsx"])
    sheet = {r["perspective"]: r for r in xlsx_rows(book, "bsc_summary")}
    assert sheet["overall"]["weighted score"] == pytest.approx(overall, rel=1e-12) and sheet["overall"]["weight"] == pytest.approx(1)
    kpis = {r["KPI"]: r for r in xlsx_rows(book, "bsc_competitiveness")}
    assert kpis["Service level"]["score"] == pytest.approx(37.5) and kpis["Service level"]["this period"] == pytest.approx(0.3)
    text = pdf_text(paths["pdf"])
    cells = {r["metric"][1]: r for p in ("customer", "competitiveness") for r in html_table(html, f"bsc_{p}")}
    for kpi, row in engine.iterrows():
        raw, shown = cells[row["name"]]["value"]
        assert float(raw) == pytest.approx(row["value"], rel=1e-12) and shown == format_value(row["value"], row["unit"]), kpi
        assert format_value(row["value"], row["unit"]) in text, kpi
    assert display(overall, "number") in text and "Balanced scorecard" in text and "4 Learning and growth" in text
    assert len(book["bsc_scores"]._charts) == 1


def test_chinese_scorecard_with_kpis_the_data_lacks(kpi_duckdb, tmp_path):
    # August has no agent state log and no surveys: those KPIs are not available and not scored.
    report = build_report(kpi_duckdb, "scorecard", "2024-08", lang="zh", targets=TARGETS)
    kpis = _kpis(report)
    assert pd.isna(kpis.loc["utilisation", "value"]) and pd.isna(kpis.loc["utilisation", "score"])
    assert kpis.loc["utilisation", "note"] == "不可用:本期数据中没有 agent_states.state"
    pdf = render_file(report, "pdf", tmp_path / "zh.pdf")
    text = pdf_text(pdf).replace(" ", "")
    # (Chromium's text map names some shared Noto CJK glyphs by a variant, 户 as 戶 and 长 as ⻓, so
    # the words checked avoid those two.)
    for words in ("平衡记分卡", "二、财务", "三、竞争力", "计分方法", "不可用:本期数据中没有agent_states.state"):
        assert words in text, words
    sheet = {r["指标"]: r for r in xlsx_rows(render_file(report, "xlsx", tmp_path / "zh.xlsx"), "bsc_competitiveness")}
    assert sheet["利用率"]["得分"] is None and sheet["服务水平"]["本期"] == pytest.approx(0.5)


def _same(a, b) -> bool:
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return (a is None or pd.isna(a)) and (b is None or pd.isna(b))
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
