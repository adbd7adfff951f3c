"""Schema versions and how a store moves from one to the next.

Migrations are data-driven: a table or column declares the schema version that added it
(`since_version`), and migrating to version N creates the tables and adds the columns of version N.
A version that must also rewrite data registers a function in `DATA_MIGRATIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ibis

from callscope.schema import LINEAGE, SCHEMA_VERSION, SYSTEM_TABLES, TABLES, ibis_schema

if TYPE_CHECKING:
    from callscope.store.base import Store

__all__ = ["migrate", "StoreVersionError"]

DATA_MIGRATIONS: dict[int, Callable[["Store"], None]] = {}


class StoreVersionError(RuntimeError):
    pass


def migrate(store: "Store") -> list[int]:
    """Bring the store to SCHEMA_VERSION inside one transaction; return the versions applied."""
    current = store.schema_version()
    if current > SCHEMA_VERSION:
        raise StoreVersionError(
            f"{store.url} has schema version {current}, newer than this callscope "
            f"(version {SCHEMA_VERSION}); upgrade callscope to read it"
        )
    applied = []
    with store.transaction():
        for version in range(current + 1, SCHEMA_VERSION + 1):
            _apply(store, version)
            applied.append(version)
        if applied:
            store.set_meta("schema_version", str(SCHEMA_VERSION))
    return applied


def _apply(store: "Store", version: int) -> None:
    if version == 1:
        for name, schema in SYSTEM_TABLES.items():
            if not store.has_table(name):
                store.con.create_table(name, schema=schema)
    for spec in TABLES.values():
        if spec.since_version == version:
            # As that version had it, so every store ends up with the same column order.
            store.con.create_table(spec.name, schema=ibis_schema(spec, version=version))
        elif spec.since_version < version:
            for field in spec.fields:
                if field.since_version == version:
                    store.add_column(spec.name, field.name, ibis.dtype(field.dtype))
    if version in DATA_MIGRATIONS:
        DATA_MIGRATIONS[version](store)
    assert all(f.since_version == 1 for f in LINEAGE)
