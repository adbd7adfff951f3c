"""Adding validated rows to a canonical table: new rows in, exact duplicates skipped, conflicts out.

A row's identity is its table's key (e.g. `source` + `interaction_id`). Against the rows already
stored and the rows earlier in the same file, a row with a known key is an exact duplicate when
every column is equal, and a conflict otherwise; conflicts are quarantined, naming the columns that
differ. All of it is Ibis on the store's own engine, inside the import's transaction.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from callscope.ingest.messages import render_message
from callscope.schema import TableSpec
from callscope.store import Store

__all__ = ["LoadResult", "load_rows"]


@dataclass
class LoadResult:
    loaded: int = 0  # source records behind the rows added
    duplicate: int = 0  # source records behind exact duplicates skipped
    conflict: int = 0  # source records behind conflicting rows (quarantined)
    rows: int = 0  # rows added (derived rows included)
    derived: int = 0  # rows added that were derived from other records


def load_rows(store: Store, valid: ir.Table, spec: TableSpec, *, run_id: int, source_file: str, lang: str) -> LoadResult:
    """Insert the new rows of `valid` (canonical columns + _line + _nlines) into `spec.name`."""
    key = list(spec.key)
    keyed = valid.mutate(_rn=ibis.row_number().over(group_by=key, order_by="_line"))
    staged = store.stage("_cs_keyed", keyed)
    firsts = staged.filter(staged._rn == 0)
    repeats = staged.filter(staged._rn > 0)
    existing = store.table(spec.name)
    result = LoadResult()

    matched = _match(firsts, existing, spec)
    again = _match(repeats, firsts, spec)
    conflicts = []
    for pairs in (matched, again):
        summary = pairs.group_by("_same").aggregate(n=pairs._nlines.sum(), rows=pairs.count()).to_pyarrow().to_pylist()
        for row in summary:
            if row["_same"]:
                result.duplicate += int(row["n"] or 0)
            else:
                result.conflict += int(row["n"] or 0)
        conflicts.append(pairs.filter(~pairs._same))

    new = firsts.anti_join(existing, _predicates(firsts, existing, spec))
    columns = spec.names
    insert = new.select(*columns, _run_id=ibis.literal(run_id, type="int64"), _line=new._line)
    totals = new.aggregate(n=new._nlines.sum(), rows=new.count(), derived=(new._nlines == 0).sum()).to_pyarrow().to_pylist()[0]
    result.loaded = int(totals["n"] or 0)
    result.rows = int(totals["rows"] or 0)
    result.derived = int(totals["derived"] or 0)
    if result.rows:
        store.con.insert(spec.name, insert)
    for pairs in conflicts:
        if result.conflict:
            store.append("quarantine", _conflict_rows(pairs, spec, run_id=run_id, source_file=source_file, lang=lang))
    store.drop_temp("_cs_keyed")
    return result


def _predicates(left: ir.Table, right: ir.Table, spec: TableSpec):
    preds = []
    for k in spec.key:
        preds.append(left[k] == right[k] if spec[k].required else left[k].identical_to(right[k]))
    return preds


def _match(rows: ir.Table, known: ir.Table, spec: TableSpec) -> ir.Table | None:
    """Rows whose key is already in `known`, with `_same` (every column equal) and the columns that differ."""
    old = known.select(**{f"__old_{c}": known[c] for c in spec.names})
    preds = [
        rows[k] == old[f"__old_{k}"] if spec[k].required else rows[k].identical_to(old[f"__old_{k}"]) for k in spec.key
    ]
    joined = rows.inner_join(old, preds)
    others = [c for c in spec.names if c not in spec.key]
    equal = {c: joined[c].identical_to(joined[f"__old_{c}"]) for c in others}
    same = functools.reduce(operator.and_, equal.values()) if equal else ibis.literal(True)
    differ = ibis.literal(", ").join([ibis.cases((~eq, ibis.literal(c)), else_=ibis.null("string")) for c, eq in equal.items()]) if equal else ibis.literal("")
    return joined.select(
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
