"""The Technion "Anonymous Bank" call log (Israel, 1999): one record per call → one interaction.

The file is tab-separated with a header (`vru+line call_id customer_id priority type date vru_entry
vru_exit vru_time q_start q_exit q_time outcome ser_start ser_exit ser_time server`); `date` is
YYMMDD and the times are H:MM:SS on the clock of the day the call arrived. The shipped profile
(profiles/anonymous_bank.yaml) maps customer_id, priority, type and server with value maps. This
reader does only what a mapping cannot say:

* the key: `call_id` repeats across VRU lines, so a call is `<vru+line>-<call_id>`;
* time stamps: a stage clocked more than 12 hours before the arrival happened after midnight, on
  the next day; a stage whose start and exit are both `0:00:00` did not happen;
* the outcome: AGENT → answered; HANG after queueing → abandoned, with its wait; HANG without
  queueing → ivr_ended; PHANTOM ("a virtual call to be ignored") → is_phantom, with the outcome
  its stages show, so the `phantom` exclusion rule can name it in every figure;
* stages out of order: by up to the profile's clock_skew_tolerance_s they are clock skew (the
  pipeline counts them); beyond it the queue-entry time is left empty and the row gets a note;
* data-quality notes (the quality_notes column) for rows kept with a caveat (NOTES below).

Mapping and the counts on the February 1999 file: docs/formats/anonymous-bank.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from callscope.ingest.formats.base import Batch, Problem
from callscope.ingest.formats.csvfile import read_tsv
from callscope.ingest.profile import Profile, ProfileError

__all__ = ["read_anonymous_bank", "HEADER", "NOTES", "SOURCE_OUTCOMES"]

HEADER = (
    "vru+line", "call_id", "customer_id", "priority", "type", "date", "vru_entry", "vru_exit", "vru_time",
    "q_start", "q_exit", "q_time", "outcome", "ser_start", "ser_exit", "ser_time", "server",
)  # fmt: skip
SOURCE_OUTCOMES = ("AGENT", "HANG", "PHANTOM")
# Kept with a caveat (quality_notes), in the order they are listed in a row's notes.
NOTES = (
    "IVR_EXIT_BEFORE_ENTRY",  # vru_exit before vru_entry: IVR time unknown (queue and talk kept)
    "STAGES_OUT_OF_ORDER",  # answered before entering the queue by more than the skew: queue entry unknown
    "NO_SERVICE_TIMES",  # AGENT without service times: answer time and talk unknown
    "HANG_WITH_SERVICE",  # HANG with a service segment: abandoned after its queue wait; the segment is not loaded
)
PASSED_ON = ("customer_id", "priority", "type", "server")  # the profile's value maps take these
_CLOCKS = ("vru_entry", "vru_exit", "q_start", "q_exit", "ser_start", "ser_exit")
_SECONDS = ("vru_time", "q_time", "ser_time")
_CLOCK = r"^(\d{1,2}):([0-5]\d):([0-5]\d)$"
_NOT_THERE = "0:00:00"  # start and exit of a stage that did not happen
_DAY, _HALF_DAY = 86_400, 43_200
_TIMES = ("arrived_at", "queued_at", "answered_at", "ended_at", "abandoned_at")
_DURATIONS = ("ivr_s", "wait_s", "talk_s")


def read_anonymous_bank(path: Path, profile: Profile, batch_rows: int) -> Iterator[Batch]:
    skew = float(profile.clock_skew_tolerance_s)
    for batch in read_tsv(path, profile, batch_rows):
        yield _calls(batch, skew, path)


def _calls(batch: Batch, skew: float, path: Path) -> Batch:
    if batch.data is None or batch.data.num_rows == 0:
        return batch
    missing = [c for c in HEADER if c not in batch.data.column_names]
    if missing:
        raise ProfileError(f"{path}: no column {', '.join(missing)}; an Anonymous Bank call log has the header {' '.join(HEADER)}")
    raw = batch.data.to_pandas()
    parsed = _parse(raw)
    problems = _problems(raw, parsed)
    good = np.ones(len(raw), bool)
    good[[i for i, _ in problems]] = False
    rows = _canonical(raw[good].reset_index(drop=True), {k: v[good] for k, v in parsed.items()}, skew)
    data = pa.Table.from_pandas(rows, preserve_index=False)
    found = [p for _, p in problems]
    return Batch("", data, problems=batch.problems + found, records=batch.records)


# -- reading the fields ---------------------------------------------------------------------
def _parse(raw: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each clock as seconds after midnight, each duration as seconds, the date (NaN/NaT if unreadable)."""
    out = {c: _clock(raw[c]) for c in _CLOCKS}
    for c in _SECONDS:
        text = raw[c].str.strip()
        out[c] = pd.to_numeric(text.where(text.str.fullmatch(r"-?\d+", na=False)), errors="coerce").to_numpy(float)
    out["date"] = pd.to_datetime(raw["date"].str.strip(), format="%y%m%d", errors="coerce").to_numpy("datetime64[s]")
    return out


def _clock(text: pd.Series) -> np.ndarray:
    parts = text.str.strip().str.extract(_CLOCK).astype(float)
    seconds = parts[0] * 3600 + parts[1] * 60 + parts[2]
    return seconds.where(parts[0] < 24).to_numpy(float)


