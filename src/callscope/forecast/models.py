"""The candidate models, built from statsforecast for a series' seasonal periods.

* `seasonal_naive` — the baseline: the value one week earlier (one day earlier while the history
  is shorter than two weeks).
* `mstl_ets` — MSTL (Bandara, Hyndman & Bergmeir 2021): the series is split by repeated STL into
  daily, weekly (and, with two years of history, yearly) seasonal components plus a trend; the
  seasonal components are forecast by repeating their last cycle and the seasonally adjusted
  series (trend + remainder) by AutoETS without a seasonal term.
* `mstl_ses` — the same decomposition; the seasonally adjusted series is forecast by simple
  exponential smoothing with a half-life of one week (one day while the history is shorter than two
  weeks): α = 1 − 0.5^(1/m), m the baseline season. AutoETS fits α for the *next interval*, which
  on interval data means a high α and a level taken from the last few (often quiet, evening)
  intervals; a forecast a day or a week ahead needs the level of the recent week instead. On the
  US bank series (30-minute, last 4 weeks, 7-day horizon) wMAPE was 0.100 with AutoETS and 0.068
  with the one-week half-life (half-lives of ½ and 2 weeks gave 0.075 and 0.063: one week is a
  round choice, not one tuned on that backtest).
* `mstl_arima` — the same decomposition with AutoARIMA on the seasonally adjusted series (slower).

statsforecast is imported inside the functions: `import callscope` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BASELINE", "MODEL_NAMES", "DEFAULT_MODELS", "Periods", "seasonal_periods", "build_models"]

BASELINE = "seasonal_naive"
MODEL_NAMES = (BASELINE, "mstl_ets", "mstl_ses", "mstl_arima")
DEFAULT_MODELS = (BASELINE, "mstl_ets", "mstl_ses")
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
    from statsforecast.models import MSTL, AutoARIMA, AutoETS, SeasonalNaive, SimpleExponentialSmoothing

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
        elif name == "mstl_ses":
            alpha = 1 - 0.5 ** (1 / periods.baseline)
            built.append(MSTL(season_length=list(periods.seasons), trend_forecaster=SimpleExponentialSmoothing(alpha=alpha), alias=name))
        elif name == "mstl_arima":
            built.append(MSTL(season_length=list(periods.seasons), trend_forecaster=AutoARIMA(), alias=name))
    return built
