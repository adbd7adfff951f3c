"""The generated demo centre: deterministic, the size asked for, and realistic where it counts.

Expected values come from the generator's stated design (weekday factors, event effects, the
on-duty rules), worked out by hand in the comments; tolerances cover the Poisson noise of a
60,000-contact centre.
"""

from __future__ import annotations

import datetime as dt
import filecmp

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from callscope.demo import generate
from callscope.demo.agents import max_chats
from callscope.demo.calendar import intraday_profile
from callscope.demo.legacy import GOOD_ROWS, LEGACY_FILE, LEGACY_PROFILE, PROFILE, legacy_profile
from callscope.demo.texts import SENSITIVE_WORDS
from callscope.demo.writer import FILES
from callscope.schema import TABLES

ROWS = 60_000


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    paths = generate(out, rows=ROWS)
    return out, paths


def read(out, name) -> pd.DataFrame:
    frame = pq.read_table(out / name).to_pandas() if name.endswith(".parquet") else pd.read_csv(out / name)
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(object)
    return frame


@pytest.fixture(scope="module")
def contacts(demo) -> pd.DataFrame:
    out, _ = demo
    return pd.concat([read(out, f) for f in ("voice_calls.parquet", "chats.parquet", "emails.parquet")], ignore_index=True)


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    first = generate(tmp_path / "a", rows=8_000, months=3)
    again = generate(tmp_path / "b", rows=8_000, months=3)
    other = generate(tmp_path / "c", rows=8_000, months=3, seed=7)
    assert [p.name for p in first] == [p.name for p in again]
    for a, b in zip(first, again):
        assert filecmp.cmp(a, b, shallow=False), a.name
    assert not filecmp.cmp(first[0].parent / "voice_calls.parquet", other[0].parent / "voice_calls.parquet", shallow=False)


def test_exactly_the_rows_asked_for_and_every_table(demo, contacts):
    out, paths = demo
    assert len(contacts) == ROWS  # multinomial draws: the total is exact, not approximate
    assert contacts.interaction_id.is_unique
    written = {FILES[p.name] for p in paths if p.name in FILES}
    # interval_stats stands in for call records where a centre has only ACD interval reports; the
    # demo exports the call records themselves.
    assert written == set(TABLES) - {"interval_stats"}
    for path in paths:
        if path.name != LEGACY_FILE:  # GB18030: see test_legacy_export_is_gb18030_with_its_profile
            assert len(read(out, path.name)) > 0, path.name


def test_noon_and_before_close_peaks(contacts):
    voice = contacts[contacts.channel == "voice"]
    hour = voice.arrived_at.dt.hour + voice.arrived_at.dt.minute / 60
    profile = intraday_profile("voice")
    share = lambda a, b: profile[int(a * 4) : int(b * 4)].sum()  # noqa: E731
    counts = {k: ((hour >= a) & (hour < b)).sum() for k, (a, b) in {"noon": (12, 13), "afternoon": (15, 16), "close": (20.5, 21.5)}.items()}
    for peak in ("noon", "close"):
        expected = share(*{"noon": (12, 13), "close": (20.5, 21.5)}[peak]) / share(15, 16)
        assert expected > 1.5  # the design: both peaks at least half as busy again as mid-afternoon
        # ~2,000 calls per hour bucket: a ratio's relative noise is about √(2/2000) ≈ 3%
        assert counts[peak] / counts["afternoon"] == pytest.approx(expected, rel=0.1)
    assert ((hour < 8) | (hour >= 22)).sum() == 0  # the lines are open 08:00–22:00


def test_mondays_busier_than_sundays(contacts):
    # Weekday factors Monday 1.20, Sunday 0.72: ratio 1.20 / 0.72 = 1.667.
    live = contacts[contacts.channel != "email"]
    per_day = live.arrived_at.dt.normalize().value_counts()
    weekday = per_day.index.dayofweek
    assert per_day[weekday == 0].mean() / per_day[weekday == 6].mean() == pytest.approx(1.667, abs=0.1)


