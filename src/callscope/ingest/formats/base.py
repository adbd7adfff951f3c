"""What a format reader yields: batches of rows, each row tagged with its source line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

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
    table: str  # the canonical table these rows are for
    data: pa.Table  # source columns plus _line (first source line) and _nlines (source records it stands for)
    problems: list[Problem] = field(default_factory=list)
    records: int = 0  # source records this batch accounts for (rows + problems)


class Reader(Protocol):
    def __call__(self, path: Path, profile: Profile, batch_rows: int) -> Iterator[Batch]: ...


def with_lines(data: pa.Table, lines, nlines=None) -> pa.Table:
    data = data.append_column("_line", pa.array(lines, pa.int64()))
    if nlines is None:
        nlines = np.ones(data.num_rows, dtype=np.int64)
    return data.append_column("_nlines", pa.array(nlines, pa.int64()))


def strings_table(columns: dict[str, list]) -> pa.Table:
    return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
