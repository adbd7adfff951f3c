"""What a format reader yields: batches of rows, each row tagged with its source line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from callscope.ingest.profile import Profile

__all__ = ["Batch", "Problem", "Reader", "with_lines", "strings_table", "DEFAULT_BATCH_ROWS"]

DEFAULT_BATCH_ROWS = 500_000


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
        if self.relation is not None:
            return self.relation(engine)
        if self.data is None or self.data.num_rows == 0:
            return None
        # Registered (zero-copy) rather than a memtable, so expressions are bound to the engine.
        engine.con.register("_cs_batch", self.data)
        return engine.table("_cs_batch")


class Reader(Protocol):
    def __call__(self, path: Path, profile: Profile, batch_rows: int) -> Iterator[Batch]: ...


def with_lines(data: pa.Table, lines, nlines=None) -> pa.Table:
    data = data.append_column("_line", pa.array(lines, pa.int64()))
    if nlines is None:
        nlines = np.ones(data.num_rows, dtype=np.int64)
    return data.append_column("_nlines", pa.array(nlines, pa.int64()))


def strings_table(columns: dict[str, list]) -> pa.Table:
    return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
