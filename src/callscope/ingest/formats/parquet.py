"""Parquet files: typed columns, read in row batches; a record's 'line' is its 1-based row number."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from callscope.ingest.formats.base import Batch, with_lines
from callscope.ingest.profile import Profile

__all__ = ["read_parquet"]


def read_parquet(path: Path, profile: Profile, batch_rows: int) -> Iterator[Batch]:
    parquet = pq.ParquetFile(path)
    first = 1
    for record_batch in parquet.iter_batches(batch_size=batch_rows):
        table = pa.Table.from_batches([record_batch])
        lines = np.arange(first, first + table.num_rows, dtype=np.int64)
        first += table.num_rows
        yield Batch("", with_lines(table, lines), records=table.num_rows)
