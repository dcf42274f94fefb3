"""Typed Parquet files: DuckDB reads them itself (no text parsing), with the same checks, rejects
and stored rows as the same cells in a CSV file."""

from __future__ import annotations

import datetime as dt
import math

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxray.errors import Reject, reject_text
from cxray.ingest.schema import REJECTS
from cxray.workspace import Workspace

# rows 2..9 as a spreadsheet numbers them; the expected problems are written next to each
ORDER_ID = ["A", "A", "B", "C", "D", "E", "A", "F"]
CUSTOMER = [101, 101, 102, None, 104, 105, 101, 106]  # row 5: no customer -> missing_value
DATE = [dt.date(2026, 1, d) for d in (5, 5, 6, 7, 8, 9, 5, 10)]
AMOUNT = [10.0, 2.5, math.nan, 4.0, 5.0, 6.0, 10.0, 7.0]  # row 4: nan -> bad_number
LINE = [1.0, 2.0, 1.0, 1.0, 1.5, 1.0, 1.0, 1.0]  # row 6: 1.5 -> bad_integer; row 8 repeats A/1
QTY = [1.0, 1.0, 1.0, 1.0, 1.0, math.inf, 1.0, None]  # row 7: inf -> bad_number

EXPECTED_REJECTS = [
    (4, "bad_number", "amount"),
    (5, "missing_value", "customer_id"),
    (6, "bad_integer", "line_no"),
    (7, "bad_number", "quantity"),
    (8, "duplicate_row", None),
]
EXPECTED_ROWS = [  # (order_id, line_no, customer_id, order_date, amount, quantity)
    ("A", 1, "101", dt.date(2026, 1, 5), 10.0, 1.0),
    ("A", 2, "101", dt.date(2026, 1, 5), 2.5, 1.0),
    ("F", 1, "106", dt.date(2026, 1, 10), 7.0, None),
]


def typed_orders() -> pa.Table:
    return pa.table(
        {
            "order_id": ORDER_ID,
            "customer_id": pa.array(CUSTOMER, pa.int64()),  # numeric ids are text in cxray
            "order_date": pa.array(DATE, pa.date32()),
            "amount": pa.array(AMOUNT, pa.float64()),
            "line_no": pa.array(LINE, pa.float64()),
            "quantity": pa.array(QTY, pa.float64()),
        }
    )


def stored(ws: Workspace) -> list[tuple]:
    rows = ws.con.table("orders").to_pyarrow().to_pylist()
    return sorted(
        (r["order_id"], r["line_no"], r["customer_id"], r["order_date"], r["amount"], r["quantity"])
        for r in rows
    )


def rejects(ws: Workspace) -> list[tuple]:
    rows = ws.con.table(REJECTS).to_pyarrow().to_pylist()
    return sorted((r["row"], r["problem"], r["column"]) for r in rows)


def test_typed_parquet_rows_are_checked_like_text(tmp_path):
    path = tmp_path / "orders.parquet"
    pq.write_table(typed_orders(), path)
    with Workspace(tmp_path / "ws", create=True) as ws:
        result = ws.import_file("orders", path)
        assert (result.rows_read, result.new, result.rejected) == (8, 3, 5)
        assert stored(ws) == EXPECTED_ROWS
        assert rejects(ws) == EXPECTED_REJECTS


def test_typed_parquet_and_the_same_cells_as_csv_give_the_same_workspace(tmp_path):
    parquet = tmp_path / "orders.parquet"
    pq.write_table(typed_orders(), parquet)
    lines = ["order_id,customer_id,order_date,amount,line_no,quantity"]
    for row in zip(ORDER_ID, CUSTOMER, DATE, AMOUNT, LINE, QTY, strict=True):
        lines.append(",".join("" if v is None else str(v) for v in row))
    csv = tmp_path / "orders.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Workspace(tmp_path / "a", create=True) as a, Workspace(tmp_path / "b", create=True) as b:
        a.import_file("orders", parquet)
        b.import_file("orders", csv)
        assert stored(a) == stored(b) == EXPECTED_ROWS
        # the CSV's "nan" and "inf" are not numbers either
        assert rejects(a) == rejects(b)


def test_typed_parquet_reimport_changes_nothing_and_progress_reaches_the_end(tmp_path):
    path = tmp_path / "orders.parquet"
    pq.write_table(typed_orders(), path)
    seen: list[tuple[int, int]] = []
    with Workspace(tmp_path / "ws", create=True) as ws:
        ws.import_file("orders", path)
        again = ws.import_file(
            "orders", path, progress=lambda done, total: seen.append((done, total))
        )
        assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
        # the 8 rows were read; each later step also reached its own end
        assert (8, 8) in seen
        assert seen[-1][0] == seen[-1][1]
        assert stored(ws) == EXPECTED_ROWS
        # nothing of the check is left behind in the workspace
        assert not [t for t in ws.con.list_tables() if t.startswith("_cx_")]


def test_order_lines_of_a_parquet_file_without_line_numbers_are_numbered_in_file_order(tmp_path):
    path = tmp_path / "orders.parquet"
    table = pa.table(
        {
            "order_id": ["A", "B", "A", "A"],
            "customer_id": ["C1", "C2", "C1", "C1"],
            "order_date": pa.array([dt.date(2026, 2, 1)] * 4, pa.date32()),
            "sku": ["milk", "tea", "milk", "milk"],
            "amount": pa.array([1.0, 2.0, 3.0, 1.0]),  # row 5 repeats row 2 exactly
        }
    )
    pq.write_table(table, path)
    with Workspace(tmp_path / "ws", create=True) as ws:
        result = ws.import_file("orders", path, identical_lines="reject")
        rows = ws.con.table("orders").to_pyarrow().to_pylist()
    assert sorted((r["order_id"], r["line_no"], r["amount"]) for r in rows) == [
        ("A", 1, 1.0),
        ("A", 2, 3.0),
        ("B", 1, 2.0),
    ]
    assert result.first_rejects == [Reject(5, "duplicate_row", None, "2")]
    assert reject_text(result.first_rejects[0], "en") == "same as row 2"


@pytest.mark.parametrize("ids", [pa.array([7.0, 8.0]), pa.array([7, 8], pa.int32())])
def test_numeric_customer_ids_are_stored_as_the_text_a_person_reads(tmp_path, ids):
    path = tmp_path / "customers.parquet"
    pq.write_table(pa.table({"customer_id": ids, "segment": ["x", "y"]}), path)
    with Workspace(tmp_path / "ws", create=True) as ws:
        ws.import_file("customers", path)
        got = sorted(ws.con.table("customers").customer_id.to_pyarrow().to_pylist())
    assert got == ["7", "8"]
