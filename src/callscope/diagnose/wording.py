"""How a diagnosis reads: slice names ("售后投诉 in peak hours") and amounts ("4.1 points")."""

from __future__ import annotations

import math

from callscope.i18n import tr
from callscope.kpi.output import format_value

__all__ = ["slice_label", "value_label", "amount", "level", "signed", "TIME_DIMS"]

# Dimensions that say *when*; in a pair they come second ("售后投诉 in peak hours").
TIME_DIMS = ("peak", "hour_of_day", "weekday")
# Dimensions whose values name themselves (a category, a queue, a team, a site).
_PLAIN = ("category", "queue", "team", "site")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def value_label(dim: str, value, lang: str) -> str:
    if _missing(value):
        return tr("diagnose.value.none", lang, dim=tr(f"kpi.col.{dim}", lang))
    if dim == "peak":
        return tr(f"diagnose.value.{value}", lang) if value in ("peak", "off_peak") else str(value)
    if dim == "hour_of_day":
        hour = int(value)
        return f"{hour:02d}:00–{hour + 1:02d}:00"
    if dim == "weekday":
        return tr(f"diagnose.weekday.{int(value)}", lang)
    if dim in _PLAIN:
        return str(value)
    return tr("diagnose.value.named", lang, dim=tr(f"kpi.col.{dim}", lang), value=value)


def slice_label(pairs: tuple[tuple[str, object], ...], lang: str) -> str:
    """A readable name for a slice given as ((dimension, value), …): what, then when."""
    joiner = tr("diagnose.slice.and", lang)
    what = [value_label(d, v, lang) for d, v in pairs if d not in TIME_DIMS]
    when = [(d, value_label(d, v, lang)) for d, v in pairs if d in TIME_DIMS]
    if not what:
        return joiner.join(text for _, text in when)
    if not when:
        return joiner.join(what)
    # "售后投诉 in peak hours on Mondays" / "周一高峰时段的售后投诉"
    where = tr("diagnose.slice.when_join", lang).join(tr(f"diagnose.when.{d}", lang, value=text) for d, text in when)
    return tr("diagnose.slice.in", lang, what=joiner.join(what), where=where)


def amount(delta: float, unit: str, scale: float, lang: str) -> str:
    """The size of a difference in the KPI's unit: percentage points for ratios, seconds, or a number."""
    size = abs(delta)
    if unit == "ratio" and scale == 1.0:
        return tr("diagnose.amount.points", lang, n=f"{size * 100:.1f}")
    if unit == "seconds":
        return tr("diagnose.amount.seconds", lang, n=f"{size:,.1f}")
    return f"{size:,.2f}"


def signed(delta: float, unit: str, scale: float) -> str:
    """A signed difference without its unit: +0.2 (points for ratios), −3.5 (seconds), +0.12."""
    if unit == "ratio" and scale == 1.0:
        text = f"{delta * 100:+.1f}"
    elif unit == "seconds":
        text = f"{delta:+,.1f}"
    else:
        text = f"{delta:+,.2f}"
    return text.replace("-", "−")


def level(value: float, unit: str, lang: str) -> str:
    """A KPI value as the sentence shows it: like the KPI tables, but seconds stay seconds."""
    if unit == "seconds" and value is not None and not math.isnan(value):
        return tr("diagnose.amount.seconds", lang, n=f"{value:,.1f}")
    return format_value(value, unit)
