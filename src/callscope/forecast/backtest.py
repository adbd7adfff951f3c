"""Rolling-origin backtest: how well each candidate model would have forecast the recent past.

The last `n_windows × h` intervals of the series are cut into windows of the forecast horizon h.
For each window every model is fitted on the intervals before it (at most `train_size` of them)
and forecasts the window (statsforecast's `cross_validation`, refitting at every origin). Errors
are pooled over the windows: wMAPE and MASE as defined in `callscope.forecast.accuracy`, over the
scored intervals only (not imputed; for AHT, intervals with contacts handled). The model with the
lowest wMAPE is chosen per series and measure; a tie goes to the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from callscope.forecast.accuracy import mase, seasonal_naive_scale, wmape
from callscope.forecast.intervals import aht_sigma, conformal_quantile, held_out_coverage, volume_sigma
from callscope.forecast.models import BASELINE, Periods, build_models

__all__ = ["Target", "Backtest", "run_backtest", "fit_and_forecast"]


@dataclass
class Target:
    """One measure of one series on its template grid."""

    measure: str  # "offered" or "aht_s"
    y: np.ndarray  # what the models fit: volume ÷ event factors, or AHT with gaps filled
    actual: np.ndarray  # what forecasts are scored against
    factor: np.ndarray  # turns a model's output into a forecast of `actual` (history + future)
    scored: np.ndarray  # intervals that count in the backtest and in MASE's scale
    weekly: int
    handled_profile: np.ndarray | None = None  # AHT only: mean handled per slot of the week

    def sigma(self, positions: np.ndarray, predicted: np.ndarray) -> np.ndarray:
        if self.handled_profile is None:
            return volume_sigma(predicted)
        return aht_sigma(self.handled_profile[positions % self.weekly])


@dataclass
class Backtest:
    metrics: pd.DataFrame  # one row per model: wmape, mase, points, windows, coverage_<level>
    chosen: str
    scores: np.ndarray  # the chosen model's conformal scores, for its forecast's intervals
    points: pd.DataFrame  # window, position, actual and each model's forecast (scored intervals)


def run_backtest(
    target: Target,
    names: tuple[str, ...],
    periods: Periods,
    *,
    h: int,
    n_windows: int,
    train_size: int | None,
    levels: tuple[int, ...],
) -> Backtest:
    from statsforecast import StatsForecast

    models = build_models(names, periods)
    sf = StatsForecast(models=models, freq=1, n_jobs=1, fallback_model=build_models((BASELINE,), periods)[0])
    cv = sf.cross_validation(
        df=_frame(target.y), h=h, n_windows=n_windows, step_size=h, input_size=train_size
    )
    positions = cv["ds"].to_numpy()
    first_origin = int(positions.min())
    points = pd.DataFrame({"window": (positions - first_origin) // h, "position": positions, "actual": target.actual[positions]})
    for model in models:
        points[model.alias] = np.maximum(cv[model.alias].to_numpy() * target.factor[positions], 0.0)
    points = points[target.scored[positions]].reset_index(drop=True)
    scale = seasonal_naive_scale(target.actual[:first_origin], periods.baseline, target.scored[:first_origin])
    rows, all_scores = [], {}
    for model in models:
        name = model.alias
        predicted = points[name].to_numpy()
        scores = np.abs(points.actual.to_numpy() - predicted) / target.sigma(points.position.to_numpy(), predicted)
        all_scores[name] = scores
        row = {"model": name, "wmape": wmape(points.actual.to_numpy(), predicted), "mase": mase(points.actual.to_numpy(), predicted, scale)}
        row.update(points=len(points), windows=n_windows)
        row.update({f"coverage_{lv}": held_out_coverage(scores, points.window.to_numpy(), lv) for lv in levels})
        rows.append(row)
    metrics = pd.DataFrame(rows)
    chosen = _choose(metrics)
    return Backtest(metrics, chosen, all_scores[chosen], points)


def fit_and_forecast(
    target: Target,
    name: str,
    periods: Periods,
    *,
    h: int,
    train_size: int | None,
    levels: tuple[int, ...],
    scores: np.ndarray | None,
) -> pd.DataFrame:
    """The point forecast and intervals of `name` for the h intervals after the history.

    Intervals are conformal (from the backtest `scores`) when there are scores, else the model's
    own (statsforecast's `level`).
    """
    from statsforecast import StatsForecast

    models = build_models((name,), periods)
    sf = StatsForecast(models=models, freq=1, n_jobs=1, fallback_model=build_models((BASELINE,), periods)[0])
    df = _frame(target.y)
    if train_size is not None:
        df = df.tail(train_size)
    native = scores is None or len(scores) == 0
    has_own_intervals = name != "mstl_ses"  # statsforecast's SES has no intervals of its own
    fc = sf.forecast(df=df, h=h, level=list(levels) if native and has_own_intervals else None)
    n = len(target.y)
    positions = np.arange(n, n + h)
    factor = target.factor[positions]
    mean = np.maximum(fc[name].to_numpy() * factor, 0.0)
    out = pd.DataFrame({"position": positions, "forecast": mean})
    sigma = target.sigma(positions, mean)
    for level in levels:
        if native and not has_own_intervals:
            lo = hi = np.full(h, np.nan)
        elif native:
            lo = fc[f"{name}-lo-{level}"].to_numpy() * factor
            hi = fc[f"{name}-hi-{level}"].to_numpy() * factor
        else:
            q = conformal_quantile(scores, level)
            lo, hi = mean - q * sigma, mean + q * sigma
        out[f"lo_{level}"] = np.maximum(lo, 0.0)
        out[f"hi_{level}"] = np.maximum(hi, 0.0)
    return out


def _frame(y: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": "s", "ds": np.arange(len(y)), "y": np.asarray(y, dtype=float)})


def _choose(metrics: pd.DataFrame) -> str:
    """Lowest wMAPE; the baseline wins ties (it is listed first when present)."""
    ranked = metrics.assign(order=[0 if m == BASELINE else 1 for m in metrics.model]).sort_values(["wmape", "order"], kind="stable")
    return str(ranked.model.iloc[0])
