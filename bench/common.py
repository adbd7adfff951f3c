"""Measuring helpers shared by the benchmarks: wall time and peak memory of a piece of work, each
run in a fresh subprocess so one measurement's memory never leaks into the next."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass

__all__ = ["Measurement", "measure", "print_measurement", "report_ratio"]


@dataclass(frozen=True)
class Measurement:
    label: str
    seconds: float
    peak_mb: float
    result: object = None


_RUNNER = """
import json, resource, sys, time
{setup}
seconds = float("inf")
for _ in range({repeat}):  # the fastest of `repeat` runs: the first may pay for a cold file cache
    start = time.perf_counter()
    result = (lambda: ({body}))()
    seconds = min(seconds, time.perf_counter() - start)
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("\\n__MEASURE__" + json.dumps({{"seconds": seconds, "peak_kb": peak_kb, "result": result}}, default=str))
"""


def measure(label: str, body: str, setup: str = "", repeat: int = 1) -> Measurement:
    """Time the Python expression `body` (after `setup`) in a fresh interpreter, the fastest of
    `repeat` runs; peak RSS included."""
    code = _RUNNER.format(setup=textwrap.dedent(setup), body=body, repeat=int(repeat))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    line = next((l[l.index("__MEASURE__"):] for l in out.stdout.splitlines() if "__MEASURE__" in l), None)
    if out.returncode or line is None:
        raise RuntimeError(f"measuring {label!r} failed (exit {out.returncode}):\n{out.stderr[-3000:]}")
    data = json.loads(line[len("__MEASURE__") :])
    return Measurement(label, data["seconds"], data["peak_kb"] / 1024, data["result"])


def print_measurement(m: Measurement, rows: int | None = None) -> None:
    rate = f", {rows / m.seconds:,.0f} rows/s" if rows else ""
    print(f"  {m.label:<40} {m.seconds:8.2f} s{rate}, peak {m.peak_mb:,.0f} MB")


def report_ratio(ours: Measurement, baseline: Measurement, target: float | None = None, *, rows: int | None = None, show: bool = True) -> float:
    """Print both measurements (unless show=False: printed already) and ours/baseline; return the ratio."""
    ratio = ours.seconds / baseline.seconds
    for m in (baseline, ours) if show else ():
        print_measurement(m, rows)
    verdict = "" if target is None else (" (target ≤ %.1f×: %s)" % (target, "met" if ratio <= target else "MISSED"))
    print(f"  ratio {ours.label} / {baseline.label}: {ratio:.2f}×{verdict}", flush=True)
    return ratio


