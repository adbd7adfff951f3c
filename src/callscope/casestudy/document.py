"""One command, one document: import the real files into a fresh store, compute every figure, write
the month-end reports, the charts and `case-study-anonymous-bank.md` (a Jinja2 template)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from callscope.casestudy import bank, charts, planning
from callscope.casestudy.bank import Target
from callscope.forecast import DEFAULT_MODELS

__all__ = ["Inputs", "default_data_dir", "build", "render"]

DOC_NAME = "case-study-anonymous-bank.md"
ASSETS = "case-study"  # folder beside the document: charts and reports
TIMEZONE = "Asia/Jerusalem"
# The hourly comparison's summary counts only the hours the centre is really open: an hour with a
# call every few days (00:00, 06:00) needs "1 agent" by any formula and says nothing about staffing.
MIN_CALLS_PER_DAY = 10  # the call log's clocks are Israeli wall-clock time


@dataclass(frozen=True)
class Inputs:
    """Where the real files are, relative to the data folder (see each folder's PROVENANCE.md)."""

    data_dir: Path
    february: str = "anonymous_bank/mtpa_data_anonymous_bank_february.txt"
    us_bank: str = "us_bank_calls_weinberg/bank_calls_5min.csv"

    def path(self, name: str) -> Path:
        return self.data_dir / getattr(self, name)

    def check(self) -> None:
        for name in ("february", "us_bank"):
            if not self.path(name).exists():
                raise FileNotFoundError(f"real data not found: {self.path(name)} (give --data DIR or set CALLSCOPE_REAL_DATA)")


@dataclass
class Settings:
    target: Target = field(default_factory=Target)
    horizon: str = "7d"
    backtest_weeks: float = 4
    interval_minutes: int = 30
    models: tuple[str, ...] = DEFAULT_MODELS  # forecast candidates
    reports: tuple[str, ...] = ("zh", "en")  # month-end report languages (none: skip the reports)
    command: str = "callscope case-study anonymous-bank"


def default_data_dir() -> Path:
    return Path(os.environ.get("CALLSCOPE_REAL_DATA") or "../shared/data")


def build(inputs: Inputs, out_dir: Path, *, store_path: str | None = None, settings: Settings | None = None, progress=None) -> dict:
    """Run the whole case study into `out_dir`; returns the context the document was rendered from
    (with `paths`: every file written). The store is new: `store_path` must not exist yet (default:
    a temporary file, removed afterwards)."""
    from callscope.store import open_store

    inputs.check()
    settings = settings or Settings()
    say = progress or (lambda key, **kw: None)
    if store_path and Path(store_path).exists():
        raise FileExistsError(f"{store_path} exists: the case study imports into a new store; choose another --store or remove it")
    with tempfile.TemporaryDirectory() as tmp:
        path = store_path or str(Path(tmp) / "case-study.duckdb")
        say("casestudy.cli.store", path=path)
        with open_store(path, timezone=TIMEZONE) as store:
            context = generate(store, inputs, Path(out_dir), settings, say)
    return context


def generate(store, inputs: Inputs, out_dir: Path, settings: Settings, say) -> dict:
    """Every figure of the document, the charts and the reports, from `store` (new and empty)."""
    from callscope.ingest import ingest_file

    assets = out_dir / ASSETS
    assets.mkdir(parents=True, exist_ok=True)
    run = ingest_file(store, inputs.path("february"), "anonymous_bank")
    say("casestudy.cli.imported", file=inputs.path("february").name, rows=run.rows_loaded)
    ctx = figures(store, run, settings)
    paths = [
        charts.volume_chart(assets / "volumes.png", ctx["volumes"]),
        charts.staffing_chart(assets / "staffing.png", ctx["hourly"]),
    ]
    ctx["reports"] = {}
    for lang in settings.reports:
        ctx["reports"][lang] = report_path = month_end_report(store, ctx["month"], assets, lang, settings.target)
        paths.append(report_path)
        say("casestudy.cli.report", lang=lang, path=report_path)
    us_run = ingest_file(store, inputs.path("us_bank"), "us_bank_5min")
    say("casestudy.cli.imported", file=inputs.path("us_bank").name, rows=us_run.rows_loaded)
    ctx["us_run"] = us_run
    ctx["plan"] = planning.plan(store, ctx["aht"], settings.target, interval_minutes=settings.interval_minutes, horizon=settings.horizon, backtest_weeks=settings.backtest_weeks, models=settings.models)
    paths.append(charts.plan_chart(assets / "plan.png", ctx["plan"].intervals))
    ctx["inputs"] = {name: inputs.path(name) for name in ("february", "us_bank")}
    ctx["settings"] = settings
    ctx["assets"] = ASSETS
    doc = out_dir / DOC_NAME
    doc.write_text(render(ctx), encoding="utf-8")
    ctx["paths"] = [doc, *paths]
    return ctx


def figures(store, run, settings: Settings) -> dict:
    """The Anonymous Bank figures (sections 1–5 of the document)."""
    from callscope.ingest import load_profile
    from callscope.kpi import get_kpi

    service = bank.service(store)
    patience = bank.patience(store)
    hourly = bank.hourly_staffing(store, bank.answered_calls(store), patience["mean_s"], settings.target)
    return {
        "run": run,
        "month": bank.month(store),
        "accounting": bank.accounting(store, run),
        "volumes": bank.volumes(store),
        "service": service,
        "by_queue": bank.service_by_queue(store),
        "aht": float(service.loc["all", "AHT"]),
        "patience": patience,
        "hourly": hourly,
        "diagnosis": bank.diagnosis(store, settings.target),
        "kpi": {k: get_kpi(k) for k in bank.SERVICE_KPIS},
        "exclusion_rules": _exclusion_rules(),
        "opts": _kpi_options(),
        "skew_s": load_profile("anonymous_bank").clock_skew_tolerance_s,
        "peak": _peak_windows(),
        "working_days": bank.WORKING_DAYS,
    }


def month_end_report(store, month: str, folder: Path, lang: str, target: Target) -> Path:
    """The month-end report as one self-contained HTML file, with the case study's SL target."""
    import yaml

    from callscope.report import write_report

    with tempfile.TemporaryDirectory() as tmp:
        targets = Path(tmp) / "targets.yaml"
        targets.write_text(yaml.safe_dump({"targets": [{"kpi": "SL", "value": target.sl, "threshold_s": target.answer_time}]}), encoding="utf-8")
        (path,) = write_report(store, "month_end", month, formats=("html",), out_dir=folder, lang=lang, targets=targets)
    return path


def render(ctx: dict) -> str:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("callscope.casestudy", "templates"),
        undefined=jinja2.StrictUndefined,  # a figure missing from the context fails, never prints empty
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    env.filters.update(n=_n, pct=_pct, f0=lambda v: f"{v:,.0f}", f1=lambda v: f"{v:,.1f}", f2=lambda v: f"{v:,.2f}", f3=lambda v: f"{v:.3f}")
    env.filters.update(cell=_cell, peak=lambda day, by_hour: f"**{_n(by_hour[by_hour.day == day].agents.max())}**")
    env.globals.update(weekday=_weekday, row=lambda cells: "| " + " | ".join(str(c) for c in cells) + " |", min_calls=MIN_CALLS_PER_DAY)
    return env.get_template("anonymous_bank.md.j2").render(**ctx)


def _n(value) -> str:
    return f"{int(round(float(value))):,}"


def _pct(value, digits: int = 1) -> str:
    return f"{float(value) * 100:.{digits}f} %"


def _cell(day, cells) -> str:
    """'calls / agents' of one weekday-hour of the plan, or a dash where the centre is closed."""
    if day not in cells.index:
        return "—"
    return f"{_n(cells.loc[day].calls)} / {_n(cells.loc[day].agents)}"


def _weekday(number: int) -> str:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[int(number)]


def _exclusion_rules() -> dict[str, str]:
    from callscope.config import load_config

    return {rule["id"]: rule.get("en", rule["id"]) for rule in load_config().exclusions}


def _kpi_options():
    """The KPI options in effect (defaults merged with the configuration), as attributes."""
    from types import SimpleNamespace

    from callscope.config import load_config
    from callscope.kpi.engine import resolve_options

    return SimpleNamespace(**resolve_options(load_config().kpi_options))


def _peak_windows() -> str:
    """The configuration's peak windows in words: 'Mon–Fri 11:00–14:00, Mon–Fri 16:00–18:00'."""
    from callscope.config import load_config

    parts = []
    for window in load_config().tags.get("peak") or []:
        days = [d.capitalize() for d in window["days"]]
        span = f"{days[0]}–{days[-1]}" if len(days) > 2 else ", ".join(days)
        parts.append(f"{span} {window['from']}–{window['to']}")
    return "; ".join(parts)
