"""What a format reader yields: batches of rows, each row tagged with its source line."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from callscope.ingest.profile import Profile

__all__ = ["Batch", "Problem", "Reader", "with_lines", "strings_table", "run_sql", "batch_scans", "DEFAULT_BATCH_ROWS", "BATCH_NAME"]

DEFAULT_BATCH_ROWS = 500_000
BATCH_NAME = "_cs_batch"  # how statements on a batch's Arrow rows name them


@dataclass(frozen=True)
class Problem:
    """A record that could not even be split into fields (found by the reader, not by a check)."""

    line: int
    code: str
    value: str = ""
    expected: str = ""
    column: str = ""
    nlines: int = 1


@dataclass
class Batch:
    """Rows for one canonical table: source columns plus `_line` (first source line) and `_nlines`.

    Most readers hand over Arrow data; a reader whose format DuckDB scans natively (Parquet) gives
    `relation` instead: a function that opens the rows on the ingest engine, so they never pass
    through Python.
    """

    table: str  # the canonical table these rows are for ("" = the profile's table)
    data: pa.Table | None = None
    problems: list[Problem] = field(default_factory=list)
    records: int = 0  # source records this batch accounts for (rows + problems)
    relation: Callable[[ibis.BaseBackend], ir.Table] | None = None

    def open(self, engine: ibis.BaseBackend) -> ir.Table | None:
        """The rows as an Ibis table on the ingest engine, to build statements on.

        Arrow rows are opened by their columns only: statements built on the table read the rows
        themselves when run with `run_sql(con, sql, batch.data)`.
        """
        if self.relation is not None:
            return self.relation(engine)
        if self.data is None or self.data.num_rows == 0:
            return None
        # An empty view of the same columns, dropped again once Ibis has read its schema.
        engine.con.register(BATCH_NAME, self.data.schema.empty_table())
        table = engine.table(BATCH_NAME)
        engine.con.unregister(BATCH_NAME)
        return table


@contextlib.contextmanager
def batch_scans(con) -> Iterator[None]:
    """Let `run_sql` statements read their batch: Ibis turns DuckDB's replacement scans off."""
    was = con.execute("SELECT current_setting('python_enable_replacements')").fetchone()[0]
    con.execute("SET python_enable_replacements = true")
    try:
        yield
    finally:
        con.execute(f"SET python_enable_replacements = {str(bool(was)).lower()}")


def run_sql(con, sql: str, rows: pa.Table | None = None):
    """Run `sql` on a DuckDB connection with `rows` readable under BATCH_NAME.

    DuckDB finds `_cs_batch` among this function's variables (a replacement scan, switched on by
    `batch_scans` for the import). A view made
    with `register` would read the same rows, but inside an open transaction DuckDB keeps every
    replaced view, and the Arrow data behind it, until commit: memory would grow with the file
    instead of the batch.
    """
    _cs_batch = rows  # noqa: F841 (read by DuckDB's replacement scan)
    return con.execute(sql)


class Reader(Protocol):
    def __call__(self, path: Path, profile: Profile, batch_rows: int) -> Iterator[Batch]: ...


def with_lines(data: pa.Table, lines, nlines=None) -> pa.Table:
    data = data.append_column("_line", pa.array(lines, pa.int64()))
    if nlines is None:
        nlines = np.ones(data.num_rows, dtype=np.int64)
    return data.append_column("_nlines", pa.array(nlines, pa.int64()))


def strings_table(columns: dict[str, list]) -> pa.Table:
    return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
