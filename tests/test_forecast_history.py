"""The history frame: true demand from the store (both engines), files of counts, aggregation."""

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from callscope.forecast.history import aggregate, history_from_file, history_from_store, infer_grain
from callscope.schema import TABLES, ibis_schema

DATA = Path(os.environ.get("CALLSCOPE_REAL_DATA", "/work/shared/data"))
BANK = DATA / "us_bank_calls_weinberg" / "bank_calls_5min.csv"
BANK_COLUMNS = {"DateTime": "interval_start", "Calls": "offered"}
needs_bank = pytest.mark.skipif(not BANK.exists(), reason=f"real data not found at {BANK}")


def contact(i, at, outcome, *, customer="c1", queue="sales", channel="voice", abandon_after=None, talk=None, hold=None, acw=None, **extra):
    arrived = dt.datetime(2024, 3, 4) + at
    row = {
        "interaction_id": f"i{i}",
        "source": "test",
        "channel": channel,
        "direction": "inbound",
        "queue": queue,
        "customer_id": customer,
        "arrived_at": arrived,
        "outcome": outcome,
        "talk_s": talk,
        "hold_s": hold,
        "acw_s": acw,
        "abandoned_at": arrived + abandon_after if abandon_after is not None else None,
    }
    row.update(extra)
    return row


def put_interactions(store, rows):
    """Rows as canonical interactions (unset columns NULL), appended to the store."""
    schema = ibis_schema(TABLES["interactions"]).to_pyarrow()
    store.append("interactions", pa.Table.from_pylist([{n: r.get(n) for n in schema.names} for r in rows], schema=schema))


M = dt.timedelta(minutes=1)
# Monday 2024-03-04; 30-minute intervals 09:00 and 09:30.
RETRY_ROWS = [
    # c1: abandons at 09:02 (after 2 min), retries 09:20 (18 min later) and abandons at 09:21,
    # retries 09:45 (24 min after that abandon) and is answered → one demand, in the 09:00 interval.
    contact(1, 9 * 60 * M, "abandoned", abandon_after=2 * M),
    contact(2, (9 * 60 + 20) * M, "abandoned", abandon_after=1 * M),
    contact(3, (9 * 60 + 45) * M, "answered", talk=200.0, hold=20.0, acw=30.0),
    # c2: abandons at 09:05 (after 5 min wait... arrived 09:00), calls again at 09:40: 35 min > 30 → two demands.
    contact(4, 9 * 60 * M, "abandoned", customer="c2", abandon_after=5 * M),
    contact(5, (9 * 60 + 40) * M, "answered", customer="c2", talk=100.0),
    # c3: answered at 09:10, calls again at 09:15 → not after an abandon, two demands.
    contact(6, (9 * 60 + 10) * M, "answered", customer="c3", talk=60.0, acw=0.0),
    contact(7, (9 * 60 + 15) * M, "answered", customer="c3", talk=40.0),
    # no customer id: never collapsed (09:05 abandon, 09:06 retry).
    contact(8, (9 * 60 + 5) * M, "abandoned", customer=None, abandon_after=1 * M),
    contact(9, (9 * 60 + 6) * M, "abandoned", customer=None, abandon_after=1 * M),
    # c1 on another queue after the abandon: a different queue, its own demand.
    contact(10, (9 * 60 + 10) * M, "answered", queue="billing", talk=90.0),
    # Not offered: IVR-ended, self-service, a test call, an outbound call.
    contact(11, (9 * 60 + 1) * M, "ivr_ended", customer="c9"),
    contact(12, (9 * 60 + 1) * M, "self_service", customer="c9"),
    contact(13, (9 * 60 + 1) * M, "answered", customer="c9", talk=10.0, is_test=True),
    contact(14, (9 * 60 + 1) * M, "answered", customer="c9", talk=10.0, direction="outbound"),
]


