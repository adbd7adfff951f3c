"""Spark as a read-only store: the canonical tables as Parquet files, queried with the same Ibis
expressions as DuckDB and PostgreSQL — the path from a laptop to a cluster.

`callscope export DIR` writes a store's tables as DIR/<table>.parquet; `--store spark:DIR` (or
`SparkStore(DIR, session)`) reads them with a local Spark session or one you pass in (e.g. a
cluster's). Parquet from DuckDB keeps time stamps as local wall-clock time; the session runs in UTC
so Spark never shifts them.
"""

from __future__ import annotations

from pathlib import Path

import ibis

from callscope.store.base import Store

__all__ = ["SparkStore", "local_session"]


def local_session(app: str = "callscope"):
    """A local Spark session sized for this machine (no UI, UTC, few shuffle partitions)."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )


class SparkStore(Store):
    kind = "spark"

    def __init__(self, folder: str | Path, session=None):
        folder = Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"no folder {folder}; write one with `callscope export {folder}`")
        con = ibis.pyspark.connect(session or local_session())
        super().__init__(f"spark:{folder}", con)
        self._tables = {}
        for path in sorted(folder.glob("*.parquet")):
            self._tables[path.stem] = con.read_parquet(str(path), table_name=f"cs_{path.stem}")

    def table(self, name: str):
        try:
            return self._tables[name]
        except KeyError:
            raise KeyError(f"{self.url} has no table {name!r}") from None

    def has_table(self, name: str) -> bool:
        return name in self._tables

    def close(self) -> None:
        """The Spark session is shared; it is not stopped here."""
