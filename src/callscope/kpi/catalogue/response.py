"""Response-speed KPIs (seed 003): first response time, response timeliness, resolution time —
for contacts on text channels and for tickets."""

from __future__ import annotations

import ibis

from callscope.kpi.catalogue.common import flag, seconds_between
from callscope.kpi.model import KNOWN, KPI, Sum

__all__ = ["RESPONSE"]


def _mean_gap(population, start, end):
    """Mean seconds from `start` to `end` over the rows where both are known."""
    return Sum(population, lambda t, o: seconds_between(t[start], t[end]), KNOWN)


def _within(population, start, end):
    def numerator(t, o):
        return flag(t[end].notnull() & (seconds_between(t[start], t[end]) <= o["response_target_s"]))

    return Sum(population, numerator)


RESPONSE = (
    KPI(
        "FRT", "response", "interactions", "First response time", "首次响应时间", "seconds", "lower",
        "Seed 003: FRT = Σ first response times ÷ contacts responded to; first response time = answered_at (first agent reply) − arrived_at, "
        "for text-channel contacts (option response_channels) offered to agents that the customer did not abandon.",
        "种子文档003:首次响应时间 = 所有首次响应时长之和 ÷ 已响应的接触数;首次响应时长 = 首次人工回复时间 − 接入时间,适用于文字渠道(选项 response_channels)中进入人工且客户未放弃的接触。",
        ("interactions.arrived_at", "interactions.answered_at"),
        _mean_gap("response_contacts", "arrived_at", "answered_at"),
        options=("response_channels",), seed="seed 003 step 4",
    ),
    KPI(
        "response_timeliness", "response", "interactions", "Response timeliness", "响应及时率", "ratio", "higher",
        "Seed 003: contacts first answered within the target (response_target_s, or a target's threshold_s for the slice, e.g. VIP 8 min) ÷ all "
        "text-channel contacts offered to agents that the customer did not abandon; contacts never answered count as late.",
        "种子文档003:响应及时率 = 在目标时限内(response_target_s,或目标中该切片的 threshold_s,如 VIP 8 分钟)首次响应的接触 ÷ 文字渠道中进入人工且客户未放弃的全部接触;从未响应的计为不及时。",
        ("interactions.arrived_at", "interactions.answered_at"),
        _within("response_contacts", "arrived_at", "answered_at"),
        options=("response_target_s", "response_channels"), seed="seed 003 step 4",
    ),
    KPI(
        "resolution_time", "response", "interactions", "Average resolution time", "平均解决时长", "seconds", "lower",
        "Seed 003: Σ (resolved_at − arrived_at) ÷ resolved contacts, any channel.",
        "种子文档003:Σ(解决时间 − 接入时间)÷ 已解决的接触数,所有渠道。",
        ("interactions.resolved_at",),
        _mean_gap("contacts", "arrived_at", "resolved_at"),
        seed="seed 003 step 4",
    ),
    KPI(
        "ticket_FRT", "response", "tickets", "Ticket first response time", "工单首次响应时间", "seconds", "lower",
        "Seed 003: Σ (first_response_at − created_at) ÷ tickets with a first response. Tickets the customer abandoned are excluded (exclusion rule).",
        "种子文档003:Σ(首次响应时间 − 创建时间)÷ 已首次响应的工单数。客户主动放弃的工单按排除规则不计。",
        ("tickets.created_at", "tickets.first_response_at"),
        _mean_gap("tickets", "created_at", "first_response_at"),
        seed="seed 003 Table 1",
    ),
    KPI(
        "ticket_timeliness", "response", "tickets", "Ticket response timeliness", "工单响应及时率", "ratio", "higher",
        "Seed 003: tickets first responded to within the target (response_target_s or the slice's threshold_s) ÷ all tickets; unanswered tickets count as late.",
        "种子文档003:在目标时限内首次响应的工单 ÷ 全部工单;未响应的计为不及时。",
        ("tickets.created_at", "tickets.first_response_at"),
        _within("tickets", "created_at", "first_response_at"),
        options=("response_target_s",), seed="seed 003 Table 1",
    ),
    KPI(
        "ticket_resolution_time", "response", "tickets", "Ticket resolution time", "工单平均解决时长", "seconds", "lower",
        "Seed 003: Σ (resolved_at − created_at) ÷ resolved tickets.",
        "种子文档003:Σ(解决时间 − 创建时间)÷ 已解决的工单数。",
        ("tickets.created_at", "tickets.resolved_at"),
        _mean_gap("tickets", "created_at", "resolved_at"),
        seed="seed 003 Table 1",
    ),
    KPI(
        "ticket_overdue_rate", "response", "tickets", "Overdue tickets", "工单超时率", "ratio", "lower",
        "Tickets with a due time that were resolved after it, or are unresolved and past it at the end of the period ÷ tickets with a due time.",
        "有解决时限且超时解决、或在期末仍未解决且已超时的工单 ÷ 有解决时限的工单。",
        ("tickets.due_at",),
        Sum(
            "tickets",
            lambda t, o: flag(t.due_at.notnull() & (ibis.coalesce(t.resolved_at, ibis.literal(o["_period_end"])) > t.due_at)),
            lambda t, o: flag(t.due_at.notnull()),
        ),
    ),
)
