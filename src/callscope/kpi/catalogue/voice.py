"""Traditional contact-centre (ACD) KPIs: volumes, service level, waits, handle time, quality.

Seed 002 computes "average wait" as (longest + shortest) / 2; callscope reports the true mean
(and the median and 90th percentile) and says so in the definitions.
"""

from __future__ import annotations

import ibis

from callscope.kpi.catalogue.common import flag, short_abandon
from callscope.kpi.model import KNOWN, KPI, Quantile, Sum

__all__ = ["VOICE"]


def _count(condition):
    return Sum("queue_offered", lambda t, o: flag(condition(t, o)), ratio=False)


def _sl_numerator(t, o):
    return flag((t.outcome == "answered") & (t.wait_s <= o["answer_time_s"]))


def _sl_denominator(t, o):
    variant = o["sl_denominator"]
    if variant == "answered":
        return flag(t.outcome == "answered")
    if variant == "offered":
        return ibis.literal(True)
    return flag(~short_abandon(t, o))


def _handle(t):
    return t.talk_s + t.hold_s.fill_null(0) + t.acw_s.fill_null(0)


def _mean(population, column, where=None):
    """Mean of `column` over the population's rows (meeting `where`) where it is known."""
    numerator = (lambda t, o: ibis.cases((where(t, o), column(t)), else_=ibis.null("float64"))) if where else (lambda t, o: column(t))
    return Sum(population, numerator, KNOWN)


def _share(population, condition, known):
    """Share of the population's rows (where `known`) that meet `condition`."""
    return Sum(population, lambda t, o: flag(known(t) & condition(t, o)), lambda t, o: flag(known(t)))


_OFFERED_NOTE_EN = "Offered = contacts that reached an agent queue on a queue channel (outcome answered, abandoned, overflow or callback; option queue_channels)."
_OFFERED_NOTE_ZH = "进线 = 排队渠道(选项 queue_channels)上进入坐席队列的接触(结果为应答、放弃、溢出或回呼)。"

