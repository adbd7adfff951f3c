"""JSON records: JSON lines, a JSON array, or objects one after another (as AWS writes them).

`json_values` streams the values of such a file with the line each starts on, reading in chunks so
memory stays bounded. A value that is not valid JSON is reported and the reader resumes at the
next line. `read_json` flattens nested objects into dotted column names (`Agent.Username`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from callscope.ingest.formats.base import Batch, Problem, strings_table, with_lines
from callscope.ingest.formats.csvfile import detect_encoding
from callscope.ingest.profile import Profile

__all__ = ["read_json", "json_values", "flatten", "BadJson"]

_CHUNK = 1 << 20
_MAX_VALUE = 64 << 20  # a single value larger than this is treated as broken
_WS = " \t\r\n"


class BadJson:
    """Marks a value that could not be parsed."""

    def __init__(self, message: str, snippet: str):
        self.message, self.snippet = message, snippet


def json_values(path: Path, encoding: str = "auto") -> Iterator[tuple[int, object]]:
    """(line, value) for every top-level value; a BadJson instead of the value when it is broken."""
    decoder = json.JSONDecoder()
    with open(path, encoding=detect_encoding(path, encoding)) as f:
        buf, pos, line = f.read(_CHUNK), 0, 1
        eof = not buf
        in_array = False
        first = True
        while True:
            while pos < len(buf) and (buf[pos] in _WS or (in_array and buf[pos] in ",]")):
                if buf[pos] == "\n":
                    line += 1
                elif buf[pos] == "]":
                    in_array = False
                pos += 1
            if pos >= len(buf):
                if eof:
                    return
                buf, pos = f.read(_CHUNK), 0
                eof = not buf
                continue
            if first and buf[pos] == "[":
                in_array, first = True, False
                pos += 1
                continue
            first = False
            try:
                value, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if not eof and len(buf) - pos < _MAX_VALUE:
                    more = f.read(max(_CHUNK, len(buf) - pos))
                    eof = not more
                    buf, pos = buf[pos:] + more, 0
                    continue
                stop = buf.find("\n", pos)
                stop = len(buf) if stop < 0 else stop
                yield line, BadJson(exc.msg, buf[pos : min(stop, pos + 80)])
                pos = stop
                continue
            yield line, value
            line += buf.count("\n", pos, end)
            pos = end
            if len(buf) - pos < _CHUNK // 4 and not eof:
                more = f.read(_CHUNK)
                eof = not more
                buf, pos = buf[pos:] + more, 0


def flatten(value: dict, prefix: str = "") -> dict[str, str | None]:
    """Nested objects → dotted keys; lists → JSON text; scalars → text (booleans as true/false)."""
    out: dict[str, str | None] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict):
            out.update(flatten(item, name + "."))
        elif isinstance(item, list):
            out[name] = json.dumps(item, ensure_ascii=False)
        elif isinstance(item, bool):
            out[name] = "true" if item else "false"
        elif item is None:
            out[name] = None
        else:
            out[name] = str(item)
    return out


def read_json(path: Path, profile: Profile, batch_rows: int) -> Iterator[Batch]:
    rows: list[dict] = []
    lines: list[int] = []
    problems: list[Problem] = []
    for line, value in json_values(path, profile.encoding):
        if isinstance(value, BadJson):
            problems.append(Problem(line, "BAD_JSON", value.snippet, value.message))
        elif not isinstance(value, dict):
            problems.append(Problem(line, "NOT_A_RECORD", json.dumps(value, ensure_ascii=False)[:80], "{…}"))
        else:
            rows.append(flatten(value))
            lines.append(line)
        if len(rows) + len(problems) >= batch_rows:
            yield _batch(rows, lines, problems)
            rows, lines, problems = [], [], []
    if rows or problems:
        yield _batch(rows, lines, problems)


def _batch(rows: list[dict], lines: list[int], problems: list[Problem]) -> Batch:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    table = strings_table({n: [row.get(n) for row in rows] for n in names})
    return Batch("", with_lines(table, lines), problems=problems, records=len(rows) + len(problems))
