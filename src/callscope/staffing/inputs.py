"""Checking what a user gives the staffing functions: one clear ValueError per mistake.

Messages live in locales/{en,zh}/staffing.yaml; each names the input, the bad value and, for many
intervals, the first interval (0-based) where it occurs, and says what to do.
"""

from __future__ import annotations

import numpy as np

from callscope.i18n import tr

__all__ = ["StaffingInputError", "fail", "as_array", "check_finite", "check_nonnegative", "check_positive", "check_whole", "check_fraction", "broadcast_intervals"]


class StaffingInputError(ValueError):
    """A staffing input a user can fix (negative volume, zero handle time, unreachable target…)."""


def fail(key: str, index: int | None = None, **values: object) -> StaffingInputError:
    where = "" if index is None else tr("staffing.error.where", None, i=index)
    return StaffingInputError(tr(f"staffing.error.{key}", None, where=where, **values))


def as_array(value) -> np.ndarray:
    return np.asarray(value, dtype=float)


def _first(bad: np.ndarray, values: np.ndarray) -> tuple[int | None, str]:
    flat = np.flatnonzero(bad)
    i = int(flat[0])
    return (i if values.ndim else None), f"{values.reshape(-1)[i]:g}"


def check_finite(name: str, values: np.ndarray, *, allow_inf: bool = False) -> np.ndarray:
    bad = np.isnan(values) if allow_inf else ~np.isfinite(values)
    if bad.any():
        i, v = _first(bad, values)
        raise fail("not_number", i, name=name, value=v)
    return values


def check_nonnegative(name: str, values: np.ndarray) -> np.ndarray:
    check_finite(name, values)
    bad = values < 0
    if bad.any():
        i, v = _first(bad, values)
        raise fail("negative", i, name=name, value=v)
    return values


def check_positive(name: str, values: np.ndarray, *, allow_inf: bool = False) -> np.ndarray:
    check_finite(name, values, allow_inf=allow_inf)
    bad = values <= 0
    if bad.any():
        i, v = _first(bad, values)
        raise fail("not_positive", i, name=name, value=v)
    return values


def check_whole(name: str, values: np.ndarray, *, minimum: int = 0) -> np.ndarray:
    check_nonnegative(name, values)
    bad = values != np.round(values)
    if bad.any():
        i, v = _first(bad, values)
        raise fail("not_whole", i, name=name, value=v)
    bad = values < minimum
    if bad.any():
        i, v = _first(bad, values)
        raise fail("below_one", i, name=name, value=v)
    return values


def check_fraction(name: str, values: np.ndarray, *, closed_low: bool, closed_high: bool) -> np.ndarray:
    """0 ≤ or < values ≤ or < 1, as the bounds say."""
    check_finite(name, values)
    low_bad = values < 0 if closed_low else values <= 0
    high_bad = values > 1 if closed_high else values >= 1
    bad = low_bad | high_bad
    if bad.any():
        i, v = _first(bad, values)
        bounds = ("[0" if closed_low else "(0") + ", " + ("1]" if closed_high else "1)")
        raise fail("not_fraction", i, name=name, value=v, bounds=bounds)
    return values


def broadcast_intervals(**arrays: np.ndarray) -> dict[str, np.ndarray]:
    """Broadcast per-interval inputs to one shape, or say which lengths disagree."""
    try:
        shaped = np.broadcast_arrays(*arrays.values())
    except ValueError:
        sizes = ", ".join(f"{k}: {np.shape(v)[0] if np.ndim(v) else 1}" for k, v in arrays.items())
        raise fail("shape_mismatch", sizes=sizes) from None
    return dict(zip(arrays, shaped))
