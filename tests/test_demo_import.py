"""`callscope demo` end to end: every file imported with exact accounting, the legacy export's bad
rows quarantined with the expected codes, every canonical table and every KPI populated."""

from __future__ import annotations

import math

import pytest

from callscope.cli import main
from callscope.demo import DEMO_TIMEZONE, run_demo
from callscope.demo.legacy import EXPECTED_PROBLEMS, GOOD_ROWS, LEGACY_FILE
from callscope.schema import TABLES
from callscope.store import open_store

ROWS = 5_000


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """One DuckDB demo store for the read-only checks."""
    folder = tmp_path_factory.mktemp("demo")
    url = str(folder / "demo.duckdb")
    runs = run_demo(url, folder / "files", rows=ROWS)
    return url, runs


def test_every_import_adds_up_and_only_the_legacy_rows_are_quarantined(store_url, tmp_path):
    seen = []
    runs = run_demo(store_url, tmp_path / "files", rows=ROWS, on_import=seen.append)
    assert seen == runs and len(runs) == 12
    for run in runs:
        assert run.rows_read == run.rows_loaded + run.rows_quarantined + run.rows_duplicate
    legacy = [r for r in runs if r.source_file.endswith(LEGACY_FILE)]
    assert len(legacy) == 1
    others = [r for r in runs if r is not legacy[0]]
    assert all(r.rows_quarantined == 0 and r.rows_duplicate == 0 and r.rows_read > 0 for r in others)
    # 36 good rows + 3 invalid + 1 exact repeat + 1 conflicting repeat = 41 read;
    # 36 loaded, 3 + 1 (the conflict) quarantined, 1 duplicate.
    run = legacy[0]
    assert (run.rows_read, run.rows_loaded, run.rows_quarantined, run.rows_duplicate) == (GOOD_ROWS + 5, GOOD_ROWS, 4, 1)
    assert dict(run.problems) == EXPECTED_PROBLEMS
    with open_store(store_url, create=False) as store:
        assert store.timezone == DEMO_TIMEZONE
        assert store.count("interactions") == ROWS + GOOD_ROWS
        for table in set(TABLES) - {"interval_stats"}:  # the demo exports call records, not interval reports
            assert store.count(table) > 0, table


def test_quarantine_names_the_bad_lines(demo_store):
    url, runs = demo_store
    legacy = next(r for r in runs if r.source_file.endswith(LEGACY_FILE))
    with open_store(url, create=False) as store:
        q = store.table("quarantine")
        rows = q.filter(q.run_id == legacy.run_id).order_by("line").to_pyarrow().to_pylist()
    # Line 1 is the header; good rows 1–12 are lines 2–13, the impossible date follows at line 14,
    # the negative wait at 26 (after 11 more good rows, 15–25), the exact repeat of good row 6 at 27
    # (a duplicate, not quarantined), the remaining 12 good rows at 28–39 … 40 is the last good
    # row; the answer before arrival (41) and the conflicting repeat (42) end the 41-record file.
    found = [(r["line"], r["code"], r["column"]) for r in rows]
    assert found == [
        (14, "NOT_A_TIMESTAMP", "来电时间"),
        (26, "NEGATIVE_DURATION", "排队时长(秒)"),
        (41, "ANSWERED_BEFORE_ARRIVAL", "接听时间"),
        (42, "CONFLICT", "source+interaction_id"),
    ]


def test_importing_the_demo_again_loads_nothing_twice(demo_store, tmp_path):
    url, first = demo_store
    again = run_demo(url, tmp_path / "files", rows=ROWS)
    assert [r.rows_read for r in again] == [r.rows_read for r in first]
    # Everything is an exact duplicate except what was quarantined the first time.
    assert all(r.rows_loaded == 0 and r.rows_duplicate == r.rows_read - r.rows_quarantined for r in again)
    assert all(r.previous_run == f.run_id for r, f in zip(again, first))


def test_every_kpi_in_the_catalogue_has_data(demo_store):
    from callscope.kpi import CATALOGUE, compute

    url, _ = demo_store
    with open_store(url, create=False) as store:
        frame = compute(store, None, period="2024")
    values = dict(zip(frame.kpi, frame.value))
    assert set(values) == set(CATALOGUE)
    missing = sorted(k for k, v in values.items() if v is None or (isinstance(v, float) and math.isnan(v)))
    assert missing == []
    # The demo's targets are read by the KPI engine: SL's is 80% within 20 s.
    assert frame.loc[frame.kpi == "SL", "target"].isna().all()  # SL's target is per channel=voice …
    with open_store(url, create=False) as store:
        by_channel = compute(store, "SL", by="channel", period="2024")
    assert by_channel.set_index("channel").loc["voice", "target"] == 0.8


def test_cli_prints_each_import_and_refuses_bad_months(tmp_path, capsys):
    store = tmp_path / "cli.duckdb"
    with pytest.raises(SystemExit) as done:
        main(["demo", "--rows", "3000", "--months", "2", "--end", "2024-02", "--out", str(tmp_path / "files"), "--store", str(store), "--lang", "en"])
    assert done.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # the console wraps long lines
    assert "Generating the demo contact centre: 3,000 interactions over 2 months up to 2024-02" in out
    assert out.count("Import run ") == 12
    assert "read 41 = loaded 36 + quarantined 4 + duplicate 1" in out
    assert "Demo centre imported: 12 files" in out
    with pytest.raises(SystemExit) as stop:
        main(["demo", "--end", "2024-13", "--store", str(store)])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "--end '2024-13' is not a month" in err and "Traceback" not in err
