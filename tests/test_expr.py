"""Conditions written by users (exclusion rules, filters) follow Python's truth rules: None is
false. Checked over every combination of true, false and None on DuckDB."""

from __future__ import annotations

import itertools

import ibis
import pytest

from callscope.expr import ExpressionError, compile_condition

VALUES = (True, False, None)


@pytest.mark.parametrize(
    "text, python",
    [
        ("a and b", lambda a, b: bool(a and b)),
        ("a or b", lambda a, b: bool(a or b)),
        ("not (a and b)", lambda a, b: not (a and b)),
        ("not (a or b)", lambda a, b: not (a or b)),
        ("not a and b", lambda a, b: bool((not a) and b)),
        ("(a or b) and not b", lambda a, b: bool((a or b) and not b)),
    ],
)
def test_truth_table_with_none_as_false(text, python):
    pairs = list(itertools.product(VALUES, VALUES))
    t = ibis.memtable({"n": list(range(len(pairs))), "a": [p[0] for p in pairs], "b": [p[1] for p in pairs]}, schema={"n": "int64", "a": "boolean", "b": "boolean"})
    got = t.mutate(c=compile_condition(text, t)).order_by("n").c.to_pyarrow().to_pylist()
    assert got == [python(a, b) for a, b in pairs]


def test_comparison_with_a_missing_value_is_false():
    # talk_s None: "talk_s + 0 < 3" is unknown, so the mis-operation rule does not match.
    t = ibis.memtable({"n": [1, 2, 3], "talk_s": [1.0, None, 9.0], "outcome": ["answered", "answered", None]})
    rule = "outcome == 'answered' and talk_s + 0 < 3"
    assert t.mutate(c=compile_condition(rule, t)).order_by("n").c.to_pyarrow().to_pylist() == [True, False, False]
    assert t.mutate(c=compile_condition(f"not ({rule})", t)).order_by("n").c.to_pyarrow().to_pylist() == [False, True, True]


def test_not_a_condition_is_an_error():
    t = ibis.memtable({"talk_s": [1.0]})
    with pytest.raises(ExpressionError, match="is not a condition"):
        compile_condition("talk_s + 1", t)
