"""Excel workbooks (.xlsx): one sheet, read row by row without loading the workbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from callscope.ingest.formats.base import Batch, strings_table, with_lines
from callscope.ingest.profile import Profile, ProfileError

__all__ = ["read_xlsx", "cell_text"]


def cell_text(value) -> str | None:
    """A cell as text: dates in ISO form, whole numbers without '.0', booleans as true/false."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path, profile: Profile, batch_rows: int) -> Iterator[Batch]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = _sheet(book, profile.sheet, path)
        rows = sheet.iter_rows(min_row=profile.header_row, values_only=True)
        header = next(rows, None)
        if header is None:
            raise ProfileError(f"{path}: sheet {sheet.title!r} has no header row at row {profile.header_row}")
        names = [cell_text(h).strip() if h is not None else f"column_{i + 1}" for i, h in enumerate(header)]
        width = len(names)
        columns: list[list] = [[] for _ in names]
        lines: list[int] = []
        for number, row in enumerate(rows, start=profile.header_row + 1):
            if row is None or all(v is None for v in row):
                continue  # an empty sheet row is not a record
            for i in range(width):
                columns[i].append(cell_text(row[i]) if i < len(row) else None)
            lines.append(number)
            if len(lines) >= batch_rows:
                yield Batch("", with_lines(strings_table(dict(zip(names, columns))), lines), records=len(lines))
                columns, lines = [[] for _ in names], []
        if lines:
            yield Batch("", with_lines(strings_table(dict(zip(names, columns))), lines), records=len(lines))
    finally:
        book.close()


def _sheet(book, wanted, path: Path):
    if wanted is None:
        return book.worksheets[0]
    if isinstance(wanted, int):
        return book.worksheets[wanted]
    if wanted not in book.sheetnames:
        raise ProfileError(f"{path} has no sheet {wanted!r} (sheets: {', '.join(book.sheetnames)})")
    return book[wanted]
