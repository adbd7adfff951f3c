"""Stores for the diagnose tests: hand-made rows written as CSV and loaded by the real importer."""

from __future__ import annotations

import pandas as pd

from callscope.ingest import ingest_file


def load_rows(store, tmp_path, table: str, rows: list[dict]) -> None:
    """Import `rows` (canonical field names) into `table` of `store` through a CSV file."""
    path = tmp_path / f"{table}-{len(list(tmp_path.glob(f'{table}-*.csv')))}.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    run = ingest_file(store, path, table=table)
    assert run.rows_quarantined == 0, run.problems


def calls(category: str, start: str, answered_fast: int, answered_slow: int, *, prefix: str, channel: str = "voice") -> list[dict]:
    """Answered voice calls of one category from `start`, one a minute: `answered_fast` wait 10 s
    (within 20 s), then `answered_slow` wait 60 s."""
    first = pd.Timestamp(start)
    rows = []
    for i in range(answered_fast + answered_slow):
        rows.append({
            "interaction_id": f"{prefix}{i}", "source": "pbx", "channel": channel, "queue": "hotline", "category": category,
            "arrived_at": (first + pd.Timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S"),
            "wait_s": 10 if i < answered_fast else 60, "talk_s": 120, "outcome": "answered",
        })
    return rows
