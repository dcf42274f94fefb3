"""A workspace lists its tables once and keeps the listing until it changes them: what it keeps
is never stale, and a read-only workspace does not ask again."""

from __future__ import annotations

import ibis
import pyarrow as pa
import pytest

import cxray
from cxray.workspace import Workspace

ROW = pa.table({"n": pa.array([1], pa.int64())})


class _Counting:
    """A DuckDB connection that counts the catalog queries run through it."""

    def __init__(self, con):
        self._con, self.listings = con, 0

    def execute(self, query, *args, **kwargs):
        if "duckdb_columns()" in query or "information_schema" in query:
            self.listings += 1
        return self._con.execute(query, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


def _counted(ws: Workspace) -> _Counting:
    counting = _Counting(ws.con.con)
    ws.con.con = counting
    return counting


def test_a_table_the_workspace_writes_is_seen_at_once(ws):
    assert not ws.has("_scratch")
    ws.append("_scratch", ROW, {"n": "int64"})
    assert ws.has("_scratch")
    assert ws.table("orders").count().to_pyarrow().as_py() == 0  # not imported: empty
    ws.write("orders", pa.table({"order_id": ["O1"], "customer_id": ["C1"],
                                 "order_date": ["2025-01-02"], "amount": [5.0]}))  # fmt: skip
    assert ws.has("orders")
    assert ws.tables()["orders"].amount.sum().to_pyarrow().as_py() == 5.0
    ws.con.drop_table("_scratch")  # the backend's own writing methods count too
    assert not ws.has("_scratch")


def test_the_listing_gives_the_columns_ibis_reads(ws):
    ws.con.create_table(
        "_kinds",
        schema=ibis.schema({"a": "decimal(18, 3)", "b": "!boolean", "c": "array<float64>",
                            "d": "struct<x: int32, y: string>", "e": "timestamp"}),
    )  # fmt: skip
    ws.con.raw_sql("CREATE VIEW _seen AS SELECT a, b FROM _kinds")  # not watched: read anew
    fresh = Workspace(ws.path, read_only=False)
    try:
        for name in ("_kinds", "_seen"):
            assert fresh.table(name).schema() == ws.con.table(name).schema()
    finally:
        fresh.close()


def test_a_rolled_back_table_is_gone_from_the_listing(ws):
    with pytest.raises(RuntimeError), ws.transaction():
        ws.append("_scratch", ROW, {"n": "int64"})
        assert ws.has("_scratch")
        raise RuntimeError("boom")
    assert not ws.has("_scratch")


def test_another_workspace_of_the_process_on_the_same_file_sees_the_writes(ws):
    other = Workspace(ws.path)
    try:
        assert not other.has("_scratch")
        ws.append("_scratch", ROW, {"n": "int64"})
        assert other.has("_scratch")
        with ws.transaction():
            ws.append("_later", ROW, {"n": "int64"})
        assert other.has("_later")
    finally:
        other.close()


def test_a_read_only_session_lists_the_tables_once(ws):
    ws.append("_scratch", ROW, {"n": "int64"})
    path = ws.path
    ws.close()
    session = cxray.open(path, read_only=True)
    try:
        counting = _counted(session.workspace)
        session.workspace._listed = None  # as if just opened
        for _ in range(3):
            assert session.workspace.has("_scratch")
            assert not session.workspace.has("orders")
        tables = session.tables()
        assert tables["orders"].count().to_pyarrow().as_py() == 0
        assert session.workspace.setting("currency") is None
        assert counting.listings == 1
    finally:
        session.close()


def test_a_writable_session_sees_its_import_at_once(tmp_path):
    folder = tmp_path / "ws"
    Workspace(folder, create=True).close()
    file = tmp_path / "customers.csv"
    file.write_text("customer_id;name\nC1;Anna\nC2;Boris\n", encoding="utf-8")
    with cxray.open(folder, read_only=False) as session:
        assert not session.workspace.has("customers")
        session.import_file("customers", file)
        assert session.workspace.has("customers")
        assert session.tables()["customers"].count().to_pyarrow().as_py() == 2
