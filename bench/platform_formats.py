"""Platform readers: importing an Asterisk queue_log against importing the same interactions as a
canonical CSV (the generic path), and peak memory at two file sizes (it should not grow with the file).

    python -m bench.platform_formats [calls]      # default 100,000 calls (≈ 400,000 lines)
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import tempfile
from pathlib import Path

import numpy as np

from bench.common import measure, report_ratio

__all__ = ["main", "write_queue_log"]

T0 = 1714957200  # 2024-05-06 01:00:00 UTC
AGENTS = [f"PJSIP/{8000 + i}" for i in range(40)]


def write_queue_log(path: Path, calls: int, seed: int = 7) -> Path:
    """A day-shaped queue_log: a call every ~2 s, 90% answered (a few after a ring-no-answer), 10%
    abandoned, agents logging in once and pausing now and then."""
    rng = np.random.default_rng(seed)
    with open(path, "w") as f:
        for agent in AGENTS:
            f.write(f"{T0}|NONE|support|{agent}|ADDMEMBER|\n")
        t = T0
        for i in range(calls):
            t += int(rng.integers(1, 4))
            cid = f"{t}.{i}"
            f.write(f"{t}|{cid}|support|NONE|ENTERQUEUE||1380000{i % 10000:04d}|1\n")
            wait = int(rng.integers(0, 60))
            if rng.random() < 0.1:
                f.write(f"{t + wait}|{cid}|support|NONE|ABANDON|1|1|{wait}\n")
                continue
            agent = AGENTS[i % len(AGENTS)]
            if rng.random() < 0.2:
                f.write(f"{t + 5}|{cid}|support|{AGENTS[(i + 1) % len(AGENTS)]}|RINGNOANSWER|5000\n")
            talk = int(rng.integers(30, 400))
            f.write(f"{t + wait}|{cid}|support|{agent}|CONNECT|{wait}|{cid}x|3\n")
            f.write(f"{t + wait + talk}|{cid}|support|{agent}|COMPLETECALLER|{wait}|{talk}|1\n")
            if rng.random() < 0.02:
                f.write(f"{t + wait + talk}|NONE|support|{agent}|PAUSE|break\n")
                f.write(f"{t + wait + talk + 300}|NONE|support|{agent}|UNPAUSE|\n")
    return path


def write_canonical_csv(queue_log: Path, path: Path) -> Path:
    """The interactions of the queue_log, already assembled, as a CSV with canonical headers."""
    fields = ["interaction_id", "source", "channel", "arrived_at", "queued_at", "answered_at", "ended_at", "abandoned_at", "wait_s", "talk_s", "outcome", "agent_id", "queue"]
    entered: dict[str, tuple] = {}
    with open(queue_log) as src, open(path, "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(fields)
        stamp = lambda t: dt.datetime.fromtimestamp(int(t), dt.UTC).strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
        for line in src:
            t, cid, queue, agent, event, *data = line.rstrip("\n").split("|")
            if event == "ENTERQUEUE":
                entered[cid] = (t, None)
            elif event == "CONNECT":
                entered[cid] = (entered[cid][0], t)
            elif event == "ABANDON":
                start, _ = entered.pop(cid)
                w.writerow([cid, "asterisk", "voice", stamp(start), stamp(start), "", stamp(t), stamp(t), data[2], "", "abandoned", "", queue])
            elif event == "COMPLETECALLER":
                start, answered = entered.pop(cid)
                w.writerow([cid, "asterisk", "voice", stamp(start), stamp(start), stamp(answered), stamp(t), "", data[0], data[1], "answered", agent, queue])
    return path


_SETUP = """
from callscope.ingest import ingest_file
from callscope.store import open_store
store = open_store({db!r}, timezone="UTC")
"""
_READ_ONLY = """
from pathlib import Path
from callscope.ingest import load_profile
from callscope.ingest.formats.asterisk import read_queue_log
profile = load_profile("asterisk_queue_log")
"""


def main(argv: list[str]) -> None:
    calls = int(argv[0]) if argv else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        small = write_queue_log(tmp / "queue_log", calls)
        large = write_queue_log(tmp / "queue_log_x4", calls * 4)
        canonical = write_canonical_csv(small, tmp / "interactions.csv")
        lines = sum(1 for _ in open(small))
        print(f"queue_log: {calls:,} calls, {lines:,} lines ({small.stat().st_size / 1e6:.0f} MB)")
        baseline = measure(
            "canonical CSV of the same interactions",
            f"ingest_file(store, {str(canonical)!r}, table='interactions').rows_loaded",
            _SETUP.format(db=str(tmp / "csv.duckdb")),
        )
        ours = measure("asterisk queue_log", f"ingest_file(store, {str(small)!r}, 'asterisk_queue_log').rows_read", _SETUP.format(db=str(tmp / "ql.duckdb")))
        report_ratio(ours, baseline, rows=lines)
        print("  the reader alone (what it holds while streaming), one file and one 4× as long:")
        reads = [measure(f"read {p.name}", f"sum(b.records for b in read_queue_log(Path({str(p)!r}), profile, 500_000))", _READ_ONLY) for p in (small, large)]
        for m in reads:
            print(f"    {m.label:<22} {m.result:>10,} lines {m.seconds:7.1f} s {m.result / m.seconds:9,.0f} lines/s, peak {m.peak_mb:,.0f} MB")
        print(f"    peak memory 4× file / 1× file: {reads[1].peak_mb / reads[0].peak_mb:.2f}× (bounded: ≈ 1×)")


if __name__ == "__main__":
    main(sys.argv[1:])
