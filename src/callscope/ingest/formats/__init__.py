"""File formats and platform exports callscope can read; one module per source, all the same shape.

A reader takes (path, profile, batch_rows) and yields `Batch`es of rows tagged with their source
line. Generic files keep their own column names (the profile maps them); platform readers
(Asterisk, Amazon Connect, chat transcripts) assemble canonical rows from events themselves; the
Technion Anonymous Bank reader turns each call record into canonical stages and outcome.
"""

from __future__ import annotations

from callscope.ingest.formats.amazon_connect import read_connect_ctr
from callscope.ingest.formats.anonymous_bank import read_anonymous_bank
from callscope.ingest.formats.asterisk import read_queue_log
from callscope.ingest.formats.base import DEFAULT_BATCH_ROWS, Batch, Problem, Reader
from callscope.ingest.formats.chat import read_chat_transcript
from callscope.ingest.formats.csvfile import read_csv, read_tsv
from callscope.ingest.formats.excel import read_xlsx
from callscope.ingest.formats.jsonfile import read_json
from callscope.ingest.formats.parquet import read_parquet

__all__ = ["READERS", "TEXT_FORMATS", "LOOSE_COLUMNS", "Batch", "Problem", "Reader", "DEFAULT_BATCH_ROWS", "register"]

READERS: dict[str, Reader] = {
    "csv": read_csv,
    "tsv": read_tsv,
    "xlsx": read_xlsx,
    "parquet": read_parquet,
    "jsonl": read_json,
    "json": read_json,
    "asterisk_queue_log": read_queue_log,
    "amazon_connect_ctr": read_connect_ctr,
    "chat_transcript": read_chat_transcript,
    "anonymous_bank": read_anonymous_bank,
}

# Text formats whose values may carry stray spaces around them (trimmed before parsing).
TEXT_FORMATS = {"csv", "tsv", "xlsx", "anonymous_bank"}

# Formats whose column set may differ between records (missing keys are empty, not an error).
LOOSE_COLUMNS = {"jsonl", "json"}


def register(name: str, reader: Reader, *, loose_columns: bool = False) -> None:
    READERS[name] = reader
    if loose_columns:
        LOOSE_COLUMNS.add(name)
