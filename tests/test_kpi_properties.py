"""Properties that hold for any data (hypothesis), and edge cases on tiny hand-made stores."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callscope.kpi import CATALOGUE, compute
from callscope.schema import TABLES, ibis_schema
from callscope.store import open_store

START = dt.datetime(2024, 9, 2, 9, 0)


def _store_with(rows: list[dict], table: str = "interactions"):
    """An in-memory store holding `rows` (canonical fields; the rest empty)."""
    store = open_store(":memory:")
    schema = ibis_schema(TABLES[table]).to_pyarrow()
    data = {f.name: [r.get(f.name) for r in rows] for f in schema}
    data["_run_id"] = [1] * len(rows)
    data["_line"] = list(range(2, len(rows) + 2))
    data["_nlines"] = [1] * len(rows)
    store.append(table, pa.table(data, schema=schema))
    return store


contact = st.fixed_dictionaries(
    {
        "queue": st.sampled_from(["a", "b", "c"]),
        "outcome": st.sampled_from(["answered", "abandoned", "blocked", "ivr_ended", "overflow"]),
        "wait_s": st.one_of(st.none(), st.floats(0, 300, allow_nan=False)),
        "talk_s": st.one_of(st.none(), st.floats(0, 900, allow_nan=False)),
        "hold_s": st.one_of(st.none(), st.floats(0, 60, allow_nan=False)),
        "transfer_count": st.one_of(st.none(), st.integers(0, 3)),
        "csat": st.one_of(st.none(), st.integers(1, 5).map(float)),
        "minute": st.integers(0, 600),
    }
)


def _rows(contacts):
    out = []
    for i, c in enumerate(contacts):
        arrived = START + dt.timedelta(minutes=c.pop("minute"))
        out.append({**c, "interaction_id": f"x{i}", "source": "t", "channel": "voice", "arrived_at": arrived})
    return out


RATIOS = [k.id for k in CATALOGUE.values() if k.unit == "ratio" and k.base == "interactions" and k.family == "voice"]
COUNTS = [k.id for k in CATALOGUE.values() if k.additive]
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(contact, min_size=1, max_size=30))
def test_ratios_stay_between_0_and_1(contacts):
    with _store_with(_rows(contacts)) as store:
        frame = compute(store, RATIOS, by="queue", period="2024-09")
    values = frame["value"].dropna()
    assert ((values >= 0) & (values <= 1)).all(), frame[["queue", "kpi", "value"]]


@SETTINGS
@given(st.lists(contact, min_size=1, max_size=30))
def test_counts_over_slices_add_up_to_the_total(contacts):
    with _store_with(_rows(contacts)) as store:
        sliced = compute(store, COUNTS, by="queue", period="2024-09")
        total = compute(store, COUNTS, period="2024-09")
    total = total[total["value"].notna()]  # e.g. short abandons need wait_s, which may be absent
    sums = sliced[sliced.kpi.isin(total.kpi)].groupby("kpi")["value"].sum().to_dict()
    assert sums == pytest.approx(dict(zip(total.kpi, total.value)))


@SETTINGS
@given(st.lists(contact, min_size=1, max_size=30), st.lists(st.integers(0, 300), min_size=2, max_size=5))
def test_service_level_never_falls_as_the_threshold_grows(contacts, thresholds):
    with _store_with(_rows(contacts)) as store:
        values = [compute(store, ["SL"], period="2024-09", options={"answer_time_s": t}).iloc[0]["value"] for t in sorted(thresholds)]
    known = [v for v in values if not pd.isna(v)]
    assert known == sorted(known)


def test_empty_slice_is_no_data_not_zero():
    with _store_with(_rows([{"queue": "a", "outcome": "answered", "wait_s": 5.0, "talk_s": 60.0, "minute": 0}])) as store:
        frame = compute(store, ["SL", "ASA", "offered"], period="2024-09", filters={"queue": "nope"})
    r = {x["kpi"]: x for x in frame.to_dict("records")}
    assert pd.isna(r["SL"]["value"]) and r["SL"]["note"] == "no_data"
    assert pd.isna(r["ASA"]["value"])
    assert r["offered"]["value"] == 0  # a count of nothing is 0


def _chat(rows):
    return [{"source": "w", "channel": "chat", **r} for r in rows]


def test_chat_with_one_message():
    # One human chat where the agent greeted and the customer never wrote: 1 message, no reply gap.
    chat = _chat([{"interaction_id": "k1", "agent_id": "a", "outcome": "answered", "arrived_at": START,
                   "answered_at": START + dt.timedelta(seconds=5), "ended_at": START + dt.timedelta(seconds=65)}])
    store = _store_with(chat)
    message = {"interaction_id": "k1", "source": "w", "seq": 1, "ts": START + dt.timedelta(seconds=5), "sender": "agent", "text": "您好"}
    schema = ibis_schema(TABLES["messages"]).to_pyarrow()
    store.append("messages", pa.table({f.name: [message.get(f.name, 1 if f.name in ("_run_id", "_nlines") else (2 if f.name == "_line" else None))] for f in schema}, schema=schema))
    frame = compute(store, ["messages_per_session", "reply_interval", "script_usage_rate", "concurrent_chats"], period="2024-09")
    r = {x["kpi"]: x for x in frame.to_dict("records")}
    assert r["messages_per_session"]["value"] == 1.0
    assert pd.isna(r["reply_interval"]["value"])  # no customer message was answered: no gap to average
    # No message anywhere carries a script id: the data cannot say, so "not available", never 0.
    assert r["script_usage_rate"]["note"] == "missing:messages.script_id"
    assert r["concurrent_chats"]["value"] == 1.0
    store.close()


def test_overlapping_chats_touching_ends_do_not_overlap():
    # Agent a: k1 10:00–10:10, k2 10:05–10:20 (overlap), k3 10:20–10:30 starts exactly when k2 ends.
    def chat(i, start, end):
        return {"interaction_id": i, "agent_id": "a", "outcome": "answered", "arrived_at": start,
                "answered_at": start, "ended_at": end}

    t = lambda h, m: dt.datetime(2024, 9, 2, h, m)  # noqa: E731
    store = _store_with(_chat([chat("k1", t(10, 0), t(10, 10)), chat("k2", t(10, 5), t(10, 20)), chat("k3", t(10, 20), t(10, 30))]))
    frame = compute(store, ["concurrent_chats", "max_concurrent"], period="2024-09")
    assert frame.set_index("kpi")["value"].to_dict() == {"concurrent_chats": 2.0, "max_concurrent": 2.0}
    store.close()
