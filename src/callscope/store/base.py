"""What every store offers: Ibis tables, one transaction, temporary staging tables and settings.

Everything downstream reads and writes through `Store.con` (an Ibis backend) so the same
expressions run on DuckDB and PostgreSQL. The few things Ibis does not cover — an explicit
transaction, a fast bulk load into a temporary table, adding a column — are the methods a
backend overrides.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import ibis
import ibis.expr.types as ir
import pyarrow as pa

__all__ = ["Store", "DEFAULT_TIMEZONE"]

DEFAULT_TIMEZONE = "UTC"


class Store:
    kind: str = "?"

    def __init__(self, url: str, con: ibis.BaseBackend):
        self.url = url
        self.con = con
        self._engine: ibis.BaseBackend | None = None
        self._depth = 0

    # -- reading --------------------------------------------------------------------------
    def table(self, name: str) -> ir.Table:
        return self.con.table(name)

    def has_table(self, name: str) -> bool:
        return name in self.con.list_tables()

    def count(self, name: str) -> int:
        return int(self.table(name).count().execute()) if self.has_table(name) else 0

    # -- settings -------------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        if not self.has_table("meta"):
            return default
        t = self.table("meta")
        rows = t.filter(t.key == key).select("value").to_pyarrow().column("value").to_pylist()
        return rows[0] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.execute_sql(f"DELETE FROM meta WHERE key = {_quote(key)}")
            self.con.insert("meta", ibis.memtable({"key": [key], "value": [value]}))

    def schema_version(self) -> int:
        return int(self.meta("schema_version", "0"))

    @property
    def timezone(self) -> str:
        """The reporting time zone: every stored time stamp is local time in this zone."""
        return self.meta("timezone", DEFAULT_TIMEZONE) or DEFAULT_TIMEZONE

    def now(self) -> dt.datetime:
        """The current time as a naive time stamp in the store's time zone."""
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(self.timezone)).replace(tzinfo=None)

    # -- writing --------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work; nested calls join the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        self._commit()

    @contextlib.contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Settings for one large import, around its transaction (none by default)."""
        yield

    def analyze(self, name: str) -> None:
        """Refresh the planner's statistics of a table just bulk-loaded (nothing by default)."""

    def execute_sql(self, sql: str) -> None:
        raise NotImplementedError

    def stage(self, name: str, data: pa.Table | ir.Table) -> ir.Table:
        """Put rows in a temporary table of this store (replacing one of the same name)."""
        raise NotImplementedError

    def append(self, name: str, data: pa.Table | ir.Table) -> None:
        """Insert rows into a stored table, from Arrow or from an expression on any backend."""
        if isinstance(data, pa.Table) and self.kind == "duckdb":
            data = ibis.memtable(data)
        if isinstance(data, ir.Table) and _backend_of(data) in (self.con, None):
            self.con.insert(name, data)
            return
        staged = self.stage("_cs_append", data)
        self.con.insert(name, staged)
        self.drop_temp("_cs_append")

    def drop_temp(self, name: str) -> None:
        self.execute_sql(f'DROP TABLE IF EXISTS "{name}"')

    def add_column(self, table: str, column: str, dtype) -> None:
        raise NotImplementedError

    def ingest_engine(self) -> ibis.BaseBackend:
        """The embedded DuckDB that parses and validates incoming files."""
        if self._engine is None:
            self._engine = ibis.duckdb.connect()
        return self._engine

    def close(self) -> None:
        if self._engine is not None and self._engine is not self.con:
            self._engine.disconnect()
        self.con.disconnect()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _begin(self) -> None:
        raise NotImplementedError

    def _commit(self) -> None:
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError


def _backend_of(expr: ir.Table):
    """The backend an expression is bound to; None for one built only from in-memory data."""
    try:
        return expr._find_backend(use_default=False)
    except Exception:
        return None


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
