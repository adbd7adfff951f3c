"""Run every benchmark module in bench/ (or those named on the command line).

    python -m bench [NAME ...] [--option value ...]   # options go to the named benchmark(s)
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def main(argv: list[str]) -> None:
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    names, options = argv[:first_option], argv[first_option:]
    names = names or sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name not in ("common", "__main__"))
    for name in names:
        print(f"\n=== bench.{name} ===", flush=True)
        importlib.import_module(f"bench.{name}").main(options)


if __name__ == "__main__":
    main(sys.argv[1:])
