"""The history a forecast learns from: one row per series × interval.

A history frame (pandas) has the columns

    series          the series id, e.g. "sales/voice" (the --by dimensions joined by "/"), or "all"
    interval_start  naive time stamp, the start of the interval
    offered         true demand: contacts offered to the queue, repeat attempts collapsed (see below)
    attempts        offered contacts before collapsing repeat attempts (= offered where unknown)
    handled         contacts answered by an agent with a talk time (NaN where unknown)
    handle_s        their talk + hold + after-contact work, seconds (NaN where unknown)

and AHT = handle_s / handled per interval. Intervals with no contacts may be absent: the calendar
(`callscope.forecast.calendar`) fills them. Sources: the store's `interactions` table
(`history_from_store`), its `interval_stats` table of ACD interval reports
(`history_from_intervals`), or a CSV/Parquet file of interval counts (`history_from_file`).

Offered and true demand, from the store
---------------------------------------
* Offered = inbound contacts (direction inbound or unknown) that reached the agent queue, i.e.
  outcome `answered` or `abandoned`; test contacts (is_test) and phantom records (is_phantom) are
  left out, and so are contacts that ended in the IVR/self-service/bot, were blocked, overflowed or
  went to a call-back.
* A repeat attempt is an offered contact whose customer's previous offered contact on the same
  queue and channel was abandoned, and which arrived at most `retry_window_minutes` after that
  abandon (abandoned_at; arrived_at where abandoned_at is missing). Chains collapse: abandon →
  abandon → answer within the window each time counts once, in the interval of the first attempt.
* Contacts without a customer_id (NULL or empty) are never collapsed: the data cannot tell.
* Each contact is counted in the interval its arrived_at falls in; handle time in the interval the
  contact arrived in.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "HISTORY_COLUMNS",
    "SERIES_DIMENSIONS",
    "OFFERED_OUTCOMES",
    "history_from_store",
    "history_from_file",
    "history_from_intervals",
    "INTERVAL_VOLUMES",
    "aggregate",
    "infer_grain",
    "series_attributes",
]

HISTORY_COLUMNS = ("series", "interval_start", "offered", "attempts", "handled", "handle_s")
SERIES_DIMENSIONS = ("queue", "channel", "category", "customer_tier", "complexity")
OFFERED_OUTCOMES = ("answered", "abandoned")
INTERVAL_VOLUMES = ("offered", "arrivals")  # interval_stats measures that can stand for demand
ALL_SERIES = "all"
MISSING_LABEL = "-"


def history_from_store(
    store,
    *,
    interval_minutes: int = 30,
    by: tuple[str, ...] = ("queue", "channel"),
    retry_window_minutes: float | None = 30,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Offered contacts (true demand) and handle time per series × interval from `interactions`.

    `retry_window_minutes=None` turns the collapsing of repeat attempts off (offered = attempts).
    `start`/`end` bound arrived_at (start inclusive, end exclusive); repeat attempts are looked
    for inside those bounds only.
    """
    import ibis

    _check_by(by)
    _check_minutes(interval_minutes)
    t = store.table("interactions")
    t = t.filter(
        t.outcome.isin(OFFERED_OUTCOMES),
        t.is_test.fill_null(False) == False,  # noqa: E712 — an Ibis expression, not a Python bool
        t.is_phantom.fill_null(False) == False,  # noqa: E712
        t.direction.isnull() | (t.direction == "inbound"),
    )
    if start is not None:
        t = t.filter(t.arrived_at >= _bound(start, "start"))
    if end is not None:
        t = t.filter(t.arrived_at < _bound(end, "end"))
    t = t.mutate(is_retry=_retry_flag(t, retry_window_minutes))
    answered = (t.outcome == "answered") & t.talk_s.notnull()
    handle = t.talk_s.fill_null(0) + t.hold_s.fill_null(0) + t.acw_s.fill_null(0)
    keys = {d: t[d].cast("string").fill_null(MISSING_LABEL) for d in by}
    grouped = t.group_by(interval_start=t.arrived_at.bucket(minutes=interval_minutes), **keys).aggregate(
        attempts=t.count(),
        retries=ibis.cases((t.is_retry, 1), else_=0).sum(),  # PostgreSQL cannot cast boolean to bigint
        handled=ibis.cases((answered, 1), else_=0).sum(),
        handle_s=ibis.cases((answered, handle), else_=0.0).sum(),
    )
    df = grouped.to_pandas()
    df["series"] = _series_label(df, by)
    df["attempts"] = df["attempts"].astype(float)
    df["offered"] = df["attempts"] - df["retries"].astype(float)
    df["handled"] = df["handled"].astype(float)
    df["handle_s"] = df["handle_s"].astype(float)
    return _tidy(df)