def _problems(raw: pd.DataFrame, parsed: dict[str, np.ndarray]) -> list[tuple[int, Problem]]:
    """(row, problem) for every unreadable field; a row's first problem stands for the record."""
    checks = [
        ("vru+line", raw["vru+line"].str.strip() == "", "MISSING_REQUIRED", "vru+line"),
        ("call_id", raw["call_id"].str.strip() == "", "MISSING_REQUIRED", "call_id"),
        ("date", np.isnat(parsed["date"]), "NOT_A_DATE", "YYMMDD, e.g. 990201"),
        *[(c, np.isnan(parsed[c]), "NOT_A_TIMESTAMP", "H:MM:SS, e.g. 7:02:47") for c in _CLOCKS],
        *[(c, np.isnan(parsed[c]), "NOT_A_WHOLE_NUMBER", "") for c in _SECONDS],
        ("outcome", ~raw["outcome"].str.strip().isin(SOURCE_OUTCOMES), "NOT_IN_ENUM", ", ".join(SOURCE_OUTCOMES)),
    ]
    lines = raw["_line"].to_numpy()
    found: list[tuple[int, Problem]] = []
    seen: set[int] = set()
    for column, bad, code, expected in checks:
        for i in np.flatnonzero(np.asarray(bad)):
            found.append((int(i), Problem(int(lines[i]), code, str(raw[column].iat[i]), expected, column, 0 if i in seen else 1)))
            seen.add(int(i))
    return sorted(found, key=lambda p: (p[1].line, -p[1].nlines))


# -- what the record means ------------------------------------------------------------------
def _canonical(raw: pd.DataFrame, p: dict[str, np.ndarray], skew: float) -> pd.DataFrame:
    entry = p["vru_entry"]

    def after_entry(clock: np.ndarray) -> np.ndarray:
        """A stage clocked more than 12 hours before the arrival happened after midnight."""
        return np.where(entry - clock > _HALF_DAY, clock + _DAY, clock)

    def stage(start: str, end: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        happened = ((raw[start] != _NOT_THERE) | (raw[end] != _NOT_THERE)).to_numpy()
        return happened, np.where(happened, after_entry(p[start]), np.nan), np.where(happened, after_entry(p[end]), np.nan)

    vru_exit = after_entry(p["vru_exit"])
    queued, q_in, q_out = stage("q_start", "q_exit")
    served, s_in, s_out = stage("ser_start", "ser_exit")
    said = raw["outcome"].str.strip().to_numpy()
    phantom = said == "PHANTOM"
    answered = (said == "AGENT") | (phantom & served)
    abandoned = ~answered & queued  # HANG (or PHANTOM) after queueing
    ivr_ok = vru_exit >= entry
    # Offered to agents: on entering the queue, or on leaving the VRU when an agent took the call at once.
    offered_at = np.where(queued, q_in, np.where(answered, vru_exit, np.nan))
    answer = np.where(answered & served, s_in, np.nan)
    with np.errstate(invalid="ignore"):
        in_order = (offered_at >= entry - skew) & ~(answer < offered_at - skew)
    seconds = {
        "arrived_at": entry,
        "queued_at": np.where(in_order, offered_at, np.nan),
        "answered_at": answer,
        "ended_at": np.where(answered, s_out, np.where(abandoned, q_out, np.where(ivr_ok, vru_exit, np.nan))),
        "abandoned_at": np.where(abandoned, q_out, np.nan),
    }
    out = pd.DataFrame({"interaction_id": raw["vru+line"].str.strip() + "-" + raw["call_id"].str.strip()})
    day = pd.Series(p["date"]).astype("datetime64[us]")
    for name in _TIMES:
        out[name] = day + pd.to_timedelta(seconds[name], unit="s")
    out["ivr_s"] = np.where(ivr_ok, p["vru_time"], np.nan)
    out["wait_s"] = np.where(answered, np.where(queued, p["q_time"], 0.0), np.where(abandoned, p["q_time"], np.nan))
    out["talk_s"] = np.where(answered & served, p["ser_time"], np.nan)
    out["outcome"] = np.where(answered, "answered", np.where(abandoned, "abandoned", "ivr_ended"))
    out["is_phantom"] = phantom
    out["quality_notes"] = _notes(
        [
            ~ivr_ok,
            ivr_ok & ~np.isnan(offered_at) & ~in_order,
            answered & ~served,
            (said == "HANG") & served,
        ]
    )
    for column in PASSED_ON:
        out[column] = raw[column].to_numpy()
    out["_line"] = raw["_line"].to_numpy()
    out["_nlines"] = raw["_nlines"].to_numpy()
    return out


def _notes(masks: list[np.ndarray]) -> list[str | None]:
    """Each row's note codes (NOTES order), comma-separated; None for a row without notes."""
    stacked = np.vstack(masks)
    notes: list[str | None] = [None] * stacked.shape[1]
    for i in np.flatnonzero(stacked.any(axis=0)):
        notes[i] = ",".join(code for code, hit in zip(NOTES, stacked[:, i]) if hit)
    return notes
