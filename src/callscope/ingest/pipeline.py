"""One import: read a file in batches, map, check, load — in one transaction — and account for it.

Every source record ends up loaded, quarantined (with a reason) or skipped as an exact duplicate,
and `rows_read = rows_loaded + rows_quarantined + rows_duplicate` is checked before committing.
A failure anywhere (or a killed process) leaves the store exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.compute as pc

import callscope
from callscope.i18n import resolve_lang
from callscope.ingest.checks import any_failure, build_checks, quarantine_rows, skew_tolerated
from callscope.ingest.formats import DEFAULT_BATCH_ROWS, LOOSE_COLUMNS, READERS, TEXT_FORMATS, Batch, Problem
from callscope.ingest.formats.base import batch_scans, run_sql
from callscope.ingest.loader import TableLoad, insert_select
from callscope.ingest.mapping import map_batch, resolve_columns
from callscope.ingest.messages import render_message
from callscope.ingest.parse import ParseContext
from callscope.ingest.profile import Profile, ProfileError, canonical_profile, load_profile
from callscope.schema import TABLES, table_spec
from callscope.schema.system import QUARANTINE as QUARANTINE_COLUMNS
from callscope.store import Store

__all__ = ["ImportRun", "ingest_file", "AccountingError", "detect_table"]


class AccountingError(RuntimeError):
    """Rows would go missing: the import is rolled back."""


@dataclass
class ImportRun:
    run_id: int
    source_file: str
    profile: str
    format: str
    file_sha256: str
    file_bytes: int
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    rows_derived: int = 0
    skew_tolerated: int = 0
    tables: Counter = field(default_factory=Counter)  # rows added per table
    problems: Counter = field(default_factory=Counter)  # quarantine entries per code
    notes: Counter = field(default_factory=Counter)  # rows loaded with a data-quality note, per code
    previous_run: int | None = None  # an earlier run of the same file content

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined + self.rows_duplicate

    def record(self) -> dict:
        details = {"tables": dict(self.tables), "problems": dict(self.problems), "notes": dict(self.notes), "previous_run": self.previous_run}
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "source_file": self.source_file,
            "file_sha256": self.file_sha256,
            "file_bytes": self.file_bytes,
            "profile": self.profile,
            "format": self.format,
            "tables": ",".join(sorted(self.tables)),
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
            "rows_duplicate": self.rows_duplicate,
            "rows_derived": self.rows_derived,
            "skew_tolerated": self.skew_tolerated,
            "details": json.dumps(details, ensure_ascii=False, sort_keys=True),
            "callscope_version": callscope.__version__,
        }


Progress = Callable[[int], None]


def ingest_file(
    store: Store,
    path: str | Path,
    profile: Profile | str | None = None,
    *,
    table: str | None = None,
    lang: str | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    progress: Progress | None = None,
) -> ImportRun:
    """Import one file into the store; returns its accounting (also kept in `import_runs`)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    lang = resolve_lang(lang)
    if isinstance(profile, str):
        profile = load_profile(profile)
    auto = profile is None
    profile = profile or canonical_profile(table or "interactions")
    fmt = profile.format_for(path)
    if fmt not in READERS:
        raise ProfileError(f"unknown format {fmt!r} (known: {', '.join(sorted(READERS))})")
    started = dt.datetime.now().replace(microsecond=0)
    ctx = ParseContext(
        store_tz=store.timezone,
        source_tz=profile.timezone or store.timezone,
        timestamp_formats=profile.timestamp_formats,
        date_formats=profile.date_formats,
        true_values=profile.true_values,
        false_values=profile.false_values,
    )
    now = store.now()
    # The file's SHA-256 is worked out on a thread while the batches are read (hashlib lets go of
    # the GIL): one more pass over a large file, 3.5 s for 2.6 GB, no longer in line.
    with ThreadPoolExecutor(1) as hashing, batch_scans(store.ingest_engine().con), store.bulk_load(), store.transaction():
        fingerprint = hashing.submit(_fingerprint, path)
        run = ImportRun(_next_run_id(store), str(path), profile.name, fmt, "", 0, started)
        loads: dict[str, TableLoad] = {}
        compiled: dict = {}
        for batch in READERS[fmt](path, profile, batch_rows):
            if auto and table is None:
                profile = canonical_profile(detect_table(_columns(batch, store), path), profile.source)
                auto = False
            _process(store, batch, profile, fmt, ctx, now, run, lang, loads, compiled)
            if progress:
                progress(run.rows_read)
        for name, load in loads.items():
            result = load.finish(source_file=run.source_file, lang=lang)
            run.rows_loaded += result.loaded
            run.rows_duplicate += result.duplicate
            run.rows_quarantined += result.conflict
            run.rows_derived += result.derived
            if result.conflict:
                run.problems["CONFLICT"] += result.conflict
            run.tables[name] += result.rows
            run.notes.update(_note_counts(store, name, run.run_id))
        if run.tables.get("messages"):
            _refresh_conversation_stats(store, run.run_id)
        run.file_sha256, run.file_bytes = fingerprint.result()
        run.previous_run = _previous_run(store, run.file_sha256)
        run.finished_at = dt.datetime.now().replace(microsecond=0)
        if not run.balanced:
            raise AccountingError(
                f"{path}: read {run.rows_read} but loaded {run.rows_loaded} + quarantined "
                f"{run.rows_quarantined} + duplicate {run.rows_duplicate}; nothing was imported"
            )
        store.append("import_runs", pa.Table.from_pylist([run.record()], schema=_runs_schema(store)))
    return run


