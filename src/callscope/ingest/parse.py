"""Turning one source value into a typed canonical value, as Ibis expressions on DuckDB.

Each parser returns the typed value (NULL when it cannot be read) and a description of what was
expected, used in the quarantine message when a present value could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import ibis
import ibis.expr.types as ir

from callscope.ingest.sqlfuncs import instant_to_local, local_to_instant, parse_instant, parse_local

__all__ = ["ParseContext", "Parsed", "parse_value", "DEFAULT_TIMESTAMP_FORMATS", "TRUE_VALUES", "FALSE_VALUES"]

DEFAULT_TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
)
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
# Offsets: 'Z' is rewritten to '+00:00' first, since strptime's %z does not read it.
_OFFSET_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S.%f%z")
TRUE_VALUES = ("true", "t", "yes", "y", "1", "1.0", "是", "对", "有", "√", "✓")
FALSE_VALUES = ("false", "f", "no", "n", "0", "0.0", "否", "错", "无", "×", "✗")
_HMS = r"^(-?)(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$"


@dataclass(frozen=True)
class ParseContext:
    store_tz: str
    source_tz: str
    timestamp_formats: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()


class Parsed(NamedTuple):
    value: ir.Value  # NULL where the source value cannot be read
    code: str  # quarantine code when a present value could not be read
    expected: str  # what a readable value looks like, for the message


def parse_value(raw: ir.Value, dtype: str, ctx: ParseContext, formats: tuple[str, ...] = (), unit_factor: float = 1.0) -> Parsed:
    """The typed canonical value of a raw source value."""
    if dtype == "string":
        return Parsed(raw if raw.type().is_string() else raw.cast("string"), "", "")
    if dtype == "timestamp":
        return _timestamp(raw, ctx, formats or ctx.timestamp_formats)
    if dtype == "date":
        return _date(raw, ctx, formats or ctx.date_formats)
    if dtype == "boolean":
        return _boolean(raw, ctx)
    if dtype in ("float64", "int64"):
        return _number(raw, dtype, formats, unit_factor)
    raise ValueError(f"no parser for {dtype}")


def _timestamp(raw: ir.Value, ctx: ParseContext, formats: tuple[str, ...]):
    typ = raw.type()
    if typ.is_timestamp():
        if typ.timezone:
            return Parsed(instant_to_local(ctx.store_tz, raw.cast("timestamp('UTC')")), "NOT_A_TIMESTAMP", "")
        return Parsed(_shift(raw, ctx), "NOT_A_TIMESTAMP", "")
    if typ.is_date():
        return Parsed(_shift(raw.cast("timestamp"), ctx), "NOT_A_TIMESTAMP", "")
    naive_formats = list(formats or DEFAULT_TIMESTAMP_FORMATS)
    local = parse_local(raw, ibis.literal(naive_formats, type="array<string>"))
    value = _shift(local, ctx)
    if not formats:  # explicit formats mean exactly those; the defaults also read ISO offsets
        with_offset = parse_instant(raw.re_replace(r"Z$", "+00:00"), ibis.literal(list(_OFFSET_FORMATS), type="array<string>"))
        value = ibis.coalesce(value, instant_to_local(ctx.store_tz, with_offset))
    expected = " or ".join(naive_formats) if formats else "%Y-%m-%d %H:%M:%S (ISO 8601)"
    return Parsed(value, "NOT_A_TIMESTAMP", expected)


def _shift(local: ir.Value, ctx: ParseContext) -> ir.Value:
    """Wall-clock time in the source's zone → wall-clock time in the store's zone."""
    if ctx.source_tz == ctx.store_tz:
        return local
    return instant_to_local(ctx.store_tz, local_to_instant(ctx.source_tz, local))


def _date(raw: ir.Value, ctx: ParseContext, formats: tuple[str, ...]):
    typ = raw.type()
    if typ.is_date():
        return Parsed(raw, "NOT_A_DATE", "")
    if typ.is_timestamp():
        return Parsed(raw.cast("date"), "NOT_A_DATE", "")
    fmts = list(formats or DEFAULT_DATE_FORMATS)
    return Parsed(parse_local(raw, ibis.literal(fmts, type="array<string>")).cast("date"), "NOT_A_DATE", " or ".join(fmts))


def _boolean(raw: ir.Value, ctx: ParseContext):
    typ = raw.type()
    if typ.is_boolean():
        return Parsed(raw, "NOT_A_BOOLEAN", "")
    if typ.is_numeric():
        return Parsed(raw != 0, "NOT_A_BOOLEAN", "")
    trues = [v.lower() for v in TRUE_VALUES + ctx.true_values]
    falses = [v.lower() for v in FALSE_VALUES + ctx.false_values]
    low = raw.lower()
    value = ibis.cases((low.isin(trues), True), (low.isin(falses), False), else_=ibis.null("boolean"))
    return Parsed(value, "NOT_A_BOOLEAN", ", ".join(trues[:3] + falses[:3]) + " …")


def _number(raw: ir.Value, dtype: str, formats: tuple[str, ...], unit_factor: float):
    typ = raw.type()
    if typ.is_numeric() or typ.is_boolean():
        value = raw.cast("float64")
        code, expected = "NOT_A_NUMBER", ""
    elif "hms" in formats:
        sign = ibis.cases((raw.re_extract(_HMS, 1) == "-", -1.0), else_=1.0)
        hours = raw.re_extract(_HMS, 2).nullif("").cast("float64").fill_null(0)
        minutes = raw.re_extract(_HMS, 3).nullif("").cast("float64")
        seconds = raw.re_extract(_HMS, 4).nullif("").cast("float64")
        value = ibis.cases((raw.re_search(_HMS), sign * (hours * 3600 + minutes * 60 + seconds)), else_=ibis.null("float64"))
        code, expected = "NOT_A_DURATION", "H:MM:SS"
    else:
        value = raw.try_cast("float64")
        code, expected = "NOT_A_NUMBER", ""
    if unit_factor != 1.0:
        value = value * unit_factor
    if dtype == "int64":
        if typ.is_integer():
            return Parsed(raw.cast("int64"), "", "")
        whole = value.round(0)
        value = ibis.cases((value == whole, whole.cast("int64")), else_=ibis.null("int64"))
        code = "NOT_A_WHOLE_NUMBER" if code == "NOT_A_NUMBER" else code
    return Parsed(value, code, expected)