def _retry_flag(t, window_minutes: float | None):
    """True for an attempt that repeats the same customer's abandoned attempt within the window."""
    import ibis

    if window_minutes is None:
        return ibis.literal(False)
    w = ibis.window(group_by=[t.customer_id, t.queue, t.channel], order_by=[t.arrived_at, t.interaction_id])
    prev_outcome = t.outcome.lag().over(w)
    prev_end = ibis.coalesce(t.abandoned_at, t.arrived_at).lag().over(w)
    known_customer = t.customer_id.notnull() & (t.customer_id != "")
    in_window = t.arrived_at <= prev_end + ibis.interval(seconds=int(round(window_minutes * 60)))
    return (known_customer & (prev_outcome == "abandoned") & in_window).fill_null(False)


def history_from_intervals(
    store,
    *,
    by: tuple[str, ...] = ("queue", "channel"),
    volume: str = "offered",
    source: str | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """The history from `interval_stats`: ACD interval reports, or call records aggregated with
    `callscope.intervals.from_interactions`.

    offered = the `volume` measure: `offered` (reached the agent queue), or `arrivals` for reports
    that count every arrival; handled = `handled` (else `answered`) and handle_s as reported. Interval
    counts carry no customers, so no repeat attempts are collapsed (attempts = offered). All rows
    must have one interval length; `source` picks one source's rows.
    """
    import ibis

    _check_by(by)
    bad = [d for d in by if d not in ("queue", "channel")]
    if bad:
        raise ValueError(f"interval statistics have no {', '.join(bad)}; forecast them by queue and/or channel")
    if volume not in INTERVAL_VOLUMES:
        raise ValueError(f"volume {volume!r}: choose {' or '.join(INTERVAL_VOLUMES)}")
    t = store.table("interval_stats")
    if source is not None:
        t = t.filter(t.source == source)
    if start is not None:
        t = t.filter(t.interval_start >= _bound(start, "start"))
    if end is not None:
        t = t.filter(t.interval_start < _bound(end, "end"))
    lengths = sorted(t.interval_minutes.cast("int64").to_pyarrow().unique().to_pylist())
    if len(lengths) != 1:
        found = ", ".join(f"{m}-minute" for m in lengths) or "no"
        raise ValueError(f"interval_stats has {found} intervals here; choose one source (--source) with one interval length")
    keys = {d: t[d].cast("string").fill_null(MISSING_LABEL) for d in by}
    df = (
        t.group_by(interval_start=t.interval_start, **keys)
        .aggregate(offered=t[volume].sum(), handled=ibis.coalesce(t.handled, t.answered).sum(), handle_s=t.handle_s.sum())
        .to_pandas()
    )
    if df.empty or df["offered"].isna().all():
        other = next(v for v in INTERVAL_VOLUMES if v != volume)
        raise ValueError(f"interval_stats has no {volume} counts{f' for source {source!r}' if source else ''}; use volume {other!r} if the reports count those")
    df["series"] = _series_label(df, by)
    for column in ("offered", "handled", "handle_s"):
        df[column] = df[column].astype(float)
    df["attempts"] = df["offered"]
    return _tidy(df)


def history_from_file(
    path: str | Path,
    *,
    columns: dict[str, str] | None = None,
    series: str | None = None,
) -> pd.DataFrame:
    """A history frame from a CSV or Parquet file of interval counts.

    The file needs `interval_start` and `offered` columns; `series`, `handled`, `handle_s` (or
    `aht_s`, average handle seconds) are optional. `columns` renames the file's columns first,
    e.g. {"DateTime": "interval_start", "Calls": "offered"}; `series` names a file without a
    series column (default "all").
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"history file {path} does not exist")
    raw = pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)
    raw = raw.rename(columns=columns or {})
    missing = [c for c in ("interval_start", "offered") if c not in raw.columns]
    if missing:
        raise ValueError(
            f"{path}: missing column(s) {', '.join(missing)} (columns are: {', '.join(map(str, raw.columns))}); "
            "rename with --columns, e.g. --columns DateTime=interval_start,Calls=offered"
        )
    df = pd.DataFrame({"interval_start": _parse_times(raw["interval_start"], path)})
    df["series"] = raw["series"].astype(str) if "series" in raw.columns else (series or ALL_SERIES)
    for dim in SERIES_DIMENSIONS:
        if dim in raw.columns:
            df[dim] = raw[dim].astype(str)
    df["offered"] = _numbers(raw, "offered", path)
    df["attempts"] = _numbers(raw, "attempts", path) if "attempts" in raw.columns else df["offered"]
    df["handled"] = _numbers(raw, "handled", path) if "handled" in raw.columns else np.nan
    if "handle_s" in raw.columns:
        df["handle_s"] = _numbers(raw, "handle_s", path)
    elif "aht_s" in raw.columns:
        df["handle_s"] = _numbers(raw, "aht_s", path) * df["handled"]
    else:
        df["handle_s"] = np.nan
    dupes = df.duplicated(["series", "interval_start"])
    if dupes.any():
        row = int(np.flatnonzero(dupes)[0])
        raise ValueError(
            f"{path} line {row + 2}: interval {df.interval_start.iloc[row]} of series {df.series.iloc[row]!r} "
            "appears twice; give each series × interval one row"
        )
    return _tidy(df)


def aggregate(history: pd.DataFrame, interval_minutes: int) -> pd.DataFrame:
    """Sum a history into coarser intervals (e.g. 5-minute counts into 30-minute ones).

    Counts and handle seconds add up exactly; the target length must be a multiple of the
    history's own interval length.
    """
    _check_minutes(interval_minutes)
    grain = infer_grain(history)
    if interval_minutes % grain:
        raise ValueError(
            f"cannot make {interval_minutes}-minute intervals from {grain}-minute history; "
            f"choose a multiple of {grain} minutes"
        )
    if interval_minutes == grain:
        return history
    df = history.assign(interval_start=history.interval_start.dt.floor(f"{interval_minutes}min"))
    keys = ["series", "interval_start"] + [d for d in SERIES_DIMENSIONS if d in df.columns]
    sums = {c: (c, lambda s: s.sum(min_count=1)) for c in ("offered", "attempts", "handled", "handle_s")}
    return _tidy(df.groupby(keys, as_index=False, dropna=False).agg(**sums))


def infer_grain(history: pd.DataFrame) -> int:
    """The interval length in minutes: the greatest common divisor of the gaps between intervals."""
    stamps = history.interval_start.drop_duplicates().sort_values()
    minutes = (stamps.astype("int64") // 60_000_000_000).to_numpy()
    if len(minutes) < 2:
        raise ValueError("the history has fewer than two intervals; a forecast needs at least two days of history")
    step = int(np.gcd.reduce(np.diff(minutes)))
    grain = int(np.gcd(step, minutes[0] % 1440)) if minutes[0] % 1440 else step  # aligned to midnight
    if 1440 % grain:
        raise ValueError(f"intervals of {grain} minutes do not divide a day; use 5, 10, 15, 30 or 60-minute data")
    return grain


def series_attributes(history: pd.DataFrame) -> dict[str, dict[str, str]]:
    """{series: {dimension: value}} for the dimensions the history carries (e.g. queue, channel)."""
    dims = [d for d in SERIES_DIMENSIONS if d in history.columns]
    first = history.drop_duplicates("series").set_index("series")
    return {name: {d: row[d] for d in dims} for name, row in first.iterrows()}


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    dims = [d for d in SERIES_DIMENSIONS if d in df.columns]  # kept so events can match queue/channel
    out = df[list(HISTORY_COLUMNS) + dims].copy()
    out["series"] = out["series"].astype(str)
    out["interval_start"] = pd.to_datetime(out["interval_start"]).astype("datetime64[ns]")
    return out.sort_values(["series", "interval_start"], ignore_index=True)


def _series_label(df: pd.DataFrame, by: tuple[str, ...]) -> pd.Series:
    if not by:
        return pd.Series(ALL_SERIES, index=df.index)
    return df[list(by)].astype(str).agg("/".join, axis=1)


def _bound(value, name: str):
    try:
        return pd.Timestamp(value).to_pydatetime()
    except (ValueError, TypeError):
        raise ValueError(f"history {name} {value!r} is not a time; write e.g. 2024-03-01 or 2024-03-01 08:00") from None


def _check_by(by: tuple[str, ...]) -> None:
    bad = [d for d in by if d not in SERIES_DIMENSIONS]
    if bad:
        raise ValueError(f"cannot forecast by {', '.join(bad)}; choose from {', '.join(SERIES_DIMENSIONS)}")


def _check_minutes(minutes: int) -> None:
    if minutes <= 0 or 1440 % minutes:
        raise ValueError(f"interval of {minutes} minutes does not divide a day; use 15, 30 or 60")


def _parse_times(column: pd.Series, path: Path) -> pd.Series:
    parsed = pd.to_datetime(column, errors="coerce")
    if parsed.isna().any():  # the format of the first row did not fit every row
        parsed = pd.to_datetime(column, errors="coerce", format="mixed")
    bad = parsed.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{path} line {row + 2}, column interval_start: '{column.iloc[row]}' is not a time stamp")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def _numbers(raw: pd.DataFrame, name: str, path: Path) -> pd.Series:
    values = pd.to_numeric(raw[name], errors="coerce")
    bad = (values.isna() & raw[name].notna()) | (values < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{path} line {row + 2}, column {name}: '{raw[name].iloc[row]}' is not a count ≥ 0")
    return values.astype(float)
