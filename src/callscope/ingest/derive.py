"""Derived fields: small arithmetic over canonical fields, declared in a profile.

    wait_s: {expr: "answered_at - queued_at"}     # time stamp − time stamp = seconds
    acw_s:  {expr: "handle_total - talk_s"}        # numbers
    talk_s: {expr: "coalesce(talk_s, ended_at - answered_at)"}

Allowed: field names, numbers, + - * /, parentheses, coalesce(), least(), greatest(), abs().
Parsed with Python's `ast` and compiled to Ibis; nothing is evaluated as Python.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from callscope.ingest.sqlfuncs import epoch
from callscope.schema import TableSpec

__all__ = ["check_expression", "compile_expression", "referenced_fields"]

_FUNCS = {"coalesce", "least", "greatest", "abs"}
_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def _walk(expr: str) -> ast.AST:
    tree = ast.parse(expr, mode="eval")
    for node in ast.walk(tree):
        ok = isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.USub, ast.Name, ast.Load, ast.Call))
        ok = ok or isinstance(node, _OPS) or (isinstance(node, ast.Constant) and isinstance(node.value, (int, float)))
        if not ok:
            raise ValueError(f"{type(node).__name__} is not allowed in a derived field")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in _FUNCS):
            raise ValueError(f"only {', '.join(sorted(_FUNCS))} may be called")
    return tree


def referenced_fields(expr: str) -> set[str]:
    tree = _walk(expr)
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - calls


def check_expression(expr: str, spec: TableSpec) -> str | None:
    """None if `expr` is usable for `spec`, else what is wrong with it."""
    try:
        names = referenced_fields(expr)
    except (SyntaxError, ValueError) as exc:
        return f"cannot use expression {expr!r}: {exc}"
    unknown = sorted(n for n in names if n not in spec)
    if unknown:
        return f"expression {expr!r} names {', '.join(unknown)}, which are not fields of {spec.name}"
    return None


def compile_expression(expr: str, fields: Mapping[str, ir.Value]) -> ir.Value:
    """Build the Ibis value of `expr` from already-parsed canonical fields."""
    return _compile(_walk(expr).body, fields)


def _compile(node: ast.AST, fields: Mapping[str, ir.Value]) -> ir.Value:
    if isinstance(node, ast.Constant):
        return ibis.literal(float(node.value))
    if isinstance(node, ast.Name):
        return fields[node.id]
    if isinstance(node, ast.UnaryOp):
        return -_compile(node.operand, fields)
    if isinstance(node, ast.Call):
        args = [_compile(a, fields) for a in node.args]
        name = node.func.id  # type: ignore[attr-defined]
        if name == "abs":
            return args[0].abs()
        return getattr(ibis, name)(*args)
    assert isinstance(node, ast.BinOp)
    left, right = _compile(node.left, fields), _compile(node.right, fields)
    if isinstance(node.op, ast.Sub) and _is_time(left) and _is_time(right):
        return epoch(left) - epoch(right)
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    return left / right


def _is_time(value: ir.Value) -> bool:
    return value.type().is_timestamp()
