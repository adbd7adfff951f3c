"""Quarantine messages rendered inside the engine, in the import's language.

A template such as "line {line}, column {column}: '{value}' is not a valid timestamp (expected
{expected})" becomes a string expression, so millions of bad rows never pass through Python.
"""

from __future__ import annotations

import functools
import operator
import re

import ibis
import ibis.expr.types as ir

from callscope.i18n import tr

__all__ = ["render_message", "template_for"]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def template_for(code: str, lang: str) -> str:
    try:
        return tr(f"quarantine.{code}", lang)
    except KeyError:
        return tr("quarantine.GENERIC", lang)


def render_message(code: str, lang: str, values: dict[str, ir.Value | str]) -> ir.StringValue:
    """The message for `code` with each {placeholder} taken from `values` (expressions or text)."""
    template = template_for(code, lang)
    pieces: list[ir.StringValue] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > pos:
            pieces.append(ibis.literal(template[pos : m.start()]))
        value = values.get(m.group(1), "")
        pieces.append(ibis.literal(value) if isinstance(value, str) else value.cast("string").fill_null(""))
        pos = m.end()
    if pos < len(template):
        pieces.append(ibis.literal(template[pos:]))
    return functools.reduce(operator.add, pieces) if pieces else ibis.literal("")
