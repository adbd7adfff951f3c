"""Exclusion rules (seed 003, step 3): flag rows that must not count, never delete them.

Each rule is a condition over a canonical table (see `callscope.expr`), read from the project
configuration. A KPI family (voice, agents, multimedia, response) applies the rules meant for it;
a row matched by several rules is counted under the first, so per-rule counts add up.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from callscope.config import Config
from callscope.expr import compile_condition, names_in
from callscope.schema.tables import TABLES

__all__ = ["ExclusionRule", "exclusion_rules", "exclusion_flags", "first_exclusion", "exclusion_counts", "FAMILIES"]

FAMILIES = ("voice", "agents", "multimedia", "response")


@dataclass(frozen=True)
class ExclusionRule:
    id: str
    table: str
    when: str
    en: str = ""
    zh: str = ""
    applies_to: tuple[str, ...] = FAMILIES

    def label(self, lang: str) -> str:
        return (self.zh if lang == "zh" else self.en) or self.id

    def applies(self, family: str) -> bool:
        return family in self.applies_to


def exclusion_rules(config: Config, table: str | None = None) -> list[ExclusionRule]:
    rules = []
    for i, raw in enumerate(config.exclusions):
        missing = [k for k in ("id", "table", "when") if k not in raw]
        if missing:
            raise ValueError(f"exclusion rule #{i + 1} in {config.path or 'the configuration'} lacks {', '.join(missing)}")
        unknown = set(raw.get("applies_to") or ()) - set(FAMILIES)
        if unknown:
            raise ValueError(f"exclusion rule {raw['id']!r}: unknown KPI family {sorted(unknown)[0]!r} (expected {', '.join(FAMILIES)})")
        rule = ExclusionRule(
            id=str(raw["id"]),
            table=str(raw["table"]),
            when=str(raw["when"]),
            en=str(raw.get("en", "")),
            zh=str(raw.get("zh", "")),
            applies_to=tuple(raw.get("applies_to") or FAMILIES),
        )
        if table is None or rule.table == table:
            rules.append(rule)
    return rules


def exclusion_flags(t: ir.Table, rules: list[ExclusionRule], family: str) -> dict[str, ir.BooleanValue]:
    """Boolean columns for `family`: `_keep_<family>` (no rule drops the row) and, per rule,
    `_ex_<family>__<rule>` (this rule is the first that drops it) — cheap for an engine to aggregate."""
    flags: dict[str, ir.BooleanValue] = {}
    earlier = ibis.literal(False)
    for rule in rules:
        if not rule.applies(family) or _names_absent_canonical_field(rule, t):
            continue
        hit = compile_condition(rule.when, t)
        flags[f"_ex_{family}__{rule.id}"] = hit & ~earlier
        earlier = earlier | hit
    flags[f"_keep_{family}"] = ~earlier
    return flags


def first_exclusion(t: ir.Table, rules: list[ExclusionRule], family: str) -> ir.StringValue | None:
    """The id of the first of `rules` (those for `family`) that drops the row, NULL if none does;
    None when no rule applies to the family on this table."""
    cases = [(compile_condition(r.when, t), r.id) for r in rules if r.applies(family) and not _names_absent_canonical_field(r, t)]
    return ibis.cases(*cases, else_=ibis.null("string")) if cases else None


def _names_absent_canonical_field(rule: ExclusionRule, t: ir.Table) -> bool:
    """A rule naming a canonical field this table lacks (a store or export written before the
    field existed, e.g. an old Parquet export without is_phantom) matches no row there. A name that
    is not a canonical field at all is a typo and still fails loudly in compile_condition."""
    absent = names_in(rule.when) - set(t.columns)
    spec = TABLES.get(rule.table)
    return bool(absent) and spec is not None and all(name in spec for name in absent)


def exclusion_counts(store, config: Config) -> list[tuple[ExclusionRule, int]]:
    """How many stored rows each rule flags (a row flagged by several rules counts for each)."""
    out = []
    for rule in exclusion_rules(config):
        if store.has_table(rule.table):
            t = store.table(rule.table)
            if _names_absent_canonical_field(rule, t):
                out.append((rule, 0))
                continue
            out.append((rule, int(t.filter(compile_condition(rule.when, t)).count().to_pyarrow().as_py())))
    return out
