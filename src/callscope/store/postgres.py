"""The shared multi-user store: a PostgreSQL database."""

from __future__ import annotations

import io

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.csv as pacsv

from callscope.store.base import Store

__all__ = ["PostgresStore"]

# Serialises imports into one database: dedupe reads what earlier imports committed.
_IMPORT_LOCK = 0x63616C6C  # 'call'


class PostgresStore(Store):
    kind = "postgres"

    def __init__(self, url: str):
        super().__init__(url, ibis.connect(url))

    @property
    def raw(self):
        """The underlying psycopg connection (autocommit; transactions are explicit)."""
        return self.con.con

    def execute_sql(self, sql: str) -> None:
        with self.raw.cursor() as cur:
            cur.execute(sql)

    def analyze(self, name: str) -> None:
        """ANALYZE (allowed inside the import's transaction). Without it the planner does not know
        the rows just copied in, guesses this run's rows are few and matches them against the
        stored ones with a nested loop: a re-import of 40,000 calls ran for minutes."""
        self.execute_sql(f'ANALYZE "{name}"')

    def stage(self, name: str, data: pa.Table | ir.Table) -> ir.Table:
        if isinstance(data, ir.Table):
            schema = data.schema()
            data = data.to_pyarrow()
        else:
            schema = ibis.Schema.from_pyarrow(data.schema)
        self.drop_temp(name)
        self.con.create_table(name, schema=schema, temp=True)
        self._copy_in(name, data.cast(schema.to_pyarrow()))
        return self.con.table(name)

    def append(self, name: str, data: pa.Table | ir.Table) -> None:
        """Rows computed elsewhere (the ingest DuckDB, Arrow) are streamed in with COPY."""
        if isinstance(data, ir.Table) and _bound_here(data, self.con):
            self.con.insert(name, data)
            return
        batches = data.to_pyarrow_batches() if isinstance(data, ir.Table) else data.to_batches()
        for batch in batches:
            self._copy_in(name, pa.Table.from_batches([batch]))

    def _copy_in(self, name: str, data: pa.Table) -> None:
        """Bulk-load with COPY: Arrow writes CSV in C, PostgreSQL parses it; no Python per row."""
        if data.num_rows == 0:
            return
        buf = io.BytesIO()
        pacsv.write_csv(data, buf, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
        columns = ", ".join(f'"{c}"' for c in data.column_names)
        with self.raw.cursor() as cur:
            with cur.copy(f'COPY "{name}" ({columns}) FROM STDIN WITH (FORMAT csv)') as copy:
                view = buf.getbuffer()
                for start in range(0, len(view), 1 << 20):
                    copy.write(view[start : start + (1 << 20)])

    def add_column(self, table: str, column: str, dtype) -> None:
        from ibis.backends.sql.datatypes import PostgresType

        self.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {PostgresType.to_string(dtype)}')

    def _begin(self) -> None:
        self._tx = self.raw.transaction()
        self._tx.__enter__()
        self.execute_sql(f"SELECT pg_advisory_xact_lock({_IMPORT_LOCK})")

    def _commit(self) -> None:
        tx, self._tx = self._tx, None
        tx.__exit__(None, None, None)

    def _rollback(self) -> None:
        import sys

        tx, self._tx = self._tx, None
        tx.__exit__(*sys.exc_info())


def _bound_here(expr: ir.Table, con) -> bool:
    try:
        return expr._find_backend(use_default=False) is con
    except Exception:
        return False
