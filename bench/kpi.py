"""KPI engine speed on the demo centre at scale, against a hand-written DuckDB query and pandas.

    python -m bench.kpi [--rows 10000000] [--scale 5]

Builds (once, cached under bench/results/) a DuckDB store with `--rows` demo interactions, then a
second store whose interactions are that many times `--scale` (the demo's interactions copied
under new sources; the other tables as generated). For each store and each slicing —
(queue, day) and (channel, customer tier, hour) — it times, each in a fresh process:

  * sql      one hand-written DuckDB query computing the core ACD KPIs (offered, answered,
             abandoned, SL, ASA, AHT, abandonment, transfer rate) for the same groups, excluding
             test contacts and mis-operations as callscope's default rules do, with FILTER
             clauses as an analyst writes them — the baseline of the targets; and the same
             query with CASE sums, as callscope writes it, which DuckDB runs faster (shown
             for comparison, without a target);
  * core     callscope computing the same core set;
  * full     callscope computing the whole catalogue;
  * pandas   the core set in plain pandas, including reading the needed columns from the store.

Targets: core ≤ 1.5× sql, full ≤ 4× sql, pandas ≥ 10× core. Peak memory is printed.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from bench.common import measure, print_measurement, report_ratio

RESULTS = Path(__file__).parent / "results"
CORE = ["offered", "handled", "abandoned", "SL", "ASA", "AHT", "abandonment_rate", "transfer_rate"]
SLICINGS = {"queue,day": ("queue", "day"), "channel,customer_tier,hour": ("channel, customer_tier", "hour")}
TRUNC = {"day": "DAY", "hour": "HOUR"}
PERIOD = "2023-09-01..2024-09-30"
PANDAS_MAX_ROWS = 20_000_000
REPEAT = 2  # each timing is the faster of two runs in one process (the first warms the file cache)

# The default exclusion rules of config/default.yaml, written out by hand.
KEPT = "NOT coalesce(is_test, false) AND NOT coalesce(outcome = 'answered' AND talk_s IS NOT NULL AND talk_s + coalesce(hold_s, 0) + coalesce(acw_s, 0) < 3, false)"


def hand_sql(dims: str, grain: str, style: str = "filter") -> str:
    """The core ACD KPIs as an analyst writes them: conditional aggregates with FILTER (WHERE …), or
    (style="case") the same aggregates as SUM/AVG over CASE WHEN, which DuckDB runs faster."""
    offered = "channel IN ('voice','video','chat') AND outcome IN ('answered','abandoned','overflow','callback')"
    short = "(outcome = 'abandoned' AND coalesce(wait_s < 5, false))"

    def count(where: str) -> str:
        return f"count(*) FILTER (WHERE {where})" if style == "filter" else f"sum(CASE WHEN {where} THEN 1 ELSE 0 END)"

    def avg(value: str, where: str) -> str:
        return f"avg({value}) FILTER (WHERE {where})" if style == "filter" else f"avg(CASE WHEN {where} THEN {value} END)"

    return f"""
    SELECT {dims}, date_trunc('{TRUNC[grain]}', arrived_at) AS bucket,
      {count(offered)} AS offered,
      {count("outcome = 'answered'")} AS answered,
      {count(f"{offered} AND outcome = 'abandoned' AND NOT {short}")} AS abandoned,
      {count(f"{offered} AND outcome = 'answered' AND wait_s <= 20")}
        / nullif({count(f"{offered} AND NOT {short}")}, 0) AS sl,
      {avg("wait_s", f"{offered} AND outcome = 'answered'")} AS asa,
      {avg("talk_s + coalesce(hold_s, 0) + coalesce(acw_s, 0)", "outcome = 'answered'")} AS aht,
      {count(f"{offered} AND outcome = 'abandoned' AND NOT {short}")}
        / nullif({count(f"{offered} AND NOT {short}")}, 0) AS abandonment,
      {count("outcome = 'answered' AND transfer_count > 0")}
        / nullif({count("outcome = 'answered' AND transfer_count IS NOT NULL")}, 0) AS transfer_rate
    FROM interactions
    WHERE arrived_at >= TIMESTAMP '2023-09-01' AND arrived_at < TIMESTAMP '2024-10-01' AND {KEPT}
    GROUP BY ALL"""


PANDAS = """
def core(df, keys):
    kept = ~df.is_test.fillna(False) & ~((df.outcome == 'answered') & df.talk_s.notna() & (df.talk_s + df.hold_s.fillna(0) + df.acw_s.fillna(0) < 3))
    df = df[kept]
    offered = df.channel.isin(['voice', 'video', 'chat']) & df.outcome.isin(['answered', 'abandoned', 'overflow', 'callback'])
    short = (df.outcome == 'abandoned') & (df.wait_s < 5)
    answered = df.outcome == 'answered'
    f = pd.DataFrame({k: df[k] for k in keys})
    f['offered'] = offered
    f['answered'] = answered
    f['abandoned'] = offered & (df.outcome == 'abandoned') & ~short
    f['sl_num'] = offered & answered & (df.wait_s <= 20)
    f['sl_den'] = offered & ~short
    f['asa_sum'] = df.wait_s.where(offered & answered)
    f['asa_n'] = (offered & answered & df.wait_s.notna())
    f['aht_sum'] = (df.talk_s + df.hold_s.fillna(0) + df.acw_s.fillna(0)).where(answered)
    f['aht_n'] = answered & df.talk_s.notna()
    f['tr_num'] = answered & (df.transfer_count > 0)
    f['tr_den'] = answered & df.transfer_count.notna()
    g = f.groupby(keys, dropna=False).sum()
    out = pd.DataFrame({'offered': g.offered, 'answered': g.answered, 'abandoned': g.abandoned,
        'sl': g.sl_num / g.sl_den, 'asa': g.asa_sum / g.asa_n, 'aht': g.aht_sum / g.aht_n,
        'abandonment': g.abandoned / g.sl_den, 'transfer_rate': g.tr_num / g.tr_den})
    return len(out)
