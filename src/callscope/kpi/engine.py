"""Computing KPIs: one grouped query per base table, then a tidy table of slices × KPIs.

All `Sum` and `Quantile` KPIs on the same base table become the aggregates of a single
`group_by(slices).aggregate(...)` over the prepared table, so the whole catalogue costs about one
scan per table. `Custom` KPIs compute their own grouped numerator and denominator.
"""

from __future__ import annotations

import pandas as pd

from callscope.clean import exclusion_rules
from callscope.kpi.catalogue import OPTIONS, POPULATIONS
from callscope.kpi.catalogue.common import flag
from callscope.kpi.context import KpiContext
from callscope.kpi.model import KPI, Custom, Quantile, Sum
from callscope.kpi.prepare import BASE_DIMS, TIME_COLUMN, prepared
from callscope.kpi.targets import THRESHOLD_OPTION, Target, threshold_expression

import ibis

__all__ = ["evaluate", "resolve_options", "VALUE_COLUMNS"]

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
    available = _available_fields(ctx, kpis)
    frames = []
    by_base: dict[str, list[KPI]] = {}
    for k in kpis:
        missing = [f for f in k.required_fields(ctx.opts) if f not in available]
        if missing:
            frames.append(_note_rows(ctx, [k], "missing:" + ",".join(missing)))
        elif isinstance(k.measure, Custom):
            frames.append(_custom(ctx, k))
        else:
            by_base.setdefault(k.base, []).append(k)
    for base, group in by_base.items():
        frames.append(_grouped(ctx, base, group, targets))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=ctx.columns + VALUE_COLUMNS)
    return pd.concat(frames, ignore_index=True).reindex(columns=ctx.columns + VALUE_COLUMNS)


def _note_rows(ctx: KpiContext, kpis: list[KPI], note: str) -> pd.DataFrame:
    return pd.DataFrame([{**{c: None for c in ctx.columns}, "kpi": k.id, "note": note} for k in kpis])


def _unsliceable(ctx: KpiContext, allowed) -> list[str]:
    return [d for d in list(ctx.dims) + list(ctx.filters) if d not in allowed]


def _grouped(ctx: KpiContext, base: str, kpis: list[KPI], targets: list[Target]) -> pd.DataFrame:
    bad = _unsliceable(ctx, BASE_DIMS[base])
    if bad:
        return _note_rows(ctx, kpis, "not_sliceable:" + ",".join(bad))
    needs = {n for k in kpis for n in k.prepare}
    t = prepared(ctx, base, needs)
    aggs = {}
    excluded_keys: dict[str, list[tuple[str, str]]] = {}
    rules = exclusion_rules(ctx.config, base)
    for k in kpis:
        o = _kpi_options(ctx, k, t, targets)
        m = k.measure
        population = POPULATIONS[m.population](t, o)
        kept = population & t[f"_ex_{k.family}"].isnull()
        if isinstance(m, Sum):
            aggs[f"{k.id}__num"] = ibis.cases((kept, m.numerator(t, o).cast("float64")), else_=0.0).sum()
            den = m.denominator(t, o).cast("float64") if m.denominator else ibis.literal(1.0)
            aggs[f"{k.id}__den"] = ibis.cases((kept, den), else_=0.0).sum()
        elif isinstance(m, Quantile):
            column = m.column(t, o)
            use = kept & column.notnull()
            aggs[f"{k.id}__val"] = column.quantile(m.q, where=use)
            aggs[f"{k.id}__den"] = flag(use).sum()
        keys = []
        for rule in rules:
            if rule.applies(k.family):
                name = f"_x__{m.population}__{k.family}__{rule.id}"
                aggs.setdefault(name, flag(population & (t[f"_ex_{k.family}"] == rule.id)).sum())
                keys.append((rule.id, name))
        excluded_keys[k.id] = keys
    grouped = t.group_by(ctx.columns).aggregate(**aggs) if ctx.columns else t.aggregate(**aggs)
    frame = grouped.to_pandas()
    return _melt(ctx, frame, kpis, excluded_keys)


def _kpi_options(ctx: KpiContext, k: KPI, t, targets: list[Target]) -> dict:
    """The context's options, with a target's threshold_s per slice where the KPI has a threshold."""
    option = THRESHOLD_OPTION.get(k.id)
    if option is None:
        return ctx.opts
    return {**ctx.opts, option: threshold_expression(targets, k.id, t, float(ctx.opts[option]), ctx.period.start)}


def _melt(ctx: KpiContext, frame: pd.DataFrame, kpis: list[KPI], excluded_keys: dict) -> pd.DataFrame:
    rows = []
    for record in frame.to_dict("records"):
        slice_values = {c: record[c] for c in ctx.columns}
        for k in kpis:
            m = k.measure
            den = _number(record.get(f"{k.id}__den"))
            if isinstance(m, Quantile):
                num, value = None, (_number(record.get(f"{k.id}__val")) if den else None)
            else:
                num = _number(record.get(f"{k.id}__num"))
                if m.ratio:
                    value = num / den * m.scale if den else None
                else:
                    value, den = num or 0.0, None
            counts = {rule: int(_number(record.get(name)) or 0) for rule, name in excluded_keys[k.id]}
            rows.append(
                {
                    **slice_values,
                    "kpi": k.id,
                    "value": value,
                    "numerator": num,
                    "denominator": den,
                    "excluded": sum(counts.values()),
                    "excluded_by": "; ".join(f"{r}={n}" for r, n in counts.items() if n),
                    "note": None if value is not None else "no_data",
                }
            )
    return pd.DataFrame(rows)


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


def _available_fields(ctx: KpiContext, kpis: list[KPI]) -> set[str]:
    """'table.field' names that have at least one value in the period (one query per table)."""
    wanted: dict[str, set[str]] = {}
    for k in kpis:
        for name in k.required_fields(ctx.opts):
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
