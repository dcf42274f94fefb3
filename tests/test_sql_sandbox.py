"""`cxray sql` reads the workspace's tables and nothing else, for a bounded time and rows."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import cxray
from cxray.cli import app
from cxray.errors import CxrayError
from cxray.sql_sandbox import sandboxed_query

ORDERS = "order_id;customer_id;order_date;amount\n1;C1;15.03.2024;10,5\n2;C2;16.03.2024;3\n"


@pytest.fixture
def workspace(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    cxray.init(tmp_path / "ws")
    cxray.import_file("orders", path, workspace=tmp_path / "ws")
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n", encoding="utf-8")
    return tmp_path / "ws"


@pytest.mark.parametrize(
    ("query", "what"),
    [
        ("select * from read_csv('{secret}')", "read_csv(...)"),
        ("select * from read_text('{secret}')", "read_text(...)"),
        ("select * from read_blob('{secret}')", "read_blob(...)"),
        ("select * from glob('/etc/*')", "glob(...)"),
        ("select * from read_csv('https://example.com/x.csv')", "read_csv(...)"),
        ("select * from '{secret}'", "'{secret}'"),
        ("select * from orders where order_id in (select * from read_text('{secret}'))",
         "read_text(...)"),
        ("with s as (select * from read_parquet('x.parquet')) select * from s",
         "read_parquet(...)"),
        ("select getenv('HOME')", "getenv(...)"),
    ],
)  # fmt: skip
def test_queries_that_reach_beyond_the_workspace_are_refused(workspace, tmp_path, query, what):
    secret = tmp_path / "secret.csv"
    with cxray.open(workspace) as ws, pytest.raises(CxrayError) as err:
        ws.sql(query.format(secret=secret))
    assert err.value.key == "sql_not_allowed"
    assert err.value.params["what"] == what.format(secret=secret)
    assert "hunter2" not in str(err.value)


def test_the_workspace_tables_ranges_and_ctes_still_answer(workspace):
    with cxray.open(workspace) as ws:
        rows = ws.sql(
            "with o as (select * from orders) select count(*) as n, sum(amount) as total, "
            "(select max(i) from range(3) t(i)) as top from o"
        ).to_dict()
    assert rows == {"rows": [{"n": 2, "total": 13.5, "top": 2}], "warnings": []}


def test_rows_beyond_the_cap_are_cut_with_a_warning(workspace):
    with cxray.open(workspace) as ws:
        result = ws.sql("select * from range(5000000)", max_rows=1000)
    assert result.value.num_rows == 1000
    assert [(w.code, w.params) for w in result.warnings] == [("sql_truncated", {"rows": 1000})]
    assert result.to_dict()["warnings"] == [{"code": "sql_truncated", "params": {"rows": 1000}}]
    with cxray.open(workspace) as ws:
        assert ws.sql("select * from range(1000)", max_rows=1000).warnings == []


def test_a_query_running_past_the_timeout_is_stopped(workspace):
    import duckdb

    con = duckdb.connect()
    with pytest.raises(CxrayError) as err:
        sandboxed_query(
            con, "select count(*) from range(100000000) a, range(100000000) b", timeout=0.5
        )
    assert err.value.key == "sql_timeout"
    # the connection answers again afterwards
    assert sandboxed_query(con, "select 1 as one").to_pylist() == [{"one": 1}]


def test_the_cli_refuses_a_file_read_in_one_line(workspace):
    result = CliRunner().invoke(app, ["-w", str(workspace), "sql", "select * from glob('/etc/*')"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: a query reads the workspace's tables only: glob(...) is not allowed"
    )
