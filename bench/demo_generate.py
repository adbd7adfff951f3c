"""Demo generation speed: `callscope demo`'s generator writing 10 million interactions (and their
transcripts, agent states, schedules and tickets) against numpy drawing as many sorted arrival
times — the least any generator of that many contacts must do.

    python -m bench.demo_generate [--rows N]

Target: 10 million interactions in under three minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile

from bench.common import measure, report_ratio

TARGET_S = 180.0


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.demo_generate")
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args(argv)
    out = tempfile.mkdtemp(prefix="callscope-demo-bench-")
    try:
        baseline = measure(
            "numpy: sorted random arrival times",
            f"int(np.sort(np.random.default_rng(1).uniform(0, 396 * 86400, {args.rows})).size)",
            setup="import numpy as np",
        )
        ours = measure(
            "callscope demo generator",
            f"len(generate({out!r}, rows={args.rows}))",
            setup="from callscope.demo import generate",
        )
        files = ours.result
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"demo generation, {args.rows:,} interactions ({files} files):")
    report_ratio(ours, baseline, rows=args.rows)
    verdict = "met" if ours.seconds <= TARGET_S else "MISSED"
    print(f"  absolute target ≤ {TARGET_S:.0f} s for 10 M: {verdict} ({ours.seconds:.1f} s)", flush=True)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
