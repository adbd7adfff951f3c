"""Writing the demo centre as the files its systems would export, with canonical column names.

Big tables are Parquet (appended family by family, so memory stays bounded), small ones CSV.
Text with few distinct values is dictionary-encoded. Identifiers are made here: contacts are
numbered per channel (V… voice, C… chat, M… mail), tickets T…, agents A…, customers U….
Nothing depends on the clock or the machine: the same arrays give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from callscope.schema import TABLES

__all__ = ["DemoWriter", "FILES", "ids", "coded", "timestamps", "flags", "counts", "floats"]

# file → canonical table, in import order
FILES = {
    "agents.csv": "agents",
    "schedules.parquet": "schedules",
    "agent_states.parquet": "agent_states",
    "voice_calls.parquet": "interactions",
    "chats.parquet": "interactions",
    "emails.parquet": "interactions",
    "chat_messages.parquet": "messages",
    "tickets.parquet": "tickets",
    "events.csv": "events",
    "knowledge_hotspots.csv": "knowledge_hotspots",
    "targets.csv": "targets",
}
_ROW_GROUP = 1 << 20


def ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """prefix + zero-padded number, e.g. V000000123."""
    digits = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, np.int64)), pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, "")


def coded(codes: np.ndarray, vocabulary) -> pa.DictionaryArray:
    """Text as codes into a vocabulary of distinct values; -1 is empty."""
    vocabulary = list(vocabulary)
    # A repeated value would make Arrow's Parquet writer re-encode the column, and not byte-stably.
    assert len(set(vocabulary)) == len(vocabulary), "a vocabulary repeats a value"
    codes = np.asarray(codes)
    indices = pa.array(codes.astype(np.int32, copy=False), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(vocabulary), pa.string()))


def timestamps(seconds: np.ndarray, epoch: dt.datetime, unit: str = "us") -> pa.Array:
    seconds = np.asarray(seconds, float)
    missing = np.isnan(seconds)
    scale = 1_000_000 if unit == "us" else 1
    base = int((epoch - dt.datetime(1970, 1, 1)).total_seconds()) * scale
    values = base + np.rint(np.where(missing, 0, seconds) * scale).astype(np.int64)
    return pa.array(values, pa.timestamp(unit), mask=missing)


def flags(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, float)
    return pa.array(values == 1, pa.bool_(), mask=np.isnan(values))


def counts(values: np.ndarray) -> pa.Array:
    """Whole numbers; nan is empty."""
    if np.issubdtype(np.asarray(values).dtype, np.integer):
        return pa.array(np.asarray(values, np.int64))
    values = np.asarray(values, float)
    missing = np.isnan(values)
    return pa.array(np.where(missing, 0, values).astype(np.int64), pa.int64(), mask=missing)


def floats(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, float)
    return pa.array(values, pa.float64(), mask=np.isnan(values))


class DemoWriter:
    """Collects the tables and writes them under `out_dir`; `close()` returns the files written."""

    def __init__(self, out_dir: str | Path):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._parquet: dict[str, pq.ParquetWriter] = {}
        self._order: list[str] = []
        # Parquet encoding runs on a background thread (Arrow releases the GIL), overlapping the
        # generation of the next family; one thread keeps each file's row order fixed.
        self._pending: queue.Queue = queue.Queue(maxsize=2)
        self._failed: list[BaseException] = []
        self._thread = threading.Thread(target=self._drain, name="demo-writer", daemon=True)
        self._thread.start()

    def append(self, name: str, columns: dict[str, pa.Array]) -> None:
        """Append rows to a Parquet file; columns in the canonical table's order."""
        self._raise_failure()
        if name not in self._order:
            self._order.append(name)
        self._pending.put((name, _canonical(FILES[name], columns)))

    def _drain(self) -> None:
        while (item := self._pending.get()) is not None:
            name, table = item
            try:
                if name not in self._parquet:
                    # Dictionary pages only where a few values repeat (small Arrow dictionaries).
                    repeated = [c for c in table.column_names if _few_values(table[c])]
                    self._parquet[name] = pq.ParquetWriter(self.out_dir / name, table.schema, compression="zstd", use_dictionary=repeated)
                self._parquet[name].write_table(table, row_group_size=_ROW_GROUP)
            except BaseException as exc:  # surfaced in the caller's thread
                self._failed.append(exc)

    def _raise_failure(self) -> None:
        if self._failed:
            raise self._failed[0]

    def csv(self, name: str, columns: dict[str, pa.Array], *, canonical: bool = True, encoding: str = "utf-8") -> None:
        """Write a CSV file: canonical columns (in the table's order), or a foreign export's own."""
        data = _canonical(FILES[name], columns) if canonical else pa.table(columns)
        data = pa.table({c: _plain(data[c]) for c in data.column_names})
        if encoding == "utf-8":
            pacsv.write_csv(data, self.out_dir / name)
        else:
            buffer = pa.BufferOutputStream()
            pacsv.write_csv(data, buffer)
            text = buffer.getvalue().to_pybytes().decode("utf-8")
            (self.out_dir / name).write_bytes(text.encode(encoding))
        self._order.append(name)

    def close(self) -> list[Path]:
        self._pending.put(None)
        self._thread.join()
        for writer in self._parquet.values():
            writer.close()
        self._parquet.clear()
        self._raise_failure()
        known = list(FILES)  # reference data first, then what refers to it; other files last
        order = sorted(self._order, key=lambda name: known.index(name) if name in known else len(known))
        return [self.out_dir / name for name in order]


def _canonical(table: str, columns: dict[str, pa.Array]) -> pa.Table:
    spec = TABLES[table]
    unknown = set(columns) - set(spec.names)
    assert not unknown, f"{table}: not canonical fields: {sorted(unknown)}"
    return pa.table({name: columns[name] for name in spec.names if name in columns})


def _few_values(column: pa.ChunkedArray) -> bool:
    return pa.types.is_dictionary(column.type) and all(len(chunk.dictionary) <= 10_000 for chunk in column.chunks)


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """CSV wants plain text: decode dictionaries."""
    if pa.types.is_dictionary(column.type):
        return column.cast(pa.string())
    return column
