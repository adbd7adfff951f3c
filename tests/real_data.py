"""Where the tests find the real data sets (read in place, never copied): /work/shared/data, or the
folder in CALLSCOPE_REAL_DATA. Facts quoted from each folder's PROVENANCE.md are checked counts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(os.environ.get("CALLSCOPE_REAL_DATA", "/work/shared/data"))
FEBRUARY = DATA / "anonymous_bank" / "mtpa_data_anonymous_bank_february.txt"
SIX_MINUTES = DATA / "anonymous_bank" / "rfssa_calls_6min_1999.csv"
US_BANK = DATA / "us_bank_calls_weinberg" / "bank_calls_5min.csv"
# The call log's times are wall-clock times in Israel; a store in that zone keeps them as written.
ISRAEL = "Asia/Jerusalem"


def needs(*paths: Path):
    missing = [p for p in paths if not p.exists()]
    return pytest.mark.skipif(bool(missing), reason=f"real data not found: {', '.join(map(str, missing))} (set CALLSCOPE_REAL_DATA to its folder)")


def engine_store_url(request, tmp_path_factory) -> str:
    """A new store's URL on the engine `request.param` names (duckdb or postgres)."""
    if request.param == "duckdb":
        return str(tmp_path_factory.mktemp("real") / "store.duckdb")
    import uuid

    import psycopg

    server = request.getfixturevalue("pg_server")
    name = "r_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server.format(db="postgres"), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return server.format(db=name)


ENGINES = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
