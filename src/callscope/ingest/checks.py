"""Row checks: every problem of every row, each with line, column, value, code and a readable reason.

Like pandera's lazy validation, all checks run and a row may have several problems; the row is
quarantined once. Checks are Ibis expressions over the staged batch, run on the ingest DuckDB.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from callscope.ingest.mapping import FieldPlan, raw_name
from callscope.ingest.messages import render_message
from callscope.ingest.sqlfuncs import epoch
from callscope.schema import TableSpec

__all__ = ["Check", "build_checks", "quarantine_rows", "any_failure", "skew_tolerated", "FUTURE_TOLERANCE"]

# A contact stamped a little ahead of the importing machine's clock is clock drift, not the future.
FUTURE_TOLERANCE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Check:
    code: str
    field: str
    column: str
    fail: ir.BooleanValue
    value: ir.Value
    expected: ir.Value


def build_checks(t: ir.Table, spec: TableSpec, plans: list[FieldPlan], now: dt.datetime, tolerance_s: float = 0.0) -> list[Check]:
    by_field = {p.field: p for p in plans}
    present = {p.field for p in plans if p.present}
    checks: list[Check] = []
    lit = ibis.literal
    for f in spec.fields:
        plan = by_field[f.name]
        value = t[f.name]
        unreadable = None
        has_raw = plan.type_checked and raw_name(f.name) in t.columns
        shown = t[raw_name(f.name)] if has_raw else value.cast("string")  # quote the source's own text
        if has_raw:
            raw = t[raw_name(f.name)]
            unreadable = raw.notnull() & value.isnull()
            checks.append(Check(plan.parse_code, f.name, plan.column, unreadable, raw, lit(plan.expected)))
        if f.required:
            missing = value.isnull() if unreadable is None else value.isnull() & ~unreadable
            checks.append(Check("MISSING_REQUIRED", f.name, plan.column, missing, lit(""), lit(f.name)))
        if f.name not in present:
            continue
        if f.enum:
            bad = value.notnull() & ~value.isin(list(f.enum))
            checks.append(Check("NOT_IN_ENUM", f.name, plan.column, bad, shown, lit(", ".join(f.enum))))
        if f.min is not None and f.name.endswith("_s") and f.min == 0:
            checks.append(Check("NEGATIVE_DURATION", f.name, plan.column, value < 0, shown, lit("0")))
        elif f.min is not None or f.max is not None:
            lo = f.min if f.min is not None else float("-inf")
            hi = f.max if f.max is not None else float("inf")
            bad = (value < lo) | (value > hi)
            checks.append(Check("OUT_OF_RANGE", f.name, plan.column, bad, shown, lit(_range(f.min, f.max))))
        if f.dtype == "timestamp":
            limit = now + FUTURE_TOLERANCE
            checks.append(Check("FUTURE_DATE", f.name, plan.column, value > lit(limit), shown, lit(f"{now:%Y-%m-%d %H:%M}")))
    for rule in spec.order_rules:
        if rule.earlier in present and rule.later in present:
            gap = epoch(t[rule.later]) - epoch(t[rule.earlier])
            shown = lit(rule.earlier + " ") + t[rule.earlier].cast("string")
            column = by_field[rule.later].column
            checks.append(Check(rule.code, rule.later, column, gap < -tolerance_s, t[rule.later].cast("string"), shown))
    return checks


def skew_tolerated(t: ir.Table, spec: TableSpec, plans: list[FieldPlan], tolerance_s: float) -> ir.BooleanValue:
    """Rows whose stages are out of order by no more than the tolerated clock skew."""
    present = {p.field for p in plans if p.present}
    parts = []
    for rule in spec.order_rules:
        if rule.earlier in present and rule.later in present and tolerance_s > 0:
            gap = epoch(t[rule.later]) - epoch(t[rule.earlier])
            parts.append((gap < 0) & (gap >= -tolerance_s))
    return functools.reduce(operator.or_, parts) if parts else ibis.literal(False)


def any_failure(checks: list[Check]) -> ir.BooleanValue:
    if not checks:
        return ibis.literal(False)
    return functools.reduce(operator.or_, [c.fail.fill_null(False) for c in checks])


def _range(lo, hi) -> str:
    fmt = lambda x: f"{x:g}"  # noqa: E731
    if lo is not None and hi is not None:
        return f"{fmt(lo)}–{fmt(hi)}"
    return f"≥ {fmt(lo)}" if lo is not None else f"≤ {fmt(hi)}"


def quarantine_rows(t: ir.Table, checks: list[Check], *, table: str, source_file: str, run_id: int, lang: str) -> ir.Table | None:
    """One row per problem found, in the `quarantine` table's shape."""
    parts = []
    for c in checks:
        rows = t.filter(c.fail.fill_null(False))
        parts.append(
            rows.select(
                run_id=ibis.literal(run_id, type="int64"),
                source_file=ibis.literal(source_file),
                line=rows["_line"].cast("int64"),
                table_name=ibis.literal(table),
                column=ibis.literal(c.column),
                field=ibis.literal(c.field),
                raw_value=c.value.cast("string"),
                code=ibis.literal(c.code),
                expected=c.expected.cast("string"),
                message=render_message(
                    c.code,
                    lang,
                    {"line": rows["_line"], "column": c.column, "field": c.field, "value": c.value, "expected": c.expected, "table": table},
                ),
            )
        )
    if not parts:
        return None
    return functools.reduce(lambda a, b: a.union(b, distinct=False), parts)
