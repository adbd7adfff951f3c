"""Options, populations and row helpers shared by the KPI families."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from callscope.kpi.model import Option, Opts

__all__ = ["OPTIONS", "POPULATIONS", "OFFERED", "seconds_between", "flag", "option_text"]

# Outcomes of contacts that reached an agent queue (offered to agents).
OFFERED = ("answered", "abandoned", "overflow", "callback")

OPTIONS: dict[str, Option] = {
    o.name: o
    for o in (
        Option("answer_time_s", 20, "Service-level threshold T: answered within T seconds", "服务水平应答时限 T(秒)"),
        Option("short_abandon_s", 5, "Abandons within this many seconds are short abandons, counted apart", "短时放弃阈值(秒),单独计数"),
        Option(
            "sl_denominator",
            "offered_minus_short",
            "Service-level denominator: offered_minus_short = answered + abandoned after the short threshold; offered = all offered; answered = answered only",
            "服务水平分母:offered_minus_short = 应答 + 超过短时阈值的放弃;offered = 全部进线;answered = 仅应答",
            ("offered_minus_short", "offered", "answered"),
        ),
        Option("queue_channels", ("voice", "video", "chat"), "Channels with a live queue (for offered, SL, ASA, abandonment)", "有实时排队的渠道(用于进线量、服务水平、平均应答速度、放弃率)"),
        Option("online_channels", ("chat", "social", "app", "sms"), "Online (conversation) channels for the smart-multimedia KPIs", "在线会话渠道(用于智能多媒体指标)"),
        Option("response_channels", ("chat", "email", "social", "app", "sms"), "Text channels whose first response time is measured", "计算首次响应时间的文字渠道"),
        Option("fcr_method", "flag", "First-contact resolution: flag = the resolved flag; repeat = no repeat contact by the same customer within fcr_repeat_days", "一次解决率:flag = 按解决标记;repeat = 同一客户在 fcr_repeat_days 天内没有再次来电", ("flag", "repeat")),
        Option("fcr_repeat_days", 7, "Days within which a repeat contact means the first was not resolved", "判定重复来电的天数"),
        Option("coverage_sl", 0.8, "Service-level goal (in answer_time_s) used to size the required agents for schedule coverage", "排班覆盖率计算所需坐席时采用的服务水平目标(应答时限取 answer_time_s)"),
        Option("csat_top_box", 4, "CSAT scores at or above this (on 1–5) count as satisfied (top-2-box)", "满意度≥该分(1–5分制)计为满意(Top-2-box)"),
        Option("response_target_s", 600, "Response timeliness target in seconds (a target's threshold_s per slice overrides it)", "响应及时的目标时限(秒);目标文件中按切片的 threshold_s 优先"),
        Option(
            "script_denominator",
            "agent_messages",
            "智能预存应用率 denominator ('服务总次数'): agent_messages = agent replies; human_sessions = human conversations",
            "智能预存应用率分母(服务总次数):agent_messages = 坐席回复条数;human_sessions = 人工会话数",
            ("agent_messages", "human_sessions"),
        ),
    )
}


def option_text(name: str, lang: str) -> str:
    option = OPTIONS[name]
    return option.zh if lang == "zh" else option.en


def seconds_between(start: ir.TimestampValue, end: ir.TimestampValue) -> ir.NumericValue:
    return end.epoch_seconds().cast("float64") - start.epoch_seconds().cast("float64")


def flag(condition: ir.BooleanValue) -> ir.BooleanValue:
    """A row condition to count. A Sum's numerator or denominator that is a condition is counted
    with COUNT(*) FILTER (WHERE …), where NULL counts as false — so a condition that is negated
    must fill its NULLs first (see short_abandon)."""
    return condition


def _in(column: ir.Value, values) -> ir.BooleanValue:
    return column.isin(list(values))


def _queue(t: ir.Table, o: Opts) -> ir.BooleanValue:
    return _in(t.channel, o["queue_channels"])


def _online(t: ir.Table, o: Opts) -> ir.BooleanValue:
    return _in(t.channel, o["online_channels"])


def human_session(t: ir.Table, o: Opts) -> ir.BooleanValue:
    return _online(t, o) & (t.outcome == "answered")


def bot_session(t: ir.Table, o: Opts) -> ir.BooleanValue:
    contained = (t.outcome == "bot_resolved") | (t.bot_handled.fill_null(False) & ~t.handed_to_human.fill_null(False) & (t.outcome != "answered"))
    return _online(t, o) & contained


def short_abandon(t: ir.Table, o: Opts) -> ir.BooleanValue:
    return (t.outcome == "abandoned") & (t.wait_s < o["short_abandon_s"]).fill_null(False)


POPULATIONS = {
    # interactions
    "contacts": lambda t, o: ibis.literal(True),
    "queue_offered": lambda t, o: _queue(t, o) & _in(t.outcome, OFFERED),
    "queue_arrivals": lambda t, o: _queue(t, o) & _in(t.outcome, (*OFFERED, "blocked")),
    "handled": lambda t, o: t.outcome == "answered",
    "human_sessions": human_session,
    "online_sessions": lambda t, o: human_session(t, o) | bot_session(t, o),
    "response_contacts": lambda t, o: _in(t.channel, o["response_channels"]) & _in(t.outcome, ("answered", "overflow", "callback")),
    # tickets
    "tickets": lambda t, o: ibis.literal(True),
    # events
    "opinion_events": lambda t, o: (t.kind == "public_opinion") & t.deadline.notnull(),
    # knowledge hotspots
    "flagged_hotspots": lambda t, o: t.flagged_at.notnull(),
    # interval statistics: rows of queue channels (a report without a channel is a voice ACD's)
    "intervals": lambda t, o: t.channel.isnull() | _in(t.channel, o["queue_channels"]),
}
