"""Smart multimedia KPIs: the ten indicators of seed 001, formulas as written there.

Seed 001 (刘素红, 呼叫中心智慧运营的十大关键指标, 51Callcenter 2016) defines each as
统计口径 = numerator ÷ denominator; where the seed's wording leaves a choice, the definition says
which reading callscope takes and an option offers the other. Counts per conversation come from
the `messages` table (see kpi/prepare.py, `message_summary`).
"""

from __future__ import annotations

import ibis

from callscope.kpi.catalogue.common import bot_session, flag
from callscope.kpi.model import KPI, Custom, Sum

__all__ = ["MULTIMEDIA"]

_HUMAN_EN = "human sessions (人工会话数) = conversations on online channels (option online_channels) answered by an agent"
_HUMAN_ZH = "人工会话数 = 在线渠道(选项 online_channels)中由坐席应答的会话数"


def _per_session(column):
    return Sum("human_sessions", lambda t, o: t[column].fill_null(0))


def _script_denominator(t, o):
    return t._m_agent_msgs.fill_null(0) if o["script_denominator"] == "agent_messages" else ibis.literal(True)


def _concurrency(ctx):
    from callscope.kpi.agent_time import max_concurrency

    return max_concurrency(ctx, channels=ctx.opts["online_channels"])


