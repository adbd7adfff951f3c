"""The canonical data model: table specs, their Ibis schemas and the schema version."""

from __future__ import annotations

import ibis
import ibis.expr.schema as sch

from callscope.schema.system import SYSTEM_TABLES
from callscope.schema.tables import LINEAGE, TABLES, Field, OrderRule, TableSpec

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "SYSTEM_TABLES",
    "LINEAGE",
    "Field",
    "OrderRule",
    "TableSpec",
    "ibis_schema",
    "table_spec",
]

# Bump together with a new entry in callscope.store.migrations.MIGRATIONS.
SCHEMA_VERSION = 2


def table_spec(name: str) -> TableSpec:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; canonical tables are: {', '.join(TABLES)}") from None


def ibis_schema(spec: TableSpec, *, lineage: bool = True, version: int | None = None) -> sch.Schema:
    """The stored schema of a canonical table (all columns nullable; validation enforces 'required').

    With `version`, only the columns that schema version had (later ones are added by migrations).
    """
    fields = [f for f in spec.fields if version is None or f.since_version <= version]
    fields += list(LINEAGE) if lineage else []
    return ibis.schema({f.name: f.dtype for f in fields})
