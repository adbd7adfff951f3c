"""A report `Chart` as an Apache ECharts option (plain JSON; the page adds value formatters by unit)."""

from __future__ import annotations

import math

from callscope.report.model import Chart

__all__ = ["chart_option"]

_PALETTE = ["#2f6fb3", "#e07b39", "#3a9d5d", "#c0392b", "#8e6bbf", "#7f8c8d", "#d4a017", "#17a2b8"]


def _number(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def chart_option(chart: Chart) -> dict:
    if chart.kind == "heatmap":
        return _heatmap(chart)
    wide = chart.wide()
    categories = [str(x) for x in wide.index]
    series = [
        {"name": str(name), "type": chart.kind, "data": [_number(v) for v in wide[name]], "connectNulls": True, "showSymbol": chart.kind == "line" and len(categories) <= 31}
        for name in wide.columns
    ]
    return {
        "_unit": chart.unit,
        "color": _PALETTE,
        "animation": False,
        "grid": {"left": 64, "right": 24, "top": 48, "bottom": 56, "containLabel": True},
        "legend": {"top": 0, "type": "scroll"} if len(series) > 1 else {"show": False},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": categories, "name": chart.x_label, "nameLocation": "middle", "nameGap": 32, "axisLabel": {"hideOverlap": True}},
        "yAxis": {"type": "value", "name": chart.y_label, "nameLocation": "middle", "nameGap": 52, "scale": chart.kind == "line"},
        "series": series,
    }


def _heatmap(chart: Chart) -> dict:
    wide = chart.wide()  # x (hours) down, one column per row label (weekday)
    xs = [str(x) for x in wide.index]
    ys = [str(y) for y in wide.columns]
    data = [[i, j, _number(wide.iloc[i, j])] for i in range(len(xs)) for j in range(len(ys)) if _number(wide.iloc[i, j]) is not None]
    values = [d[2] for d in data] or [0.0]
    return {
        "_unit": chart.unit,
        "animation": False,
        "grid": {"left": 64, "right": 24, "top": 16, "bottom": 88, "containLabel": True},
        "tooltip": {"position": "top"},
        "xAxis": {"type": "category", "data": xs, "name": chart.x_label, "nameLocation": "middle", "nameGap": 28, "splitArea": {"show": True}},
        "yAxis": {"type": "category", "data": ys, "name": chart.y_label, "splitArea": {"show": True}},
        "visualMap": {"min": min(values), "max": max(values), "calculable": True, "orient": "horizontal", "left": "center", "bottom": 0, "inRange": {"color": ["#f7fbff", "#6baed6", "#08306b"]}},
        "series": [{"name": chart.title, "type": "heatmap", "data": data, "label": {"show": False}}],
    }
