"""A small, safe expression language for conditions users write in YAML.

    is_test
    outcome == 'answered' and talk_s + coalesce(hold_s, 0) + coalesce(acw_s, 0) < 3
    category in ['售后投诉', '技术故障']
    customer_tier is None

Python syntax, parsed with `ast` and compiled to Ibis against a table; nothing is evaluated as
Python. Allowed: column names, numbers, strings, True/False/None, + - * /, comparisons, and/or/not,
`in [...]`, `is None`, and the functions coalesce, least, greatest, abs, lower, upper.
"""

from __future__ import annotations

import ast
import functools
import operator
from collections.abc import Callable

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir

__all__ = ["ExpressionError", "compile_condition", "compile_value", "names_in"]

_FUNCS = {"coalesce", "least", "greatest", "abs", "lower", "upper"}
_CMP = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


class ExpressionError(ValueError):
    pass


def _parse(text: str) -> ast.AST:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"cannot read expression {text!r}: {exc.msg}") from None


def names_in(text: str) -> set[str]:
    """The column names an expression refers to."""
    tree = _parse(text)
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - calls


def compile_value(text: str, resolve: Callable[[str], ir.Value]) -> ir.Value:
    """Compile `text` with `resolve(name)` giving the Ibis value of each column name."""
    return _Compiler(text, resolve).visit(_parse(text))


def compile_condition(text: str, table: ir.Table) -> ir.BooleanValue:
    """A boolean condition over `table`'s columns; NULL counts as false."""

    def resolve(name: str) -> ir.Value:
        if name not in table.columns:
            raise ExpressionError(f"expression {text!r} names {name!r}, which is not a column (columns: {', '.join(table.columns)})")
        return table[name]

    value = compile_value(text, resolve)
    if not value.type().is_boolean():
        raise ExpressionError(f"expression {text!r} is not a condition (true/false)")
    return _filled(value)


def _filled(value: ir.BooleanValue) -> ir.BooleanValue:
    """`value` with NULL as false (once: an already filled value is left as it is)."""
    return value if isinstance(value.op(), ops.Coalesce) else value.fill_null(False)


class _Compiler:
    def __init__(self, text: str, resolve):
        self.text, self.resolve = text, resolve

    def fail(self, what: str) -> ExpressionError:
        return ExpressionError(f"expression {self.text!r}: {what}")

    def visit(self, node: ast.AST) -> ir.Value:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise self.fail(f"{type(node).__name__} is not allowed")
        return method(node)

    def visit_Name(self, node: ast.Name) -> ir.Value:
        return self.resolve(node.id)

    def visit_Constant(self, node: ast.Constant) -> ir.Value:
        if node.value is None:
            return ibis.null()
        if isinstance(node.value, (bool, int, float, str)):
            return ibis.literal(node.value)
        raise self.fail(f"constant {node.value!r} is not allowed")

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ir.Value:
        value = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return ~_filled(value)
        if isinstance(node.op, ast.USub):
            return -value
        raise self.fail("only 'not' and '-' may prefix a value")

    def visit_BoolOp(self, node: ast.BoolOp) -> ir.Value:
        # NULL counts as false. Filling once, around the whole and/or, gives the same truth table
        # as filling each operand, and lets the engine stop at the first false (or true) operand.
        values = [self.visit(v) for v in node.values]
        op = operator.and_ if isinstance(node.op, ast.And) else operator.or_
        return _filled(functools.reduce(op, values))

    def visit_BinOp(self, node: ast.BinOp) -> ir.Value:
        op = _ARITH.get(type(node.op))
        if op is None:
            raise self.fail("only + - * / are allowed")
        return op(self.visit(node.left), self.visit(node.right))

    def visit_Compare(self, node: ast.Compare) -> ir.Value:
        if len(node.ops) != 1:
            raise self.fail("write one comparison at a time (a < b and b < c)")
        left, op, right = node.left, node.ops[0], node.comparators[0]
        if isinstance(op, (ast.Is, ast.IsNot)):
            if not (isinstance(right, ast.Constant) and right.value is None):
                raise self.fail("'is' only compares with None")
            value = self.visit(left)
            return value.isnull() if isinstance(op, ast.Is) else value.notnull()
        if isinstance(op, (ast.In, ast.NotIn)):
            if not isinstance(right, (ast.List, ast.Tuple, ast.Set)):
                raise self.fail("'in' needs a list, e.g. x in ['a', 'b']")
            options = [self._literal(e) for e in right.elts]
            test = self.visit(left).isin(options)
            return test if isinstance(op, ast.In) else ~test
        compare = _CMP.get(type(op))
        if compare is None:
            raise self.fail("unknown comparison")
        return compare(self.visit(left), self.visit(right))

    def visit_Call(self, node: ast.Call) -> ir.Value:
        if not (isinstance(node.func, ast.Name) and node.func.id in _FUNCS) or node.keywords:
            raise self.fail(f"only {', '.join(sorted(_FUNCS))} may be called")
        args = [self.visit(a) for a in node.args]
        name = node.func.id
        if name in ("abs", "lower", "upper"):
            return getattr(args[0], name)()
        return getattr(ibis, name)(*args)

    def _literal(self, node: ast.AST):
        if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, float, str)):
            return node.value
        raise self.fail("list items must be plain values")
