"""Report options: the agent score's weights, the share of service stars, trend length, forecast."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from callscope.report.team import DEFAULT_WEIGHTS, check_weights

__all__ = ["ReportOptions"]


@dataclass(frozen=True)
class ReportOptions:
    score_weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    star_share: float = 0.05  # seed 000: 前5%员工 are the month's service stars
    min_handled: int = 20  # agents who handled fewer contacts are listed, not ranked
    trend_months: int = 13  # the month and the twelve before it (a year-earlier point)
    forecast: bool = True  # next month's expected volume (needs two weeks of history)
    forecast_weeks: int = 8  # weeks of daily history the forecast learns from
    top_agents: int = 20  # agents shown in the ranking (all agents go to XLSX)

    def __post_init__(self):
        check_weights(self.score_weights)
        if not 0 < self.star_share <= 1:
            raise ValueError(f"star_share {self.star_share} must be in (0, 1], e.g. 0.05 for the top 5%")
        if self.trend_months < 2:
            raise ValueError(f"trend_months {self.trend_months} must be at least 2")

    def with_weights(self, text: str | None) -> "ReportOptions":
        """Weights from 'QA=0.3,CSAT=0.3,AHT=0.2' (the CLI's --weights)."""
        if not text:
            return self
        weights = {}
        for part in text.split(","):
            if "=" not in part:
                raise ValueError(f"--weights {text!r}: write KPI=weight pairs separated by commas, e.g. QA=0.3,CSAT=0.3,AHT=0.2")
            name, value = part.split("=", 1)
            try:
                weights[name.strip()] = float(value)
            except ValueError:
                raise ValueError(f"--weights: {value.strip()!r} for {name.strip()} is not a number") from None
        return replace(self, score_weights=weights)
