"""Handle-time and patience distributions, each fixed by its mean (per contact) and a shape.

* exponential — the Erlang C/A assumption; cv = 1.
* lognormal — mean m and coefficient of variation cv: σ² = ln(1 + cv²), μ = ln m − σ²/2. Handle
  times and patience measured in call centres are close to lognormal (Brown et al., "Statistical
  analysis of a telephone call center", JASA 2005).
* deterministic — every contact exactly the mean (e.g. an IVR message callers hang up after).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callscope.simulate.errors import fail

__all__ = ["Distribution", "KINDS"]

KINDS = ("exponential", "lognormal", "deterministic")


@dataclass(frozen=True)
class Distribution:
    kind: str = "exponential"
    cv: float = 1.0  # coefficient of variation (standard deviation / mean); used by lognormal

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise fail("unknown_distribution", value=repr(self.kind), choices=", ".join(KINDS))
        if self.kind == "lognormal" and not (np.isfinite(self.cv) and self.cv > 0):
            raise fail("bad_cv", value=f"{self.cv:g}")

    def sample(self, rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
        """One draw per element of `mean` (inf means stay inf: callers who never abandon)."""
        mean = np.asarray(mean, dtype=float)
        if self.kind == "exponential":
            draw = rng.standard_exponential(mean.shape)
        elif self.kind == "lognormal":
            sigma2 = np.log1p(self.cv**2)
            draw = np.exp(np.sqrt(sigma2) * rng.standard_normal(mean.shape) - sigma2 / 2)
        else:
            draw = np.ones(mean.shape)
        with np.errstate(invalid="ignore"):
            return np.where(np.isinf(mean), np.inf, draw * mean)
