"""Computing KPIs: one grouped query per base table, then a tidy table of slices × KPIs.

All `Sum` and `Quantile` KPIs on the same base table become the aggregates of a single
`group_by(slices).aggregate(...)` over the prepared table, so the whole catalogue costs about one
scan per table. `Custom` KPIs compute their own grouped numerator and denominator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from callscope.clean import exclusion_rules
from callscope.kpi.catalogue import OPTIONS, POPULATIONS
from callscope.kpi.catalogue.intervals import on_interval_stats
from callscope.kpi.context import KpiContext
from callscope.kpi.model import KPI, Custom, Quantile, Sum
from callscope.kpi.prepare import BASE_DIMS, TIME_COLUMN, prepared, with_message_summary
from callscope.kpi.targets import THRESHOLD_OPTION, Target, threshold_expression

import ibis
import ibis.expr.types as ir

__all__ = ["evaluate", "resolve_options", "uses_interval_stats", "VALUE_COLUMNS"]

VALUE_COLUMNS = ["kpi", "value", "numerator", "denominator", "excluded", "excluded_by", "note"]


def resolve_options(*layers: dict | None) -> dict:
    """Option defaults overridden by each layer in turn, validated."""
    opts = {name: o.default for name, o in OPTIONS.items()}
    for layer in layers:
        for name, value in (layer or {}).items():
            if name not in OPTIONS:
                raise ValueError(f"unknown KPI option {name!r}; options: {', '.join(OPTIONS)}")
            opts[name] = _coerce(OPTIONS[name], value)
    return opts


def _coerce(option, value):
    default = option.default
    if isinstance(default, tuple) and isinstance(value, str):
        value = tuple(v.strip() for v in value.split(",") if v.strip())
    elif isinstance(default, (int, float)) and not isinstance(default, bool) and isinstance(value, str):
        value = float(value)
    if option.choices and value not in option.choices:
        raise ValueError(f"option {option.name} must be one of {', '.join(option.choices)} (got {value!r})")
    return value


def evaluate(ctx: KpiContext, kpis: list[KPI], targets: list[Target]) -> pd.DataFrame:
    """Rows of slice columns + VALUE_COLUMNS for every KPI in `kpis` over `ctx.period`."""
    if uses_interval_stats(ctx):
        kpis = [on_interval_stats(k) for k in kpis]
    # Without filters, fields of a grouped KPI's own table are checked inside its grouped query
    # (one scan less); fields of other tables, of custom KPIs, and every field when filters narrow
    # the rows (an empty slice has no data; that does not make a field missing) are checked here.
    def checked_here(k: KPI, field: str) -> bool:
        return bool(ctx.filters) or isinstance(k.measure, Custom) or not field.startswith(k.base + ".")

    elsewhere = {k.id: [f for f in k.required_fields(ctx.opts) if checked_here(k, f)] for k in kpis}
    available = _available_fields(ctx, {f for fields in elsewhere.values() for f in fields})
    frames = []
    # One grouped query per base table and extra columns: the per-conversation message summary is
    # joined only for the KPIs that read it, and only onto the rows of their populations.
    by_base: dict[tuple[str, frozenset], list[KPI]] = {}
    for k in kpis:
        missing = [f for f in elsewhere[k.id] if f not in available]
        if missing:
            frames.append(_note_rows(ctx, [k], "missing:" + ",".join(missing)))
        elif isinstance(k.measure, Custom):
            frames.append(_custom(ctx, k))
        else:
            by_base.setdefault((k.base, frozenset(k.prepare)), []).append(k)
    for (base, needs), group in by_base.items():
        frames.append(_grouped(ctx, base, group, targets, needs))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=ctx.columns + VALUE_COLUMNS)
    return pd.concat(frames, ignore_index=True).reindex(columns=ctx.columns + VALUE_COLUMNS)


def uses_interval_stats(ctx: KpiContext) -> bool:
    """A period with interval statistics and no contact records is measured from the intervals."""
    key = ("uses_interval_stats",)
    if key not in ctx.cache:
        ctx.cache[key] = ctx.store.has_table("interval_stats") and _rows_within(ctx, "interval_stats") and not _rows_within(ctx, "interactions")
    return ctx.cache[key]


def _rows_within(ctx: KpiContext, table: str) -> bool:
    t = ctx.store.table(table)
    return t.filter(ctx.within(t[TIME_COLUMN[table]])).limit(1).count().to_pyarrow().as_py() > 0


def _note_rows(ctx: KpiContext, kpis: list[KPI], note: str) -> pd.DataFrame:
    return pd.DataFrame([{**{c: None for c in ctx.columns}, "kpi": k.id, "note": note} for k in kpis])


def _unsliceable(ctx: KpiContext, allowed) -> list[str]:
    return [d for d in list(ctx.dims) + list(ctx.filters) if d not in allowed]


def _grouped(ctx: KpiContext, base: str, kpis: list[KPI], targets: list[Target], needs: frozenset) -> pd.DataFrame:
    bad = _unsliceable(ctx, BASE_DIMS[base])
    if bad:
        return _note_rows(ctx, kpis, "not_sliceable:" + ",".join(bad))
    t = prepared(ctx, base, set(needs) - {"messages"})
    # Each population is evaluated once per row, as a column the aggregates filter on.
    populations = {k.measure.population for k in kpis}
    t = t.mutate(**{f"_p_{p}": POPULATIONS[p](t, ctx.opts).fill_null(False) for p in populations})
    if "messages" in needs:
        t = with_message_summary(ctx, t.filter(ibis.or_(*(t[f"_p_{p}"] for p in populations))))
    rules = [r.id for r in exclusion_rules(ctx.config, base)]
    aggs = _Aggregates()
    for k in kpis:
        o = _kpi_options(ctx, k, t, targets)
        m = k.measure
        population = t[f"_p_{m.population}"]
        kept = population & t[f"_keep_{k.family}"]
        if isinstance(m, Sum):
            aggs[f"{k.id}__num"] = _sum_where(t, m.numerator(t, o), kept)
            if m.ratio:
                aggs[f"{k.id}__den"] = _sum_where(t, m.denominator(t, o), kept) if m.denominator else t.count(where=kept)
        elif isinstance(m, Quantile):
            column = m.column(t, o)
            use = kept & column.notnull()
            aggs[f"{k.id}__val"] = column.quantile(m.q, where=use)
            aggs[f"{k.id}__den"] = t.count(where=use)
        for rule in rules:
            flag_column = f"_ex_{k.family}__{rule}"
            if flag_column in t.columns:
                aggs[f"_x__{m.population}__{k.family}__{rule}"] = t.count(where=population & t[flag_column])
    own = [] if ctx.filters else sorted({f.split(".", 1)[1] for k in kpis for f in k.required_fields(ctx.opts) if f.startswith(base + ".")})
    for c in own:
        aggs[f"_has__{c}"] = t[c].count()
    grouped = t.group_by(ctx.columns).aggregate(**aggs.unique) if ctx.columns else t.aggregate(**aggs.unique)
    frame = aggs.expand(grouped.to_pandas())
    present = {c for c in own if frame[f"_has__{c}"].sum() > 0}
    usable, notes = [], []
    for k in kpis:
        missing = [f for f in k.required_fields(ctx.opts) if f.startswith(base + ".") and f.split(".", 1)[1] in set(own) - present]
        if missing:
            notes.append(_note_rows(ctx, [k], "missing:" + ",".join(missing)))
        else:
            usable.append(k)
    return pd.concat([_melt(ctx, frame, usable, rules), *notes], ignore_index=True)


class _Aggregates(dict):
    """Named aggregates where identical expressions are computed once (e.g. the offered count
    that several KPIs share as their denominator) and copied to every name afterwards."""

    def __init__(self):
        super().__init__()
        self._first: dict = {}

    def __setitem__(self, name, expr) -> None:
        self._first.setdefault(expr.op(), name)
        super().__setitem__(name, expr)

    @property
    def unique(self) -> dict:
        return {name: self[name] for name in self._first.values()}

    def expand(self, frame: pd.DataFrame) -> pd.DataFrame:
        extra = {name: frame[self._first[expr.op()]] for name, expr in self.items() if name not in frame.columns}
        return pd.concat([frame, pd.DataFrame(extra, index=frame.index)], axis=1) if extra else frame


def _sum_where(t, value, kept):
    """Σ value over the kept rows: a condition is counted, a constant true counts the rows."""
    if isinstance(value, ir.Scalar) and value.type().is_boolean():
        return t.count(where=kept)
    if value.type().is_boolean():
        return t.count(where=kept & value)
    return value.cast("float64").sum(where=kept)


def _kpi_options(ctx: KpiContext, k: KPI, t, targets: list[Target]) -> dict:
    """The context's options, with a target's threshold_s per slice where the KPI has a threshold."""
    option = THRESHOLD_OPTION.get(k.id)
    if option is None:
        return ctx.opts
    return {**ctx.opts, option: threshold_expression(targets, k.id, t, float(ctx.opts[option]), ctx.period.start)}


def _melt(ctx: KpiContext, frame: pd.DataFrame, kpis: list[KPI], rules: list[str]) -> pd.DataFrame:
    """Wide aggregates (one row per slice) → tidy rows (one per slice × KPI), vectorised."""
    parts = []
    exclusions: dict[tuple, tuple] = {}  # KPIs sharing a population and family share their counts
    for k in kpis:
        m = k.measure
        den = pd.to_numeric(frame[f"{k.id}__den"], errors="coerce").fillna(0.0).to_numpy(float) if f"{k.id}__den" in frame else np.full(len(frame), np.nan)
        if isinstance(m, Quantile):
            num = np.full(len(frame), np.nan)
            value = np.where(den > 0, pd.to_numeric(frame[f"{k.id}__val"], errors="coerce").to_numpy(float), np.nan)
        else:
            num = pd.to_numeric(frame[f"{k.id}__num"], errors="coerce").fillna(0.0).to_numpy(float)
            if m.ratio:
                with np.errstate(divide="ignore", invalid="ignore"):
                    value = np.where(den > 0, num / den * m.scale, np.nan)
            else:
                value, den = num, np.full(len(frame), np.nan)
        part = frame[ctx.columns].copy()
        part["kpi"] = k.id
        part["value"] = value
        part["numerator"] = num
        part["denominator"] = den
        key = (m.population, k.family)
        if key not in exclusions:
            counts = {r: frame[f"_x__{m.population}__{k.family}__{r}"].fillna(0).astype(int) for r in rules if f"_x__{m.population}__{k.family}__{r}" in frame}
            exclusions[key] = (sum(counts.values()) if counts else 0, _rule_counts(counts, len(frame)))
        part["excluded"], part["excluded_by"] = exclusions[key]
        part["note"] = np.where(np.isnan(value), "no_data", None)
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ctx.columns + VALUE_COLUMNS)


def _rule_counts(counts: dict[str, pd.Series], n: int) -> pd.Series:
    """'rule=n; other=m' per row, listing only rules that dropped something."""
    text = pd.Series([""] * n, dtype=object)
    for rule, series in counts.items():
        if not (series > 0).any():
            continue
        piece = (rule + "=" + series.astype(str)).where(series > 0, "").reset_index(drop=True)
        text = (text + "; " + piece).where((text != "") & (piece != ""), text + piece)
    return text


def _number(value):
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    return float(value)


def _custom(ctx: KpiContext, k: KPI) -> pd.DataFrame:
    m = k.measure
    bad = _unsliceable(ctx, m.dims)
    if bad:
        return _note_rows(ctx, [k], "not_sliceable:" + ",".join(bad))
    frame = m.compute(ctx)
    rows = []
    for record in frame.to_dict("records"):
        num, den = _number(record.get("_num")), _number(record.get("_den"))
        value = (num / den if den else None) if m.ratio else _number(record.get("_value", num))
        rows.append(
            {
                **{c: record.get(c) for c in ctx.columns},
                "kpi": k.id,
                "value": value,
                "numerator": num,
                "denominator": den,
                "excluded": 0,
                "excluded_by": "",
                "note": None if value is not None else "no_data",
            }
        )
    if not rows and not ctx.columns:
        return _note_rows(ctx, [k], "no_data")
    return pd.DataFrame(rows)


def _available_fields(ctx: KpiContext, fields: set[str]) -> set[str]:
    """Which of the 'table.field' names have at least one value in the period (one query per table)."""
    wanted: dict[str, set[str]] = {}
    for name in fields:
        table, column = name.split(".", 1)
        wanted.setdefault(table, set()).add(column)
    found = set()
    for table, columns in wanted.items():
        if not ctx.store.has_table(table):
            continue
        t = ctx.store.table(table)
        if table == "events":
            t = t.mutate(start=ibis.coalesce(t.detected_at, t.start))
        time_col = TIME_COLUMN.get(table)
        if time_col:
            t = t.filter(ctx.within(t[time_col]))
        counts = t.aggregate(**{c: t[c].count() for c in sorted(columns)}).to_pyarrow().to_pylist()[0]
        found |= {f"{table}.{c}" for c, n in counts.items() if n}
    return found
