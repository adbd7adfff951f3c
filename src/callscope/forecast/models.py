"""The candidate models, built from statsforecast for a series' seasonal periods.

* `seasonal_naive` — the baseline: the value one week earlier (one day earlier while the history
  is shorter than two weeks).
* `mstl_ets` — MSTL (Bandara, Hyndman & Bergmeir 2021): the series is split by repeated STL into
  daily, weekly (and, with two years of history, yearly) seasonal components plus a trend; the
  seasonal components are forecast by repeating their last cycle and the seasonally adjusted
  series (trend + remainder) by AutoETS without a seasonal term.
* `mstl_arima` — the same decomposition with AutoARIMA on the seasonally adjusted series.

statsforecast is imported inside the functions: `import callscope` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BASELINE", "MODEL_NAMES", "DEFAULT_MODELS", "Periods", "seasonal_periods", "build_models"]

BASELINE = "seasonal_naive"
MODEL_NAMES = (BASELINE, "mstl_ets", "mstl_arima")
DEFAULT_MODELS = (BASELINE, "mstl_ets")
YEAR_WEEKS = 52  # a "year" of 52 weeks keeps weekdays aligned from one year to the next


@dataclass(frozen=True)
class Periods:
    """Seasonal periods in intervals: MSTL's seasons and the baseline's (also MASE's) season."""

    seasons: tuple[int, ...]
    baseline: int


def seasonal_periods(daily: int, weekly: int, n: int) -> Periods:
    """The seasons a series of `n` intervals can support: each needs at least two full cycles."""
    candidates = (daily, weekly, weekly * YEAR_WEEKS)
    seasons = tuple(sorted({p for p in candidates if p > 1 and n >= 2 * p}))
    if n < 2 * daily:
        raise ValueError(
            f"the history has {n} intervals, less than two days of {daily}; a forecast needs at least two days"
        )
    baseline = weekly if n >= 2 * weekly else daily
    return Periods(seasons, baseline)


def build_models(names: tuple[str, ...], periods: Periods) -> list:
    """statsforecast model objects, each with its callscope name as alias."""
    from statsforecast.models import MSTL, AutoARIMA, AutoETS, SeasonalNaive

    unknown = [n for n in names if n not in MODEL_NAMES]
    if unknown:
        raise ValueError(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(MODEL_NAMES)}")
    built = []
    for name in names:
        if name == BASELINE:
            built.append(SeasonalNaive(season_length=periods.baseline, alias=name))
        elif not periods.seasons:
            continue  # too short for MSTL; the baseline still runs
        elif name == "mstl_ets":
            built.append(MSTL(season_length=list(periods.seasons), trend_forecaster=AutoETS(model="ZZN"), alias=name))
        elif name == "mstl_arima":
            built.append(MSTL(season_length=list(periods.seasons), trend_forecaster=AutoARIMA(), alias=name))
    return built
