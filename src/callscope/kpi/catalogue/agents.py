"""Agent KPIs from the state log and the schedule: occupancy, utilisation, shrinkage, adherence,
productivity and cost, plus the most contacts an agent handled at once."""

from __future__ import annotations

from callscope.kpi.model import KPI, Custom

__all__ = ["AGENTS"]

_AGENT_DIMS = ("agent", "team", "site", "tenure_band", "hour_of_day", "weekday")


def _time_ratio(numerator: str, denominator: str, *, complement: bool = False):
    def compute(ctx):
        from callscope.kpi.agent_time import state_seconds

        frame = state_seconds(ctx)
        frame["_num"] = frame[numerator]
        frame["_den"] = frame[denominator]
        if complement:  # 1 − productive ÷ paid, kept as a ratio of (paid − productive) ÷ paid
            frame["_num"] = frame[denominator] - frame[numerator]
        return frame

    return Custom(compute, dims=_AGENT_DIMS)


def _per_hour(ctx):
    from callscope.kpi.agent_time import contacts_per_hour

    return contacts_per_hour(ctx)


def _cost(ctx):
    from callscope.kpi.agent_time import cost_per_contact

    return cost_per_contact(ctx)


def _coverage(ctx):
    from callscope.kpi.agent_time import schedule_coverage

    return schedule_coverage(ctx)


def _concurrency(ctx):
    from callscope.kpi.agent_time import max_concurrency

    return max_concurrency(ctx, channels=None)


_STATES_EN = "State time comes from agent_states, split exactly at the bucket edges."
_STATES_ZH = "状态时长取自坐席状态日志,按时间桶边界精确切分。"

AGENTS = (
    KPI(
        "occupancy", "agents", "agent_states", "Occupancy", "占用率", "ratio", "neutral",
        "Handling time (on_contact + acw) ÷ (handling time + available time): the share of ready time spent on contacts. " + _STATES_EN,
        "处理时长(通话中 + 话后处理)÷(处理时长 + 空闲可用时长):就绪时间中用于处理接触的比例。" + _STATES_ZH,
        ("agent_states.state",),
        _time_ratio("handling_s", "ready_s"),
    ),
    KPI(
        "utilisation", "agents", "agent_states", "Utilisation", "利用率", "ratio", "higher",
        "Handling time (on_contact + acw) ÷ logged-in time (every state except offline). " + _STATES_EN,
        "处理时长(通话中 + 话后处理)÷ 签入时长(除离线外的所有状态)。" + _STATES_ZH,
        ("agent_states.state",),
        _time_ratio("handling_s", "logged_in_s"),
    ),
    KPI(
        "shrinkage", "agents", "agent_states", "Shrinkage", "缩减率", "ratio", "lower",
        "1 − productive time ÷ paid time. Paid time = scheduled work, break, training, meeting, coaching and leave (lunch and days off are unpaid); "
        "productive time = time logged in as available, on_contact, acw or outbound. " + _STATES_EN,
        "1 − 生产时间 ÷ 带薪时间。带薪时间 = 排班中的工作、小休、培训、会议、辅导与请假(午餐与休息日不计薪);生产时间 = 签入且处于空闲、通话中、话后处理或外呼状态的时间。" + _STATES_ZH,
        ("agent_states.state", "schedules.activity"),
        _time_ratio("productive_s", "paid_s", complement=True),
    ),
    KPI(
        "adherence", "agents", "agent_states", "Schedule adherence", "排班遵从度", "ratio", "higher",
        "Time in the state the schedule planned (work ↔ available/on_contact/acw/outbound; break, lunch, training, meeting, coaching ↔ the same state) "
        "÷ scheduled time (every activity except days off). " + _STATES_EN,
        "处于排班计划状态的时间(工作 ↔ 空闲/通话中/话后处理/外呼;小休、午餐、培训、会议、辅导 ↔ 同名状态)÷ 排班时长(休息日除外的所有活动)。" + _STATES_ZH,
        ("agent_states.state", "schedules.activity"),
        _time_ratio("adherent_s", "scheduled_s"),
    ),
    KPI(
        "schedule_coverage", "agents", "schedules", "Schedule coverage", "排班覆盖率", "ratio", "higher",
        "How much of the staffing the workload needed was scheduled: per 30-minute interval, required agents = Erlang C's fewest agents for the "
        "interval's actual offered contacts (queue channels) and mean handle time at coverage_sl within answer_time_s; scheduled agents = "
        "scheduled work time ÷ 30 min (an interval with no answered contact uses the period's mean handle time). Coverage = Σ min(scheduled, required) ÷ Σ required (over-staffing does not make up for a shortfall elsewhere).",
        "排班满足了多少所需人力:按每30分钟时段,所需坐席 = 该时段实际进线量(排队渠道)与平均处理时长在 answer_time_s 内达到 coverage_sl 时 Erlang C 的最少坐席数;排班坐席 = 排班工作时长 ÷ 30分钟(没有应答接触的时段采用本期平均处理时长)。覆盖率 = Σ min(排班, 所需)÷ Σ 所需(某时段人多不能抵消别处人少)。",
        ("schedules.activity", "interactions.outcome", "interactions.talk_s"),
        Custom(_coverage, dims=()),
        options=("coverage_sl", "answer_time_s", "queue_channels"),
    ),
    KPI(
        "contacts_per_agent_hour", "voice", "agent_states", "Contacts per agent-hour", "处理速度(每小时处理量)", "per_hour", "higher",
        "Seed 002 处理速度: handled contacts ÷ logged-in agent hours (agent_states, every state except offline), per agent, team or time bucket; "
        "only agents with logged-in time in the bucket count (contacts of agents without a state log are left out).",
        "种子文档002 处理速度:处理量 ÷ 坐席签入小时数(坐席状态日志中除离线外的状态),可按坐席、班组或时间桶统计;只计该时间桶内有签入时长的坐席(没有状态日志的坐席的接触不计)。",
        ("agent_states.state", "interactions.agent_id"),
        Custom(_per_hour, dims=_AGENT_DIMS),
    ),
    KPI(
        "cost_per_contact", "voice", "agent_states", "Cost per contact", "单次接触成本", "currency", "lower",
        "Σ (logged-in hours × the agent's hourly_cost) ÷ contacts those agents handled. Only agents with a known hourly cost and logged-in time count.",
        "Σ(签入小时数 × 坐席每小时成本)÷ 这些坐席的处理量。只计有小时成本且有签入时长的坐席。",
        ("agents.hourly_cost", "agent_states.state", "interactions.agent_id"),
        Custom(_cost, dims=_AGENT_DIMS),
    ),
    KPI(
        "max_concurrent", "agents", "interactions", "Most contacts at once per agent", "坐席最大同时接触数", "number", "neutral",
        "For each agent, the most contacts (any channel, answered_at to ended_at) open at once in the period, by a sweep over starts and ends; "
        "averaged over agents (Σ maxima ÷ agents); by agent it is that agent's maximum.",
        "对每位坐席,按接触开始与结束做扫描,求统计期内同时进行的接触(任意渠道,应答至结束)的最大数;按坐席平均(Σ 最大值 ÷ 坐席数);按坐席切片时即该坐席的最大值。",
        ("interactions.agent_id", "interactions.answered_at", "interactions.ended_at"),
        Custom(_concurrency, dims=("agent", "team", "site", "tenure_band")),
    ),
)
