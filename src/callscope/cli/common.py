"""What every command shares: the --store and --lang options, the console, table printing."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from callscope.i18n import set_lang, tr

__all__ = ["StoreOpt", "LangOpt", "console", "err_console", "use_lang", "print_table", "name_values", "tr"]

console = Console()
err_console = Console(stderr=True)

StoreOpt = Annotated[
    str | None,
    typer.Option("--store", "-s", help="DuckDB file or postgresql:// URL (default: ./callscope.duckdb or $CALLSCOPE_STORE)"),
]
LangOpt = Annotated[str | None, typer.Option("--lang", help="zh or en (default: $CALLSCOPE_LANG, then $LANG)")]


def use_lang(lang: str | None) -> str:
    return set_lang(lang)


def print_table(title: str, columns: list[str], rows: list[list], *, justify_numbers: bool = True) -> None:
    table = Table(title=title, title_justify="left")
    for i, name in enumerate(columns):
        numeric = justify_numbers and rows and all(isinstance(r[i], (int, float)) or r[i] in (None, "") for r in rows)
        table.add_column(name, justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*[_cell(v) for v in row])
    console.print(table)


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def name_values(items: list[str] | None, what: str) -> dict[str, str]:
    """`["a=1", "b=x,y"]` → `{"a": "1", "b": "x,y"}` (the repeatable --filter/--option values)."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise ValueError(f"{what} {item!r}: write name=value")
        name, value = item.split("=", 1)
        out[name.strip()] = value.strip()
    return out
