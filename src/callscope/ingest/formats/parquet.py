"""Parquet files, scanned by DuckDB itself; a record's 'line' is its 1-based row number."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ibis
import pyarrow.parquet as pq

from callscope.ingest.formats.base import Batch
from callscope.ingest.profile import Profile

__all__ = ["read_parquet"]


def read_parquet(path: Path, profile: Profile, batch_rows: int) -> Iterator[Batch]:
    # One batch for the whole file: DuckDB streams it in bounded memory, in parallel.
    rows = pq.ParquetFile(path).metadata.num_rows

    def relation(engine: ibis.BaseBackend):
        t = engine.read_parquet(str(path), file_row_number=True)
        return t.mutate(_line=t.file_row_number + 1, _nlines=ibis.literal(1, type="int64")).drop("file_row_number")

    yield Batch("", relation=relation, records=rows)
