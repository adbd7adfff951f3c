"""Opening calendar and gap filling: the bank's published periods, hand-made weeks."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from callscope.forecast.calendar import closed_days, fill_masked, infer_calendar, regularise
from callscope.forecast.history import aggregate, history_from_file
from callscope.forecast.models import seasonal_periods
from test_forecast_history import BANK, BANK_COLUMNS, needs_bank


def weeks_of(values_for, *, first="2024-03-04", days=15, slots=(540, 570, 600, 630), series="s"):
    """A history frame over `days` calendar days from Monday `first`; values_for(day, slot_index) or None."""
    rows = []
    for d in pd.date_range(first, periods=days, freq="D"):
        for k, minute in enumerate(slots):
            value = values_for(d, k)
            if value is not None:
                rows.append({"series": series, "interval_start": d + pd.Timedelta(minutes=minute), "offered": float(value)})
    df = pd.DataFrame(rows)
    df["attempts"] = df["offered"]
    df["handled"] = np.nan
    df["handle_s"] = np.nan
    return df


@needs_bank
def test_bank_calendar_has_the_published_periods_and_holidays():
    five = history_from_file(BANK, columns=BANK_COLUMNS)
    cal = infer_calendar(five, 5)
    assert cal.weekdays == (0, 1, 2, 3, 4)
    assert (cal.slots[0], cal.slots[-1]) == (7 * 60, 21 * 60)
    # Hyndman & Athanasopoulos, FPP3 §12.1: daily period 169, weekly 169 × 5 = 845
    assert (cal.daily, cal.weekly) == (169, 845)
    # PROVENANCE.md: the weekdays absent from the calendar
    expected = {dt.date(2003, 4, 4), dt.date(2003, 4, 7), dt.date(2003, 5, 26), dt.date(2003, 7, 4), dt.date(2003, 9, 1), dt.date(2003, 10, 14)}
    assert closed_days(five) == expected
    grid, outside = regularise(five, cal, expected)
    # 164 days with data + 6 filled = 170 weekdays from 2003-03-03 to 2003-10-24; nothing outside
    assert len(grid) == 170 * 169 and outside == 0 and grid.imputed.sum() == 6 * 169
    thirty = infer_calendar(aggregate(five, 30), 30)
    assert (thirty.daily, thirty.weekly) == (29, 145)


def test_fill_masked_copies_one_season_back_or_forward():
    values = np.arange(1.0, 9.0)  # 1 … 8, season 3
    mask = np.zeros(8, bool)
    mask[[0, 4]] = True
    # index 0 has nothing earlier: takes index 3 (value 4); index 4 takes index 1 (value 2)
    assert fill_masked(values, mask, 3).tolist() == [4, 2, 3, 4, 2, 6, 7, 8]


def test_a_missing_weekday_is_a_closed_day_filled_from_the_week_before():
    # Mon–Fri, 4 half-hours from 09:00; Wednesday 2024-03-13 missing entirely; weekends empty.
    def value(day, k):
        if day.weekday() >= 5 or day == pd.Timestamp("2024-03-13"):
            return None
        return 10 * (day.day % 7 + 1) + k  # differs from week to week

    hist = weeks_of(value)
    closed = closed_days(hist)
    assert closed == {dt.date(2024, 3, 13)}
    cal = infer_calendar(hist, 30)
    assert (cal.weekdays, cal.daily, cal.weekly) == ((0, 1, 2, 3, 4), 4, 20)
    grid, _ = regularise(hist, cal, closed)
    wed = grid[grid.interval_start.dt.date == dt.date(2024, 3, 13)]
    # copied from Wednesday 2024-03-06: 10 × (6 % 7 + 1) + k = 70, 71, 72, 73
    assert wed.offered.tolist() == [70, 71, 72, 73] and wed.imputed.all()
    assert grid.imputed.sum() == 4


def test_an_empty_interval_on_an_open_day_is_a_true_zero():
    hist = weeks_of(lambda d, k: None if d.weekday() >= 5 or (d.day == 5 and k == 2) else 5)
    cal = infer_calendar(hist, 30)
    grid, _ = regularise(hist, cal, closed_days(hist))
    tuesday = grid[grid.interval_start.dt.date == dt.date(2024, 3, 5)]
    assert tuesday.offered.tolist() == [5, 5, 0, 5] and not tuesday.imputed.any()


def test_short_saturday_stays_on_the_grid_but_is_never_open_after_noon():
    def value(day, k):
        if day.weekday() == 6 or (day.weekday() == 5 and k >= 2):
            return None
        return 3

    hist = weeks_of(value, slots=(540, 600, 660, 720))
    cal = infer_calendar(hist, 60)
    assert cal.weekdays == (0, 1, 2, 3, 4, 5) and cal.weekly == 24
    saturday = pd.DatetimeIndex(["2024-03-23 09:00", "2024-03-23 11:00", "2024-03-25 11:00"])
    assert cal.is_open(saturday).tolist() == [True, False, True]


def test_seasons_need_two_cycles():
    # 30-minute bank grid: 29 a day, 145 a week; 8 weeks of training → daily and weekly, weekly baseline
    p = seasonal_periods(29, 145, 8 * 145)
    assert (p.seasons, p.baseline) == ((29, 145), 145)
    # a week and a half: weekly cannot be estimated, the baseline falls back to yesterday
    p = seasonal_periods(29, 145, 217)
    assert (p.seasons, p.baseline) == ((29,), 29)
    # two 52-week years of a 24/7 hourly centre add the yearly season 52 × 168 = 8,736
    assert seasonal_periods(24, 168, 2 * 8736).seasons == (24, 168, 8736)
    with pytest.raises(ValueError, match="less than two days"):
        seasonal_periods(29, 145, 40)
