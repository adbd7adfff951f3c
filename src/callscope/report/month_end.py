"""The month-end operations report (月底汇报, seed 000), in the seed's six parts.

1 performance overview · 2 service quality · 3 problems and challenges · 4 improvement actions ·
5 team performance · 6 next-month plan. Every KPI number comes from `callscope.kpi.compute`,
asked for as few times as the parts allow (see `KpiCalls`); the calls are listed in
docs/reports.md.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from callscope.kpi import CATALOGUE, get_kpi, parse_period
from callscope.kpi.period import Period
from callscope.report import findings
from callscope.report.actions import Action, action_table
from callscope.report.blocks import kpi_name, kpi_table, pick, slice_table, trend_chart, value_of
from callscope.report.context import ReportContext as _Context, report_context
from callscope.report.format import display, status_label
from callscope.report.kpis import KpiCalls
from callscope.report.model import Chart, Column, Note, Paragraph, Report, Section, Table
from callscope.report.options import ReportOptions
from callscope.report.outlook import by_slice_dims, expected_volume, next_month, slice_text, targets_in_effect
from callscope.report.team import score_agents, tenure_of
from callscope.store import Store

__all__ = ["build_month_end", "PERFORMANCE", "QUALITY", "HEADLINE", "TREND"]

PERFORMANCE = [
    "offered", "handled", "abandoned", "AHT", "ASA", "mean_wait", "p90_wait", "SL", "abandonment_rate", "answer_rate",
    "FCR", "CSAT", "QA", "occupancy", "utilisation", "shrinkage", "adherence", "contacts_per_agent_hour", "cost_per_contact",
]  # fmt: skip
QUALITY = ["FRT", "response_timeliness", "bot_containment", "NPS", "CSAT_top2", "complaint_rate", "transfer_rate", "ticket_timeliness", "ticket_overdue_rate"]
HEADLINE = PERFORMANCE + QUALITY
TREND = ["offered", "handled", "AHT", "ASA", "SL", "abandonment_rate", "FCR", "CSAT", "NPS", "QA"]
CHANNEL = ["offered", "handled", "SL", "ASA", "abandonment_rate", "AHT", "FCR", "CSAT", "NPS", "FRT"]
HOURLY = ["offered", "handled", "SL", "ASA", "abandonment_rate", "AHT", "contacts_per_agent_hour"]
PEAK = ["SL", "ASA", "abandonment_rate", "AHT", "FRT", "response_timeliness"]
TENURE = ["handled", "contacts_per_agent_hour", "AHT", "QA", "CSAT", "FCR", "adherence"]
_COMPARE_COLUMNS = [
    ("value", "col.value"), ("target", "col.target"), ("status_text", "col.status"), ("prev_value", "col.prev_value"),
    ("prev_change_pct", "col.mom"), ("q_change_pct", "col.qoq"), ("yoy_value", "col.yoy_value"), ("yoy_change_pct", "col.yoy"),
]  # fmt: skip


def build_month_end(
    store: Store,
    period: str,
    *,
    lang: str,
    actions: list[Action] | None = None,
    targets=None,
    config=None,
    options: ReportOptions | None = None,
    calls: KpiCalls | None = None,
) -> Report:
    p = parse_period(period)
    if p.kind != "month":
        raise ValueError(f"the month-end report covers one calendar month; got period {period!r} (write e.g. 2024-09)")
    ctx = report_context(store, period, lang=lang, targets=targets, config=config, options=options, calls=calls)
    headline = _headline(ctx)
    attainment = _attainment(ctx, headline)
    sections = [
        _performance(ctx, headline, attainment),
        _quality(ctx, headline),
        findings.problems(ctx, headline, attainment),
        _improvement(ctx, actions),
        _team(ctx),
        _plan(ctx, attainment),
    ]
    report = Report("month_end", ctx.t("month_end.title"), p.label, lang, sections, subtitle=ctx.t("month_end.subtitle", period=p.label, timezone=store.timezone or "—"))
    report.sections.append(_definitions(ctx, headline))
    return report


# -- the numbers ------------------------------------------------------------------------------


def _headline(ctx: _Context) -> pd.DataFrame:
    """Every headline KPI for the month with targets, month-on-month, year-on-year and the rolling
    quarter (the three months to this one) against the three months before."""
    # KPIs with a target on all contacts join the headline call rather than needing one of their own.
    overall = by_slice_dims(targets_in_effect(ctx.targets, ctx.period)).get((), [])
    frame = ctx.kpi(list(dict.fromkeys(HEADLINE + overall)), period=ctx.period.label, compare="prev,yoy")
    quarter_start = (pd.Timestamp(ctx.period.start) - pd.DateOffset(months=2)).to_pydatetime()
    quarter = ctx.kpi(HEADLINE, period=ctx.range_text(quarter_start, ctx.period.end), compare="prev")
    quarter = quarter[["kpi", "value", "prev_value", "prev_change_pct"]].rename(columns={"value": "q_value", "prev_value": "q_prev_value", "prev_change_pct": "q_change_pct"})
    merged = frame.merge(quarter, on="kpi", how="left")
    merged.attrs = dict(frame.attrs)
    return merged


def _attainment(ctx: _Context, headline: pd.DataFrame) -> pd.DataFrame:
    """Every target in effect this month with its value: one engine call per set of slice dimensions."""
    rows = []
    in_effect = targets_in_effect(ctx.targets, ctx.period)
    for dims, kpis in by_slice_dims(in_effect).items():
        if dims == ("channel",):  # the same call as the channel table
            frame = ctx.kpi(list(dict.fromkeys(CHANNEL + kpis)), by="channel", period=ctx.period.label)
        elif dims:
            frame = ctx.kpi(kpis, by=",".join(dims), period=ctx.period.label)
        else:
            frame = headline
        # Only the rows a target of exactly these dimensions is set for (a channel target also
        # matches the rows of a finer slicing; it is reported with its own dimensions).
        wanted = {(t.kpi, tuple(str(t.slice[d]) for d in dims)) for t in in_effect if tuple(sorted(t.slice)) == dims}
        keys = zip(frame["kpi"], zip(*[frame[d].astype(str) for d in dims]) if dims else [()] * len(frame))
        frame = frame[pd.Series([k in wanted for k in keys], index=frame.index, dtype=bool) & frame["target"].notna()].copy()
        frame["slice"] = [slice_text(r, dims, ctx.t("all_contacts")) for r in frame.to_dict("records")]
        frame["dims"] = [dims] * len(frame)
        rows.append(frame[["kpi", "name", "unit", "slice", "dims", "value", "target", "gap", "status"] + list(dims)])
    if not rows:
        return pd.DataFrame(columns=["kpi", "name", "unit", "slice", "dims", "value", "target", "gap", "status"])
    return pd.concat(rows, ignore_index=True)


# -- 1 performance overview -----------------------------------------------------------------


def _performance(ctx: _Context, headline: pd.DataFrame, attainment: pd.DataFrame) -> Section:
    s = Section("performance", ctx.t("section.performance"))
    s.add(Paragraph(_summary_text(ctx, headline, attainment)))
    s.add(kpi_table("overview", ctx.t("table.overview"), pick(headline, PERFORMANCE), _COMPARE_COLUMNS, ctx.lang, note=ctx.t("note.compare")))
    s.add(_attainment_table(ctx, attainment))
    by_channel = ctx.kpi(list(dict.fromkeys(CHANNEL + _channel_target_kpis(ctx))), by="channel", period=ctx.period.label)
    s.add(slice_table("channels", ctx.t("table.channels"), by_channel, "channel", CHANNEL, ctx.lang))
    first = (pd.Timestamp(ctx.period.start) - pd.DateOffset(months=ctx.options.trend_months - 1)).to_pydatetime()
    trend = ctx.kpi(TREND, by="month", period=ctx.range_text(first, ctx.period.end))
    month = ctx.t("axis.month")
    s.add(
        trend_chart("trend_volume", ctx.t("chart.trend_volume"), trend, ["offered", "handled"], "month", ctx.lang, kind="bar", x_label=month),
        trend_chart("trend_service", ctx.t("chart.trend_service"), trend, ["SL", "abandonment_rate", "FCR"], "month", ctx.lang, x_label=month),
        trend_chart("trend_time", ctx.t("chart.trend_time"), trend, ["AHT"], "month", ctx.lang, x_label=month),
    )
    s.add(*_peaks(ctx))
    s.add(*_category_mix(ctx))
    return s


def _channel_target_kpis(ctx: _Context) -> list[str]:
    return by_slice_dims(targets_in_effect(ctx.targets, ctx.period)).get(("channel",), [])


def _summary_text(ctx: _Context, headline: pd.DataFrame, attainment: pd.DataFrame) -> str:
    v = lambda k, c="value": display(value_of(headline, k, c), get_kpi(k).unit)  # noqa: E731
    missed = attainment[attainment["status"] == "missed"]
    missed_text = "; ".join(f"{r['name']} ({r['slice']})" for r in missed.to_dict("records")) or ctx.t("none")
    return ctx.t(
        "month_end.summary", period=ctx.period.label, offered=v("offered"), offered_mom=display(value_of(headline, "offered", "prev_change_pct"), "change_pct"),
        handled=v("handled"), sl=v("SL"), abandonment=v("abandonment_rate"), aht=v("AHT"), fcr=v("FCR"), csat=v("CSAT"),
        met=int((attainment["status"] == "met").sum()), n=int(attainment["status"].notna().sum()), missed=missed_text,
    )  # fmt: skip


def _attainment_table(ctx: _Context, attainment: pd.DataFrame) -> Table:
    cols = [
        Column("name", ctx.t("col.kpi")), Column("slice", ctx.t("col.slice")), Column("value", ctx.t("col.value"), "row"),
        Column("target", ctx.t("col.target"), "row"), Column("gap", ctx.t("col.gap"), "row"), Column("status_text", ctx.t("col.status")),
    ]  # fmt: skip
    frame = attainment.copy()
    frame["status_text"] = frame["status"].map(lambda s: status_label(s, ctx.lang))
    return Table("targets", ctx.t("table.targets"), frame, cols, note=ctx.t("note.targets"), status_column="status")


def _peaks(ctx: _Context) -> list:
    """Weekday × hour heatmap of offered contacts, and staffing against workload by hour."""
    heat = ctx.kpi(["offered"], by="weekday,hour_of_day", period=ctx.period.label)
    heat = heat[heat["value"].notna()]
    data = pd.DataFrame({"hour": heat["hour_of_day"].astype(int), "weekday": heat["weekday"].map(lambda d: ctx.t(f"weekday.{int(d)}")), "value": heat["value"].astype(float)})
    chart = Chart("heatmap", ctx.t("chart.heatmap"), "heatmap", data, x="hour", y="value", series="weekday", x_label=ctx.t("axis.hour"), y_label=ctx.t("axis.weekday"), unit="count")
    hourly = ctx.kpi(HOURLY, by="hour_of_day", period=ctx.period.label)
    staffed = hourly[hourly["kpi"] == "contacts_per_agent_hour"].set_index("hour_of_day")["denominator"]
    workload = hourly[hourly["kpi"] == "AHT"].set_index("hour_of_day")["numerator"] / 3600
    hours = sorted(set(staffed.dropna().index) | set(workload.dropna().index))
    rows = [(h, ctx.t("series.agent_hours"), staffed.get(h)) for h in hours] + [(h, ctx.t("series.workload_hours"), workload.get(h)) for h in hours]
    cover = Chart(
        "coverage", ctx.t("chart.coverage"), "bar", pd.DataFrame(rows, columns=["hour", "series", "value"]).astype({"value": float}), x="hour", y="value", series="series",
        x_label=ctx.t("axis.hour"), y_label=ctx.t("unit.hours"), unit="number", note=ctx.t("note.coverage"),
    )  # fmt: skip
    return [chart, cover]


def _category_mix(ctx: _Context) -> list:
    mix = ctx.kpi(["handled"], by="category", period=ctx.period.label, compare="prev")
    mix = mix[mix["category"].notna() & ((mix["value"] > 0) | (mix["prev_value"] > 0))].copy()
    mix["share"] = mix["value"] / mix["value"].sum()
    mix["prev_share"] = mix["prev_value"] / mix["prev_value"].sum()
    mix["shift"] = mix["share"] - mix["prev_share"]
    mix = mix.sort_values("value", ascending=False).reset_index(drop=True)
    cols = [
        Column("category", ctx.t("col.category")), Column("value", ctx.t("col.handled"), "count"), Column("share", ctx.t("col.share"), "ratio"),
        Column("prev_value", ctx.t("col.prev_handled"), "count"), Column("prev_share", ctx.t("col.prev_share"), "ratio"), Column("shift", ctx.t("col.shift"), "ratio"),
    ]  # fmt: skip
    table = Table("category_mix", ctx.t("table.category_mix"), mix, cols, note=ctx.t("note.category_mix"))
    data = pd.concat(
        [
            pd.DataFrame({"category": mix["category"], "series": ctx.t("series.this_month"), "value": mix["share"]}),
            pd.DataFrame({"category": mix["category"], "series": ctx.t("series.last_month"), "value": mix["prev_share"]}),
        ],
        ignore_index=True,
    )
    chart = Chart("category_chart", ctx.t("chart.category_mix"), "bar", data, x="category", y="value", series="series", x_label=ctx.t("col.category"), y_label=ctx.t("col.share"), unit="ratio")
    return [table, chart]


# -- 2 service quality ---------------------------------------------------------------------


def _quality(ctx: _Context, headline: pd.DataFrame) -> Section:
    s = Section("quality", ctx.t("section.quality"))
    s.add(kpi_table("quality", ctx.t("table.quality"), pick(headline, QUALITY), _COMPARE_COLUMNS, ctx.lang))
    peaks = ctx.kpi(PEAK, by="channel,peak", period=ctx.period.label)
    peaks = peaks[peaks["channel"].notna() & peaks["value"].notna()]
    peaks = peaks.assign(peak=peaks["peak"].map(lambda p: ctx.t(f"peak.{p}") if isinstance(p, str) else "—"))
    wide = peaks.pivot_table(index=["channel", "peak"], columns="kpi", values="value", aggfunc="first").reset_index()
    cols = [Column("channel", ctx.t("col.channel")), Column("peak", ctx.t("col.peak"))] + [Column(k, kpi_name(k, ctx.lang), get_kpi(k).unit) for k in PEAK if k in wide.columns]
    s.add(Table("response", ctx.t("table.response"), wide, cols, note=ctx.t("note.peak")))
    hourly = ctx.kpi(HOURLY, by="hour_of_day", period=ctx.period.label)
    hourly = hourly.assign(hour=hourly["hour_of_day"].astype("Int64"))
    s.add(_hour_chart(ctx, hourly, ["SL", "abandonment_rate"], "hour_service"), _hour_chart(ctx, hourly, ["ASA"], "hour_asa"))
    s.add(findings.self_service(ctx))
    first = (pd.Timestamp(ctx.period.start) - pd.DateOffset(months=ctx.options.trend_months - 1)).to_pydatetime()
    trend = ctx.kpi(TREND, by="month", period=ctx.range_text(first, ctx.period.end))
    s.add(trend_chart("trend_nps", ctx.t("chart.trend_nps"), trend, ["NPS"], "month", ctx.lang, x_label=ctx.t("axis.month")))
    s.add(trend_chart("trend_csat", ctx.t("chart.trend_csat"), trend, ["CSAT"], "month", ctx.lang, x_label=ctx.t("axis.month")))
    s.add(*findings.complaints(ctx))
    return s


def _hour_chart(ctx: _Context, hourly: pd.DataFrame, kpis: list[str], chart_id: str) -> Chart:
    rows = pick(hourly, kpis)
    rows = rows[rows["value"].notna()]
    data = pd.DataFrame({"hour": rows["hour"].astype(int), "series": rows["name"], "value": rows["value"].astype(float)})
    unit = get_kpi(kpis[0]).unit
    return Chart(chart_id, ctx.t(f"chart.{chart_id}"), "line", data, x="hour", y="value", series="series", x_label=ctx.t("axis.hour"), y_label=ctx.t(f"unit.{unit}"), unit=unit)


# -- 4 improvement actions -----------------------------------------------------------------


def _improvement(ctx: _Context, actions: list[Action] | None) -> Section:
    return Section("actions", ctx.t("section.actions")).add(action_table(ctx, actions))


# -- 5 team performance --------------------------------------------------------------------


def _team(ctx: _Context) -> Section:
    s = Section("team", ctx.t("section.team"))
    weights = ctx.options.score_weights
    s.add(Paragraph(ctx.t("team.method", weights=", ".join(f"{kpi_name(k, ctx.lang)} {w:g}" for k, w in weights.items()), share=display(ctx.options.star_share, "ratio"), min_handled=ctx.options.min_handled)))
    by_agent = ctx.kpi(list(dict.fromkeys(["handled", *weights])), by="agent", period=ctx.period.label)
    roster = ctx.store.table("agents").select("agent_id", "name", "team", "hire_date").to_pandas() if ctx.store.has_table("agents") else pd.DataFrame(columns=["agent_id", "name", "team", "hire_date"])
    roster["tenure_band"] = tenure_of(roster, pd.Timestamp(ctx.period.start), int(ctx.config.tags.get("tenure_new_days", 180))).map(lambda b: ctx.t(f"tenure.{b}") if b else "—")
    scores = score_agents(by_agent, roster.drop(columns="hire_date"), weights, min_handled=ctx.options.min_handled, star_share=ctx.options.star_share)
    scores["star_text"] = scores["star"].map(lambda x: "★" if x else "")
    cols = [Column("rank", ctx.t("col.rank"), "count"), Column("agent", ctx.t("col.agent")), Column("name", ctx.t("col.name")), Column("team", ctx.t("col.team")), Column("tenure_band", ctx.t("col.tenure_band")), Column("score", ctx.t("col.score"), "number")]
    cols += [Column("handled", kpi_name("handled", ctx.lang), "count")] + [Column(k, kpi_name(k, ctx.lang), get_kpi(k).unit) for k in weights if k != "handled"]
    cols.append(Column("star_text", ctx.t("col.star")))
    s.add(Table("ranking", ctx.t("table.ranking"), scores, cols, note=ctx.t("note.ranking"), display_rows=ctx.options.top_agents))
    stars = scores[scores["star"]]
    s.add(Table("stars", ctx.t("table.stars", n=len(stars)), stars.reset_index(drop=True), cols[:-1]))
    ranked = scores[scores["score"].notna()].head(ctx.options.top_agents)
    s.add(Chart("score_chart", ctx.t("chart.scores"), "bar", pd.DataFrame({"agent": ranked["name"].fillna(ranked["agent"]), "value": ranked["score"]}), x="agent", y="value", x_label=ctx.t("col.agent"), y_label=ctx.t("col.score"), unit="number"))
    tenure = ctx.kpi(TENURE, by="tenure_band", period=ctx.period.label)
    tenure = tenure[tenure["tenure_band"].notna()].assign(tenure_band=lambda f: f["tenure_band"].map(lambda b: ctx.t(f"tenure.{b}")))
    s.add(slice_table("tenure", ctx.t("table.tenure", days=int(ctx.config.tags.get("tenure_new_days", 180))), tenure, "tenure_band", TENURE, ctx.lang))
    return s


# -- 6 next-month plan ---------------------------------------------------------------------


def _plan(ctx: _Context, attainment: pd.DataFrame) -> Section:
    nxt = next_month(ctx.period)
    s = Section("plan", ctx.t("section.plan", period=nxt.label))
    rows, planned = [], targets_in_effect(ctx.targets, nxt)
    if not planned:  # nothing set for next month yet: this month's targets carry over
        planned = targets_in_effect(ctx.targets, ctx.period)
        s.add(Note(ctx.t("note.carried_over", period=nxt.label)) if planned else None)
    for t in planned:
        dims = tuple(sorted(t.slice))
        here = attainment[(attainment["kpi"] == t.kpi) & attainment["dims"].map(lambda d: d == dims)]
        for d in dims:
            here = here[here[d].astype(str) == str(t.slice[d])]
        current = here["value"].iloc[0] if not here.empty else None
        rows.append({
            "name": kpi_name(t.kpi, ctx.lang), "unit": get_kpi(t.kpi).unit, "slice": slice_text(t.slice, dims, ctx.t("all_contacts")),
            "operator": t.operator, "target": t.value, "value": current, "gap": None if current is None else current - t.value, "note": t.note,
        })  # fmt: skip
    cols = [
        Column("name", ctx.t("col.kpi")), Column("slice", ctx.t("col.slice")), Column("operator", ctx.t("col.operator")), Column("target", ctx.t("col.next_target"), "row"),
        Column("value", ctx.t("col.this_month"), "row"), Column("gap", ctx.t("col.gap"), "row"), Column("note", ctx.t("col.note")),
    ]  # fmt: skip
    s.add(Table("next_targets", ctx.t("table.next_targets", period=nxt.label), pd.DataFrame(rows, columns=[c.key for c in cols] + ["unit"]), cols) if rows else Note(ctx.t("note.no_targets", period=nxt.label)))
    if ctx.options.forecast:
        s.add(*_expected_volume(ctx, nxt))
    return s


def _expected_volume(ctx: _Context, nxt: Period) -> list:
    start = ctx.period.end - dt.timedelta(weeks=ctx.options.forecast_weeks)
    daily = ctx.kpi(["offered"], by="channel,day", period=ctx.range_text(start, ctx.period.end))
    from callscope.forecast import events_from_store

    result = expected_volume(daily, nxt, events=events_from_store(ctx.store))
    if result is None:
        return [Note(ctx.t("note.no_forecast", weeks=2))]
    fc, backtest = result
    this_month = ctx.kpi(list(dict.fromkeys(CHANNEL + _channel_target_kpis(ctx))), by="channel", period=ctx.period.label)
    actual = this_month[this_month["kpi"] == "offered"].set_index("channel")["value"]
    totals = fc.groupby("channel", as_index=False).agg(expected=("forecast", "sum"), model=("model", "first"))
    totals["this_month"] = totals["channel"].map(actual)
    totals["change_pct"] = totals["expected"] / totals["this_month"] - 1
    chosen = backtest[backtest["chosen"]].set_index("series")["wmape"] if "wmape" in backtest else pd.Series(dtype=float)
    totals["wmape"] = totals["channel"].map(chosen)
    cols = [
        Column("channel", ctx.t("col.channel")), Column("this_month", ctx.t("col.this_month_offered"), "count"), Column("expected", ctx.t("col.expected"), "count"),
        Column("change_pct", ctx.t("col.change_pct"), "change_pct"), Column("model", ctx.t("col.model")), Column("wmape", ctx.t("col.wmape"), "ratio"),
    ]  # fmt: skip
    history = daily[daily["channel"].isin(totals["channel"])]
    data = pd.concat(
        [
            pd.DataFrame({"day": pd.to_datetime(history["day"]).dt.strftime("%m-%d"), "series": history["channel"] + " " + ctx.t("series.actual"), "value": history["value"].astype(float)}),
            pd.DataFrame({"day": pd.to_datetime(fc["day"]).dt.strftime("%m-%d"), "series": fc["channel"] + " " + ctx.t("series.forecast"), "value": fc["forecast"].astype(float)}),
        ],
        ignore_index=True,
    )
    chart = Chart("forecast_chart", ctx.t("chart.forecast", period=nxt.label), "line", data, x="day", y="value", series="series", x_label=ctx.t("axis.day"), y_label=ctx.t("unit.count"), unit="count")
    return [Table("expected_volume", ctx.t("table.expected_volume", period=nxt.label), totals, cols, note=ctx.t("note.forecast", weeks=ctx.options.forecast_weeks)), chart]


# -- definitions ---------------------------------------------------------------------------


def _definitions(ctx: _Context, headline: pd.DataFrame) -> Section:
    s = Section("definitions", ctx.t("section.definitions"))
    opts = headline.attrs.get("options", {})
    s.add(Paragraph(ctx.t("definitions.options", answer_time_s=opts.get("answer_time_s"), short_abandon_s=opts.get("short_abandon_s"), sl_denominator=opts.get("sl_denominator"), fcr_method=opts.get("fcr_method"))))
    rows = [{"kpi": k, "name": CATALOGUE[k].name(ctx.lang), "definition": CATALOGUE[k].definition(ctx.lang)} for k in HEADLINE]
    cols = [Column("kpi", "ID"), Column("name", ctx.t("col.kpi")), Column("definition", ctx.t("col.definition"))]
    return s.add(Table("definitions", ctx.t("table.definitions"), pd.DataFrame(rows), cols))
