"""Collecting canonical rows assembled by a platform reader, and handing them over in batches.

Platform readers (Asterisk queue_log, Amazon Connect, chat transcripts) build canonical rows from
events themselves. `CanonicalRows` keeps them per table with the source line each row starts on
and how many source records it stands for, collects the records that could not be used, and turns
both into `Batch`es whose `records` add up exactly: rows' `_nlines` plus problems' `nlines`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from callscope.ingest.formats.base import Batch, Problem
from callscope.ingest.formats.jsonfile import BadJson

__all__ = ["CanonicalRows", "TableLayout", "UTC_TIMESTAMP", "EPOCH_SECONDS", "MAX_PENDING", "locate_records", "json_snippet"]

# Instants (epoch seconds, ISO 8601 with an offset) travel as UTC time stamps; the pipeline turns
# them into wall-clock time in the store's reporting time zone.
UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")
# A column a reader fills with Unix epoch seconds (floats); it is handed over as UTC_TIMESTAMP.
EPOCH_SECONDS = "epoch seconds"


class TableLayout:
    """The columns a reader fills for one canonical table, with their Arrow types (text by default)."""

    def __init__(self, table: str, columns: list[str], types: dict[str, pa.DataType | str] | None = None):
        types = types or {}
        self.table = table
        self.fields = list(columns)
        self.columns = [*columns, "_line", "_nlines"]
        self.types = [types.get(c, pa.string()) for c in columns] + [pa.int64(), pa.int64()]

    def row(self, values: dict, line: int, nlines: int) -> tuple:
        """A row as a tuple in column order (a fraction of a dict's memory while it waits)."""
        return (*map(values.get, self.fields), line, nlines)

    def table_of(self, rows: list[tuple]) -> pa.Table:
        columns = zip(*rows, strict=True)
        return pa.table({name: _array(values, typ) for name, values, typ in zip(self.columns, columns, self.types, strict=True)})


def _array(values, typ) -> pa.Array:
    if typ == EPOCH_SECONDS:
        seconds = pa.array(values, pa.float64())
        return pc.cast(pc.round(pc.multiply(seconds, 1e6)), pa.int64()).cast(UTC_TIMESTAMP)
    return pa.array(values, typ)


# Rows wait as Python tuples, several times the memory of the Arrow batches generic readers hand
# over, so fewer of them wait at a time.
MAX_PENDING = 100_000


class CanonicalRows:
    """Rows and problems waiting to be handed to the pipeline, per canonical table."""

    def __init__(self, layouts: list[TableLayout], batch_rows: int):
        self.layouts = {layout.table: layout for layout in layouts}
        self.batch_rows = max(1, min(batch_rows, MAX_PENDING))
        self.rows: dict[str, list[tuple]] = {t: [] for t in self.layouts}
        self.problems: dict[str, list[Problem]] = {t: [] for t in self.layouts}
        self.pending = 0

    def add(self, table: str, row: dict, line: int, nlines: int) -> None:
        self.rows[table].append(self.layouts[table].row(row, line, nlines))
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
            records = sum(r[-1] for r in rows) + sum(p.nlines for p in problems)
            yield Batch(table, layout.table_of(rows) if rows else None, problems=problems, records=records)
            self.rows[table], self.problems[table] = [], []
        self.pending = 0


def locate_records(values: Iterator[tuple[int, object]], *, records_may_share_lines: bool) -> Iterator[tuple[int, object, bool]]:
    """(where, value, shares_line) for `json_values` output: rows need a distinct `_line` each.

    Records are located by the line they start on. A file whose first two records share a line
    (Firehose writes records back to back) is located by record number instead, if allowed. Otherwise
    `shares_line` marks a record that starts on the line of the one before it.
    """
    head = list(itertools.islice(values, 2))
    by_record = records_may_share_lines and len(head) == 2 and head[0][0] == head[1][0]
    last = 0
    for number, (line, value) in enumerate(itertools.chain(head, values), start=1):
        if by_record:
            yield number, value, False
        else:
            yield line, value, line == last
            last = line


def json_snippet(value) -> str:
    """A short quote of a JSON value (or of the text that could not be read) for a quarantine entry."""
    if isinstance(value, BadJson):
        return value.snippet
    return json.dumps(value, ensure_ascii=False)[:80]
