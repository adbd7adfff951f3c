"""Where canonical data lives: a DuckDB file (default) or a PostgreSQL database."""

from __future__ import annotations

import os

from callscope.store.base import DEFAULT_TIMEZONE, Store
from callscope.store.migrations import StoreVersionError, migrate

__all__ = ["Store", "open_store", "DEFAULT_STORE", "DEFAULT_TIMEZONE", "StoreVersionError", "is_postgres_url"]

DEFAULT_STORE = "callscope.duckdb"


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def open_store(url: str | None = None, *, timezone: str | None = None, create: bool = True) -> Store:
    """Open (and create or migrate) the store at `url`: a DuckDB path, a postgresql:// URL, or
    spark:DIR for Parquet files read by Spark (read-only; see store/spark.py).

    `timezone` sets the reporting time zone of a new store; an existing store keeps its own.
    """
    url = url or os.environ.get("CALLSCOPE_STORE") or DEFAULT_STORE
    if url.startswith("spark:"):
        from callscope.store.spark import SparkStore

        return SparkStore(url[len("spark:") :])
    if is_postgres_url(url):
        from callscope.store.postgres import PostgresStore

        store: Store = PostgresStore(url)
    else:
        if not create and url != ":memory:" and not os.path.exists(url):
            raise FileNotFoundError(
                f"no store at {url}; create one with `callscope init --store {url}` or `callscope demo`"
            )
        from callscope.store.duckdb import DuckDBStore

        store = DuckDBStore(url)
    fresh = store.schema_version() == 0
    migrate(store)
    if fresh:
        _check_timezone(timezone or DEFAULT_TIMEZONE)
        store.set_meta("timezone", timezone or DEFAULT_TIMEZONE)
    return store


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except Exception:
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as Asia/Shanghai or UTC") from None
