"""Reading a written report back: the cells of an HTML table, the rows of an XLSX sheet, the text
of a PDF — so report tests compare what a reader gets with the KPI engine's numbers."""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import openpyxl

__all__ = ["html_table", "xlsx_rows", "pdf_text"]


class _TableReader(HTMLParser):
    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("data-table"):
            self.inside = attrs["data-table"] == self.table_id
        elif self.inside and tag == "tr":
            self.rows.append({})
        elif self.inside and tag == "td":
            self.cell = [attrs.get("data-key"), attrs.get("data-value", ""), ""]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            key, raw, text = self.cell
            self.rows[-1][key] = (raw, text)
            self.cell = None


def html_table(html: str, table_id: str) -> list[dict]:
    """Rows of the table `table_id`: {column key: (data-value, shown text)}."""
    reader = _TableReader(table_id)
    reader.feed(html)
    return [row for row in reader.rows if row]


def xlsx_rows(book: Path | openpyxl.Workbook, sheet: str) -> list[dict]:
    """Rows of a report sheet's Excel table: {header label: cell value} (header on row 4)."""
    ws = (book if isinstance(book, openpyxl.Workbook) else openpyxl.load_workbook(book))[sheet]
    assert list(ws.tables) == [f"T_{sheet}"], f"{sheet} is not one Excel table"
    header = [c.value for c in ws[4]]
    return [dict(zip(header, r)) for r in ws.iter_rows(min_row=5, values_only=True)]


def pdf_text(path: Path) -> str:
    """The PDF's text, NFKC-folded (Noto CJK maps some ideographs to their radical twins) with
    runs of white space made one space."""
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())
