"""Forecasts on hand-made weeks: seasonal-naive repeats the last week exactly, events act as factors."""

import numpy as np
import pandas as pd
import pytest

from callscope.forecast import forecast
from test_forecast_calendar import weeks_of


def pattern(day, k):
    """Mon–Fri, four half-hours from 09:00: 10 × (weekday + 1) + k, the same every week."""
    return None if day.weekday() >= 5 else 10 * (day.weekday() + 1) + k


def by_time(result, measure="offered"):
    fc = result.forecast[result.forecast.measure == measure]
    return fc.set_index("interval_start")


def events(*rows):
    columns = ("event_id", "kind", "name", "start", "end", "queue", "channel", "effect")
    from callscope.forecast.events import _tidy

    return _tidy(pd.DataFrame([dict(zip(columns, r)) for r in rows], columns=list(columns)))


def test_seasonal_naive_repeats_the_last_week_exactly():
    # three weeks 2024-03-04 … 2024-03-22; the next week is Monday 2024-03-25 … Friday 03-29
    result = forecast(weeks_of(pattern, days=19), "7d", models=("seasonal_naive",), backtest_weeks=1)
    fc = by_time(result)
    assert len(fc) == 20 and fc.index[0] == pd.Timestamp("2024-03-25 09:00")
    expected = [10 * (d + 1) + k for d in range(5) for k in range(4)]  # 10, 11, 12, 13, 20, … 53
    assert fc.forecast.tolist() == expected
    bt = result.backtest.iloc[0]
    # the backtest week (03-18 … 03-22) is forecast from 03-11 … 03-15: no error at all
    assert (bt.model, bt.wmape, bt.points, bt.windows, bt.chosen) == ("seasonal_naive", 0.0, 20, 1, True)
    # zero errors → zero-width conformal intervals (80 %: ⌈21 × 0.8⌉ = 17th of 20 scores, all 0)
    assert (fc.lo_80 == fc.forecast).all() and (fc.hi_95 == fc.forecast).all()


def test_stated_effects_multiply_the_forecast_and_closed_is_zero():
    ev = events(
        ("c1", "campaign", "Spring sale", "2024-03-26 09:00", "2024-03-26 10:00", None, None, 0.5),
        ("h1", "holiday", "Good Friday", "2024-03-29", "2024-03-30", None, None, -1.0),
        ("x1", "campaign", "Other queue", "2024-03-25", "2024-03-26", "billing", None, 1.0),
    )
    result = forecast(weeks_of(pattern, days=19), "7d", models=("seasonal_naive",), backtest_weeks=1, events=ev)
    fc = by_time(result).forecast
    # Tuesday 09:00 and 09:30: 1.5 × 20 = 30 and 1.5 × 21 = 31.5; 10:00 untouched (22)
    assert fc["2024-03-26 09:00"] == 30 and fc["2024-03-26 09:30"] == 31.5 and fc["2024-03-26 10:00"] == 22
    # Good Friday closed; the billing campaign does not apply to series "s" (no queue attribute)
    assert fc[fc.index.date == pd.Timestamp("2024-03-29").date()].tolist() == [0, 0, 0, 0]
    assert fc["2024-03-25 09:00"] == 10


def test_an_effect_not_stated_is_estimated_from_the_history_and_cleaned_out():
    def doubled_promo(day, k):
        value = pattern(day, k)
        return value * 2 if day == pd.Timestamp("2024-03-20") and value is not None else value

    ev = events(
        ("p1", "campaign", "Promo", "2024-03-20", None, None, None, None),  # Wednesday, no end: whole day
        ("p2", "campaign", "Promo", "2024-03-28", None, None, None, None),  # next Thursday
    )
    result = forecast(weeks_of(doubled_promo, days=19), "7d", models=("seasonal_naive",), backtest_weeks=1, events=ev)
    fc = by_time(result).forecast
    # Wednesday comes from the cleaned history: 30 … 33, not 60 … 66
    assert fc[fc.index.date == pd.Timestamp("2024-03-27").date()].tolist() == [30, 31, 32, 33]
    # factor = Σ(60, 62, 64, 66) / Σ(30, 31, 32, 33) = 252 / 126 = 2 → Thursday 2 × (40 … 43)
    assert fc[fc.index.date == pd.Timestamp("2024-03-28").date()].tolist() == [80, 82, 84, 86]
    notes = {n.key: n.values for n in result.notes}
    assert notes["event_estimated"] == {"series": "s", "event": "Promo", "factor": "2.00"}
    # the doubled day was scored against the event-adjusted forecast: still no error
    assert result.backtest.wmape.iloc[0] == 0.0


