"""The Chinese month-end report in a real browser and on paper: the HTML runs in Debian's headless
Chromium without console errors and its charts draw their series; the PDF carries the Chinese text
in embedded CJK glyphs (not tofu)."""

from __future__ import annotations

import io
import re
import shutil
import unicodedata

import pytest

from callscope.report import ReportOptions, build_report, default_formats, render_file, write_report
from callscope.report.render.pdf import CHROMIUM_FLAGS, ChromiumMissing, find_chromium
from callscope.report.write import report_path

TARGETS = "tests/fixtures/kpi/targets.yaml"


def _chromium() -> str:
    path = find_chromium()
    if path is None:
        pytest.fail("headless Chromium is not installed; .ci/run installs it (apt-get install chromium chromium-driver fonts-noto-cjk)")
    return path


@pytest.fixture(scope="module")
def zh_report(kpi_duckdb, tmp_path_factory):
    out = tmp_path_factory.mktemp("zh")
    report = build_report(kpi_duckdb, "month_end", "2024-09", lang="zh", targets=TARGETS, options=ReportOptions(min_handled=1))
    _chromium()
    return report, {fmt: render_file(report, fmt, report_path(out, report, fmt)) for fmt in ("html", "pdf")}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    driver_path = shutil.which("chromedriver")
    if driver_path is None:
        pytest.fail("chromedriver is not installed; .ci/run installs it (apt-get install chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = _chromium()
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('profile')}", "--window-size=1280,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    yield driver
    driver.quit()


def _coloured_pixels(png: bytes) -> int:
    """Pixels with a clear hue (series colours), as opposed to white, grey axes and text."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.get_flattened_data() if max(r, g, b) - min(r, g, b) > 60)


def test_html_opens_offline_without_console_errors_and_draws_every_chart(zh_report, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    report, paths = zh_report
    html = paths["html"].read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']https?://""", html)  # nothing fetched from a CDN
    browser.get(paths["html"].as_uri())
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.body.dataset.chartsReady === 'true'"))
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    assert browser.find_element(By.TAG_NAME, "h1").text == "呼叫中心月底运营汇报"
    charts = browser.find_elements(By.CSS_SELECTOR, ".chart[data-chart]")
    assert sorted(c.get_attribute("data-chart") for c in charts) == sorted(c.id for c in report.charts())
    for element in charts:
        browser.execute_script("arguments[0].scrollIntoView()", element)
        assert element.get_attribute("data-rendered") == "true"
        assert element.find_elements(By.TAG_NAME, "canvas"), element.get_attribute("data-chart")
        # The series are drawn in colour; an empty chart shows only grey axes on white. The fixture
        # has a single month of NPS, so the least a chart draws is one data point (a 4-px circle).
        assert _coloured_pixels(element.screenshot_as_png) >= 20, element.get_attribute("data-chart")


def test_pdf_has_the_chinese_text_in_embedded_cjk_glyphs(zh_report):
    from pypdf import PdfReader

    reader = PdfReader(zh_report[1]["pdf"])
    # Noto Sans CJK draws some ideographs and their Kangxi-radical twins (心 U+5FC3, ⼼ U+2F3C) with
    # one glyph, and Chromium's text map names the radical; NFKC folds them back, as a search would.
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in reader.pages))
    for words in ("呼叫中心月底运营汇报", "一、绩效指标概览", "五、团队表现评估", "一次解决率", "服务之星"):
        assert words in text.replace(" ", ""), words
    fonts = {}
    for page in reader.pages:
        for name, ref in page["/Resources"].get("/Font", {}).items():
            fonts[(page.page_number, name)] = ref.get_object()
    assert fonts
    cjk_fonts = []
    for font in fonts.values():
        # Every font is embedded: Chromium (Skia) writes OpenType-CFF fonts such as Noto Sans CJK as
        # Type 3 fonts whose glyph outlines are in the file (CharProcs); others carry a FontFile.
        if font["/Subtype"] == "/Type3":
            assert font["/CharProcs"]
        else:
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font else font["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        codes = re.findall(r"<([0-9A-Fa-f]{4})>", font["/ToUnicode"].get_data().decode("latin-1")) if "/ToUnicode" in font else []
        if any(0x4E00 <= int(c, 16) <= 0x9FFF for c in codes):
            cjk_fonts.append(font)
    assert cjk_fonts, "no font maps its glyphs to Chinese characters"
    # Real glyphs, not tofu: a CJK glyph outline is long; a missing-glyph box is a few bytes.
    glyphs = [proc.get_object().get_data() for font in cjk_fonts if font["/Subtype"] == "/Type3" for proc in font["/CharProcs"].values()]
    if glyphs:
        assert sum(len(g) for g in glyphs) / len(glyphs) > 150


def test_without_chromium_html_and_xlsx_are_still_written(kpi_duckdb, tmp_path, monkeypatch):
    monkeypatch.setenv("CALLSCOPE_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert default_formats() == ("html", "xlsx")
    with pytest.raises(ChromiumMissing, match="apt-get install chromium"):
        write_report(kpi_duckdb, "month_end", "2024-09", formats="pdf", out_dir=tmp_path, lang="en")
    paths = write_report(kpi_duckdb, "month_end", "2024-09", out_dir=tmp_path, lang="en", options=ReportOptions(forecast=False))
    assert [p.name for p in paths] == ["month_end_2024-09_en.html", "month_end_2024-09_en.xlsx"]


def test_service_quality_html_draws_its_trend_charts_without_console_errors(kpi_duckdb, browser, tmp_path):
    """One of the other report kinds in the browser: the same renderer, other blocks and data."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    report = build_report(kpi_duckdb, "service_quality", "2024-09", lang="zh", targets=TARGETS)
    page = render_file(report, "html", tmp_path / "sq.html")
    browser.get(page.as_uri())
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.body.dataset.chartsReady === 'true'"))
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    assert browser.find_element(By.TAG_NAME, "h1").text == "呼叫中心服务质量评估"
    charts = browser.find_elements(By.CSS_SELECTOR, ".chart[data-chart]")
    assert sorted(c.get_attribute("data-chart") for c in charts) == sorted(c.id for c in report.charts())
    for element in charts:
        browser.execute_script("arguments[0].scrollIntoView()", element)
        assert element.get_attribute("data-rendered") == "true"
        # Two months of data at most on the fixture: each series draws at least its points.
        assert _coloured_pixels(element.screenshot_as_png) >= 20, element.get_attribute("data-chart")
