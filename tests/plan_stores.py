"""Small stores for the plan tests: interval reports (interval_stats) and call records."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa

from callscope.schema import TABLES, ibis_schema
from callscope.store import open_store
from test_forecast_history import contact, put_interactions

# Three weeks of history, Monday 2024-03-04 … Friday 2024-03-22; the plan is the next week.
HISTORY_DAYS = pd.bdate_range("2024-03-04", "2024-03-22")
PLAN_WEEK = "2024-03-25..2024-03-29"


def put_interval_stats(store, rows: list[dict]) -> None:
    """Rows as canonical interval_stats (unset columns NULL), appended to the store."""
    schema = ibis_schema(TABLES["interval_stats"]).to_pyarrow()
    store.append("interval_stats", pa.Table.from_pylist([{n: r.get(n) for n in schema.names} for r in rows], schema=schema))


def call_centre_helper_store(url) -> str:
    """Call Centre Helper's example as an ACD interval report: every weekday 09:00 and 09:30,
    100 calls offered and handled per half-hour at 180 s each (queue 'sales', channel voice)."""
    rows = [
        {"source": "acd", "interval_start": day + pd.Timedelta(minutes=m), "interval_minutes": 30, "queue": "sales", "channel": "voice",
         "offered": 100, "answered": 100, "handled": 100, "handle_s": 100 * 180.0}
        for day in HISTORY_DAYS for m in (9 * 60, 9 * 60 + 30)
    ]  # fmt: skip
    with open_store(str(url), timezone="UTC") as s:
        put_interval_stats(s, rows)
    return str(url)


def calls_store(path) -> str:
    """Call records on two queues, Mon–Fri 09:00–10:30: the count of each half-hour varies with the
    day and the slot, handle times with the contact; one in five abandons. Every caller is new, so
    true demand = offered contacts (no repeat attempts to collapse)."""
    rows, i = [], 0
    for d, day in enumerate(HISTORY_DAYS):
        start = dt.timedelta(days=(day - HISTORY_DAYS[0]).days)
        for slot in range(3):
            for q, queue in enumerate(("sales", "service")):
                for k in range(4 + (d + 2 * slot + q) % 5):
                    i += 1
                    at = start + dt.timedelta(hours=9, minutes=30 * slot + 3 * k)
                    if i % 5 == 0:
                        rows.append(contact(i, at, "abandoned", customer=f"c{i}", queue=queue, abandon_after=dt.timedelta(seconds=40)))
                    else:
                        rows.append(contact(i, at, "answered", customer=f"c{i}", queue=queue, talk=120.0 + 10 * (i % 7), hold=5.0 * (i % 3), acw=30.0))
    with open_store(str(path), timezone="UTC") as s:
        put_interactions(s, rows)
    return str(path)
