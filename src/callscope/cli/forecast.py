"""`callscope forecast`: interval forecasts of volume and AHT, from the store or a file of counts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from callscope.cli.common import LangOpt, StoreOpt, console, print_table, tr, use_lang

__all__ = ["register", "forecast_command"]

FORMATS = ("table", "csv", "json")


def register(app: typer.Typer) -> None:
    app.command("forecast", help="Interval forecasts of volume and AHT per series, with a rolling-origin backtest.")(forecast_command)


def forecast_command(
    store: StoreOpt = None,
    history: Annotated[Path | None, typer.Option("--history", help="CSV/Parquet of interval counts instead of the store (interval_start, offered[, series, handled, handle_s])")] = None,
    columns: Annotated[str | None, typer.Option(help="Rename the history file's columns, e.g. DateTime=interval_start,Calls=offered")] = None,
    series: Annotated[str | None, typer.Option(help="Series name for a history file without a series column")] = None,
    intervals: Annotated[bool, typer.Option("--intervals", help="History from the store's interval_stats (imported ACD interval reports) instead of its interactions")] = False,
    source: Annotated[str | None, typer.Option(help="With --intervals: only this source's interval rows")] = None,
    volume: Annotated[str, typer.Option(help="With --intervals: the demand measure, offered or arrivals (for reports that count every arrival)")] = "offered",
    events: Annotated[Path | None, typer.Option("--events", help="CSV of events (start, end, name, kind, queue, channel, effect); default: the store's events")] = None,
    interval: Annotated[int | None, typer.Option(help="Interval length in minutes: 15, 30, 60 (default 30 from the store; a file's own)")] = None,
    horizon: Annotated[str, typer.Option(help="How far ahead: 7d, 2w, or a number of intervals")] = "7d",
    by: Annotated[str, typer.Option(help="Series dimensions from the store, comma-separated (empty = one series)")] = "queue,channel",
    retry_window: Annotated[float, typer.Option(help="Minutes within which a retry after an abandon counts once (0 = count every attempt)")] = 30,
    start: Annotated[str | None, typer.Option(help="History from this time (store)")] = None,
    end: Annotated[str | None, typer.Option(help="History before this time (store)")] = None,
    backtest_weeks: Annotated[float, typer.Option(help="Weeks of recent history the backtest covers (0 = no backtest)")] = 4,
    train_weeks: Annotated[float, typer.Option(help="Weeks of history each fit sees (0 = all)")] = 8,
    models: Annotated[str, typer.Option(help="Candidate models, comma-separated: seasonal_naive, mstl_ets, mstl_ses, mstl_arima")] = "seasonal_naive,mstl_ets,mstl_ses",
    levels: Annotated[str, typer.Option(help="Prediction interval levels in %, comma-separated")] = "80,95",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the forecast to this file (.csv or .json)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    lang: LangOpt = None,
) -> None:
    from callscope.forecast import events_from_file, forecast

    lang = use_lang(lang)
    if fmt not in FORMATS:
        raise ValueError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}")
    if intervals:
        hist, event_rows = _load_intervals(store, events is None, by, source, volume, start, end)
    else:
        hist, event_rows = _load(store, history, columns, series, events is None, interval, by, retry_window, start, end)
    if events is not None:
        event_rows = events_from_file(events)
    result = forecast(
        hist,
        horizon,
        interval_minutes=interval,
        levels=tuple(_numbers(levels, "--levels")),
        backtest_weeks=backtest_weeks,
        train_weeks=train_weeks or None,
        models=tuple(m.strip() for m in models.split(",") if m.strip()),
        events=event_rows,
    )
    if out is not None:
        _write(result, out, "json" if out.suffix.lower() == ".json" else "csv")
    if fmt == "table":
        _print_tables(result, lang)
        if out is not None:
            console.print(tr("forecast.written", lang, path=str(out), n=len(result.forecast)))
    elif out is None:
        sys.stdout.write(_render(result, fmt))


def _load(store, history, columns, series, store_events, interval, by, retry_window, start, end):
    from callscope.forecast import events_from_store, history_from_file, history_from_store

    if history is not None:
        return history_from_file(history, columns=_mapping(columns), series=series), None
    from callscope.store import open_store

    dims = tuple(d.strip() for d in by.split(",") if d.strip())
    with open_store(store, create=False) as s:
        hist = history_from_store(
            s, interval_minutes=interval or 30, by=dims, retry_window_minutes=retry_window or None, start=start, end=end
        )
        return hist, (events_from_store(s) if store_events else None)


def _load_intervals(store, store_events, by, source, volume, start, end):
    from callscope.forecast import events_from_store, history_from_intervals
    from callscope.store import open_store

    dims = tuple(d.strip() for d in by.split(",") if d.strip())
    with open_store(store, create=False) as s:
        hist = history_from_intervals(s, by=dims, volume=volume, source=source, start=start, end=end)
        return hist, (events_from_store(s) if store_events else None)


def _mapping(columns: str | None) -> dict[str, str]:
    if not columns:
        return {}
    pairs = [p.split("=", 1) for p in columns.split(",") if p.strip()]
    bad = [p[0] for p in pairs if len(p) != 2]
    if bad:
        raise ValueError(f"--columns: {bad[0]!r} is not FILE_COLUMN=name; write e.g. DateTime=interval_start,Calls=offered")
    return {k.strip(): v.strip() for k, v in pairs}


def _numbers(text: str, option: str) -> list[int]:
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"{option} {text!r}: write whole percentages separated by commas, e.g. 80,95") from None


def _print_tables(result, lang: str) -> None:
    for note in result.notes:
        console.print(tr(f"forecast.note.{note.key}", lang, **note.values), highlight=False)
    levels = [c.removeprefix("coverage_") for c in result.backtest.columns if c.startswith("coverage_")]
    rows = [
        [r.series, tr(f"forecast.measure.{r.measure}", lang), r.model, _pct(r.get("wmape")), _num(r.get("mase")), r.get("points")]
        + [_pct(r.get(f"coverage_{lv}")) for lv in levels]
        + [bool(r.chosen)]
        for _, r in result.backtest.iterrows()
    ]
    cols = ["series", "measure", "model", "wmape", "mase", "points"]
    header = [tr(f"forecast.col.{c}", lang) for c in cols] + [tr("forecast.col.coverage", lang, level=lv) for lv in levels]
    print_table(tr("forecast.backtest_title", lang), header + [tr("forecast.col.chosen", lang)], rows)
    print_table(
        tr("forecast.daily_title", lang, minutes=result.interval_minutes),
        [tr(f"forecast.col.{c}", lang) for c in ("series", "day", "model", "offered", "aht")],
        _daily_rows(result.forecast),
    )


def _daily_rows(fc) -> list[list]:
    """Offered per day and the volume-weighted AHT of the day."""
    wide = fc.pivot_table(index=["series", "interval_start"], columns="measure", values="forecast").reset_index()
    models = fc[fc.measure == "offered"].groupby("series").model.first()
    wide["day"] = wide.interval_start.dt.date
    rows = []
    for (name, day), g in wide.groupby(["series", "day"]):
        offered = float(g["offered"].sum())
        aht = float((g["aht_s"] * g["offered"]).sum() / offered) if "aht_s" in g and offered > 0 else None
        rows.append([name, day.isoformat(), models.get(name), round(offered, 1), aht])
    return rows


def _render(result, fmt: str) -> str:
    if fmt == "csv":
        return result.forecast.to_csv(index=False, date_format="%Y-%m-%d %H:%M:%S")
    payload = {
        "interval_minutes": result.interval_minutes,
        "forecast": json.loads(result.forecast.to_json(orient="records", date_format="iso")),
        "backtest": json.loads(result.backtest.to_json(orient="records")),
        "notes": [{"key": n.key, **n.values} for n in result.notes],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


def _write(result, path: Path, fmt: str) -> None:
    path.write_text(_render(result, fmt), encoding="utf-8")


def _pct(value) -> str | None:
    return None if value is None or value != value else f"{100 * value:.1f}%"


def _num(value) -> float | None:
    return None if value is None or value != value else round(float(value), 3)
