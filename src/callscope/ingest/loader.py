"""Adding validated rows to a canonical table: new rows in, exact duplicates out, conflicts quarantined.

A row's identity is its table's key (e.g. `source` + `interaction_id`). During an import, valid
rows are appended straight into the table (the fast path, as fast as a bare load); when the file
is done, `TableLoad.finish` looks at this run's rows once: a row whose key was already stored, or
appeared earlier in the same file, is an exact duplicate when every column is equal and a conflict
otherwise. Both are removed from the table again (inside the same transaction) and conflicts are
quarantined, naming the columns that differ. All of it is Ibis on the store's engine.

On DuckDB, which runs inside this process, a large import is settled in parts of at most
`SETTLE_ROWS` rows, split by a hash of the key (rows with equal keys always fall in the same part):
finding repeated keys hashes every key, and in one go that held ~70 MB per million rows.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from callscope.ingest.formats.base import run_sql
from callscope.ingest.messages import render_message
from callscope.ingest.sqlfuncs import row_hash
from callscope.schema import TableSpec
from callscope.store import Store

__all__ = ["LoadResult", "TableLoad", "insert_select"]

_COPY_ROWS = 100_000  # rows per COPY when the store is not the ingest engine
SETTLE_ROWS = 2_000_000  # this run's rows per part when duplicates are settled on DuckDB


@dataclass
class LoadResult:
    loaded: int = 0  # source records behind the rows kept
    duplicate: int = 0  # source records behind exact duplicates removed
    conflict: int = 0  # source records behind conflicting rows (quarantined)
    rows: int = 0  # rows kept (derived rows included)
    derived: int = 0  # rows kept that were derived from other records


class TableLoad:
    """One import's rows for one table."""

    def __init__(self, store: Store, spec: TableSpec, run_id: int):
        self.store, self.spec, self.run_id = store, spec, run_id
        table = store.table(spec.name)
        self.had_rows = table.limit(1).count().to_pyarrow().as_py() > 0
        self.appended = 0  # rows this run appended so far

    def append_sql(self, engine, select: str, batch: pa.Table | None = None) -> int:
        """Append the rows of `select`: SQL on the ingest engine (over `batch`) giving the table's
        canonical columns, then `_run_id` (this run), `_line` and `_nlines`. Returns how many."""
        rows = insert_select(self.store, engine, self.spec.name, [*self.spec.names, "_run_id", "_line", "_nlines"], select, batch)
        self.appended += rows
        return rows

    def finish(self, *, source_file: str, lang: str) -> LoadResult:
        spec, store = self.spec, self.store
        store.analyze(spec.name)  # the duplicate check below joins this run's rows with the rest
        table = store.table(spec.name)
        mine = table.filter(table._run_id == self.run_id)
        older = table.filter(table._run_id != self.run_id) if self.had_rows else None
        result = LoadResult()
        doomed: list[ir.Table] = []
        conflicts: list[ir.Table] = []
        parts = -(-self.appended // SETTLE_ROWS) if store.kind == "duckdb" else 1
        for part in range(parts):
            known = None if older is None else _part(older, spec, parts, part)
            self._settle(_part(mine, spec, parts, part), known, result, doomed, conflicts)
        for lines in doomed:
            self._delete(lines)
        for rows in conflicts:
            store.append("quarantine", _conflict_rows(rows, spec, run_id=self.run_id, source_file=source_file, lang=lang))
        for i in range(len(doomed)):
            store.drop_temp(f"_cs_pairs{i}")
        kept = mine.aggregate(n=mine._nlines.sum(), rows=mine.count(), derived=(mine._nlines == 0).sum()).to_pyarrow().to_pylist()[0]
        result.loaded = int(kept["n"] or 0)
        result.rows = int(kept["rows"] or 0)
        result.derived = int(kept["derived"] or 0)
        return result

    def _settle(self, mine: ir.Table, older: ir.Table | None, result: LoadResult, doomed: list, conflicts: list) -> None:
        """Classify this run's rows `mine` whose key is already in `older` or repeats within `mine`."""
        spec = self.spec
        rest = mine
        if older is not None:
            pairs = self._classify(_match(mine, older, spec), result, doomed, conflicts)
            if pairs is not None:
                rest = mine.filter(~mine._line.isin(pairs._line))
        # Within this run, the first occurrence of a key (lowest line) stays; later ones are compared to it.
        # (Joins only: Ibis 12 cannot nest an anti-join inside a join for PostgreSQL.)
        groups = rest.group_by(list(spec.key)).aggregate(_first=rest._line.min(), _n=rest.count())
        groups = groups.filter(groups._n > 1).select(*[groups[k].name(f"__g_{k}") for k in spec.key], _first=groups._first)
        if groups.count().to_pyarrow().as_py():
            same = [rest[k] == groups[f"__g_{k}"] if spec[k].required else rest[k].identical_to(groups[f"__g_{k}"]) for k in spec.key]
            joined = rest.inner_join(groups, same)
            keep = joined.filter(joined._line == joined._first).select(*rest.columns)
            repeats = joined.filter(joined._line != joined._first).select(*rest.columns)
            self._classify(_match(repeats, keep, spec), result, doomed, conflicts)

    def _classify(self, pairs: ir.Table, result: LoadResult, doomed: list, conflicts: list) -> ir.Table | None:
        """Count duplicates and conflicts among `pairs`; remember their lines for removal."""
        summary = pairs.group_by("_same").aggregate(n=pairs._nlines.sum()).to_pyarrow().to_pylist()
        for row in summary:
            if row["_same"]:
                result.duplicate += int(row["n"] or 0)
            else:
                result.conflict += int(row["n"] or 0)
        if not summary:
            return None
        staged = self.store.stage(f"_cs_pairs{len(doomed)}", pairs)
        doomed.append(staged.select("_line"))
        conflicts.append(staged.filter(~staged._same))
        return staged

    def _delete(self, lines: ir.Table) -> None:
        subquery = self.store.con.compile(lines)
        self.store.execute_sql(f'DELETE FROM "{self.spec.name}" WHERE "_run_id" = {self.run_id} AND "_line" IN ({subquery})')


def insert_select(store: Store, engine, table: str, columns: list[str], select: str, batch: pa.Table | None = None) -> int:
    """INSERT the rows of `select`, SQL on the ingest engine whose columns are `columns` in order;
    returns how many.

    On DuckDB the engine is the store's own connection: one INSERT … SELECT, rows never leave it.
    Elsewhere the rows stream out of the engine in Arrow batches into the store (COPY on PostgreSQL).
    """
    if engine is store.con:
        names = ", ".join(f'"{c}"' for c in columns)
        return int(run_sql(engine.con, f'INSERT INTO "{table}" ({names}) {select}', batch).fetchone()[0])
    reader = run_sql(engine.con, select, batch).fetch_record_batch(_COPY_ROWS)
    rows = 0
    for batch in reader:
        store.append(table, pa.Table.from_batches([batch]))
        rows += batch.num_rows
    return rows


def _part(rows: ir.Table, spec: TableSpec, parts: int, part: int) -> ir.Table:
    """The rows whose key hashes to `part` of `parts` (equal keys, NULLs included, hash alike)."""
    if parts == 1:
        return rows
    return rows.filter(row_hash(ibis.struct({k: rows[k] for k in spec.key})) % parts == part)


def _match(rows: ir.Table, known: ir.Table, spec: TableSpec) -> ir.Table:
    """Rows whose key is in `known`: `_same` (every column equal), `_differ` (the columns that are not)."""
    old = known.select(**{f"__old_{c}": known[c] for c in spec.names})
    preds = [rows[k] == old[f"__old_{k}"] if spec[k].required else rows[k].identical_to(old[f"__old_{k}"]) for k in spec.key]
    joined = rows.inner_join(old, preds)
    others = [c for c in spec.names if c not in spec.key]
    equal = {c: joined[c].identical_to(joined[f"__old_{c}"]) for c in others}
    same = functools.reduce(operator.and_, equal.values()) if equal else ibis.literal(True)
    differ = ibis.literal(", ").join([ibis.cases((~eq, ibis.literal(c)), else_=ibis.null("string")) for c, eq in equal.items()]) if equal else ibis.literal("")
    return joined.select(
        *spec.key,
        "_line",
        "_nlines",
        _same=same,
        _differ=differ,
        _key=ibis.literal(" / ").join([joined[k].cast("string").fill_null("") for k in spec.key]),
    )


def _conflict_rows(pairs: ir.Table, spec: TableSpec, *, run_id: int, source_file: str, lang: str) -> ir.Table:
    key = "+".join(spec.key)
    values = {"line": pairs._line, "field": key, "column": key, "value": pairs._key, "expected": pairs._differ}
    return pairs.select(
        run_id=ibis.literal(run_id, type="int64"),
        source_file=ibis.literal(source_file),
        line=pairs._line.cast("int64"),
        table_name=ibis.literal(spec.name),
        column=ibis.literal(key),
        field=ibis.literal(key),
        raw_value=pairs._key,
        code=ibis.literal("CONFLICT"),
        expected=pairs._differ.fill_null(""),
        message=render_message("CONFLICT", lang, values),
    )