def test_campaigns_and_holidays_move_volume(contacts):
    sales = contacts[contacts.queue == "售前咨询"].arrived_at.dt.normalize().value_counts().sort_index()
    # 双11大促 lifts pre-sales by +80%. Weekday mix 1–11 Nov 2023 (Wed … Sat) averages 0.962,
    # two whole weeks 0.970, trend +0.7%: expected 1.8 × 0.962 / 0.970 × 1.007 = 1.80.
    assert sales["2023-11-01":"2023-11-11"].mean() / sales["2023-10-16":"2023-10-29"].mean() == pytest.approx(1.80, abs=0.15)
    voice = contacts[contacts.channel == "voice"].arrived_at.dt.normalize().value_counts().sort_index()
    # The National Day break (29 Sep – 6 Oct 2023) is −45%; its weekday mix (0.970) equals two
    # whole weeks': expected 0.55.
    assert voice["2023-09-29":"2023-10-06"].mean() / voice["2023-10-09":"2023-10-22"].mean() == pytest.approx(0.55, abs=0.07)


def test_voice_times_and_durations_agree(contacts):
    v = contacts[contacts.channel == "voice"]
    answered, abandoned = v[v.outcome == "answered"], v[v.outcome == "abandoned"]
    seconds = lambda a, b: (a - b).dt.total_seconds()  # noqa: E731
    assert (seconds(answered.answered_at, answered.queued_at) == answered.wait_s).all()
    assert (seconds(answered.ended_at, answered.answered_at) == answered.talk_s + answered.hold_s).all()
    assert (seconds(answered.wrapup_end_at, answered.ended_at) == answered.acw_s).all()
    assert (seconds(abandoned.abandoned_at, abandoned.queued_at) == abandoned.wait_s).all()
    assert (seconds(v.queued_at, v.arrived_at).dropna() == v.ivr_s[v.queued_at.notna()]).all()
    # Calls that ended in the IVR never queued; some helped themselves, some hung up.
    ivr = v[v.outcome.isin(["self_service", "ivr_ended"])]
    assert len(ivr) > 0 and ivr.queued_at.isna().all() and set(ivr.outcome) == {"self_service", "ivr_ended"}
    # A few agent mis-operations (handled in under 3 s) and test calls, as real data has.
    handled = answered.talk_s + answered.hold_s + answered.acw_s
    misop = handled < 3  # callscope's default exclusion rule for mis-operations
    assert 0 < misop.sum() < 0.005 * len(answered) and set(handled[handled < 10]) <= {1.0, 2.0}
    assert 0 < contacts.is_test.sum() < 50


def test_vip_callers_wait_less_than_others_at_the_same_hours(contacts):
    v = contacts[(contacts.channel == "voice") & contacts.outcome.isin(["answered", "abandoned"])]
    busy = v[(v.queued_at.dt.hour >= 11) & (v.queued_at.dt.hour < 14)]
    waits = busy.groupby("queue").wait_s.mean()
    assert (busy.customer_tier == "VIP").groupby(busy.queue).all()["VIP专线"]
    assert all(waits["VIP专线"] < waits[q] for q in ("售前咨询", "售后服务", "技术支持"))


def test_service_level_misses_come_from_the_noon_peak(contacts):
    # β is 0.4 at 11:30–13:30 against 0.8 otherwise, and lunch breaks fall around noon: the noon
    # hour answers clearly fewer calls within 20 s than mid-afternoon and loses several times more.
    v = contacts[(contacts.channel == "voice") & (contacts.queue != "VIP专线") & contacts.outcome.isin(["answered", "abandoned"])]
    hour = v.queued_at.dt.hour
    within = (v.outcome == "answered") & (v.wait_s <= 20)
    assert within[hour == 12].mean() < within[hour == 15].mean() - 0.1
    abandon = v.outcome == "abandoned"
    assert abandon[hour == 12].mean() > 3 * abandon[hour == 15].mean()


def test_repeat_contacts_follow_unresolved_ones(contacts):
    v = contacts[(contacts.channel == "voice") & (contacts.outcome == "answered") & contacts.customer_id.str.startswith("U")]
    v = v.sort_values("arrived_at")
    following = v.groupby("customer_id").arrived_at.shift(-1)
    again = (following - v.arrived_at) <= pd.Timedelta(days=7)
    assert again[v.resolved == False].mean() > 0.3  # noqa: E712  (returns within a week)
    assert again[v.resolved == True].mean() < 0.1  # noqa: E712


