"""Interval forecasts of volume and AHT per series, backtested against a seasonal-naive baseline.

Modules: `history` (the history frame, from the store or a file), `calendar` (opening hours and
gaps), `events` (holiday/campaign effects), `models` (statsforecast candidates), `accuracy`
(wMAPE, MASE), `intervals` (conformal prediction intervals), `backtest` (rolling origins),
`forecast` (the public entry). statsforecast is imported only when a model runs.
"""

from callscope.forecast.events import events_from_file, events_from_store
from callscope.forecast.forecast import ForecastResult, Note, forecast
from callscope.forecast.history import aggregate, history_from_file, history_from_intervals, history_from_store
from callscope.forecast.models import DEFAULT_MODELS, MODEL_NAMES

__all__ = [
    "forecast",
    "ForecastResult",
    "Note",
    "history_from_store",
    "history_from_file",
    "history_from_intervals",
    "aggregate",
    "events_from_store",
    "events_from_file",
    "MODEL_NAMES",
    "DEFAULT_MODELS",
]
