"""`write_report`: build a named report once, render it in each requested format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from callscope.i18n import resolve_lang
from callscope.report.actions import Action, load_actions
from callscope.report.kpis import KpiCalls
from callscope.report.model import Report
from callscope.report.options import ReportOptions
from callscope.store import Store

__all__ = ["write_report", "build_report", "render_file", "REPORTS", "FORMATS", "default_formats", "report_path"]

FORMATS = ("html", "pdf", "xlsx")


def _month_end(store, period, **kw) -> Report:
    from callscope.report.month_end import build_month_end

    return build_month_end(store, period, **kw)


def _service_quality(store, period, **kw) -> Report:
    from callscope.report.service_quality import build_service_quality

    return build_service_quality(store, period, **kw)


def _response_speed(store, period, **kw) -> Report:
    from callscope.report.response_speed import build_response_speed

    return build_response_speed(store, period, **kw)


def _scorecard(store, period, **kw) -> Report:
    from callscope.report.scorecard import build_scorecard

    return build_scorecard(store, period, **kw)


# Named reports: kind → builder(store, period, *, lang, actions, targets, config, options, calls).
REPORTS: dict[str, Callable[..., Report]] = {
    "month_end": _month_end,  # 月底汇报, seed 000
    "service_quality": _service_quality,  # 服务质量评估, seed 002
    "response_speed": _response_speed,  # 响应速度优化评估, seed 003
    "scorecard": _scorecard,  # 平衡记分卡, seed 004
}


def default_formats() -> tuple[str, ...]:
    """HTML and XLSX always; PDF when headless Chromium is installed."""
    from callscope.report.render.pdf import find_chromium

    return ("html", "xlsx", "pdf") if find_chromium() else ("html", "xlsx")


def _formats(formats) -> tuple[str, ...]:
    if formats is None:
        return default_formats()
    items = [f.strip().lower() for f in (formats.split(",") if isinstance(formats, str) else formats) if f.strip()]
    bad = [f for f in items if f not in FORMATS]
    if bad or not items:
        raise ValueError(f"unknown report format {', '.join(bad) or repr(formats)}; use html, pdf and/or xlsx (comma-separated)")
    return tuple(dict.fromkeys(items))


def build_report(
    store: Store, kind: str, period: str, *, lang: str | None = None, actions: str | Path | list[Action] | None = None,
    targets=None, config=None, options: ReportOptions | None = None, calls: KpiCalls | None = None,
) -> Report:  # fmt: skip
    if kind not in REPORTS:
        raise ValueError(f"unknown report {kind!r}; reports: {', '.join(REPORTS)}")
    lang = resolve_lang(lang)
    if actions is not None and not isinstance(actions, list):
        actions = load_actions(actions)
    return REPORTS[kind](store, period, lang=lang, actions=actions, targets=targets, config=config, options=options, calls=calls)


def report_path(out_dir: Path, report: Report, fmt: str) -> Path:
    return Path(out_dir) / f"{report.kind}_{report.period}_{report.lang}.{fmt}"


def write_report(
    store: Store, kind: str, period: str, *, formats=None, out_dir: str | Path = "reports", lang: str | None = None,
    actions=None, targets=None, config=None, options: ReportOptions | None = None,
) -> list[Path]:  # fmt: skip
    """Write report `kind` for `period` in each format (default: html, xlsx, and pdf when
    Chromium is installed) into `out_dir`; returns the files written."""
    chosen = _formats(formats)
    if "pdf" in chosen:
        from callscope.report.render.pdf import ChromiumMissing, find_chromium

        if find_chromium() is None:  # fail before the numbers are computed
            raise ChromiumMissing("writing a PDF needs headless Chromium; install the Debian package: apt-get install chromium fonts-noto-cjk, or set CALLSCOPE_CHROMIUM")
    report = build_report(store, kind, period, lang=lang, actions=actions, targets=targets, config=config, options=options)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [render_file(report, fmt, report_path(out, report, fmt)) for fmt in chosen]


def render_file(report: Report, fmt: str, path: Path) -> Path:
    if fmt == "html":
        from callscope.report.render.html import write_html

        return write_html(report, path)
    if fmt == "xlsx":
        from callscope.report.render.xlsx import write_xlsx

        return write_xlsx(report, path)
    from callscope.report.render.pdf import write_pdf

    return write_pdf(report, path)