MULTIMEDIA = (
    KPI(
        "script_usage_rate", "multimedia", "interactions", "Stored-script usage rate", "智能预存应用率", "ratio", "higher",
        "Seed 001 (1): 智能预存脚本使用次数 ÷ 服务总次数 × 100%. Uses = agent messages sent from a stored reply script (script_id); "
        "服务总次数 is read as agent replies (option script_denominator = agent_messages) or as " + _HUMAN_EN + " (human_sessions).",
        "种子文档001(1):智能预存脚本使用次数 ÷ 服务总次数 × 100%。使用次数 = 使用预存话术(script_id)发送的坐席消息数;"
        "服务总次数 取坐席回复条数(选项 script_denominator = agent_messages)或" + _HUMAN_ZH + "(human_sessions)。",
        ("messages.script_id", "messages.sender"),
        Sum("human_sessions", lambda t, o: t._m_scripts.fill_null(0), _script_denominator),
        options=("script_denominator", "online_channels"), prepare=("messages",), seed="seed 001 (1)",
    ),
    KPI(
        "bot_containment", "multimedia", "interactions", "Bot containment rate", "机器人智能拦截率", "ratio", "higher",
        "Seed 001 (2): 机器人会话数 ÷ (机器人会话数 + 人工会话数) × 100%. Bot sessions = online conversations a bot served without "
        "handing the customer to a human (outcome bot_resolved, or bot_handled and not handed_to_human); " + _HUMAN_EN + ".",
        "种子文档001(2):机器人会话数 ÷(机器人会话数 + 人工会话数)× 100%。机器人会话 = 机器人服务且未转人工的在线会话(结果 bot_resolved,或 bot_handled 且未 handed_to_human);" + _HUMAN_ZH + "。",
        ("interactions.outcome",),
        Sum("online_sessions", lambda t, o: flag(bot_session(t, o))),
        options=("online_channels",), seed="seed 001 (2)",
    ),
    KPI(
        "hotspot_repair_rate", "multimedia", "knowledge_hotspots", "Knowledge hotspot repair rate", "智能热点修复率", "ratio", "higher",
        "Seed 001 (3): 已修复的热点预存 ÷ 需修复的热点预存 × 100%. Hotspots flagged for repair in the period; repaired = a repair time before the period ends.",
        "种子文档001(3):已修复的热点预存 ÷ 需修复的热点预存 × 100%。统计期内列入修复的热点;已修复 = 在期末之前有修复时间。",
        ("knowledge_hotspots.flagged_at", "knowledge_hotspots.repaired_at"),
        Sum("flagged_hotspots", lambda t, o: flag(t.repaired_at.notnull() & (t.repaired_at < ibis.literal(o["_period_end"])))),
        seed="seed 001 (3)",
    ),
    KPI(
        "hotspot_adoption_rate", "multimedia", "interactions", "Recommended-answer adoption rate", "智能热点预存客户采纳率", "ratio", "higher",
        "Seed 001 (4): 评价为采纳的个数 ÷ 人工会话数 × 100%. Adoptions = recommended knowledge answers (hotspot_id) the customer marked adopted; " + _HUMAN_EN + ".",
        "种子文档001(4):评价为采纳的个数 ÷ 人工会话数 × 100%。采纳数 = 客户标记为采纳的推荐热点答案(hotspot_id);" + _HUMAN_ZH + "。",
        ("messages.adopted",),
        _per_session("_m_adopted"),
        options=("online_channels",), prepare=("messages",), seed="seed 001 (4)",
    ),
    KPI(
        "opinion_timeliness", "multimedia", "events", "Public-opinion alert timeliness", "舆情监测及时率", "ratio", "higher",
        "Seed 001 (5): 符合舆情特征的事件在时限内预警量 ÷ 符合舆情特征的事件总量. Public-opinion events (kind public_opinion) with a deadline, "
        "by detection time; timely = alerted_at ≤ deadline (never alerted counts as late).",
        "种子文档001(5):符合舆情特征的事件在时限内预警量 ÷ 符合舆情特征的事件总量。按发现时间统计有预警时限的舆情事件(kind = public_opinion);及时 = 预警时间 ≤ 时限(未预警计为不及时)。",
        ("events.deadline", "events.alerted_at"),
        Sum("opinion_events", lambda t, o: flag(t.alerted_at.notnull() & (t.alerted_at <= t.deadline))),
        seed="seed 001 (5)",
    ),
    KPI(
        "sensitive_word_rate", "multimedia", "interactions", "Sensitive-word rate", "敏感词出现率", "ratio", "lower",
        "Seed 001 (6): 敏感词出现次数 ÷ 人工会话数 × 100%. Occurrences of lexicon words (zh and en; configurable) in agent messages, "
        "found with one compiled alternation pattern (a multi-pattern automaton) in the engine; " + _HUMAN_EN + ". Can exceed 100%.",
        "种子文档001(6):敏感词出现次数 ÷ 人工会话数 × 100%。坐席消息中敏感词库(中英文,可配置)词语的出现次数,在引擎内用一个编译后的多模式正则(多模式自动机)匹配;" + _HUMAN_ZH + "。可超过100%。",
        ("messages.text", "messages.sender"),
        _per_session("_m_sensitive"),
        options=("online_channels",), prepare=("messages",), seed="seed 001 (6)",
    ),
    KPI(
        "agent_close_rate", "multimedia", "interactions", "Agent-initiated close rate", "客服主动对话关闭率", "ratio", "lower",
        "Seed 001 (7): 客服主动关闭对话的会话量 ÷ 人工会话数 × 100%: the last message came from the customer and the agent closed the conversation "
        "(agent_closed); " + _HUMAN_EN + ".",
        "种子文档001(7):“客服主动关闭对话”的会话量 ÷ 人工会话数 × 100%:最后一条消息由客户发出、由坐席结束会话(agent_closed);" + _HUMAN_ZH + "。",
        ("interactions.agent_closed",),
        Sum("human_sessions", lambda t, o: flag(t.agent_closed), lambda t, o: flag(t.agent_closed.notnull())),
        options=("online_channels",), seed="seed 001 (7)",
    ),
    KPI(
        "reply_interval_seed", "multimedia", "interactions", "Average reply interval (seed formula)", "平均回复间隔时长(种子口径)", "seconds", "lower",
        "Seed 001 (8) as written: 人工服务时长 ÷ 人工会话数 — total human conversation time (talk_s) ÷ human sessions. This is the mean conversation "
        "length, not a gap between messages; see reply_interval for the true mean reply gap.",
        "种子文档001(8)原口径:人工服务时长 ÷ 人工会话数 —— 人工会话总时长(talk_s)÷ 人工会话数。这实际是平均会话时长,并非消息间隔;真实平均回复间隔见 reply_interval。",
        ("interactions.talk_s",),
        Sum("human_sessions", lambda t, o: t.talk_s.fill_null(0), lambda t, o: flag(t.talk_s.notnull())),
        options=("online_channels",), seed="seed 001 (8)",
    ),
    KPI(
        "reply_interval", "multimedia", "interactions", "Average reply interval", "平均回复间隔时长", "seconds", "lower",
        "The true mean gap between a customer's message and the agent's next reply (seed 001 (8), 判断特征: 客户发问(1次或多次)后服务人员回复的效率): "
        "for each agent reply that follows customer messages, the time since the first of those unanswered customer messages; bot and system messages are ignored. "
        "Σ gaps ÷ number of replies, in human sessions.",
        "客户消息到坐席下一次回复的真实平均间隔(种子文档001(8)判断特征:客户发问(1次或多次)后服务人员回复的效率):每条紧随客户消息的坐席回复,计其距这些未回复客户消息中第一条的时长;忽略机器人与系统消息。人工会话中 Σ 间隔 ÷ 回复次数。",
        ("messages.ts", "messages.sender"),
        Sum("human_sessions", lambda t, o: t._m_gap_sum.fill_null(0), lambda t, o: t._m_gap_n.fill_null(0)),
        options=("online_channels",), prepare=("messages",), seed="seed 001 (8)",
    ),
    KPI(
        "concurrent_chats", "multimedia", "interactions", "Concurrent conversations per agent", "人均同时对话数", "number", "neutral",
        "Seed 001 (9): 统计周期内服务人员同时接触的最大用户数, averaged over agents (人均): for each agent, the most online conversations "
        "(answered_at to ended_at) open at once in the period, found by a sweep over conversation starts and ends; Σ maxima ÷ agents. "
        "Seed guidance: new agents about 3, experienced 6–8.",
        "种子文档001(9):统计周期内服务人员同时接触的最大用户数,按坐席平均(人均):对每位坐席,按会话开始与结束做扫描,求统计期内同时进行的在线会话(应答至结束)的最大数;Σ 最大值 ÷ 坐席数。种子建议:新员工约3个,老员工6–8个。",
        ("interactions.agent_id", "interactions.answered_at", "interactions.ended_at"),
        Custom(_concurrency, dims=("agent", "team", "site", "tenure_band")),
        options=("online_channels",), seed="seed 001 (9)",
    ),
    KPI(
        "messages_per_session", "multimedia", "interactions", "Messages per conversation", "服务对话互动次数", "number", "neutral",
        "Seed 001 (10): 对话互动个数 ÷ 人工会话数 — customer and agent messages (bot and system messages excluded) ÷ human sessions. "
        "The seed's '× 100%' is dropped: the result is a count per conversation.",
        "种子文档001(10):对话互动个数 ÷ 人工会话数 —— 客户与坐席消息数(不含机器人与系统消息)÷ 人工会话数。种子中的“×100%”不适用:结果是每个会话的条数。",
        ("messages.sender",),
        Sum("human_sessions", lambda t, o: t._m_customer_msgs.fill_null(0) + t._m_agent_msgs.fill_null(0)),
        options=("online_channels",), prepare=("messages",), seed="seed 001 (10)",
    ),
)