def _refresh_conversation_stats(store: Store, run_id: int) -> None:
    """Keep the derived per-conversation statistics current (same transaction as the import)."""
    from callscope.config import load_config
    from callscope.kpi.conversations import refresh

    refresh(store, load_config(), run_id)


def _columns(batch: Batch, store: Store) -> list[str]:
    if batch.data is not None:
        return batch.data.column_names
    return list(batch.open(store.ingest_engine()).columns)


class _Statements:
    """The SQL of one batch shape, compiled once per import and run on every batch like it.

    Every batch is registered under the same name with the same columns, so the statements are the
    same each time; compiling them through Ibis (~0.5 s each) once instead of per batch keeps a
    file of many batches as fast as one of few. Each is compiled when first needed.
    """

    def __init__(self, engine, plans: list, **exprs):
        self.engine, self.plans, self._exprs, self._sql = engine, plans, exprs, {}

    def __getitem__(self, name: str) -> str:
        if name not in self._sql:
            self._sql[name] = self.engine.compile(self._exprs[name])
        return self._sql[name]

    def add(self, **exprs) -> None:
        self._exprs.update(exprs)

    def has(self, name: str) -> bool:
        return name in self._exprs


def _process(store: Store, batch: Batch, profile: Profile, fmt: str, ctx: ParseContext, now, run: ImportRun, lang: str, loads: dict, compiled: dict) -> None:
    name = batch.table or profile.table
    spec = table_spec(name)
    run.rows_read += batch.records
    if batch.problems:
        _quarantine_problems(store, batch.problems, name, run, lang)
    active = profile.for_table(name)
    if batch.data is not None and batch.data.num_rows:
        columns = resolve_columns(spec, active, batch.data.column_names, run.source_file, loose=fmt in LOOSE_COLUMNS)
        batch.data = _add_missing(batch.data, columns)
    engine = store.ingest_engine()
    unit_rows = _unit_rows(batch, fmt)
    source = batch.open(engine)
    if source is None:
        return
    shape = (name, source.op())  # structural: the same registered name and columns each batch
    if shape not in compiled:
        compiled[shape] = _compile(engine, source, spec, profile, active, fmt, ctx, now, run)
    sql = compiled[shape]
    if name not in loads:
        loads[name] = TableLoad(store, spec, run.run_id)
    if unit_rows is not None and not profile.clock_skew_tolerance_s:
        # One row per record and no skew to count: load in one pass; the rest failed a check.
        bad = unit_rows - loads[name].append_sql(engine, sql["valid"], batch.data)
        bad = bad or None
    else:
        bad, skew = run_sql(engine.con, sql["tally"], batch.data).fetchone()
        run.skew_tolerated += int(skew or 0)
        loads[name].append_sql(engine, sql["valid"], batch.data)
    if bad is not None:
        run.rows_quarantined += int(bad)
        run_sql(engine.con, f"CREATE OR REPLACE TEMP TABLE _cs_bad AS {sql['failed']}", batch.data)
        if not sql.has("problems"):
            tolerance = profile.clock_skew_tolerance_s
            t = engine.table("_cs_bad")
            problems = quarantine_rows(t, build_checks(t, spec, sql.plans, now, tolerance), table=name, source_file=run.source_file, run_id=run.run_id, lang=lang)
            sql.add(problems=problems, codes=problems.group_by("code").aggregate(n=problems.count()))
        run.problems.update({code: int(n) for code, n in engine.con.execute(sql["codes"]).fetchall()})
        insert_select(store, engine, "quarantine", list(QUARANTINE_COLUMNS), sql["problems"])
        engine.con.execute("DROP TABLE IF EXISTS _cs_bad")


def _unit_rows(batch: Batch, fmt: str) -> int | None:
    """The batch's row count when every row stands for exactly one source record, else None."""
    if batch.relation is not None:
        return batch.records if fmt == "parquet" else None
    if batch.data is None or batch.data.num_rows == 0:
        return None
    span = pc.min_max(batch.data.column("_nlines")).as_py()
    return batch.data.num_rows if span["min"] == 1 and span["max"] == 1 else None


