"""Shared fixtures: every analytics test runs on DuckDB and on SQLite (two in-process Ibis
backends)."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
import pytest

from cxray import texts
from cxray.ingest.schema import TABLES
from cxray.workspace import Workspace

BACKENDS = ["duckdb", "sqlite"]


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
    """A fresh in-memory Ibis connection of each test backend."""
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
        backend.create_table(name, ibis.memtable(frame, schema=schema), overwrite=True)
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
    with Workspace(tmp_path / "ws") as workspace:
        yield workspace