def test_intervals_nest_and_widen_with_noise():
    rng = np.random.default_rng(7)
    noisy = weeks_of(lambda d, k: None if d.weekday() >= 5 else rng.poisson(50 + 20 * k), days=40)
    result = forecast(noisy, "1d", models=("seasonal_naive", "mstl_ses"), backtest_weeks=2)
    fc = by_time(result)
    assert (fc.lo_95 <= fc.lo_80).all() and (fc.lo_80 <= fc.forecast).all()
    assert (fc.forecast <= fc.hi_80).all() and (fc.hi_80 <= fc.hi_95).all()
    assert (fc.hi_95 - fc.lo_95 > fc.hi_80 - fc.lo_80).all()
    assert result.backtest.windows.iloc[0] == 10 and result.backtest.chosen.sum() == 1


def test_bad_arguments_say_what_to_write():
    hist = weeks_of(pattern, days=19)
    with pytest.raises(ValueError, match="horizon '7x' is not understood; write e.g. 7d"):
        forecast(hist, "7x")
    with pytest.raises(ValueError, match="unknown model\\(s\\) prophet; choose from seasonal_naive"):
        forecast(hist, "1d", models=("prophet",))
    with pytest.raises(ValueError, match="level 120 is not between 0 and 100"):
        forecast(hist, "1d", levels=(80, 120))


def test_events_file_is_read_and_checked(tmp_path):
    from callscope.forecast import events_from_file

    path = tmp_path / "events.csv"
    path.write_text("name,kind,start,end,effect\nGood Friday,holiday,2024-03-29,,-1\nLaunch,campaign,2024-03-25 09:00,2024-03-25 09:30,1\n")
    result = forecast(weeks_of(pattern, days=19), "7d", models=("seasonal_naive",), backtest_weeks=1, events=events_from_file(path))
    fc = by_time(result).forecast
    # Monday 09:00 doubled (10 → 20), 09:30 untouched (11); Friday (no end: the whole day) closed
    assert (fc["2024-03-25 09:00"], fc["2024-03-25 09:30"]) == (20, 11)
    assert fc[fc.index.date == pd.Timestamp("2024-03-29").date()].sum() == 0
    path.write_text("name,start,effect\nTypo,2024-03-29,-2\n")
    with pytest.raises(ValueError, match="events.csv line 2: event has effect -2; effects are ≥ -1"):
        events_from_file(path)


def test_without_a_backtest_mstl_ets_gives_its_own_intervals():
    rng = np.random.default_rng(3)
    noisy = weeks_of(lambda d, k: None if d.weekday() >= 5 else pattern(d, k) + rng.normal(0, 1), days=26)
    result = forecast(noisy, "1d", backtest_weeks=0)
    assert result.backtest.to_dict("records") == [{"series": "s", "measure": "offered", "model": "mstl_ets", "chosen": True}]
    fc = by_time(result)
    # Monday's pattern 10, 11, 12, 13 plus noise of σ = 1: the forecast stays within a few units
    assert np.abs(fc.forecast.to_numpy() - [10, 11, 12, 13]).max() < 3
    assert (fc.lo_95 <= fc.lo_80).all() and (fc.lo_80 <= fc.forecast).all() and (fc.hi_80 <= fc.hi_95).all()
