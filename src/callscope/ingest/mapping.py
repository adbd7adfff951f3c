"""From a batch of source rows to typed canonical columns, following a profile.

For every field of the target table the plan says where the value comes from (a source column, a
constant, a derived expression, or a standard completion such as `talk_s = ended_at − answered_at`)
and keeps the original text of parsed values so a quarantine message can quote it.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from callscope.ingest.derive import compile_expression, referenced_fields
from callscope.ingest.parse import ParseContext, parse_value
from callscope.ingest.profile import UNITS, ColumnSpec, Profile, ProfileError
from callscope.ingest.sqlfuncs import epoch, trim_spaces
from callscope.schema import TableSpec

__all__ = ["FieldPlan", "map_batch", "resolve_columns", "raw_name"]


@dataclass(frozen=True)
class FieldPlan:
    field: str
    origin: str  # column | value | expr | completed | absent
    column: str  # the source column the user knows (or the field name)
    parse_code: str = ""  # quarantine code when a present value cannot be read
    expected: str = ""

    @property
    def present(self) -> bool:
        return self.origin != "absent"

    @property
    def type_checked(self) -> bool:
        return bool(self.parse_code) and self.origin in ("column", "value")


def raw_name(field: str) -> str:
    return f"_raw__{field}"


def resolve_columns(spec: TableSpec, profile: Profile, source_columns: list[str], path: str, *, loose: bool = False) -> dict[str, ColumnSpec]:
    """Which source column feeds each field: the profile's mapping, else a same-named column.

    With `loose` (JSON, where a record may simply lack a key) a mapped column that is absent is
    read as empty instead of being an error.
    """
    by_lower = {c.strip().lower(): c for c in source_columns}
    mapped = dict(profile.columns) if profile.table == spec.name else {}
    for cs in mapped.values():
        for column in _sources(cs):
            if column not in source_columns and not (column.strip().lower() in by_lower or loose):
                raise ProfileError(
                    f"profile {profile.name} maps {cs.field} to column {column!r}, which is not in {path} "
                    f"(its columns: {', '.join(source_columns)})"
                )
    for field in spec.fields:
        if field.name not in mapped and field.name.lower() in by_lower:
            mapped[field.name] = ColumnSpec(field.name, column=by_lower[field.name.lower()])

    def actual(column: str) -> str:
        return column if column in source_columns else by_lower.get(column.strip().lower(), column)

    fixed = {}
    for name, cs in mapped.items():
        if cs.column is not None:
            cs = ColumnSpec(**{**cs.__dict__, "column": actual(cs.column), "join": tuple(map(actual, cs.join))})
        fixed[name] = cs
    return fixed


def _sources(cs: ColumnSpec) -> tuple[str, ...]:
    return () if cs.column is None else (cs.column, *cs.join)


def map_batch(raw: ir.Table, spec: TableSpec, profile: Profile, columns: dict[str, ColumnSpec], ctx: ParseContext, *, trim: bool = True) -> tuple[ir.Table, list[FieldPlan]]:
    """The typed canonical columns of `raw`, plus `_line`, `_nlines` and the raw text of parsed fields.

    `trim` strips spaces around text values (exports from spreadsheets and CRMs pad them).
    """
    values: dict[str, ir.Value] = {}
    raws: dict[str, ir.Value] = {}
    plans: dict[str, FieldPlan] = {}
    for field in spec.fields:
        cs = columns.get(field.name)
        if cs is None or cs.expr is not None:
            continue
        text = _source_text(raw, cs, trim)
        if text is None:
            continue
        factor = UNITS[cs.unit] if cs.unit else 1.0
        parsed = parse_value(text, field.dtype, ctx, cs.formats, factor)
        values[field.name] = parsed.value
        origin = "column" if cs.column is not None else "value"
        plans[field.name] = FieldPlan(field.name, origin, "+".join(_sources(cs)) or field.name, parsed.code, parsed.expected)
        if parsed.code and not _already_typed(text, field.dtype):
            raws[field.name] = _original(raw, cs, text, trim)
    if "source" in spec and "source" not in values:
        values["source"] = ibis.literal(profile.source_name)
        plans["source"] = FieldPlan("source", "value", "source")
    _derive(spec, columns, values, plans)
    for name, value in _completions(spec.name, values).items():
        values[name] = value
        plans.setdefault(name, FieldPlan(name, "completed", name))
    out = {}
    for field in spec.fields:
        out[field.name] = values[field.name].cast(field.dtype) if field.name in values else ibis.null(field.dtype)
        plans.setdefault(field.name, FieldPlan(field.name, "absent", field.name))
    out["_line"] = raw["_line"]
    out["_nlines"] = raw["_nlines"]
    for name, text in raws.items():
        out[raw_name(name)] = text.cast("string")
    return raw.select(**out), [plans[f.name] for f in spec.fields]


def _source_text(raw: ir.Table, cs: ColumnSpec, trim: bool) -> ir.Value | None:
    if cs.column is not None:
        value = _joined(raw, cs, trim)
    elif cs.value is not None:
        value = ibis.literal(_as_text(cs.value))
    else:
        return None
    if cs.map:
        if not value.type().is_string():
            value = value.cast("string")
        to_null = [k for k, v in cs.map.items() if v is None]
        mapped = value.substitute({k: _as_text(v) for k, v in cs.map.items() if v is not None})
        value = ibis.cases((value.isin(to_null), ibis.null("string")), else_=mapped) if to_null else mapped
    if cs.default is not None:
        value = ibis.coalesce(value, ibis.literal(_as_text(cs.default)).cast(value.type()))
    return value


def _original(raw: ir.Table, cs: ColumnSpec, text: ir.Value, trim: bool) -> ir.Value:
    if cs.column is None:
        return text
    if cs.join:
        return _joined(raw, cs, trim)
    value = raw[cs.column]
    return _text(value, trim) if value.type().is_string() else value.cast("string")


def _joined(raw: ir.Table, cs: ColumnSpec, trim: bool) -> ir.Value:
    """The column's value, or the texts of several columns joined with a space.

    A part that is missing is left out, so '1999-01-01' without its time fails to parse and the
    message quotes what was there; the value is missing only when every part is.
    """
    if not cs.join:
        return _text(raw[cs.column], trim)
    parts = [_text(raw[c].cast("string"), trim) for c in _sources(cs)]
    none = functools.reduce(operator.and_, [p.isnull() for p in parts])
    return ibis.cases((none, ibis.null("string")), else_=ibis.literal(" ").join(parts))


def _text(value: ir.Value, trim: bool) -> ir.Value:
    """Empty text is a missing value; with `trim`, so is text of spaces only."""
    if not value.type().is_string():
        return value
    return (trim_spaces(value) if trim else value).nullif("")


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _already_typed(value: ir.Value, dtype: str) -> bool:
    """A typed source column (Parquet, Arrow) that needs no parsing and cannot fail to parse."""
    typ = value.type()
    return {
        "timestamp": typ.is_timestamp(),
        "date": typ.is_date() or typ.is_timestamp(),
        "float64": typ.is_numeric(),
        "int64": typ.is_integer(),
        "boolean": typ.is_boolean() or typ.is_numeric(),
    }.get(dtype, True)


def _derive(spec: TableSpec, columns: dict[str, ColumnSpec], values: dict, plans: dict) -> None:
    pending = {n: cs.expr for n, cs in columns.items() if cs.expr is not None}
    while pending:
        ready = [n for n, e in pending.items() if referenced_fields(e) <= set(values) | {n}]
        if not ready:
            names = ", ".join(sorted(pending))
            raise ProfileError(f"derived fields {names} depend on fields that are not mapped, or on each other")
        for name in ready:
            fields = dict(values)
            if name not in fields:
                fields[name] = ibis.null(spec[name].dtype)
            values[name] = compile_expression(pending.pop(name), fields).cast(spec[name].dtype)
            plans[name] = FieldPlan(name, "expr", name)


def _completions(table: str, v: dict[str, ir.Value]) -> dict[str, ir.Value]:
    """Standard durations filled from time stamps where the source left them empty (never negative)."""
    if table != "interactions":
        return {}
    out = {}

    def gap(later: str, earlier: ir.Value | None):
        if later not in v or earlier is None:
            return None
        seconds = epoch(v[later]) - epoch(earlier)
        return ibis.cases((seconds >= 0, seconds), else_=ibis.null("float64"))

    start_of_wait = ibis.coalesce(v["queued_at"], v["arrived_at"]) if "queued_at" in v and "arrived_at" in v else v.get("queued_at", v.get("arrived_at"))
    rules = {
        "ivr_s": gap("queued_at", v.get("arrived_at")),
        "talk_s": gap("ended_at", v.get("answered_at")),
        "acw_s": gap("wrapup_end_at", v.get("ended_at")),
    }
    wait_answered = gap("answered_at", start_of_wait)
    wait_abandoned = gap("abandoned_at", start_of_wait)
    if wait_answered is not None or wait_abandoned is not None:
        candidates = [w for w in (wait_answered, wait_abandoned) if w is not None]
        rules["wait_s"] = ibis.coalesce(*candidates) if len(candidates) > 1 else candidates[0]
    for name, value in rules.items():
        if value is None:
            continue
        out[name] = ibis.coalesce(v[name], value) if name in v else value
    return out
