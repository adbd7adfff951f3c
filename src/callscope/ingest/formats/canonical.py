"""Collecting canonical rows assembled by a platform reader, and handing them over in batches.

Platform readers (Asterisk queue_log, Amazon Connect, chat transcripts) build canonical rows from
events themselves. `CanonicalRows` keeps them per table with the source line each row starts on
and how many source records it stands for, collects the records that could not be used, and turns
both into `Batch`es whose `records` add up exactly: rows' `_nlines` plus problems' `nlines`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyarrow as pa

from callscope.ingest.formats.base import Batch, Problem

__all__ = ["CanonicalRows", "TableLayout", "UTC_TIMESTAMP", "utc_from_epoch"]

# Instants (epoch seconds, ISO 8601 with an offset) travel as UTC time stamps; the pipeline turns
# them into wall-clock time in the store's reporting time zone.
UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")


def utc_from_epoch(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


class TableLayout:
    """The columns a reader fills for one canonical table, with their Arrow types (text by default)."""

    def __init__(self, table: str, columns: list[str], types: dict[str, pa.DataType] | None = None):
        types = types or {}
        self.table = table
        self.schema = pa.schema(
            [pa.field(c, types.get(c, pa.string())) for c in columns] + [pa.field("_line", pa.int64()), pa.field("_nlines", pa.int64())]
        )


class CanonicalRows:
    """Rows and problems waiting to be handed to the pipeline, per canonical table."""

    def __init__(self, layouts: list[TableLayout], batch_rows: int):
        self.layouts = {layout.table: layout for layout in layouts}
        self.batch_rows = max(1, batch_rows)
        self.rows: dict[str, list[dict]] = {t: [] for t in self.layouts}
        self.problems: dict[str, list[Problem]] = {t: [] for t in self.layouts}
        self.pending = 0

    def add(self, table: str, row: dict, line: int, nlines: int) -> None:
        row["_line"], row["_nlines"] = line, nlines
        self.rows[table].append(row)
        self.pending += 1

    def problem(self, table: str, problem: Problem) -> None:
        self.problems[table].append(problem)
        self.pending += 1

    @property
    def full(self) -> bool:
        return self.pending >= self.batch_rows

    def flush(self) -> Iterator[Batch]:
        """One batch per table that has anything waiting."""
        for table, layout in self.layouts.items():
            rows, problems = self.rows[table], self.problems[table]
            if not rows and not problems:
                continue
            records = sum(r["_nlines"] for r in rows) + sum(p.nlines for p in problems)
            data = pa.Table.from_pylist(rows, schema=layout.schema) if rows else None
            yield Batch(table, data, problems=problems, records=records)
            self.rows[table], self.problems[table] = [], []
        self.pending = 0
