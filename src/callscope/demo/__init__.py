"""The demo contact centre: a realistic, deterministic multi-channel centre generated from a seed.

`generate(out_dir, months, rows, seed, end)` writes the source files (Parquet and CSV, as the
centre's systems would export them); `run_demo(store_url, …)` generates and imports them.
See docs/demo.md for what the centre looks like.
"""

from callscope.demo.config import DEFAULT_END, DEFAULT_MONTHS, DEFAULT_ROWS, DEFAULT_SEED, FAMILIES, DemoConfig
from callscope.demo.generate import generate
from callscope.demo.run import DEMO_TIMEZONE, run_demo

__all__ = [
    "generate",
    "run_demo",
    "DemoConfig",
    "FAMILIES",
    "DEFAULT_END",
    "DEFAULT_MONTHS",
    "DEFAULT_ROWS",
    "DEFAULT_SEED",
    "DEMO_TIMEZONE",
]
