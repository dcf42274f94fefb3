"""Shared fixtures: every analytics test runs on DuckDB, SQLite and PySpark (local mode).

The PySpark runs share one SparkSession for the whole test run (it takes ~10 s to start). They are
skipped, with the reason, when pyspark or Java is missing, and deselected with ``-m "not spark"``
(or ``-k "not pyspark"``).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
import sys

import ibis
import pandas as pd
import pytest
from browser_helpers import browser  # noqa: F401 - the Chromium fixture of the browser tests

from cxray import texts
from cxray.ingest.schema import TABLES
from cxray.workspace import Workspace

BACKENDS = ["duckdb", "sqlite", pytest.param("pyspark", marks=pytest.mark.spark)]


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "spark: runs on PySpark in local mode (needs pyspark and Java); "
        'deselect with -m "not spark"',
    )
    config.addinivalue_line("markers", "slow: generates a demo company (20-30 s)")


def spark_missing() -> str | None:
    """Why Spark tests cannot run here (None when they can)."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -e '.[test,spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and os.path.exists(java_home)):
        return "Java is not installed (PySpark needs a JDK 17 or 21 on PATH or in JAVA_HOME)"
    return None


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """One local SparkSession for the whole test run; warehouse, metastore and scratch files
    live in a temporary folder, never in the current directory."""
    reason = spark_missing()
    if reason and os.environ.get("CXRAY_REQUIRE_SPARK"):  # set by .ci/run
        pytest.fail(f"CXRAY_REQUIRE_SPARK is set but {reason}")
    if reason:
        pytest.skip(reason)
    from pyspark.sql import SparkSession

    root = tmp_path_factory.mktemp("spark")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    conf = {
        "spark.master": "local[2]",
        "spark.app.name": "cxray-tests",
        "spark.driver.memory": "1g",
        "spark.driver.host": "127.0.0.1",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.log.level": "ERROR",
        # tiny tables: one partition, no adaptive re-planning, no whole-stage code generation
        # (compiling Java for every query costs more than running it; ~20% faster here)
        "spark.sql.shuffle.partitions": "1",
        "spark.default.parallelism": "1",
        "spark.sql.adaptive.enabled": "false",
        "spark.sql.codegen.wholeStage": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.warehouse.dir": str(root / "warehouse"),
        "spark.local.dir": str(root / "scratch"),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={root / 'derby'}",
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={root / 'metastore_db'};create=true"
        ),
    }
    builder = SparkSession.builder
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    yield session
    session.stop()


def clear_spark(session) -> None:
    """Drop every view and table a test left in the shared session."""
    for tbl in session.catalog.listTables():
        if tbl.isTemporary:
            session.catalog.dropTempView(tbl.name)
        else:
            session.sql(f"DROP TABLE IF EXISTS `{tbl.name}`")
    session.catalog.clearCache()


def one_line_error(result) -> str:
    """The single stderr line of a failed CLI command, without the ``error:`` prefix."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0].removeprefix("error: ")


def d(text: str) -> dt.date:
    """A date from ISO text, for compact fixtures."""
    return dt.date.fromisoformat(text)


def _objects(values: pd.Series) -> pd.Series:
    """Values as Python objects with None for missing (SQLite rejects NaT)."""
    return pd.Series(
        [None if pd.isna(v) else v for v in values], index=values.index, dtype="object"
    )


@pytest.fixture(params=BACKENDS)
def backend(request):
    """A fresh in-memory Ibis connection of each test backend (on PySpark: a fresh Ibis
    connection to the shared session, emptied after the test)."""
    if request.param == "pyspark":
        session = request.getfixturevalue("spark")
        clear_spark(session)
        con = ibis.pyspark.connect(session)
        yield con
        clear_spark(session)  # never con.disconnect(): it would stop the shared session
        return
    con = getattr(ibis, request.param).connect()
    yield con
    con.disconnect()


@pytest.fixture
def load(backend):
    """load(table_name, rows) -> Ibis table holding `rows` with the canonical schema.

    `rows` is a list of dicts; canonical columns missing from the dicts are null (or their default).
    """

    def _load(name: str, rows: list[dict]):
        table = TABLES[name]
        frame = pd.DataFrame(rows)
        for col in table.columns:
            if col.name not in frame.columns:
                frame[col.name] = col.default
        extra = [c for c in frame.columns if table.column(c) is None]
        schema = ibis.schema(table.ibis_schema(extra))
        frame = frame[list(schema.names)]
        for col, typ in schema.items():
            if typ.is_date():
                frame[col] = _objects(pd.to_datetime(frame[col]).dt.date)
            elif typ.is_timestamp():
                frame[col] = _objects(pd.to_datetime(frame[col]))
        data = ibis.memtable(frame, schema=schema)
        if backend.name == "pyspark":
            # a temporary view of the in-memory rows: nothing is written to disk
            return backend.create_view(name, data, overwrite=True)
        backend.create_table(name, data, overwrite=True)
        return backend.table(name)

    return _load


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """Texts in English, whatever CXRAY_LANG or an earlier --lang in this process says."""
    monkeypatch.delenv("CXRAY_LANG", raising=False)
    texts.set_lang(None)
    yield
    texts.set_lang(None)


@pytest.fixture
def ws(tmp_path):
    """A fresh workspace folder with its embedded DuckDB."""
    with Workspace(tmp_path / "ws", create=True) as workspace:
        yield workspace


@pytest.fixture
def folder(tmp_path):
    """A workspace folder (closed) holding two orders, for tests that open it in processes."""
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount\n1,A,2024-01-01,10\n2,B,2024-01-02,5\n",
        encoding="utf-8",
    )
    folder = tmp_path / "ws"
    with Workspace(folder, create=True) as workspace:
        workspace.import_file("orders", tmp_path / "orders.csv")
    return folder
