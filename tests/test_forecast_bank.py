"""The US bank series (Weinberg, Brown & Stroud 2007; FPP3 §12.1): a short rolling-origin backtest.

30-minute intervals (the 5-minute counts summed), a one-day horizon, origins every day over the
last two weeks: 10 windows, of which 2003-10-14 (no data: a closed day) is not scored.
"""

import numpy as np
import pandas as pd
import pytest

from callscope.forecast import forecast
from callscope.forecast.history import aggregate, history_from_file
from test_forecast_history import BANK, BANK_COLUMNS, needs_bank

pytestmark = [needs_bank, pytest.mark.slow]


@pytest.fixture(scope="module")
def bank():
    return history_from_file(BANK, columns=BANK_COLUMNS, series="bank")


@pytest.fixture(scope="module")
def result(bank):
    return forecast(bank, "1d", interval_minutes=30, backtest_weeks=2)


def table(result):
    return result.backtest.set_index("model")


def test_seasonal_naive_numbers_match_a_direct_computation(result, bank):
    # Seasonal naive = the same half-hour one week earlier; where that day was closed (2003-10-14
    # is filled from 10-07), two weeks earlier. Scored days: 2003-10-13 … 10-24 except 10-14.
    counts = aggregate(bank, 30).set_index("interval_start").offered
    days = [d for d in pd.bdate_range("2003-10-13", "2003-10-24") if d != pd.Timestamp("2003-10-14")]
    actual, predicted = [], []
    for day in days:
        for stamp in counts[counts.index.normalize() == day].index:
            week_before = stamp - pd.Timedelta(days=7)
            actual.append(counts[stamp])
            predicted.append(counts.get(week_before, counts.get(week_before - pd.Timedelta(days=7))))
    actual, predicted = np.array(actual), np.array(predicted)
    assert len(actual) == 9 * 29
    baseline = table(result).loc["seasonal_naive"]
    assert baseline.points == 261 and baseline.windows == 10
    assert baseline.wmape == pytest.approx(np.abs(actual - predicted).sum() / actual.sum(), rel=1e-12)
    assert baseline.wmape == pytest.approx(0.097604, abs=1e-6)


def test_chosen_model_beats_seasonal_naive(result):
    t = table(result)
    chosen = t[t.chosen]
    assert chosen.index.tolist() == ["mstl_ses"]
    # recorded with statsforecast 2.1.1 (requirements/lock.txt): wMAPE 7.08 % vs 9.76 %, MASE 0.880 vs 1.214
    assert chosen.wmape.iloc[0] == pytest.approx(0.070755, abs=2e-4)
    assert chosen.mase.iloc[0] == pytest.approx(0.880391, abs=3e-3)
    assert t.loc["seasonal_naive", "mase"] == pytest.approx(1.214469, abs=1e-5)
    assert chosen.wmape.iloc[0] < t.loc["seasonal_naive", "wmape"]


def test_intervals_nest_and_cover_the_backtest(result):
    chosen = table(result)[table(result).chosen].iloc[0]
    # held-out (leave-one-window-out) coverage of the conformal intervals
    assert 0.70 <= chosen.coverage_80 <= 0.90
    assert 0.88 <= chosen.coverage_95 <= 0.99
    fc = result.forecast
    assert len(fc) == 29 and fc.interval_start.iloc[0] == pd.Timestamp("2003-10-27 07:00")  # next Monday
    assert (fc.lo_95 <= fc.lo_80).all() and (fc.lo_80 <= fc.forecast).all()
    assert (fc.forecast <= fc.hi_80).all() and (fc.hi_80 <= fc.hi_95).all()


def test_backtest_is_reproducible(result, bank):
    again = forecast(bank, "1d", interval_minutes=30, backtest_weeks=2, models=("mstl_ses",))
    a = result.backtest.set_index("model").loc[["mstl_ses"]]
    pd.testing.assert_frame_equal(a, again.backtest.set_index("model"))
    pd.testing.assert_frame_equal(result.forecast, again.forecast)
