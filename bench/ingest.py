"""Import speed: `callscope ingest` of N interactions from Parquet and from CSV into a fresh DuckDB
store, with validation on, against DuckDB's own bare load of the same file in the same run.

    python -m bench ingest [--rows 10000000]

The rows are the demo centre's interactions (`callscope.demo.generate`, canonical columns),
written once as one Parquet and one CSV file under bench/results/ (cached). Then, each in a
fresh process:

  * bare     `CREATE TABLE interactions AS SELECT * FROM read_parquet(…)` / `read_csv(…)` into a
             new DuckDB file — no checks, no accounting, types as DuckDB guesses them;
  * ingest   `python -m callscope ingest FILE --table interactions --store NEW.duckdb`: every
             check, duplicate and conflict detection, quarantine, accounting, one transaction.
             Its time includes starting the interpreter; its peak memory is the subprocess's
             maximum resident set size (`os.wait4`).

Targets: Parquet ≤ 2× bare, CSV ≤ 3× bare, peak memory < 3 GB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Measurement, measure, report_ratio

RESULTS = Path(__file__).parent / "results"
TARGETS = {"parquet": 2.0, "csv": 3.0}
PEAK_MB = 3 * 1024


def files_for(rows: int) -> dict[str, Path]:
    folder = RESULTS / f"ingest-{rows}"
    return {"parquet": folder / "interactions.parquet", "csv": folder / "interactions.csv"}


def build_files(rows: int) -> dict[str, Path]:
    """The demo's interactions as one Parquet and one CSV file (made once, cached).

    Made in a subprocess: a child started later inherits this process's peak RSS (Linux keeps the
    high-water mark across vfork + exec), so this process must stay small for the peaks to be true.
    """
    files = files_for(rows)
    if not all(p.exists() for p in files.values()):
        code = f"from bench.ingest import write_files; write_files({rows})"
        subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])
    return files


def write_files(rows: int) -> None:
    import duckdb

    from callscope.demo import generate
    from callscope.demo.generate import INTERACTION_FILES

    files = files_for(rows)
    folder = files["csv"].parent
    print(f"generating {rows:,} demo interactions (once; cached in {folder}) …", flush=True)
    work = folder / "demo"
    generate(work, rows=rows)
    parts = [str(work / name) for name in INTERACTION_FILES.values()]
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"COPY (SELECT * FROM read_parquet({parts!r}, union_by_name = true)) TO '{files['parquet']}' (FORMAT parquet)")
    con.execute(f"COPY (SELECT * FROM read_parquet('{files['parquet']}')) TO '{files['csv']}' (FORMAT csv, HEADER)")
    con.close()
    shutil.rmtree(work, ignore_errors=True)


def bare_load(fmt: str, path: Path, store: Path) -> Measurement:
    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    sql = f"CREATE TABLE interactions AS SELECT * FROM {reader}('{path}')"
    body = f"duckdb.connect({str(store)!r}).execute({sql!r}).fetchall()[0][0]"
    return measure(f"DuckDB bare {reader}", body, setup="import duckdb")


def callscope_ingest(fmt: str, path: Path, store: Path) -> Measurement:
    """`callscope ingest` in a subprocess: wall time, and the subprocess's own peak RSS."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parents[1] / "src"), os.environ.get("PYTHONPATH")]))}
    init = [sys.executable, "-m", "callscope", "init", "--store", str(store), "--timezone", "Asia/Shanghai"]
    subprocess.run(init, check=True, capture_output=True, env=env)
    cmd = [sys.executable, "-m", "callscope", "ingest", str(path), "--table", "interactions", "--store", str(store), "--lang", "en"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not all children's
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        summary, errors = out.read().decode(), err.read().decode()
    if proc.returncode:
        raise RuntimeError(f"callscope ingest failed (exit {proc.returncode}):\n{errors[-3000:]}")
    summary = " ".join(summary.split())
    return Measurement(f"callscope ingest ({fmt})", seconds, usage.ru_maxrss / 1024, summary)


def run(fmt: str, path: Path, rows: int, scratch: Path) -> tuple[float, float]:
    size = path.stat().st_size / 1e6
    print(f"\n{fmt}: {path.name}, {rows:,} rows, {size:,.0f} MB", flush=True)
    bare = bare_load(fmt, path, scratch / f"bare-{fmt}.duckdb")
    ours = callscope_ingest(fmt, path, scratch / f"ingest-{fmt}.duckdb")
    print(f"  {ours.result}")
    ratio = report_ratio(ours, bare, TARGETS[fmt], rows=rows)
    verdict = "met" if ours.peak_mb < PEAK_MB else "MISSED"
    print(f"  peak memory of callscope ingest: {ours.peak_mb:,.0f} MB (target < {PEAK_MB:,} MB: {verdict})", flush=True)
    return ratio, ours.peak_mb


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench ingest")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--formats", default="parquet,csv", help="comma-separated: parquet, csv")
    args = parser.parse_args(argv)
    files = build_files(args.rows)
    scratch = Path(tempfile.mkdtemp(prefix="callscope-ingest-bench-", dir=RESULTS))
    try:
        for fmt in args.formats.split(","):
            run(fmt, files[fmt], args.rows, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
