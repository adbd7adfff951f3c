"""wMAPE, MASE and conformal intervals, computed by hand (and checked against utilsforecast)."""

import math

import numpy as np
import pandas as pd
import pytest

from callscope.forecast.accuracy import coverage, mase, seasonal_naive_scale, wmape
from callscope.forecast.intervals import conformal_quantile, held_out_coverage, volume_sigma

ACTUAL = np.array([10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
PREDICTED = np.array([12.0, 18.0, 33.0, 40.0, 45.0, 66.0])
HISTORY = np.array([10.0, 12.0, 14.0, 13.0, 12.0, 18.0])  # in-sample, season m = 3


def test_wmape_by_hand():
    # |e| = 2, 2, 3, 0, 5, 6 → Σ|e| = 18; Σ|y| = 210; wMAPE = 18 / 210
    assert wmape(ACTUAL, PREDICTED) == pytest.approx(18 / 210)


def test_mase_by_hand():
    # Q = mean(|13−10|, |12−12|, |18−14|) = 7/3; MAE = 18/6 = 3; MASE = 3 / (7/3) = 9/7
    q = seasonal_naive_scale(HISTORY, 3)
    assert q == pytest.approx(7 / 3)
    assert mase(ACTUAL, PREDICTED, q) == pytest.approx(9 / 7)


def test_scale_leaves_out_pairs_with_an_imputed_point():
    # history[4] imputed: the pair (1, 4) goes; Q = mean(|13−10|, |18−14|) = 3.5
    usable = np.array([True, True, True, True, False, True])
    assert seasonal_naive_scale(HISTORY, 3, usable) == pytest.approx(3.5)


def test_same_numbers_as_utilsforecast():
    from utilsforecast.losses import mase as uf_mase
    from utilsforecast.losses import wape as uf_wape

    df = pd.DataFrame({"unique_id": "a", "ds": np.arange(6, 12), "y": ACTUAL, "model": PREDICTED})
    train = pd.DataFrame({"unique_id": "a", "ds": np.arange(6), "y": HISTORY})
    assert uf_wape(df, ["model"])["model"].iloc[0] == pytest.approx(wmape(ACTUAL, PREDICTED))
    assert uf_mase(df, ["model"], 3, train)["model"].iloc[0] == pytest.approx(9 / 7)


def test_coverage_counts_the_bounds_as_inside():
    # 10 in [10, 12]; 20 not in [21, 25]; 30 in [25, 30] → 2 of 3
    assert coverage(np.array([10, 20, 30]), np.array([10, 21, 25]), np.array([12, 25, 30])) == pytest.approx(2 / 3)


def test_conformal_quantile_is_the_finite_sample_rank():
    scores = np.arange(1.0, 10.0)  # 1 … 9, n = 9
    assert conformal_quantile(scores, 80) == 8.0  # ⌈10 × 0.8⌉ = 8th smallest
    assert conformal_quantile(scores, 50) == 5.0  # ⌈10 × 0.5⌉ = 5th
    assert math.isinf(conformal_quantile(scores, 95))  # ⌈9.5⌉ = 10 > n: no finite bound


def test_held_out_coverage_calibrates_on_the_other_windows():
    # window 0 scores 1,2,3; window 1 scores 4,5,6. Level 50:
    # window 0 judged by q(4,5,6) = ⌈4×0.5⌉ = 2nd = 5 → 1,2,3 all covered;
    # window 1 judged by q(1,2,3) = 2 → 4,5,6 none covered → 3 of 6
    scores = np.array([1.0, 2, 3, 4, 5, 6])
    windows = np.array([0, 0, 0, 1, 1, 1])
    assert held_out_coverage(scores, windows, 50) == pytest.approx(0.5)
    assert math.isnan(held_out_coverage(scores, np.zeros(6), 50))


def test_volume_sigma_is_poisson_like():
    # σ = √max(ŷ, 1): 100 → 10, 0.25 → 1
    assert volume_sigma(np.array([100.0, 0.25])).tolist() == [10.0, 1.0]
