"""The same KPIs from interval statistics (ACD interval reports, table `interval_stats`).

Many centres can only export per-interval totals. When a period has interval statistics but no
contact records, the KPIs below are computed from the totals instead (the engine switches; see
`engine.evaluate`); every other KPI says "not available" with the contact field it needs. A
measure the export lacks (e.g. handle_s) makes its KPI "not available" with that field.

Interval totals cannot tell short abandons apart, nor blocked contacts: abandoned is the ACD's
own count, and every SL denominator option falls back to what the totals hold (stated below).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import ibis

from callscope.kpi.model import KPI, Sum

__all__ = ["IntervalMeasure", "INTERVAL_MEASURES", "with_interval_measure", "on_interval_stats"]


@dataclass(frozen=True)
class IntervalMeasure:
    needs: tuple[str, ...]  # interval_stats fields
    measure: Sum
    en: str
    zh: str


def _total(column):
    return Sum("intervals", lambda t, o: t[column], ratio=False)


def _ratio(numerator, denominator, per: float = 1.0):
    """Σ numerator ÷ Σ (denominator ÷ per) over the intervals where both are known."""

    def known(t):
        return t[numerator].notnull() & t[denominator].notnull()

    return Sum(
        "intervals",
        lambda t, o: ibis.cases((known(t), t[numerator]), else_=ibis.null("float64")),
        lambda t, o: ibis.cases((known(t), t[denominator] / per), else_=ibis.null("float64")),
    )


def _sl_in_threshold(column):
    """Only intervals whose within-threshold count was taken at T = answer_time_s count."""

    def pick(t, o):
        return ibis.cases((t.threshold_s == o["answer_time_s"], t[column]), else_=ibis.null("float64"))

    return pick


def _sl_denominator(t, o):
    column = "answered" if o["sl_denominator"] == "answered" else "offered"
    return _sl_in_threshold(column)(t, o)


_F = "interval_stats."

INTERVAL_MEASURES: dict[str, IntervalMeasure] = {
    "offered": IntervalMeasure((_F + "offered",), _total("offered"), "Σ offered.", "Σ offered(进线量)。"),
    "handled": IntervalMeasure((_F + "answered",), _total("answered"), "Σ answered.", "Σ answered(应答量)。"),
    "abandoned": IntervalMeasure(
        (_F + "abandoned",), _total("abandoned"),
        "Σ abandoned as the ACD counted it (short abandons cannot be told apart).",
        "Σ abandoned,按ACD的统计口径(无法区分短时放弃)。",
    ),
    "SL": IntervalMeasure(
        (_F + "answered_within", _F + "threshold_s", _F + "offered"),
        Sum("intervals", _sl_in_threshold("answered_within"), _sl_denominator),
        "Σ answered_within ÷ Σ offered (Σ answered when sl_denominator = answered), over the intervals whose threshold_s equals answer_time_s; "
        "the totals cannot remove short abandons, so offered_minus_short falls back to offered.",
        "Σ answered_within ÷ Σ offered(sl_denominator = answered 时为 Σ answered),只计 threshold_s 等于 answer_time_s 的时段;"
        "汇总数据无法剔除短时放弃,offered_minus_short 按 offered 计算。",
    ),
    "ASA": IntervalMeasure(
        (_F + "answer_wait_s", _F + "answered"), _ratio("answer_wait_s", "answered"),
        "Σ answer_wait_s ÷ Σ answered.", "Σ answer_wait_s ÷ Σ answered。",
    ),
    "abandonment_rate": IntervalMeasure(
        (_F + "abandoned", _F + "offered"), _ratio("abandoned", "offered"),
        "Σ abandoned ÷ Σ offered (short abandons included: the totals cannot tell them apart).",
        "Σ abandoned ÷ Σ offered(含短时放弃:汇总数据无法区分)。",
    ),
    "answer_rate": IntervalMeasure(
        (_F + "answered", _F + "offered"), _ratio("answered", "offered"),
        "Σ answered ÷ Σ offered (blocked contacts are not in interval reports).",
        "Σ answered ÷ Σ offered(区间报表不含被拒接入)。",
    ),
    "AHT": IntervalMeasure(
        (_F + "handle_s", _F + "handled"), _ratio("handle_s", "handled"),
        "Σ handle_s ÷ Σ handled.", "Σ handle_s ÷ Σ handled。",
    ),
    "ATT": IntervalMeasure(
        (_F + "talk_s", _F + "handled"), _ratio("talk_s", "handled"),
        "Σ talk_s ÷ Σ handled.", "Σ talk_s ÷ Σ handled。",
    ),
    "utilisation": IntervalMeasure(
        (_F + "handle_s", _F + "staffed_s"), _ratio("handle_s", "staffed_s"),
        "Σ handle_s ÷ Σ staffed_s (staffed = logged-in agent time).", "Σ handle_s ÷ Σ staffed_s(在岗 = 坐席签入时长)。",
    ),
    "contacts_per_agent_hour": IntervalMeasure(
        (_F + "answered", _F + "staffed_s"), _ratio("answered", "staffed_s", per=3600.0),
        "Σ answered ÷ (Σ staffed_s ÷ 3600).", "Σ answered ÷(Σ staffed_s ÷ 3600)。",
    ),
}


def with_interval_measure(k: KPI) -> KPI:
    """`k` carrying its interval-statistics variant, if it has one (its definition says how)."""
    measure = INTERVAL_MEASURES.get(k.id)
    return replace(k, intervals=measure) if measure else k


def on_interval_stats(k: KPI) -> KPI:
    """The KPI as computed from interval statistics; a KPI without a variant is left as it is
    (its own fields are then missing from the period, so it reports "not available")."""
    m = k.intervals
    if m is None:
        return k
    return replace(k, base="interval_stats", needs=m.needs, measure=m.measure, prepare=())
