"""The compiled SQL kept in the workspace (cxray.compiled_sql): a question asked again is not
compiled again, answers the same, and reads the data as it is now."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import json
import os
import stat

import ibis
import pandas as pd
import pytest
from ibis.backends.sql import SQLBackend

import cxray
from cxray import compiled_sql
from cxray.compiled_sql import SqlStore, fingerprint
from cxray.workspace import SQL_STORE, Workspace


def orders(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"order_id": f"O{i}", "customer_id": c, "order_date": dt.date.fromisoformat(day),
             "sku": "S1", "amount": amount}
            for i, (c, day, amount) in enumerate(rows)
        ]
    )  # fmt: skip


BASE = [
    ("C1", "2025-01-10", 100.0), ("C1", "2025-03-10", 50.0), ("C2", "2025-02-01", 30.0),
    ("C2", "2025-02-01", -30.0), ("C3", "2025-03-31", 20.0),
]  # fmt: skip


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "ws"
    with Workspace(path, create=True) as ws:
        ws.replace_all({"orders": orders(BASE)})
    return path


def answers(folder) -> dict:
    with cxray.open(folder, read_only=True) as session:
        return {
            "structure": session.structure().to_dict(),
            "cohorts": session.cohorts().to_dict(),
            "rfm": session.rfm().to_dict(),
        }


def refuse_to_compile(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(SQLBackend, "compile", refuse)


def test_a_question_asked_again_is_not_compiled_again_and_answers_the_same(folder, monkeypatch):
    first = answers(folder)
    kept = list((folder / SQL_STORE).glob("*.sql"))
    assert kept
    refuse_to_compile(monkeypatch)  # from here on, a query missing from the store fails
    assert answers(folder) == first
    assert sorted((folder / SQL_STORE).glob("*.sql")) == sorted(kept)


def test_the_kept_sql_reads_the_data_as_it_is_now(folder, monkeypatch):
    first = answers(folder)["structure"]
    assert (first["active"], first["returned_only"]) == (2, 1)  # C1 and C3; C2 netted to 0
    with Workspace(folder) as ws:  # C2 buys again: three active customers, none returns only
        ws.replace_all({"orders": orders([*BASE, ("C2", "2025-03-01", 40.0)])})
    refuse_to_compile(monkeypatch)
    again = answers(folder)["structure"]
    assert (again["active"], again["returned_only"]) == (3, 0)


def test_the_store_is_the_users_only(folder):
    answers(folder)
    store = folder / SQL_STORE
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    files = list(store.iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert all(f.suffix in (".sql", ".json") for f in files)  # no part file left behind


def test_a_store_that_cannot_be_written_keeps_nothing_and_answers_all_the_same(folder):
    expected = answers(folder)
    for file in (folder / SQL_STORE).iterdir():
        file.unlink()
    (folder / SQL_STORE).rmdir()
    (folder / SQL_STORE).write_text("not a folder")
    assert answers(folder) == expected
    assert (folder / SQL_STORE).read_text() == "not a folder"


def table(**types: str) -> ibis.Table:
    return ibis.table(types, name="orders")


def test_the_key_spells_every_argument_and_not_the_backend():
    t = table(amount="float64", day="date")

    def expr(threshold=0.7, day=dt.date(2025, 3, 31), t=t):
        return t.filter(t.amount > threshold, t.day <= day).amount.sum()

    assert fingerprint(expr().op()) == fingerprint(expr().op())
    assert fingerprint(expr().op()) != fingerprint(expr(threshold=0.70000001).op())
    assert fingerprint(expr().op()) != fingerprint(expr(day=dt.date(2025, 3, 30)).op())
    other_type = table(amount="float32", day="date")
    assert fingerprint(expr().op()) != fingerprint(expr(t=other_type).op())
    # the same table on two connections: the same SQL
    a, b = ibis.duckdb.connect(), ibis.duckdb.connect()
    for con in (a, b):
        con.create_table("orders", schema={"amount": "float64", "day": "date"})
    assert fingerprint(expr(t=a.table("orders")).op()) == fingerprint(
        expr(t=b.table("orders")).op()
    )


def test_in_memory_tables_are_spelled_by_their_rows_not_their_random_names():
    def cells(values):
        return ibis.memtable({"abc": values}).abc.count()

    one, two = fingerprint(cells(["A", "B"]).op()), fingerprint(cells(["A", "B"]).op())
    assert one[0] == two[0] and one[1] != two[1]  # the same text, two names
    assert fingerprint(cells(["A", "C"]).op())[0] != one[0]


def test_the_kept_sql_names_the_in_memory_tables_of_the_question_asked_now(tmp_path, monkeypatch):
    con = ibis.duckdb.connect()
    compiled_sql.install(con, tmp_path / "store")

    def count_b(values):
        t = ibis.memtable({"abc": values})
        return t.filter(t.abc == "B").count()

    first = count_b(["A", "B", "B"])
    assert con.execute(first) == 2
    refuse_to_compile(monkeypatch)
    second = count_b(["A", "B", "B"])  # the same rows, another random name
    assert con.execute(second) == 2
    sql = con.compile(second, limit="default")  # as execute() compiles it
    assert second.op().find(ibis.expr.operations.InMemoryTable)[0].name in sql
    assert first.op().find(ibis.expr.operations.InMemoryTable)[0].name not in sql


def test_a_cached_table_whose_name_is_taken_gets_another(tmp_path):
    con = ibis.duckdb.connect()
    compiled_sql.install(con, tmp_path / "store")
    con.create_table("t", pd.DataFrame({"x": [1, 2, 3]}))
    expr = con.table("t").filter(lambda t: t.x > 1)
    key, _ = SqlStore(tmp_path / "store").key(expr, None)
    con.create_table(f"cx_cache_{key[:24]}", schema={"x": "int64"}, temp=True)  # taken, empty
    with expr.cache() as cached:
        assert sorted(cached.x.to_pyarrow().to_pylist()) == [2, 3]
        assert not cached.get_name().startswith("cx_cache_")


def test_the_oldest_files_go_first(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled_sql, "MAX_FILES", 5)
    store = SqlStore(tmp_path / "store")
    for k in range(6):
        store.put(f"k{k}", [], f"SELECT {k}")
        path = tmp_path / "store" / f"k{k}.sql"
        stamp = 1_700_000_000 + k
        os.utime(path, (stamp, stamp))
    names = sorted(p.stem for p in (tmp_path / "store").glob("*.sql"))
    assert names == ["k1", "k2", "k3", "k4", "k5"]
    assert store.get("k5", []) == "SELECT 5"


def test_a_query_is_walked_once_and_ibis_prepares_only_what_it_holds(tmp_path, monkeypatch):
    con = ibis.duckdb.connect()
    walks, hooks = [], []
    walk = compiled_sql._walk
    monkeypatch.setattr(compiled_sql, "_walk", lambda node: walks.append(node) or walk(node))
    monkeypatch.setattr(type(con), "_run_pre_execute_hooks", lambda *a: hooks.append(a))
    compiled_sql.install(con, tmp_path / "store")
    con.create_table("t", pd.DataFrame({"x": [1, 2, 3]}))
    walks.clear()
    t = con.table("t")
    assert sorted(t.filter(t.x > 1).x.to_pyarrow().to_pylist()) == [2, 3]
    assert t.x.sum().to_pyarrow().as_py() == 6  # a scalar: prepared and compiled as a table
    assert (len(walks), hooks) == (2, [])
    # in-memory tables are registered without Ibis' walks, once each
    k = ibis.memtable({"x": [2, 3]})
    assert t.semi_join(k, "x").count().to_pyarrow().as_py() == 2
    assert t.semi_join(k, "x").x.max().to_pyarrow().as_py() == 3
    assert (len(walks), hooks) == (4, [])


def test_two_in_memory_tables_of_one_name_are_still_refused(tmp_path):
    con = ibis.duckdb.connect()
    compiled_sql.install(con, tmp_path / "store")
    one = ibis.memtable({"x": [1]})
    two = ibis.memtable({"x": [2]}).op().copy(name=one.get_name()).to_expr()
    with pytest.raises(ibis.common.exceptions.IbisError, match="Duplicate"):
        one.union(two).to_pyarrow()


# --- what an analytics function built, kept by its call ------------------------------------


def counted(monkeypatch, module, name: str) -> list:
    """Count the calls of ``module.name`` (the wrapper keeps its module and name, which the
    call's key spells)."""
    calls: list = []
    real = getattr(module, name)

    @functools.wraps(real)
    def count(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, count)
    return calls


def test_a_question_asked_again_does_not_build_its_expressions_again(folder, monkeypatch):
    from cxray.analytics import cohorts, structure

    status = counted(monkeypatch, structure, "customer_status")
    classes = counted(monkeypatch, structure, "abc_xyz")
    grid = counted(monkeypatch, cohorts, "cohort_table")
    first = answers(folder)
    assert (len(status), len(classes), len(grid)) == (1, 2, 1)  # customers and SKUs
    assert list((folder / SQL_STORE).glob("call-*.json"))
    refuse_to_compile(monkeypatch)
    assert answers(folder) == first
    assert (len(status), len(classes), len(grid)) == (1, 2, 1)


def test_another_date_or_option_or_source_builds_again(folder, monkeypatch):
    from cxray.analytics import structure

    calls = counted(monkeypatch, structure, "abc_xyz")
    with cxray.open(folder, read_only=True) as session:
        session.structure()
        session.structure(xyz_x=0.2)  # another option: both classes built again
    assert len(calls) == 4
    with cxray.open(folder, read_only=True) as session:
        session.structure(as_of="2025-03-30")
    assert len(calls) == 6
    with cxray.open(folder, read_only=True) as session:
        session.structure()
    assert len(calls) == 6
    # the analytics' source files changed (another release, an edit): built again
    monkeypatch.setattr(compiled_sql, "_source_digest", lambda module: "another source")
    with cxray.open(folder, read_only=True) as session:
        session.structure()
    assert len(calls) == 8


def test_a_kept_call_reads_the_data_as_it_is_now(folder):
    def ranked(found: dict) -> int:
        return sum(cell["n"] for cell in found["structure"]["abc_xyz"]["customers"])

    assert ranked(answers(folder)) == 2  # C1 (150) and C3 (20); C2 netted to 0
    with Workspace(folder) as ws:  # C2 buys again: ranked too
        ws.replace_all({"orders": orders([*BASE, ("C2", "2025-03-01", 40.0)])})
    again = answers(folder)
    assert ranked(again) == 3 and again["structure"]["active"] == 3


def grid_of(table: ibis.Table, day: dt.date) -> ibis.Table:
    """A builder of the shape the analytics have: an in-memory grid left-joined to data, and
    columns of many types."""
    cells = ibis.memtable({"k": [1, 2, 3], "label": ["one", "two", "three"]})
    joined = cells.left_join(table, cells.k == table.x)
    return joined.select(
        "k", "label",
        n=joined.x.fill_null(0),
        day=ibis.literal(day),
        stamp=ibis.literal(dt.datetime(2025, 1, 2, 3, 4, 5)),
        money=ibis.literal(decimal.Decimal("12.34"), type="decimal(18, 2)"),
        flags=ibis.literal(["a", "b"]),
        ok=joined.x.notnull(),
    ).order_by("k")  # fmt: skip


def test_a_kept_call_gives_the_same_rows_types_and_in_memory_tables(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled_sql, "_source_digest", lambda module: "this test's source")
    con = ibis.duckdb.connect()
    con.create_table("t", pd.DataFrame({"x": [1, 3, 5]}))
    day = dt.date(2025, 3, 31)
    built = grid_of(con.table("t"), day)
    expected = built.to_pyarrow()
    calls = []

    def build(table, day):
        calls.append(day)
        return grid_of(table, day)

    for _ in range(2):  # a new store each time: a new process
        store = compiled_sql.install(con, tmp_path / "store")
        kept = store.built(con, build, con.table("t"), day)
        assert kept.schema() == built.schema()
        assert kept.to_pyarrow().equals(expected)
        assert kept.count().to_pyarrow().as_py() == 3  # a query built on it
    assert calls == [day]  # the second store found the call
    # a view named after the call, its grid's rows under a name that they give: the same SQL
    # in every process
    assert con.compile(kept).startswith('SELECT * FROM "cx_call_')
    query = "SELECT sql FROM duckdb_views() WHERE view_name LIKE 'cx_call%'"
    (view,) = con.con.execute(query).fetchall()
    assert "cx_rows_" in view[0] and "ibis_pandas_memtable" not in view[0]
    assert store.built(con, build, con.table("t"), dt.date(2025, 4, 1)).to_pyarrow().num_rows == 3
    assert calls == [day, dt.date(2025, 4, 1)]


def test_a_call_that_cannot_be_spelled_is_built_every_time(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled_sql, "_source_digest", lambda module: "this test's source")
    con = ibis.duckdb.connect()
    con.create_table("t", pd.DataFrame({"x": [1, 2]}))
    store = compiled_sql.install(con, tmp_path / "store")
    calls = []

    def build(table, choose):
        calls.append(choose)
        return table.filter(choose(table))

    for _ in range(2):
        kept = store.built(con, build, con.table("t"), lambda t: t.x > 1)
        assert kept.x.to_pyarrow().to_pylist() == [2]
    assert len(calls) == 2
    assert not list((tmp_path / "store").glob("call-*"))


def test_the_source_of_a_builder_is_its_packages_files():
    digest = compiled_sql._source_digest("cxray.analytics.structure")
    assert digest is not None and len(digest) == 64
    assert compiled_sql._source_digest("cxray.analytics.cohorts") == digest  # one package
    assert compiled_sql._source_digest("a_module_of_no_package") is None  # not kept


def test_a_kept_call_made_in_a_transaction_rolled_back_is_made_again(folder):
    from cxray.analytics.purchases import order_days

    with Workspace(folder) as ws:
        store = ws.sql_store
        orders_table = ws.table("orders")
        with pytest.raises(RuntimeError), ws.transaction():
            store.built(ws.con, order_days, orders_table)  # the view is made in the transaction
            raise RuntimeError("undone")
        days = store.built(ws.con, order_days, orders_table)
        # by hand: C1 on two days, C2 one day netting to 0, C3 one day
        assert days.count().to_pyarrow().as_py() == 4


@pytest.mark.parametrize(
    "damage", ["", "{not json", "[]", '{"sql": 1, "schema": [], "memtables": []}']
)
def test_a_damaged_kept_call_is_built_again(folder, damage):
    expected = answers(folder)
    for entry in (folder / SQL_STORE).glob("call-*.json"):
        entry.write_text(damage)
    assert answers(folder) == expected
    assert all(json.loads(e.read_text()) for e in (folder / SQL_STORE).glob("call-*.json"))