def _compile(engine, source, spec, profile: Profile, active: Profile, fmt: str, ctx: ParseContext, now, run: ImportRun) -> _Statements:
    columns = resolve_columns(spec, active, [c for c in source.columns if not c.startswith("_")], run.source_file)
    mapped, plans = map_batch(source, spec, active, columns, ctx, trim=fmt in TEXT_FORMATS)
    tolerance = profile.clock_skew_tolerance_s
    failed = any_failure(build_checks(mapped, spec, plans, now, tolerance))
    tally = mapped.aggregate(
        bad=mapped._nlines.sum(where=failed),
        skew=(~failed & skew_tolerated(mapped, spec, plans, tolerance)).sum(),
    )
    valid = mapped.filter(~failed)
    rows = valid.select(*spec.names, _run_id=ibis.literal(run.run_id, type="int64"), _line=valid._line, _nlines=valid._nlines)
    return _Statements(engine, plans, tally=tally, valid=rows, failed=mapped.filter(failed))


def _quarantine_problems(store: Store, problems: list[Problem], table: str, run: ImportRun, lang: str) -> None:
    rows = pa.table(
        {
            "_line": pa.array([p.line for p in problems], pa.int64()),
            "code": [p.code for p in problems],
            "column": [p.column for p in problems],
            "value": [p.value for p in problems],
            "expected": [p.expected for p in problems],
        }
    )
    t = ibis.memtable(rows)
    parts = []
    for code in sorted({p.code for p in problems}):
        sub = t.filter(t.code == code)
        values = {"line": sub._line, "column": sub.column, "field": sub.column, "value": sub.value, "expected": sub.expected, "table": table}
        parts.append(
            sub.select(
                run_id=ibis.literal(run.run_id, type="int64"),
                source_file=ibis.literal(run.source_file),
                line=sub._line,
                table_name=ibis.literal(table),
                column=sub.column,
                field=sub.column,
                raw_value=sub.value,
                code=sub.code,
                expected=sub.expected,
                message=render_message(code, lang, values),
            )
        )
    result = parts[0]
    for part in parts[1:]:
        result = result.union(part, distinct=False)
    store.append("quarantine", store.ingest_engine().to_pyarrow(result))
    run.rows_quarantined += sum(p.nlines for p in problems)
    run.problems.update(Counter(p.code for p in problems))


def _note_counts(store: Store, table: str, run_id: int) -> Counter:
    """Rows this run loaded into `table` with each data-quality note (quality_notes codes)."""
    if "quality_notes" not in table_spec(table):
        return Counter()
    t = store.table(table)
    t = t.filter(t._run_id == run_id, t.quality_notes.notnull())
    codes = t.select(code=t.quality_notes.split(",").unnest())
    rows = codes.group_by("code").aggregate(n=codes.count()).to_pyarrow().to_pylist()
    return Counter({r["code"]: int(r["n"]) for r in rows})


def _add_missing(data: pa.Table, columns) -> pa.Table:
    """Loose formats (JSON) may lack a mapped key in a whole batch: treat it as empty."""
    for cs in columns.values():
        if cs.column is not None and cs.column not in data.column_names:
            data = data.append_column(cs.column, pa.nulls(data.num_rows, pa.string()))
    return data


def detect_table(columns: list[str], path: Path | str) -> str:
    """The canonical table a file with canonical headers is for: all required fields, most matches."""
    present = {c.strip().lower() for c in columns} | {"source"}  # source defaults to the profile's
    best, best_score = None, -1
    for name, spec in TABLES.items():
        if all(f in present for f in spec.required):
            score = sum(f in present for f in spec.names)
            if score > best_score:
                best, best_score = name, score
    if best is None:
        spec = TABLES["interactions"]
        missing = [f for f in spec.required if f not in present]
        raise ProfileError(
            f"{path}: its columns ({', '.join(columns[:8])}{' …' if len(columns) > 8 else ''}) are not canonical "
            f"field names (interactions needs {', '.join(missing)}); write a mapping profile and pass --profile, "
            f"or see `callscope ingest --profile` for shipped ones"
        )
    return best


def _fingerprint(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(8 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _next_run_id(store: Store) -> int:
    runs = store.table("import_runs")
    current = runs.run_id.max().to_pyarrow().as_py()
    return int(current or 0) + 1


def _previous_run(store: Store, digest: str) -> int | None:
    runs = store.table("import_runs")
    found = runs.filter(runs.file_sha256 == digest).run_id.max().to_pyarrow().as_py()
    return int(found) if found is not None else None


def _runs_schema(store: Store) -> pa.Schema:
    return store.table("import_runs").schema().to_pyarrow()