VOICE = (
    KPI(
        "offered", "voice", "interactions", "Offered", "进线量", "count", "neutral",
        _OFFERED_NOTE_EN + " Blocked contacts and contacts that ended in the IVR are not offered.",
        _OFFERED_NOTE_ZH + "被拒接入和在IVR中结束的接触不计入。",
        ("interactions.outcome", "interactions.channel"),
        Sum("queue_offered", lambda t, o: ibis.literal(True), ratio=False),
        options=("queue_channels",), additive=True,
    ),
    KPI(
        "handled", "voice", "interactions", "Handled", "处理量", "count", "neutral",
        "Contacts answered by an agent, on any channel (outcome answered).",
        "由坐席应答的接触,所有渠道(结果为应答)。",
        ("interactions.outcome",),
        Sum("handled", lambda t, o: ibis.literal(True), ratio=False),
        additive=True,
    ),
    KPI(
        "abandoned", "voice", "interactions", "Abandoned", "放弃量", "count", "lower",
        "Offered contacts the customer abandoned while waiting, after the short-abandon threshold (short abandons are counted apart). " + _OFFERED_NOTE_EN,
        "客户在等待中放弃的进线(超过短时放弃阈值;短时放弃单独计数)。" + _OFFERED_NOTE_ZH,
        ("interactions.outcome", "interactions.wait_s"),
        _count(lambda t, o: (t.outcome == "abandoned") & ~short_abandon(t, o)),
        options=("short_abandon_s", "queue_channels"), additive=True,
    ),
    KPI(
        "short_abandoned", "voice", "interactions", "Short abandons", "短时放弃量", "count", "neutral",
        "Abandons that waited less than short_abandon_s seconds (often misdials or immediate hang-ups); not counted as abandoned.",
        "等待不足 short_abandon_s 秒即放弃的来电(多为误拨或立即挂断),不计入放弃量。",
        ("interactions.outcome", "interactions.wait_s"),
        _count(short_abandon),
        options=("short_abandon_s", "queue_channels"), additive=True,
    ),
    KPI(
        "blocked", "voice", "interactions", "Blocked", "被拒接入量", "count", "lower",
        "Contacts the system refused (busy signal, queue full, no agents logged in): outcome blocked, on queue channels.",
        "系统拒绝接入的来电(忙音、队列满、无坐席签入):结果为 blocked,排队渠道。",
        ("interactions.outcome",),
        Sum("queue_arrivals", lambda t, o: flag(t.outcome == "blocked"), ratio=False),
        options=("queue_channels",), additive=True,
    ),
    KPI(
        "SL", "voice", "interactions", "Service level", "服务水平", "ratio", "higher",
        "SL(T) = contacts answered within T seconds (answer_time_s) ÷ denominator. Denominator (option sl_denominator): "
        "offered_minus_short (default) = answered + abandoned after the short-abandon threshold, i.e. offered minus short abandons; "
        "offered = all offered; answered = answered only. " + _OFFERED_NOTE_EN + " A target's threshold_s sets T for its slice.",
        "服务水平 SL(T) = T 秒内应答的接触 ÷ 分母。分母(选项 sl_denominator):offered_minus_short(默认)= 应答 + 超过短时阈值的放弃,即进线减去短时放弃;"
        "offered = 全部进线;answered = 仅应答。" + _OFFERED_NOTE_ZH + "目标中的 threshold_s 为其切片设定 T。",
        ("interactions.outcome", "interactions.wait_s"),
        Sum("queue_offered", _sl_numerator, _sl_denominator),
        options=("answer_time_s", "sl_denominator", "short_abandon_s", "queue_channels"),
        aliases=("service_level",),
    ),
    KPI(
        "ASA", "voice", "interactions", "Average speed of answer", "平均应答速度", "seconds", "lower",
        "Mean wait of answered contacts: Σ wait_s ÷ answered contacts with a known wait.",
        "已应答接触的平均等待时长:Σ 等待时长 ÷ 有等待时长的应答接触数。",
        ("interactions.outcome", "interactions.wait_s"),
        _mean("queue_offered", lambda t: t.wait_s, lambda t, o: t.outcome == "answered"),
        options=("queue_channels",),
    ),
    KPI(
        "mean_wait", "voice", "interactions", "Mean wait", "平均等待时长", "seconds", "lower",
        "True mean queue wait of offered contacts (answered and abandoned): Σ wait_s ÷ contacts with a known wait. "
        "Seed 002 writes average wait = (longest + shortest) ÷ 2, which is not an average; callscope reports the mean.",
        "进线(应答与放弃)的真实平均排队时长:Σ 等待时长 ÷ 有等待时长的接触数。种子文档002写作 平均等待 =(最长+最短)÷2,这不是平均数;callscope 报告真实均值。",
        ("interactions.outcome", "interactions.wait_s"),
        _mean("queue_offered", lambda t: t.wait_s),
        options=("queue_channels",),
    ),
    KPI(
        "median_wait", "voice", "interactions", "Median wait", "等待时长中位数", "seconds", "lower",
        "Median queue wait of offered contacts (exact, interpolated continuous percentile on every engine: DuckDB quantile_cont, PostgreSQL percentile_cont, Spark percentile).",
        "进线排队时长的中位数(各引擎均为精确的插值连续分位数:DuckDB quantile_cont、PostgreSQL percentile_cont、Spark percentile)。",
        ("interactions.outcome", "interactions.wait_s"),
        Quantile("queue_offered", lambda t, o: t.wait_s, 0.5),
        options=("queue_channels",),
    ),
    KPI(
        "p90_wait", "voice", "interactions", "90th percentile wait", "等待时长90分位", "seconds", "lower",
        "90th percentile of queue wait of offered contacts (exact, interpolated continuous percentile on every engine: DuckDB quantile_cont, PostgreSQL percentile_cont, Spark percentile).",
        "进线排队时长的90%分位数(各引擎均为精确的插值连续分位数:DuckDB quantile_cont、PostgreSQL percentile_cont、Spark percentile)。",
        ("interactions.outcome", "interactions.wait_s"),
        Quantile("queue_offered", lambda t, o: t.wait_s, 0.9),
        options=("queue_channels",),
    ),
    KPI(
        "abandonment_rate", "voice", "interactions", "Abandonment rate", "放弃率", "ratio", "lower",
        "Abandoned after the short-abandon threshold ÷ (offered − short abandons). " + _OFFERED_NOTE_EN,
        "超过短时阈值的放弃量 ÷(进线量 − 短时放弃量)。" + _OFFERED_NOTE_ZH,
        ("interactions.outcome", "interactions.wait_s"),
        Sum("queue_offered", lambda t, o: flag((t.outcome == "abandoned") & ~short_abandon(t, o)), lambda t, o: flag(~short_abandon(t, o))),
        options=("short_abandon_s", "queue_channels"),
    ),
    KPI(
        "answer_rate", "voice", "interactions", "Connection rate", "接通率", "ratio", "higher",
        "接通率 = answered ÷ all arrivals at the queue (offered + blocked), as seed 002: 成功接通客户数 ÷ 总拨打客户数.",
        "接通率 = 应答量 ÷ 到达队列的全部来电(进线 + 被拒接入),即种子文档002的 成功接通客户数 ÷ 总拨打客户数。",
        ("interactions.outcome",),
        Sum("queue_arrivals", lambda t, o: flag(t.outcome == "answered")),
        options=("queue_channels",),
    ),
    KPI(
        "self_service_rate", "voice", "interactions", "Self-service rate", "自助服务率", "ratio", "higher",
        "Contacts completed without an agent — in the IVR (outcome self_service) or by a bot (bot_resolved) — ÷ all contacts that reached "
        "the centre on any channel (blocked contacts excepted). Seed 000 part 2: 自助服务分流效果.",
        "未经人工完成的接触 —— 在IVR中自助完成(self_service)或由机器人解决(bot_resolved)—— ÷ 到达呼叫中心的全部接触(所有渠道,被拒接入除外)。种子文档000第二部分:自助服务分流效果。",
        ("interactions.outcome",),
        Sum("contacts", lambda t, o: flag(t.outcome.isin(["self_service", "bot_resolved"])), lambda t, o: flag(t.outcome != "blocked")),
        seed="seed 000 (2)",
    ),
    KPI(
        "AHT", "voice", "interactions", "Average handle time", "平均处理时长", "seconds", "lower",
        "AHT = Σ (talk + hold + after-contact work) ÷ handled contacts with a known talk time; a missing hold or ACW counts as 0.",
        "平均处理时长 = Σ(通话 + 保持 + 话后处理)÷ 有通话时长的处理量;缺失的保持或话后时长按0计。",
        ("interactions.outcome", "interactions.talk_s"),
        _mean("handled", _handle),
    ),
    KPI(
        "ATT", "voice", "interactions", "Average talk time", "平均通话时长", "seconds", "lower",
        "Σ talk_s ÷ handled contacts with a known talk time.",
        "Σ 通话时长 ÷ 有通话时长的处理量。",
        ("interactions.outcome", "interactions.talk_s"),
        _mean("handled", lambda t: t.talk_s),
    ),
    KPI(
        "ACW", "voice", "interactions", "Average after-contact work", "平均话后处理时长", "seconds", "lower",
        "Σ acw_s ÷ handled contacts with a known ACW.",
        "Σ 话后处理时长 ÷ 有话后处理时长的处理量。",
        ("interactions.outcome", "interactions.acw_s"),
        _mean("handled", lambda t: t.acw_s),
    ),
    KPI(
        "hold_rate", "voice", "interactions", "Hold rate", "保持率", "ratio", "lower",
        "Handled contacts put on hold (hold_s > 0) ÷ handled contacts with a known hold time.",
        "被保持过(保持时长 > 0)的处理量 ÷ 有保持时长的处理量。",
        ("interactions.outcome", "interactions.hold_s"),
        _share("handled", lambda t, o: t.hold_s > 0, lambda t: t.hold_s.notnull()),
    ),
    KPI(
        "transfer_rate", "voice", "interactions", "Transfer rate", "转接率", "ratio", "lower",
        "Handled contacts transferred at least once ÷ handled contacts with a known transfer count.",
        "至少转接一次的处理量 ÷ 有转接次数的处理量。",
        ("interactions.outcome", "interactions.transfer_count"),
        _share("handled", lambda t, o: t.transfer_count > 0, lambda t: t.transfer_count.notnull()),
    ),
    KPI(
        "FCR", "voice", "interactions", "First-contact resolution", "一次解决率", "ratio", "higher",
        "Option fcr_method: flag (default) = handled contacts flagged resolved ÷ handled contacts with the flag; "
        "repeat = handled contacts whose customer did not contact again within fcr_repeat_days days ÷ handled contacts with a known customer "
        "(contacts too close to the end of the data to tell are left out).",
        "选项 fcr_method:flag(默认)= 标记为已解决的处理量 ÷ 有解决标记的处理量;repeat = 客户在 fcr_repeat_days 天内未再次联系的处理量 ÷ 有客户编号的处理量(距数据末尾不足该天数的接触不计)。",
        lambda o: ("interactions.outcome", "interactions.resolved" if o["fcr_method"] == "flag" else "interactions.customer_id"),
        Sum("handled", lambda t, o: flag(t._fcr_ok), lambda t, o: flag(t._fcr_known)),
        options=("fcr_method", "fcr_repeat_days"), prepare=("fcr",),
    ),
    KPI(
        "CSAT", "voice", "interactions", "Customer satisfaction", "客户满意度", "score", "higher",
        "Mean survey score on the 1–5 scale over contacts with a score.",
        "有评分接触的平均满意度(1–5分)。",
        ("interactions.csat",),
        _mean("contacts", lambda t: t.csat),
    ),
    KPI(
        "CSAT_top2", "voice", "interactions", "Satisfied customers (top-2-box)", "满意率(Top-2-box)", "ratio", "higher",
        "Scores ≥ csat_top_box (default 4, i.e. 4 or 5 on 1–5) ÷ contacts with a score.",
        "评分 ≥ csat_top_box(默认4,即1–5分制中的4或5分)的接触 ÷ 有评分的接触。",
        ("interactions.csat",),
        _share("contacts", lambda t, o: t.csat >= o["csat_top_box"], lambda t: t.csat.notnull()),
        options=("csat_top_box",),
    ),
    KPI(
        "NPS", "voice", "interactions", "Net Promoter Score", "净推荐值", "number", "higher",
        "NPS = (promoters 9–10 − detractors 0–6) ÷ respondents × 100, on the 0–10 likelihood-to-recommend score; from −100 to 100.",
        "净推荐值 =(推荐者9–10分 − 贬损者0–6分)÷ 答题人数 × 100,基于0–10分推荐意愿;取值 −100 到 100。",
        ("interactions.nps",),
        Sum("contacts", lambda t, o: ibis.cases((t.nps >= 9, 1), (t.nps <= 6, -1), else_=0), lambda t, o: flag(t.nps.notnull()), scale=100.0),
    ),
    KPI(
        "QA", "voice", "interactions", "Quality score", "质检得分", "score", "higher",
        "Mean quality-assurance score (0–100) over evaluated contacts.",
        "被质检接触的平均质检得分(0–100)。",
        ("interactions.qa_score",),
        _mean("contacts", lambda t: t.qa_score),
    ),
    KPI(
        "complaint_rate", "voice", "interactions", "Complaint rate", "投诉率", "ratio", "lower",
        "Handled contacts flagged as complaints ÷ handled contacts with the complaint flag.",
        "标记为投诉的处理量 ÷ 有投诉标记的处理量。",
        ("interactions.complaint",),
        _share("handled", lambda t, o: t.complaint, lambda t: t.complaint.notnull()),
    ),
    KPI(
        "conversion_rate", "voice", "interactions", "Conversion rate", "营销转化率", "ratio", "higher",
        "Handled contacts that converted (a sale) ÷ handled contacts with the conversion flag.",
        "成功转化(成交)的处理量 ÷ 有转化标记的处理量。",
        ("interactions.converted",),
        _share("handled", lambda t, o: t.converted, lambda t: t.converted.notnull()),
    ),
)
