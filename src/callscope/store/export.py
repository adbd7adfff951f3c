"""Writing a store's tables as Parquet files (one per table), e.g. for Spark."""

from __future__ import annotations

from pathlib import Path

from callscope.schema import SYSTEM_TABLES, TABLES
from callscope.store.base import Store

__all__ = ["export_parquet"]


def export_parquet(store: Store, folder: str | Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    from callscope.kpi.conversations import TABLE as CONVERSATION_STATS

    for name in [*TABLES, *SYSTEM_TABLES, CONVERSATION_STATS]:
        if store.has_table(name):
            path = folder / f"{name}.parquet"
            store.table(name).to_parquet(path)
            written.append(path)
    return written