def test_no_agent_holds_more_chats_than_their_tenure_allows(demo, contacts):
    out, _ = demo
    agents = read(out, "agents.csv").set_index("agent_id")
    chats = contacts[(contacts.channel == "chat") & (contacts.outcome == "answered")]
    starts = pd.DataFrame({"agent": chats.agent_id, "t": chats.answered_at, "d": 1})
    ends = pd.DataFrame({"agent": chats.agent_id, "t": chats.wrapup_end_at, "d": -1})
    events = pd.concat([starts, ends]).sort_values(["agent", "t", "d"])
    events["open"] = events.groupby("agent").d.cumsum()
    peak = events[events.d == 1].assign(day=lambda e: e.t.dt.normalize()).groupby(["agent", "day"]).open.max().reset_index()
    hire = pd.to_datetime(agents.hire_date.reindex(peak.agent).to_numpy())
    tenure = (peak.day.to_numpy() - hire).days
    allowed = max_chats(tenure, peak.agent.str[1:].astype(int))
    assert (peak.open.to_numpy() <= allowed).all()
    assert peak.open.max() >= 6 and (peak.open >= 3).mean() > 0.2  # agents do hold 3–8 at once


def test_agent_states_agree_with_the_contacts(demo, contacts):
    out, _ = demo
    states = read(out, "agent_states.parquet").sort_values(["agent_id", "start"])
    same = states.agent_id.eq(states.agent_id.shift(-1))
    assert (states.end[same] <= states.start.shift(-1)[same]).all()  # one state at a time
    assert (states.end > states.start).all()
    voice = contacts[(contacts.channel == "voice") & (contacts.outcome == "answered")]
    seconds = lambda s: s.dt.total_seconds()  # noqa: E731
    talk = seconds(voice.ended_at - voice.answered_at).groupby(voice.agent_id).sum()
    wrap = seconds(voice.wrapup_end_at - voice.ended_at).groupby(voice.agent_id).sum()
    logged = seconds(states.end - states.start).groupby([states.agent_id, states.state]).sum().unstack(fill_value=0)
    assert (logged.loc[talk.index, "on_contact"] == talk).all()  # every second on a call is logged
    assert (logged.loc[wrap.index, "acw"] == wrap).all()
    assert {"available", "on_contact", "acw", "break", "lunch", "training", "meeting", "offline"} == set(states.state)


def test_schedules_have_breaks_and_lunch(demo):
    out, _ = demo
    plan = read(out, "schedules.parquet")
    plan["minutes"] = (plan.end - plan.start).dt.total_seconds() / 60
    plan["day"] = plan.start.dt.normalize()
    per = plan.groupby(["agent_id", "day"])
    span = (per.end.max() - per.start.min()).dt.total_seconds() / 3600
    assert set(span.round(2)) == {9.0, 5.0}  # full shifts and evening part-timers
    lunches = plan[plan.activity == "lunch"].groupby(["agent_id", "day"]).minutes.sum()
    breaks = plan[plan.activity == "break"].groupby(["agent_id", "day"]).minutes.sum()
    full = span[span == 9.0].index
    assert (lunches.reindex(full) == 60).all() and (breaks.reindex(full) == 30).all()
    assert (breaks.reindex(span[span == 5.0].index) == 15).all() and lunches.reindex(span[span == 5.0].index).isna().all()


def test_agents_have_teams_sites_and_a_tenure_mix(demo):
    out, _ = demo
    agents = read(out, "agents.csv")
    assert agents.agent_id.is_unique and agents.team.notna().all() and set(agents.site) == {"上海", "成都"}
    tenure = (pd.Timestamp("2024-09-30") - pd.to_datetime(agents.hire_date)).dt.days
    assert (tenure < 180).any() and (tenure > 365).any()
    assert (agents.hourly_cost > 0).all()


