"""Mapping profiles: how a source file's columns become canonical fields (declarative YAML).

A profile names the file format, the target table, each canonical field's source column (or a
constant, or a derived expression), time-stamp formats and time zone, and value maps such as
`是/否 → true/false` or `VIP客户 → VIP`. Shipped profiles live in `ingest/profiles/`; a user's own
profile is any YAML file with the same keys. Errors name the profile file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from callscope.schema import TABLES, table_spec

__all__ = [
    "ColumnSpec",
    "Profile",
    "ProfileError",
    "load_profile",
    "shipped_profiles",
    "canonical_profile",
    "FORMATS_BY_EXTENSION",
]

FORMATS_BY_EXTENSION = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}

_PROFILE_KEYS = {
    "name",
    "description",
    "format",
    "table",
    "source",
    "encoding",
    "delimiter",
    "header_row",
    "sheet",
    "timezone",
    "timestamp_formats",
    "date_formats",
    "true_values",
    "false_values",
    "clock_skew_tolerance_s",
    "columns",
    "options",
}
_COLUMN_KEYS = {"column", "value", "expr", "format", "formats", "map", "unit", "default"}
UNITS = {"s": 1.0, "ms": 0.001, "min": 60.0, "h": 3600.0}


class ProfileError(ValueError):
    """A profile that cannot be used, with the file and line of the problem."""


@dataclass(frozen=True)
class ColumnSpec:
    """Where one canonical field comes from."""

    field: str
    column: str | None = None  # source column name
    join: tuple[str, ...] = ()  # more columns whose text follows column's, space-separated (a date and a time column)
    value: Any = None  # a constant for every row
    expr: str | None = None  # derived from other canonical fields, e.g. "answered_at - queued_at"
    formats: tuple[str, ...] = ()  # strptime formats, or "hms" for H:MM:SS durations
    map: dict[str, Any] | None = None  # source value → canonical value (None: no value)
    unit: str | None = None  # s, ms, min, h (numbers that are durations)
    default: Any = None  # used where the source value is missing


@dataclass(frozen=True)
class Profile:
    name: str
    table: str = "interactions"
    format: str | None = None
    source: str | None = None
    description: dict[str, str] = field(default_factory=dict)
    encoding: str = "auto"
    delimiter: str | None = None
    header_row: int = 1
    sheet: str | int | None = None
    timezone: str | None = None
    timestamp_formats: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    clock_skew_tolerance_s: float = 0.0
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    path: str | None = None

    @property
    def source_name(self) -> str:
        return self.source or self.name

    def format_for(self, path: str | Path) -> str:
        if self.format:
            return self.format
        ext = Path(path).suffix.lower()
        if ext in FORMATS_BY_EXTENSION:
            return FORMATS_BY_EXTENSION[ext]
        raise ProfileError(
            f"cannot tell the format of {path} from its extension; "
            f"set `format:` in the profile (one of csv, tsv, xlsx, parquet, jsonl, json)"
        )

    def describe(self, lang: str) -> str:
        return self.description.get("zh" if lang == "zh" else "en") or self.description.get("en", "")

    def for_table(self, table: str) -> "Profile":
        """This profile for another table a platform export also fills (Asterisk's agent_states):
        the same settings, and the value maps of fields that table shares, such as agent_id."""
        if table == self.table:
            return self
        spec = table_spec(table)
        shared = {n: cs for n, cs in self.columns.items() if n in spec and cs.column == n and cs.expr is None}
        return replace(self, table=table, columns=shared)


def canonical_profile(table: str = "interactions", source: str | None = None) -> Profile:
    """The profile for a file whose headers are already canonical field names."""
    table_spec(table)
    return Profile(name="canonical", table=table, source=source or "import")


def shipped_profiles() -> dict[str, Path]:
    folder = resources.files("callscope.ingest").joinpath("profiles")
    return {Path(p.name).stem: Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml")}


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by name, or a user's profile file by path."""
    path = Path(name_or_path)
    shipped = shipped_profiles()
    if not path.exists():
        if str(name_or_path) in shipped:
            path = shipped[str(name_or_path)]
        else:
            raise ProfileError(
                f"no profile {name_or_path!r}: not a file, and not a shipped profile "
                f"({', '.join(sorted(shipped)) or 'none'})"
            )
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: a profile is a mapping of keys such as name, table, columns")
    return _build(data, _Lines(path, node))


class _Lines:
    """Finds the line of a key in the YAML document, for error messages."""

    def __init__(self, path: Path, root):
        self.path, self.root = path, root

    def error(self, keys: tuple, message: str) -> ProfileError:
        node, line = self.root, 1
        for key in keys:
            if node is None or not isinstance(node, yaml.MappingNode):
                break
            for k, v in node.value:
                if k.value == key:
                    node, line = v, k.start_mark.line + 1
                    break
            else:
                break
        return ProfileError(f"{self.path} line {line}: {message}")


def _build(data: dict, lines: _Lines) -> Profile:
    unknown = set(data) - _PROFILE_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise lines.error((key,), f"unknown key {key!r} (expected one of {', '.join(sorted(_PROFILE_KEYS))})")
    table = data.get("table", "interactions")
    if table not in TABLES:
        raise lines.error(("table",), f"unknown table {table!r} (expected one of {', '.join(TABLES)})")
    columns = {}
    for fname, raw in (data.get("columns") or {}).items():
        columns[fname] = _column(table, fname, raw, lines)
    description = data.get("description") or {}
    if isinstance(description, str):
        description = {"en": description, "zh": description}
    tz = data.get("timezone")
    if tz:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(tz)
        except Exception:
            raise lines.error(("timezone",), f"unknown time zone {tz!r} (use an IANA name such as Asia/Shanghai)")
    return Profile(
        name=str(data.get("name") or lines.path.stem),
        table=table,
        format=data.get("format"),
        source=data.get("source"),
        description=description,
        encoding=str(data.get("encoding", "auto")),
        delimiter=data.get("delimiter"),
        header_row=int(data.get("header_row", 1)),
        sheet=data.get("sheet"),
        timezone=tz,
        timestamp_formats=_strings(data.get("timestamp_formats")),
        date_formats=_strings(data.get("date_formats")),
        true_values=_strings(data.get("true_values")),
        false_values=_strings(data.get("false_values")),
        clock_skew_tolerance_s=float(data.get("clock_skew_tolerance_s", 0)),
        columns=columns,
        options=dict(data.get("options") or {}),
        path=str(lines.path),
    )


def _column(table: str, fname: str, raw: Any, lines: _Lines) -> ColumnSpec:
    spec = table_spec(table)
    where = ("columns", fname)
    if fname not in spec:
        raise lines.error(where, f"{fname!r} is not a field of {table} (fields: {', '.join(spec.names)})")
    if isinstance(raw, str):
        return ColumnSpec(fname, column=raw)
    if not isinstance(raw, dict):
        raise lines.error(where, f"{fname}: give a source column name or a mapping with keys {sorted(_COLUMN_KEYS)}")
    unknown = set(raw) - _COLUMN_KEYS
    if unknown:
        raise lines.error(where, f"{fname}: unknown key {sorted(unknown)[0]!r} (expected one of {', '.join(sorted(_COLUMN_KEYS))})")
    sources = [k for k in ("column", "value", "expr") if k in raw]
    if len(sources) > 1:
        raise lines.error(where, f"{fname}: use only one of column, value, expr (got {', '.join(sources)})")
    unit = raw.get("unit")
    if unit is not None and unit not in UNITS:
        raise lines.error(where, f"{fname}: unknown unit {unit!r} (expected one of {', '.join(UNITS)})")
    formats = _strings(raw.get("formats")) + _strings(raw.get("format"))
    mapping = raw.get("map")
    if mapping is not None and not isinstance(mapping, dict):
        raise lines.error(where, f"{fname}: map must be a mapping of source value → canonical value")
    if "expr" in raw:
        from callscope.ingest.derive import check_expression

        problem = check_expression(str(raw["expr"]), spec)
        if problem:
            raise lines.error(where, f"{fname}: {problem}")
    # A field given only a map, default, unit or format reads the column of its own name.
    column = raw.get("column", None if sources else fname)
    join: tuple[str, ...] = ()
    if isinstance(column, list):  # [date, time]: the texts joined with a space, then parsed
        if not column or not all(isinstance(c, str) for c in column):
            raise lines.error(where, f"{fname}: column must be a column name or a list of names, e.g. [date, time]")
        column, join = column[0], tuple(column[1:])
    return ColumnSpec(
        fname,
        column=column,
        join=join,
        value=raw.get("value"),
        expr=str(raw["expr"]) if "expr" in raw else None,
        formats=formats,
        map={str(k): v for k, v in mapping.items()} if mapping else None,
        unit=unit,
        default=raw.get("default"),
    )


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)
