"""Improvement actions (seed 000, part 4): read from a YAML or CSV file, measured by the KPI engine.

    actions:
      - measure: 高频问题话术模板重构        # what is being done
        owner: 质检组 王敏
        kpi: AHT                              # the KPI it should move
        slice: {channel: voice}               # optional: where (KPI filters)
        start: 2024-09-01                     # when it took effect
        due: 2024-10-15
        progress: 60                          # percent done

A CSV has the same columns; its slice is written `channel=voice;queue=售后服务`. Before and
after are the KPI over equal windows: after = [start, end of the report period), before = the
same number of days just before the start.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from callscope.kpi import get_kpi
from callscope.kpi.period import Period

__all__ = ["Action", "load_actions", "windows", "action_table"]

_FIELDS = ("measure", "owner", "kpi", "start", "due", "progress")


@dataclass(frozen=True)
class Action:
    measure: str
    owner: str
    kpi: str
    start: dt.date
    due: dt.date | None
    progress: float  # 0–1
    slice: dict = field(default_factory=dict)


def load_actions(path: str | Path) -> list[Action]:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no actions file {path}")
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = [(f"{path}, line {i}", r) for i, r in enumerate(csv.DictReader(f), start=2)]
    else:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not valid YAML: {exc}") from None
        items = data.get("actions") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise ValueError(f"{path}: expected a list of actions under 'actions:' (see docs/reports.md)")
        rows = [(f"{path}, action {i}", r) for i, r in enumerate(items, start=1)]
    return [_action(where, raw) for where, raw in rows]


def _action(where: str, raw) -> Action:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected fields {', '.join(_FIELDS)} (got {raw!r})")
    missing = [f for f in ("measure", "kpi", "start") if not str(raw.get(f) or "").strip()]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}; every action needs measure, kpi and start")
    try:
        kpi = get_kpi(str(raw["kpi"])).id
    except KeyError as exc:
        raise ValueError(f"{where}: {exc.args[0]}") from None
    return Action(
        measure=str(raw["measure"]).strip(),
        owner=str(raw.get("owner") or "").strip(),
        kpi=kpi,
        start=_date(raw["start"], "start", where),
        due=_date(raw["due"], "due", where) if str(raw.get("due") or "").strip() else None,
        progress=_progress(raw.get("progress"), where),
        slice=_slice(raw.get("slice"), where),
    )


def _date(value, name: str, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{where}: {name} {value!r} is not a date; write YYYY-MM-DD") from None


def _progress(value, where: str) -> float:
    if value is None or str(value).strip() == "":
        return 0.0
    text = str(value).strip().rstrip("%")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{where}: progress {value!r} is not a number; write a percentage such as 60") from None
    if not 0 <= number <= 100:
        raise ValueError(f"{where}: progress {value!r} is outside 0–100")
    return number / 100


def _slice(value, where: str) -> dict:
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    pairs = [p for p in str(value).split(";") if p.strip()]
    if not all("=" in p for p in pairs):
        raise ValueError(f"{where}: slice {value!r} must be name=value pairs separated by ';', e.g. channel=voice;queue=售后服务")
    return {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in pairs)}


def windows(action: Action, period: Period) -> tuple[str, str] | None:
    """(before, after) period texts for the engine, or None when the action starts after the period."""
    start = dt.datetime.combine(action.start, dt.time())
    days = (period.end - start).days
    if days < 1:
        return None
    before_start = start - dt.timedelta(days=days)
    last_day = lambda end: (end - dt.timedelta(days=1)).date().isoformat()  # noqa: E731
    return f"{before_start.date()}..{last_day(start)}", f"{action.start}..{last_day(period.end)}"


def action_table(ctx, actions: list[Action] | None, table_id: str = "actions", title: str | None = None):
    """The actions with their KPI measured before and after (a `Table`), or a `Note` saying how to
    pass an action file. Shared by the month-end report (part 4) and the response-speed
    evaluation (Table 3)."""
    import pandas as pd

    from callscope.report.blocks import kpi_name, value_of
    from callscope.report.model import Column, Note, Table

    if not actions:
        return Note(ctx.t("note.no_actions"))
    rows = []
    for a in actions:
        row = {
            "measure": a.measure, "owner": a.owner, "due": a.due, "progress": a.progress, "name": kpi_name(a.kpi, ctx.lang), "unit": get_kpi(a.kpi).unit,
            "slice": ", ".join(f"{k}={v}" for k, v in a.slice.items()) or ctx.t("all_contacts"), "start": a.start,
        }  # fmt: skip
        spans = windows(a, ctx.period)
        if spans:
            before = ctx.kpi([a.kpi], period=spans[0], filters=a.slice or None)
            after = ctx.kpi([a.kpi], period=spans[1], filters=a.slice or None)
            row.update(before=value_of(before, a.kpi), after=value_of(after, a.kpi), window=spans[1])
            row["change"] = None if row["before"] is None or row["after"] is None else row["after"] - row["before"]
            row["effect"] = _effect(ctx, a.kpi, row["change"])
        else:
            row.update(before=None, after=None, change=None, window="", effect=ctx.t("effect.not_started"))
        rows.append(row)
    cols = [
        Column("measure", ctx.t("col.measure")), Column("owner", ctx.t("col.owner")), Column("start", ctx.t("col.start"), "date"),
        Column("due", ctx.t("col.due"), "date"), Column("progress", ctx.t("col.progress"), "ratio"), Column("name", ctx.t("col.kpi")),
        Column("slice", ctx.t("col.slice")), Column("before", ctx.t("col.before"), "row"), Column("after", ctx.t("col.after"), "row"),
        Column("change", ctx.t("col.change"), "row"), Column("effect", ctx.t("col.effect")),
    ]  # fmt: skip
    return Table(table_id, title or ctx.t("table.actions"), pd.DataFrame(rows), cols, note=ctx.t("note.actions"))


def _effect(ctx, kpi: str, change) -> str:
    direction = get_kpi(kpi).direction
    if change is None or direction == "neutral" or change == 0:
        return ctx.t("effect.unchanged") if change == 0 else "—"
    better = change > 0 if direction == "higher" else change < 0
    return ctx.t("effect.improved" if better else "effect.worsened")
