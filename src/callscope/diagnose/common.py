"""What the diagnoses share: reading filters and periods, and what a KPI can be sliced by."""

from __future__ import annotations

from callscope.kpi import KPI, Period, default_period, parse_period
from callscope.kpi.dims import GRAINS, normalise_by
from callscope.kpi.model import Custom, Quantile, Sum
from callscope.kpi.prepare import BASE_DIMS
from callscope.store import Store

__all__ = ["normalise_filters", "as_period", "sliceable", "ratio_scale"]


def normalise_filters(filters: dict | None) -> dict[str, list]:
    """{dimension: [values]} with aliases resolved; a value may be a list or 'a,b' text."""
    out: dict[str, list] = {}
    for name, values in (filters or {}).items():
        name = normalise_by([name])[0]
        if name in GRAINS:
            raise ValueError(f"cannot filter on the time grain {name!r}; choose the period instead")
        out[name] = list(values) if isinstance(values, (list, tuple, set)) else [v.strip() for v in str(values).split(",")]
    return out


def as_period(store: Store, period: str | Period | None) -> Period:
    if period is None:
        return default_period(store)
    return parse_period(period) if isinstance(period, str) else period


def sliceable(kpi: KPI) -> tuple[str, ...]:
    """The dimensions the KPI engine can slice this KPI by."""
    if isinstance(kpi.measure, Custom):
        return kpi.measure.dims
    return BASE_DIMS.get(kpi.base, ())


def ratio_scale(kpi: KPI) -> float:
    """The scale of a ratio KPI (value = Σ numerator ÷ Σ denominator × scale); others are refused."""
    m = kpi.measure
    if isinstance(m, Quantile):
        raise ValueError(f"{kpi.id} is a percentile, which does not split into slices; use a ratio KPI such as mean_wait or ASA")
    if isinstance(m, (Sum, Custom)) and not m.ratio:
        raise ValueError(f"{kpi.id} is a count, not a ratio (Σ numerator ÷ Σ denominator); compare it by slices with `callscope kpi --by`")
    return float(getattr(m, "scale", 1.0))
