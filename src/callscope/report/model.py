"""What a report is, before any format: sections of blocks holding data, not markup.

A named report (e.g. `month_end`) computes a `Report` from the store once; every renderer (HTML,
PDF, XLSX) prints the same numbers from it. Blocks:

- `Table`: a tidy pandas frame and the columns to show, each with a label and a unit (how to
  format it; `"row"` takes the unit from the frame's own `unit` column, as KPI tables have).
- `Chart`: a kind (line, bar, heatmap), tidy data (x, value and optionally a series column) and
  axis labels. HTML draws it interactively, PDF statically, XLSX as a native Excel chart.
- `Paragraph` and `Note`: text, already in the report's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Report", "Section", "Table", "Column", "Chart", "Paragraph", "Note", "Block", "UNITS", "CHART_KINDS"]

# How a value is shown: the KPI units plus plain text, dates and relative changes.
UNITS = ("count", "ratio", "seconds", "score", "number", "per_hour", "currency", "change_pct", "text", "date", "row")
CHART_KINDS = ("line", "bar", "heatmap")


@dataclass(frozen=True)
class Column:
    key: str  # column of the table's frame
    label: str
    unit: str = "text"

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"column {self.key!r}: unknown unit {self.unit!r}; use one of {', '.join(UNITS)}")


@dataclass
class Table:
    id: str  # short, unique in the report: the sheet name in XLSX, the element id in HTML
    title: str
    frame: pd.DataFrame
    columns: list[Column]
    note: str = ""
    status_column: str | None = None  # a column of met/missed codes to colour the row by
    display_rows: int | None = None  # HTML and PDF show this many rows; XLSX always has them all

    def __post_init__(self):
        missing = [c.key for c in self.columns if c.key not in self.frame.columns]
        if missing:
            raise ValueError(f"table {self.id!r}: columns {missing} are not in its data")


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # line | bar | heatmap
    data: pd.DataFrame  # tidy: one row per point
    x: str  # category axis column (time buckets, hours, categories)
    y: str  # value column
    series: str | None = None  # one line/bar per value of this column; heatmap: the row axis
    x_label: str = ""
    y_label: str = ""
    unit: str = "number"  # how values are formatted (see UNITS)
    note: str = ""

    def __post_init__(self):
        if self.kind not in CHART_KINDS:
            raise ValueError(f"chart {self.id!r}: unknown kind {self.kind!r}; use one of {', '.join(CHART_KINDS)}")
        if self.kind == "heatmap" and not self.series:
            raise ValueError(f"chart {self.id!r}: a heatmap needs a series column for its rows")

    def wide(self) -> pd.DataFrame:
        """x down the rows, one column per series (the layout of an Excel chart's data)."""
        if not self.series:
            return self.data[[self.x, self.y]].set_index(self.x)
        frame = self.data.pivot_table(index=self.x, columns=self.series, values=self.y, aggfunc="first", sort=False)
        # Every x of the data stays on the axis, in the data's order, even where no series has a
        # value (a six-month trend shows six months when the data starts in the fifth).
        return frame.reindex(index=list(dict.fromkeys(self.data[self.x])), columns=list(dict.fromkeys(self.data[self.series])))


@dataclass
class Paragraph:
    text: str


@dataclass
class Note:
    text: str


Block = Table | Chart | Paragraph | Note


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block | None) -> "Section":
        self.blocks.extend(b for b in blocks if b is not None)
        return self


@dataclass
class Report:
    kind: str
    title: str
    period: str
    lang: str
    sections: list[Section]
    subtitle: str = ""
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    notes: list[str] = field(default_factory=list)  # method notes shown at the end

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]

    def table(self, table_id: str) -> Table:
        for t in self.tables():
            if t.id == table_id:
                return t
        raise KeyError(f"no table {table_id!r} in the {self.kind} report")
