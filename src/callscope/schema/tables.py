"""The canonical tables every importer writes and everything downstream reads.

A table is data (`TableSpec`), not code: the store creates it, the importer validates against it,
and `callscope schema` prints it. Time stamps are naive and in the store's reporting time zone
(`meta.timezone`); durations are seconds (float).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Field",
    "OrderRule",
    "TableSpec",
    "TABLES",
    "LINEAGE",
    "CHANNELS",
    "OUTCOMES",
    "SENDERS",
    "AGENT_STATES",
    "INTERVAL_MEASURES",
]

CHANNELS = ("voice", "chat", "email", "social", "app", "video", "sms")
DIRECTIONS = ("inbound", "outbound", "internal")
OUTCOMES = (
    "answered",  # reached an agent (first agent response for text channels)
    "abandoned",  # customer left while waiting for an agent
    "blocked",  # refused by the system: busy signal, queue full, no agents logged in
    "overflow",  # removed from the queue by a time-out and routed elsewhere
    "callback",  # left the queue for a call-back or voicemail
    "self_service",  # completed in the IVR or self-service
    "bot_resolved",  # completed by a bot without a human
    "ivr_ended",  # ended in the IVR before asking for an agent (not offered, not abandoned)
    "no_answer",  # outbound attempt that nobody answered
)
SENDERS = ("customer", "agent", "bot", "system")
AGENT_STATES = (
    "available",
    "on_contact",
    "acw",
    "break",
    "lunch",
    "training",
    "meeting",
    "coaching",
    "outbound",
    "offline",
    "other",
)
ACTIVITIES = ("work", "break", "lunch", "training", "meeting", "coaching", "leave", "off")
TICKET_STATUSES = ("open", "pending", "resolved", "closed", "cancelled")
EVENT_KINDS = ("public_opinion", "outage", "campaign", "holiday", "system_change", "other")


@dataclass(frozen=True)
class Field:
    """One column of a canonical table.

    dtype is one of: string, int64, float64, boolean, timestamp, date.
    """

    name: str
    dtype: str
    en: str
    zh: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    since_version: int = 1  # schema version that added the column (drives migrations)

    def describe(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en


@dataclass(frozen=True)
class OrderRule:
    """`earlier` must not be after `later`; a violation quarantines the row with `code`."""

    earlier: str
    later: str
    code: str


@dataclass(frozen=True)
class TableSpec:
    name: str
    en: str
    zh: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    order_rules: tuple[OrderRule, ...] = ()
    since_version: int = 1
    _by_name: dict = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})
        missing = [k for k in self.key if k not in self._by_name]
        assert not missing, f"{self.name}: key fields {missing} are not columns"

    def __getitem__(self, name: str) -> Field:
        return self._by_name[name]

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


def _f(name, dtype, en, zh, **kw) -> Field:
    return Field(name, dtype, en, zh, **kw)


def _s(name, en, zh, **kw) -> Field:
    return Field(name, "string", en, zh, **kw)


def _ts(name, en, zh, **kw) -> Field:
    return Field(name, "timestamp", en, zh, **kw)


def _dur(name, en, zh) -> Field:
    return Field(name, "float64", en + " (seconds)", zh + "(秒)", min=0)


def _flag(name, en, zh) -> Field:
    return Field(name, "boolean", en, zh)


SOURCE = _s("source", "Source system the record came from", "记录来源系统", required=True)

INTERACTIONS = TableSpec(
    "interactions",
    "One row per customer contact on any channel",
    "每次客户接触一行(所有渠道)",
    (
        _s("interaction_id", "Contact id, unique within its source", "接触编号(来源内唯一)", required=True),
        SOURCE,
        _s("channel", "Channel", "渠道", required=True, enum=CHANNELS),
        _s("direction", "Direction", "方向", enum=DIRECTIONS),
        _s("queue", "Queue or skill group", "队列/技能组"),
        _s("category", "Problem type", "问题类型"),
        _s("complexity", "Complexity (simple/complex)", "复杂度(简单/复杂)"),
        _s("customer_id", "Customer id", "客户编号"),
        _s("customer_tier", "Customer tier (VIP, normal, …)", "客户等级(VIP/普通…)"),
        _s("agent_id", "Agent who handled the contact", "处理坐席"),
        _s("team", "Agent's team", "坐席班组"),
        _ts("arrived_at", "Arrival (entered the system)", "接入时间", required=True),
        _ts("queued_at", "Entered the agent queue", "进入排队时间"),
        _ts("answered_at", "Answered (first agent response for text channels)", "应答时间(文字渠道为首次人工回复)"),
        _ts("ended_at", "Conversation ended", "结束时间"),
        _ts("wrapup_end_at", "After-contact work ended", "话后处理结束时间"),
        _ts("resolved_at", "Issue resolved", "问题解决时间"),
        _ts("abandoned_at", "Customer abandoned", "客户放弃时间"),
        _dur("ivr_s", "Time in IVR/self-service", "IVR/自助时长"),
        _dur("wait_s", "Wait in queue until answer or abandon", "排队等待时长"),
        _dur("talk_s", "Talk or conversation time", "通话/对话时长"),
        _dur("hold_s", "Hold time", "保持时长"),
        _dur("acw_s", "After-contact work", "话后处理时长"),
        _s("outcome", "Outcome", "结果", required=True, enum=OUTCOMES),
        _f("transfer_count", "int64", "Number of transfers", "转接次数", min=0),
        _flag("resolved", "Resolved on this contact (first-contact resolution flag)", "本次解决(一次解决标记)"),
        _flag("is_test", "Test contact", "测试接触"),
        _flag("bot_handled", "A bot served the customer", "机器人参与服务"),
        _flag("handed_to_human", "Bot handed the customer to a human", "机器人转人工"),
        _flag("agent_closed", "Agent closed the conversation after the customer's last message", "坐席主动关闭对话"),
        _flag("complaint", "Complaint", "投诉"),
        _flag("converted", "Sale or conversion", "营销转化"),
        _f("csat", "float64", "Customer satisfaction, 1–5", "客户满意度(1–5分)", min=1, max=5),
        _f("nps", "int64", "Likelihood to recommend, 0–10", "推荐意愿(0–10分)", min=0, max=10),
        _f("qa_score", "float64", "Quality-assurance score, 0–100", "质检得分(0–100)", min=0, max=100),
        _s("comment", "Customer's own words (survey or complaint text)", "客户原话(调查或投诉文本)"),
        Field(
            "is_phantom", "boolean", "Phantom record: a virtual call the source says to ignore (kept, left out by the 'phantom' exclusion rule)",
            "虚拟记录:来源系统注明应忽略的虚拟呼叫(保留,由排除规则 phantom 剔除)", since_version=2,
        ),
        Field(
            "quality_notes", "string", "Data-quality notes: codes of caveats the importer recorded, comma-separated (see docs/formats)",
            "数据质量备注:导入时记录的问题代码,逗号分隔(见 docs/formats)", since_version=2,
        ),
    ),
    key=("source", "interaction_id"),
    order_rules=(
        OrderRule("arrived_at", "queued_at", "QUEUED_BEFORE_ARRIVAL"),
        OrderRule("arrived_at", "answered_at", "ANSWERED_BEFORE_ARRIVAL"),
        OrderRule("queued_at", "answered_at", "ANSWERED_BEFORE_QUEUED"),
        OrderRule("arrived_at", "abandoned_at", "ABANDONED_BEFORE_ARRIVAL"),
        OrderRule("answered_at", "ended_at", "ENDED_BEFORE_ANSWERED"),
        OrderRule("arrived_at", "ended_at", "ENDED_BEFORE_ARRIVAL"),
        OrderRule("ended_at", "wrapup_end_at", "WRAPUP_BEFORE_END"),
        OrderRule("arrived_at", "resolved_at", "RESOLVED_BEFORE_ARRIVAL"),
    ),
)

MESSAGES = TableSpec(
    "messages",
    "Turns of a text conversation",
    "文字会话的每条消息",
    (
        _s("interaction_id", "Conversation (interaction) id", "会话编号", required=True),
        SOURCE,
        _f("seq", "int64", "Position in the conversation, from 1", "会话内序号(从1开始)", required=True, min=1),
        _ts("ts", "Sent at", "发送时间", required=True),
        _s("sender", "Sender", "发送方", required=True, enum=SENDERS),
        _s("agent_id", "Agent who sent it", "发送坐席"),
        _s("text", "Message text", "消息内容"),
        _s("script_id", "Stored reply script used", "使用的智能预存话术"),
        _s("hotspot_id", "Recommended knowledge answer offered", "推荐的热点预存答案"),
        _flag("adopted", "Customer adopted the recommended answer", "客户采纳推荐答案"),
    ),
    key=("source", "interaction_id", "seq"),
)

AGENT_STATES_TABLE = TableSpec(
    "agent_states",
    "Agent state log: what each agent was doing when",
    "坐席状态日志",
    (
        _s("agent_id", "Agent", "坐席", required=True),
        SOURCE,
        _s("state", "State", "状态", required=True, enum=AGENT_STATES),
        _ts("start", "State began", "开始时间", required=True),
        _ts("end", "State ended", "结束时间", required=True),
        _s("reason", "Reason code (e.g. pause reason)", "原因码(如小休原因)"),
        _s("queue", "Queue the state applies to", "相关队列"),
    ),
    key=("source", "agent_id", "start", "state"),
    order_rules=(OrderRule("start", "end", "ENDED_BEFORE_START"),),
)

AGENTS = TableSpec(
    "agents",
    "Agents (staff roster)",
    "坐席名册",
    (
        _s("agent_id", "Agent id", "坐席编号", required=True),
        _s("name", "Name", "姓名"),
        _s("team", "Team", "班组"),
        _s("site", "Site", "站点"),
        _f("hire_date", "date", "Hire date (drives the tenure band)", "入职日期(决定工龄段)"),
        _f("leave_date", "date", "Leaving date", "离职日期"),
        _s("skills", "Skills, comma-separated", "技能(逗号分隔)"),
        _f("hourly_cost", "float64", "Loaded cost per paid hour", "每小时人力成本", min=0),
    ),
    key=("agent_id",),
)

SCHEDULES = TableSpec(
    "schedules",
    "Planned activities per agent (drives adherence and coverage)",
    "坐席排班计划(用于遵从度和覆盖率)",
    (
        _s("agent_id", "Agent", "坐席", required=True),
        _s("activity", "Planned activity", "计划活动", required=True, enum=ACTIVITIES),
        _ts("start", "Planned start", "计划开始", required=True),
        _ts("end", "Planned end", "计划结束", required=True),
        _s("queue", "Queue or skill planned for", "计划服务的队列/技能"),
    ),
    key=("agent_id", "start", "activity"),
    order_rules=(OrderRule("start", "end", "ENDED_BEFORE_START"),),
)

TICKETS = TableSpec(
    "tickets",
    "Work orders (tickets) with response and resolution times",
    "工单",
    (
        _s("ticket_id", "Ticket id", "工单编号", required=True),
        SOURCE,
        _s("interaction_id", "Contact that opened it", "关联接触"),
        _s("channel", "Channel", "渠道", enum=CHANNELS),
        _s("queue", "Queue", "队列"),
        _s("category", "Problem type", "问题类型"),
        _s("complexity", "Complexity", "复杂度"),
        _s("customer_id", "Customer id", "客户编号"),
        _s("customer_tier", "Customer tier", "客户等级"),
        _s("agent_id", "Owner", "处理人"),
        _s("team", "Team", "班组"),
        _s("priority", "Priority", "优先级"),
        _s("status", "Status", "状态", enum=TICKET_STATUSES),
        _ts("created_at", "Created", "创建时间", required=True),
        _ts("first_response_at", "First response", "首次响应时间"),
        _ts("resolved_at", "Resolved", "解决时间"),
        _ts("due_at", "Resolution due", "解决时限"),
        _flag("abandoned_by_customer", "Customer abandoned the ticket", "客户主动放弃"),
        _flag("is_test", "Test ticket", "测试工单"),
        _flag("complaint", "Complaint", "投诉"),
        _f("csat", "float64", "Customer satisfaction, 1–5", "客户满意度(1–5分)", min=1, max=5),
        _s("subject", "Subject", "标题"),
        _s("description", "Description (customer's words)", "描述(客户原话)"),
    ),
    key=("source", "ticket_id"),
    order_rules=(
        OrderRule("created_at", "first_response_at", "RESPONDED_BEFORE_CREATED"),
        OrderRule("created_at", "resolved_at", "RESOLVED_BEFORE_CREATED"),
    ),
)

EVENTS = TableSpec(
    "events",
    "Incidents, campaigns and holidays: deadlines and forecast effects",
    "事件:舆情、故障、营销活动、节假日",
    (
        _s("event_id", "Event id", "事件编号", required=True),
        SOURCE,
        _s("kind", "Kind", "类型", required=True, enum=EVENT_KINDS),
        _s("name", "Name", "名称"),
        _ts("start", "Starts (or happened)", "开始(发生)时间", required=True),
        _ts("end", "Ends", "结束时间"),
        _ts("detected_at", "Detected (public-opinion incidents)", "发现时间(舆情)"),
        _ts("alerted_at", "Alert raised", "预警时间"),
        _ts("deadline", "Alert deadline", "预警时限"),
        _s("channel", "Channel affected", "影响渠道"),
        _s("queue", "Queue affected", "影响队列"),
        _f("effect", "float64", "Expected volume effect (e.g. 0.2 = +20%)", "预期话务影响(如0.2=+20%)"),
        _s("description", "Description", "描述"),
    ),
    key=("source", "event_id"),
    order_rules=(
        OrderRule("start", "end", "ENDED_BEFORE_START"),
        OrderRule("detected_at", "alerted_at", "ALERTED_BEFORE_DETECTED"),
    ),
)

KNOWLEDGE_HOTSPOTS = TableSpec(
    "knowledge_hotspots",
    "Recommended knowledge answers flagged for repair",
    "智能热点预存(需修复的知识答案)",
    (
        _s("hotspot_id", "Hotspot (answer) id", "热点编号", required=True),
        SOURCE,
        _s("title", "Title", "标题"),
        _s("category", "Problem type", "问题类型"),
        _ts("flagged_at", "Flagged as needing repair", "列入修复预警时间"),
        _ts("repaired_at", "Repaired", "修复时间"),
        _s("reason", "Why it needs repair", "修复原因"),
    ),
    key=("source", "hotspot_id"),
    order_rules=(OrderRule("flagged_at", "repaired_at", "REPAIRED_BEFORE_FLAGGED"),),
)

TARGETS = TableSpec(
    "targets",
    "KPI targets per period and slice",
    "KPI目标(按期间与切片)",
    (
        _s("kpi", "KPI id", "指标编号", required=True),
        _s("slice", "Slice it applies to, e.g. customer_tier=VIP (empty = all)", "适用切片,如 customer_tier=VIP(空=全部)"),
        _s("operator", "Comparison: >= or <=", "比较方式:>= 或 <=", required=True, enum=(">=", "<=")),
        _f("value", "float64", "Target value", "目标值", required=True),
        _f("threshold_s", "float64", "Answer-time threshold T for SL-type KPIs (s)", "服务水平的应答时限T(秒)", min=0),
        _f("period_start", "date", "First day it applies", "生效起始日"),
        _f("period_end", "date", "Last day it applies", "生效截止日"),
        _s("note", "Note", "备注"),
    ),
    key=("kpi", "slice", "period_start"),
)



def _count(name, en, zh) -> Field:
    return Field(name, "int64", en, zh, min=0, since_version=2)


def _total(name, en, zh) -> Field:
    return Field(name, "float64", en + " (seconds, summed over the interval)", zh + "(秒,时段合计)", min=0, since_version=2)


# Interval statistics: what ACD interval reports give (and what call records aggregate to). Every
# measure is optional: a report that lacks one leaves it empty, and KPIs needing it say so.
INTERVAL_MEASURES = (
    _count("arrivals", "Contacts that arrived (entered the system, IVR-only contacts included)", "到达量(进入系统的接触,含仅在IVR中结束的)"),
    _count("offered", "Contacts offered to the agent queue", "进线量(进入坐席队列的接触)"),
    _count("answered", "Offered contacts answered by an agent", "应答量"),
    _count("abandoned", "Offered contacts the customer abandoned while waiting", "放弃量"),
    _count("answered_within", "Contacts answered within threshold_s seconds of waiting", "在 threshold_s 秒内应答的接触数"),
    Field("threshold_s", "float64", "Answer-time threshold T that answered_within counts against (seconds)", "answered_within 所用的应答时限 T(秒)", min=0, since_version=2),
    _total("answer_wait_s", "Wait of the answered contacts (ASA = answer_wait_s ÷ answered)", "应答接触的等待时长(平均应答速度 = answer_wait_s ÷ answered)"),
    _count("handled", "Answered contacts whose handle time is in handle_s (AHT = handle_s ÷ handled)", "处理时长计入 handle_s 的应答接触数(平均处理时长 = handle_s ÷ handled)"),
    _total("handle_s", "Handle time: talk + hold + after-contact work", "处理时长:通话 + 保持 + 话后处理"),
    _total("talk_s", "Talk time of the handled contacts", "已处理接触的通话时长"),
    _total("staffed_s", "Staffed agent time: agents logged in × seconds", "坐席在岗时长:签入坐席数 × 秒"),
)

INTERVAL_STATS = TableSpec(
    "interval_stats",
    "Interval statistics per queue: counts and seconds as ACD interval reports give them",
    "区间统计:按队列、时段汇总的话务量与时长(ACD 区间报表)",
    (
        SOURCE,
        _ts("interval_start", "Start of the interval", "时段开始", required=True),
        Field("interval_minutes", "int64", "Length of the interval (minutes)", "时段长度(分钟)", required=True, min=1, max=1440),
        _s("queue", "Queue or skill group (empty = all queues together)", "队列/技能组(空 = 全部队列合计)"),
        _s("channel", "Channel", "渠道", enum=CHANNELS),
        *INTERVAL_MEASURES,
    ),
    key=("source", "queue", "channel", "interval_start", "interval_minutes"),
    since_version=2,
)

# Columns every canonical table carries so each row can be traced to the import that loaded it.
LINEAGE = (
    Field("_run_id", "int64", "Import run that loaded the row", "载入该行的导入批次"),
    Field("_line", "int64", "Line (record number) in the source file where the row starts", "该行在源文件中的起始行号"),
    Field("_nlines", "int64", "Source records the row stands for (0 = derived from other records)", "该行对应的源记录数(0=由其他记录派生)"),
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        INTERACTIONS,
        MESSAGES,
        AGENT_STATES_TABLE,
        AGENTS,
        SCHEDULES,
        TICKETS,
        EVENTS,
        KNOWLEDGE_HOTSPOTS,
        TARGETS,
        INTERVAL_STATS,
    )
}
