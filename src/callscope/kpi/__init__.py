"""The KPI engine: a catalogue of definitions, computed by any slices over any period on any
engine (DuckDB, PostgreSQL, Spark), compared with targets and earlier periods."""

from callscope.kpi.api import OVERVIEW, RESULT_COLUMNS, compute, default_period
from callscope.kpi.catalogue import CATALOGUE, OPTIONS, get_kpi, resolve_kpis
from callscope.kpi.model import KPI
from callscope.kpi.period import Period, parse_period

__all__ = ["OVERVIEW", "compute", "default_period", "RESULT_COLUMNS", "CATALOGUE", "OPTIONS", "KPI", "get_kpi", "resolve_kpis", "Period", "parse_period"]
