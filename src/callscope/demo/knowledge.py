"""Recommended knowledge answers (智能热点预存): 32 answers, some poor until someone repairs them.

A poor answer is rarely adopted by customers; it is flagged for repair some weeks in (seed 001:
low clicks, outdated knowledge or low adoption put an answer on the repair list) and most flagged
answers are repaired later, after which their adoption recovers. The transcripts draw adoption
from these rates, so the hotspot repair and adoption KPIs move together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callscope.demo.config import CATEGORIES, DAY_S, DemoConfig
from callscope.demo.texts import HOTSPOT_TITLES

__all__ = ["Hotspots", "build_hotspots", "REPAIR_REASONS", "PER_CATEGORY"]

REPAIR_REASONS = ("客户采纳率低", "知识已更新", "点击量低")
GOOD_ADOPTION, POOR_ADOPTION = 0.55, 0.15
PER_CATEGORY = len(HOTSPOT_TITLES[0])


@dataclass(frozen=True)
class Hotspots:
    ids: tuple[str, ...]
    titles: tuple[str, ...]
    category: np.ndarray  # index into CATEGORIES
    flagged: np.ndarray  # seconds since the epoch, nan = never flagged
    repaired: np.ndarray  # seconds since the epoch, nan = not repaired
    reason: tuple[str | None, ...]

    @property
    def poor(self) -> np.ndarray:
        return ~np.isnan(self.flagged)

    def adoption(self, hotspot: np.ndarray, time: np.ndarray) -> np.ndarray:
        """Probability a customer adopts answer `hotspot` offered at `time`."""
        broken = self.poor[hotspot] & ~(time >= self.repaired[hotspot])
        return np.where(broken, POOR_ADOPTION, GOOD_ADOPTION)

    def for_category(self, rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
        """A recommended answer of each contact's problem type."""
        return category * PER_CATEGORY + rng.integers(0, PER_CATEGORY, category.size)

    def rows(self) -> dict[str, list]:
        return {
            "hotspot_id": list(self.ids),
            "title": list(self.titles),
            "category": [CATEGORIES[c] for c in self.category],
            "flagged_at": list(self.flagged),
            "repaired_at": list(self.repaired),
            "reason": list(self.reason),
        }


def build_hotspots(cfg: DemoConfig) -> Hotspots:
    rng = cfg.rng("hotspots")
    titles = tuple(t for group in HOTSPOT_TITLES for t in group)
    n = len(titles)
    category = np.repeat(np.arange(len(HOTSPOT_TITLES)), len(HOTSPOT_TITLES[0]))
    poor = np.zeros(n, bool)
    poor[rng.choice(n, size=10, replace=False)] = True
    # Flagged and repaired on working days' office hours (10:00–18:00).
    office = lambda day: np.floor(day) * DAY_S + rng.uniform(10 * 3600, 18 * 3600, n)  # noqa: E731
    flagged = np.where(poor, office(rng.uniform(0.1, 0.8, n) * cfg.days), np.nan)
    fixed = poor & (rng.random(n) < 0.7)
    repaired = np.where(fixed, office(flagged / DAY_S + rng.uniform(3, 40, n)), np.nan)
    repaired = np.where(repaired < cfg.days * DAY_S, np.rint(repaired), np.nan)
    reason = tuple(REPAIR_REASONS[i] if p else None for i, p in zip(rng.integers(0, len(REPAIR_REASONS), n), poor))
    ids = tuple(f"H{i + 1:03d}" for i in range(n))
    return Hotspots(ids, titles, category, np.rint(flagged), repaired, reason)