def test_chat_transcripts(demo, contacts):
    out, _ = demo
    msgs = read(out, "chat_messages.parquet")
    chats = contacts[contacts.channel == "chat"].set_index("interaction_id")
    first = msgs.groupby("interaction_id").nth(0).set_index("interaction_id")
    last = msgs.sort_values("seq").groupby("interaction_id").tail(1).set_index("interaction_id")
    answered = chats[chats.outcome == "answered"]
    first_agent = msgs[msgs.sender == "agent"].groupby("interaction_id").ts.min()
    assert (first_agent.reindex(answered.index) == answered.answered_at).all()  # answered_at = first agent reply
    closed = answered[answered.agent_closed == True].index  # noqa: E712
    assert len(closed) > 0 and (last.loc[closed, "sender"] == "customer").all()
    assert (last.loc[answered.index.difference(closed), "sender"] == "agent").all()
    bot_only = chats[chats.outcome == "bot_resolved"].index
    assert not msgs[msgs.interaction_id.isin(bot_only)].sender.eq("agent").any()
    assert (first.loc[bot_only, "sender"] == "bot").all()
    assert msgs.script_id.notna().mean() > 0.1 and msgs.hotspot_id.notna().any()
    offered = msgs[msgs.hotspot_id.notna()]
    assert offered.adopted.notna().all() and 0.2 < offered.adopted.mean() < 0.8
    agent_text = msgs[msgs.sender == "agent"].text
    rude = agent_text.str.contains("|".join(SENSITIVE_WORDS), case=False)
    per_chat = rude.groupby(msgs.loc[agent_text.index, "interaction_id"]).any()
    assert 0 < per_chat.mean() < 0.02  # a few chats, not many
    assert not msgs[msgs.sender != "agent"].text.str.contains("|".join(SENSITIVE_WORDS), case=False).any()


def test_tickets_have_due_times_and_some_are_late(demo):
    out, _ = demo
    t = read(out, "tickets.parquet")
    assert (t.due_at > t.created_at).all() and (t.first_response_at.dropna() >= t.created_at[t.first_response_at.notna()]).all()
    late = t.resolved_at > t.due_at
    assert 0.05 < late.mean() < 0.3
    assert t.abandoned_by_customer.any() and {"P1", "P2", "P3", "P4"} == set(t.priority)
    assert (t.priority[t.customer_tier == "VIP"] <= "P2").all()  # VIPs come first


def test_events_hotspots_targets(demo):
    out, _ = demo
    events = read(out, "events.csv")
    opinion = events[events.kind == "public_opinion"]
    late = pd.to_datetime(opinion.alerted_at) > pd.to_datetime(opinion.deadline)
    assert late.sum() == 2 and len(opinion) == round(13 * 0.8)
    assert {"holiday", "campaign", "outage", "system_change", "public_opinion"} == set(events.kind)
    hotspots = read(out, "knowledge_hotspots.csv")
    assert hotspots.flagged_at.notna().sum() == 10 and 0 < hotspots.repaired_at.notna().sum() < 10
    targets = read(out, "targets.csv")
    sl = targets[targets.kpi == "SL"]
    assert (sl.value == 0.8).all() and (sl.threshold_s == 20).all() and len(sl) == 5  # 2023-Q3 … 2024-Q3


def test_legacy_export_is_gb18030_with_its_profile(demo):
    out, _ = demo
    raw = (out / LEGACY_FILE).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = raw.decode("gb18030").splitlines()
    assert lines[0].startswith('"流水号","渠道"') and len(lines) == 1 + GOOD_ROWS + 5
    assert yaml.safe_load((out / LEGACY_PROFILE).read_text(encoding="utf-8")) == PROFILE
    profile = legacy_profile()
    assert profile.columns["customer_tier"].map == {"VIP客户": "VIP", "普通客户": "normal"} and profile.source == "legacy-crm"


def test_bad_arguments_are_refused_with_the_value():
    with pytest.raises(ValueError, match=r"--end '2024-9' is not a month.*YYYY-MM"):
        generate("/nonexistent", end="2024-9")
    with pytest.raises(ValueError, match="--rows 10 is too few"):
        generate("/nonexistent", rows=10)
    with pytest.raises(ValueError, match="--months 0"):
        generate("/nonexistent", months=0)


def test_default_period_is_fixed():
    from callscope.demo.config import DemoConfig

    cfg = DemoConfig()
    assert (cfg.first_day, cfg.last_day, cfg.days) == (dt.date(2023, 9, 1), dt.date(2024, 9, 30), 396)