"""


def build_store(rows: int) -> Path:
    path = RESULTS / f"kpi-{rows}.duckdb"
    if not path.exists():
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"demo-{rows}"
        print(f"building the demo store with {rows:,} interactions (once; cached in {path}) …", flush=True)
        # in a child process, like scaled_store, so the build's memory is not every later peak's floor
        measure("demo", f"len(run_demo({str(path)!r}, {str(out)!r}, rows={rows}))", setup="from callscope.demo import run_demo")
        shutil.rmtree(out, ignore_errors=True)
    return path


def scaled_store(base: Path, scale: int) -> Path:
    """A copy of `base` whose interactions are repeated `scale` times under new sources."""
    path = base.with_name(base.stem + f"-x{scale}.duckdb")
    if not path.exists():
        # In a child process: Linux keeps a process's peak memory across fork and exec, so work done
        # here would set a floor under every later measurement's peak.
        shutil.copy(base, path)
        inserts = "".join(
            f"con.execute(\"INSERT INTO interactions SELECT * REPLACE (source || '#{i}' AS source) FROM interactions WHERE source NOT LIKE '%#%'\")\n"
            for i in range(1, scale)
        )
        measure("copy", "con.close()", setup=f"import duckdb\ncon = duckdb.connect({str(path)!r})\n{inserts}")
    return path


def run(store: Path, slicing: str) -> None:
    dims, grain = SLICINGS[slicing]
    by = f"{dims.replace(' ', '')},{grain}"
    rows = int(measure("count", f"duckdb.connect({str(store)!r}, read_only=True).execute('SELECT count(*) FROM interactions').fetchone()[0]", setup="import duckdb").result)
    print(f"\n{store.name}: {rows:,} interactions, by ({slicing}), period {PERIOD}", flush=True)
    def hand(label: str, style: str):
        query = hand_sql(dims, grain, style)
        return measure(label, f"len(duckdb.connect({str(store)!r}, read_only=True).execute({query!r}).fetchall())", setup="import duckdb", repeat=REPEAT)

    sql = hand("hand-written DuckDB SQL (core)", "filter")
    sql_case = hand("the same with CASE sums", "case")
    setup = f"from callscope.store import open_store\nfrom callscope.kpi import compute\ns = open_store({str(store)!r}, create=False)"
    core = measure("callscope core set", f"len(compute(s, {CORE!r}, by={by!r}, period={PERIOD!r}))", setup=setup, repeat=REPEAT)
    full = measure("callscope full catalogue", f"len(compute(s, None, by={by!r}, period={PERIOD!r}))", setup=setup, repeat=REPEAT)
    for m in (sql, sql_case, core, full):
        print_measurement(m, rows)
    report_ratio(core, sql, 1.5, show=False)
    report_ratio(full, sql, 4.0, show=False)
    # callscope writes its conditional aggregates as CASE sums (see kpi/engine.py count_if); so
    # can a hand: the ratios against that faster query are shown too, without a target.
    report_ratio(core, sql_case, show=False)
    report_ratio(full, sql_case, show=False)
    if rows > PANDAS_MAX_ROWS:
        print(f"  pandas baseline skipped above {PANDAS_MAX_ROWS:,} rows: it needs about 0.5 KB per row in memory (4.9 GB at 10 M)", flush=True)
        return
    keys = [d.strip() for d in dims.split(",")] + ["bucket"]
    columns = "channel, queue, customer_tier, outcome, wait_s, talk_s, hold_s, acw_s, transfer_count, is_test"
    load = (
        f"duckdb.connect({str(store)!r}, read_only=True).execute(\"SELECT {columns}, date_trunc('{TRUNC[grain]}', arrived_at) AS bucket "
        f"FROM interactions WHERE arrived_at >= TIMESTAMP '2023-09-01' AND arrived_at < TIMESTAMP '2024-10-01'\").df()"
    )
    pandas = measure("plain pandas (core, incl. reading)", f"core({load}, {keys!r})", setup="import duckdb\nimport pandas as pd\n" + PANDAS, repeat=REPEAT)
    print_measurement(pandas, rows)
    ratio = pandas.seconds / core.seconds
    print(f"  pandas / callscope core: {ratio:.1f}× (target ≥ 10×: {'met' if ratio >= 10 else 'MISSED'})", flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.kpi")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--scale", type=int, default=5, help="second store: interactions × this (0 to skip)")
    parser.add_argument("--scaled-only", action="store_true", help="measure only the second (scaled) store")
    args = parser.parse_args(argv)
    stores = [build_store(args.rows)]
    if args.scale > 1:
        stores.append(scaled_store(stores[0], args.scale))
    for store in stores[1:] if args.scaled_only else stores:
        for slicing in SLICINGS:
            run(store, slicing)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
