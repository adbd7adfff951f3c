"""The centre's KPI targets, one row per KPI, slice and quarter (a few tighten in the second year).

Rates are fractions (0.80 = 80%), times seconds; KPI ids are those of the KPI catalogue and a
slice is `field=value` pairs joined by ';' (callscope.kpi.targets reads both).
"""

from __future__ import annotations

import datetime as dt

from callscope.demo.config import DemoConfig

__all__ = ["TARGETS", "target_rows"]

# (kpi, slice, operator, value, threshold_s, note, value from the second calendar year on)
TARGETS = (
    ("SL", "channel=voice", ">=", 0.80, 20.0, "20秒内接通80%", None),
    ("abandonment_rate", "channel=voice", "<=", 0.05, None, "放弃率不超过5%", None),
    ("ASA", "channel=voice", "<=", 30.0, None, "平均应答速度30秒以内", None),
    ("AHT", "channel=voice", "<=", 420.0, None, "平均处理时长7分钟以内", 390.0),
    ("FRT", "channel=chat;customer_tier=VIP", "<=", 480.0, None, "VIP在线首次响应8分钟以内", None),
    ("FRT", "channel=chat", "<=", 60.0, None, "在线首次响应60秒以内", None),
    ("CSAT", "", ">=", 4.2, None, "满意度不低于4.2分", None),
    ("NPS", "", ">=", 10.0, None, "净推荐值不低于10", 15.0),
    ("FCR", "", ">=", 0.75, None, "一次解决率不低于75%", None),
    ("bot_containment", "channel=chat", ">=", 0.35, None, "机器人拦截率不低于35%", 0.40),
    ("sensitive_word_rate", "", "<=", 0.005, None, "敏感词出现率不超过0.5%", None),
    ("opinion_timeliness", "", ">=", 0.90, None, "舆情预警及时率不低于90%", None),
    ("ticket_overdue_rate", "", "<=", 0.10, None, "超时工单不超过10%", None),
    ("occupancy", "", "<=", 0.85, None, "占用率不超过85%", None),
)


def target_rows(cfg: DemoConfig) -> dict[str, list]:
    rows: dict[str, list] = {k: [] for k in ("kpi", "slice", "operator", "value", "threshold_s", "period_start", "period_end", "note")}
    first_year = cfg.first_day.year
    for start, end in _quarters(cfg.first_day, cfg.last_day):
        for kpi, slice_, op, value, threshold, note, later in TARGETS:
            rows["kpi"].append(kpi)
            rows["slice"].append(slice_ or None)
            rows["operator"].append(op)
            rows["value"].append(later if later is not None and start.year > first_year else value)
            rows["threshold_s"].append(threshold)
            rows["period_start"].append(start)
            rows["period_end"].append(end)
            rows["note"].append(note)
    return rows


def _quarters(first: dt.date, last: dt.date):
    start = dt.date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
    while start <= last:
        month = start.month + 3
        following = dt.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        yield start, following - dt.timedelta(days=1)
        start = following
