"""Tables callscope keeps about itself: settings, import accounting and quarantined rows."""

from __future__ import annotations

import ibis

__all__ = ["SYSTEM_TABLES"]

META = ibis.schema({"key": "string", "value": "string"})

IMPORT_RUNS = ibis.schema(
    {
        "run_id": "int64",
        "started_at": "timestamp",
        "finished_at": "timestamp",
        "source_file": "string",
        "file_sha256": "string",
        "file_bytes": "int64",
        "profile": "string",
        "format": "string",
        "tables": "string",
        "rows_read": "int64",
        "rows_loaded": "int64",
        "rows_quarantined": "int64",
        "rows_duplicate": "int64",
        "rows_derived": "int64",
        "skew_tolerated": "int64",
        "details": "string",  # JSON: rows per table, problems per code, notes
        "callscope_version": "string",
    }
)

QUARANTINE = ibis.schema(
    {
        "run_id": "int64",
        "source_file": "string",
        "line": "int64",
        "table_name": "string",
        "column": "string",  # the source column, as the file names it
        "field": "string",  # the canonical field it feeds
        "raw_value": "string",
        "code": "string",
        "expected": "string",
        "message": "string",
    }
)

SYSTEM_TABLES = {"meta": META, "import_runs": IMPORT_RUNS, "quarantine": QUARANTINE}