def test_true_demand_collapses_retries_after_an_abandon(store):
    put_interactions(store, RETRY_ROWS)
    hist = history_from_store(store, interval_minutes=30, retry_window_minutes=30).set_index(["series", "interval_start"])
    nine, half_past = pd.Timestamp("2024-03-04 09:00"), pd.Timestamp("2024-03-04 09:30")
    sales_9 = hist.loc[("sales/voice", nine)]
    # 09:00–09:29 sales attempts: i1, i2, i4, i6, i7, i8, i9 = 7; retries: i2 (c1) = 1 → offered 6
    assert (sales_9.attempts, sales_9.offered) == (7.0, 6.0)
    sales_930 = hist.loc[("sales/voice", half_past)]
    # 09:30–09:59: i3 (retry of i2, 24 min ≤ 30) and i5 (35 min > 30: new demand) → attempts 2, offered 1
    assert (sales_930.attempts, sales_930.offered) == (2.0, 1.0)
    # handled with talk time: 09:00 → i6, i7 (60 + 0 + 0, 40) = 2 contacts, 100 s; 09:30 → i3 (250 s), i5 (100 s)
    assert (sales_9.handled, sales_9.handle_s) == (2.0, 100.0)
    assert (sales_930.handled, sales_930.handle_s) == (2.0, 350.0)
    billing = hist.loc[("billing/voice", nine)]
    assert (billing.attempts, billing.offered, billing.handled, billing.handle_s) == (1.0, 1.0, 1.0, 90.0)
    assert hist.offered.sum() == 8.0  # 10 offered attempts − 2 retries


def test_a_wider_window_or_none_changes_only_the_collapsing(store):
    put_interactions(store, RETRY_ROWS)
    wide = history_from_store(store, interval_minutes=60, by=(), retry_window_minutes=40)
    off = history_from_store(store, interval_minutes=60, by=(), retry_window_minutes=None)
    # 40 min also collapses c2's 35-minute retry: 10 − 3 = 7; without collapsing: 10
    assert wide.offered.tolist() == [7.0] and wide.series.tolist() == ["all"]
    assert off.offered.tolist() == [10.0] and off.attempts.tolist() == [10.0]


def test_unknown_dimension_is_refused(duck_store):
    with pytest.raises(ValueError, match="cannot forecast by agent_id; choose from queue"):
        history_from_store(duck_store, by=("agent_id",))


@needs_bank
def test_bank_file_reads_and_aggregates_exactly():
    five = history_from_file(BANK, columns=BANK_COLUMNS)
    assert infer_grain(five) == 5
    assert len(five) == 27_716 and five.offered.sum() == 5_323_661  # PROVENANCE.md's row count and total
    thirty = aggregate(five, 30)
    assert infer_grain(thirty) == 30
    assert thirty.offered.sum() == 5_323_661
    # 2003-03-03 07:00–07:25: 111 + 113 + 76 + 82 + 91 + 87 (the published first rows) = 560
    assert thirty.offered.iloc[0] == 560
    # each day: 28 full half-hours from 07:00 plus the 21:00 interval holding the single 21:00 five-minute count
    assert (thirty.groupby(thirty.interval_start.dt.date).size() == 29).all()
    assert thirty.offered.iloc[28] == five.offered.iloc[168]


def test_file_errors_name_the_problem(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("DateTime,Calls\n2024-01-01 09:00,5\n")
    with pytest.raises(ValueError, match=r"missing column\(s\) interval_start, offered .*--columns DateTime=interval_start"):
        history_from_file(path)
    path.write_text("interval_start,offered\n2024-01-01 09:00,5\n2024-01-01 09:30,-2\n")
    with pytest.raises(ValueError, match=r"line 3, column offered: '-2' is not a count ≥ 0"):
        history_from_file(path)
    path.write_text("interval_start,offered\n2024-01-01 09:00,5\n2024-01-01 09:30,2\n")
    with pytest.raises(ValueError, match="cannot make 45-minute intervals from 30-minute history"):
        aggregate(history_from_file(path), 45)


def test_start_and_end_bound_the_history(duck_store):
    put_interactions(duck_store, RETRY_ROWS)
    # from 09:30: i3 (c1's retry — its abandon at 09:21 is outside, so it counts) and i5 → 2
    late = history_from_store(duck_store, interval_minutes=30, by=(), start="2024-03-04 09:30")
    assert late.offered.tolist() == [2.0]
    early = history_from_store(duck_store, interval_minutes=30, by=(), end="2024-03-04 09:30")
    # before 09:30: sales i1, i2, i4, i6, i7, i8, i9 and billing i10 = 8 attempts, less i2 (a retry) = 7
    assert early.offered.sum() == 7.0
    with pytest.raises(ValueError, match="history start 'soon' is not a time"):
        history_from_store(duck_store, start="soon")
