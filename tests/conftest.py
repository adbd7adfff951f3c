"""Shared fixtures: stores on every engine, a real PostgreSQL server started for the session."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from callscope.store import open_store

FIXTURES = Path(__file__).parent / "fixtures"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or ([shutil.which(name)] if shutil.which(name) else [])
    if not found:
        pytest.fail(f"PostgreSQL's {name} is not installed; .ci/run installs it (apt-get install postgresql)")
    return found[-1]


def _as_postgres_user(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root; CI runs as root, so drop to the postgres account.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL cluster on a free port; yields a URL template with {db}."""
    # Not under pytest's tmp dir: the postgres account must be able to reach it.
    root = Path(tempfile.mkdtemp(prefix="callscope-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    port = _free_port()
    subprocess.run(_as_postgres_user([_pg_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"]), check=True, capture_output=True)
    subprocess.run(
        _as_postgres_user([_pg_bin("pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/{{db}}"
    finally:
        subprocess.run(_as_postgres_user([_pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the session's server."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_server.format(db="postgres"), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return pg_server.format(db=name)


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """A new store's URL on each engine."""
    if request.param == "duckdb":
        return str(tmp_path / "store.duckdb")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_url):
    s = open_store(store_url, timezone="Asia/Shanghai")
    yield s
    s.close()


@pytest.fixture
def duck_store(tmp_path):
    s = open_store(str(tmp_path / "store.duckdb"), timezone="Asia/Shanghai")
    yield s
    s.close()


def wait_for(predicate, timeout: float = 30.0, step: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return False


KPI_FIXTURE = FIXTURES / "kpi"
KPI_TABLES = ("agents", "interactions", "messages", "agent_states", "schedules", "tickets", "events", "knowledge_hotspots")


def load_kpi_fixture(url: str):
    """The shipped KPI fixture (tests/fixtures/kpi/*.csv) imported through the real importer."""
    from callscope.ingest import ingest_file

    s = open_store(url, timezone="Asia/Shanghai")
    for table in KPI_TABLES:
        run = ingest_file(s, KPI_FIXTURE / f"{table}.csv", table=table)
        assert run.rows_quarantined == 0, (table, run.problems)
    return s


@pytest.fixture(scope="session")
def spark_session():
    from callscope.store.spark import local_session

    session = local_session("callscope-tests")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def kpi_duckdb(tmp_path_factory):
    s = load_kpi_fixture(str(tmp_path_factory.mktemp("kpi") / "kpi.duckdb"))
    yield s
    s.close()


@pytest.fixture(scope="session", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres), pytest.param("spark", marks=pytest.mark.spark)])
def kpi_store(request, tmp_path_factory):
    """The KPI fixture on every engine: DuckDB, a real PostgreSQL server, Spark in local mode."""
    if request.param == "duckdb":
        yield request.getfixturevalue("kpi_duckdb")
        return
    if request.param == "postgres":
        import psycopg

        server = request.getfixturevalue("pg_server")
        with psycopg.connect(server.format(db="postgres"), autocommit=True) as con:
            con.execute('CREATE DATABASE "kpi_fixture"')
        s = load_kpi_fixture(server.format(db="kpi_fixture"))
        yield s
        s.close()
        return
    from callscope.store.export import export_parquet
    from callscope.store.spark import SparkStore

    folder = tmp_path_factory.mktemp("kpi_parquet")
    export_parquet(request.getfixturevalue("kpi_duckdb"), folder)
    yield SparkStore(folder, request.getfixturevalue("spark_session"))


@pytest.fixture(autouse=True)
def _reset_language():
    """`--lang` sets the process-wide language; never let one test's choice leak into the next."""
    from callscope.i18n import set_lang

    yield
    set_lang(None)
