"""What every report builder carries: the store, the period, the language, the KPI calls, the
options, the configuration and the targets in effect."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from callscope.config import Config, load_config
from callscope.kpi import parse_period
from callscope.kpi.period import Period
from callscope.kpi.targets import Target, load_targets
from callscope.report.blocks import label
from callscope.report.kpis import KpiCalls
from callscope.report.options import ReportOptions
from callscope.store import Store

__all__ = ["ReportContext", "report_context"]


@dataclass
class ReportContext:
    store: Store
    period: Period
    lang: str
    kpi: KpiCalls
    options: ReportOptions
    config: Config
    targets: list[Target]

    def t(self, key: str, **values) -> str:
        return label(key, self.lang, **values)

    def range_text(self, start: dt.datetime, end: dt.datetime) -> str:
        return f"{start:%Y-%m-%d}..{end - dt.timedelta(days=1):%Y-%m-%d}"

    def months_to_end(self, months: int) -> str:
        """The `months` calendar months up to the end of the period, as an engine period."""
        end = pd.Timestamp(self.period.end)
        last_month = (end - pd.Timedelta(days=1)).to_period("M").to_timestamp()
        first = (last_month - pd.DateOffset(months=months - 1)).to_pydatetime()
        return self.range_text(first, self.period.end)


def report_context(store: Store, period: str, *, lang: str, targets=None, config=None, options=None, calls=None) -> ReportContext:
    config = config if isinstance(config, Config) else load_config(config)
    return ReportContext(
        store, parse_period(period), lang, calls or KpiCalls(store, lang=lang, targets=targets, config=config), options or ReportOptions(), config,
        load_targets(store=store, config_targets=config.targets, path=targets),
    )
