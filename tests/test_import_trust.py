"""Imports never store wrong data: numbers beyond range are rejected with a reason, and file
columns named like the checks' own columns neither break the import nor take their place."""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxray.workspace import Workspace

HEADER = "order_id;customer_id;order_date;amount;line_no;quantity\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def stored(ws: Workspace) -> list[dict]:
    return ws.sql("select order_id, amount, quantity from orders order by order_id").to_pylist()


def test_numbers_beyond_range_are_rejected_not_stored_as_infinity(tmp_path):
    # row 2: 1e309 is beyond a double; row 3: 1e20 is beyond a 64-bit line number; row 4: a
    # 401-digit quantity; row 5 is the one good row
    text = HEADER + (
        "1;C1;01.02.2024;1e309;1;1\n"
        "2;C2;01.02.2024;5;1e20;1\n"
        f"3;C3;01.02.2024;5;1;9{'9' * 400}\n"
        "4;C4;01.02.2024;7,5;1;2\n"
    )
    with Workspace(tmp_path / "ws", create=True) as ws:
        result = ws.import_file("orders", write(tmp_path / "o.csv", text))
        assert [(r.row, r.problem, r.column) for r in result.first_rejects] == [
            (2, "bad_number", "amount"),
            (3, "bad_integer", "line_no"),
            (4, "bad_number", "quantity"),
        ]
        assert (result.new, result.rejected) == (1, 3)
        assert stored(ws) == [{"order_id": "4", "amount": 7.5, "quantity": 2.0}]


def test_an_amount_of_quantity_times_price_beyond_range_is_rejected(tmp_path):
    text = "order_id;customer_id;order_date;quantity;price\n1;C1;01.02.2024;1e200;1e200\n"
    text += "2;C1;01.02.2024;3;2,5\n"
    with Workspace(tmp_path / "ws", create=True) as ws:
        result = ws.import_file("orders", write(tmp_path / "o.csv", text))
        assert [(r.row, r.problem, r.column) for r in result.first_rejects] == [
            (2, "bad_number", "amount")
        ]
        assert stored(ws) == [{"order_id": "2", "amount": 7.5, "quantity": 3.0}]


def test_an_infinite_amount_in_a_typed_parquet_file_is_rejected(tmp_path):
    path = tmp_path / "o.parquet"
    table = {
        "order_id": ["1", "2"], "customer_id": ["C1", "C2"],
        "order_date": ["2024-02-01", "2024-02-01"], "amount": [math.inf, 3.0],
    }  # fmt: skip
    pq.write_table(pa.table(table), path)
    with Workspace(tmp_path / "ws", create=True) as ws:
        result = ws.import_file("orders", path)
        assert [(r.row, r.problem) for r in result.first_rejects] == [(2, "bad_number")]
        assert [r["amount"] for r in stored(ws)] == [3.0]


def test_file_columns_named_like_the_checks_own_columns_are_kept_apart(tmp_path):
    header = "order_id;customer_id;order_date;amount;_row;_problem;_extra;t:amount;_value\n"
    text = header + "1;C1;01.02.2024;5;x;y;z;w;v\n2;;01.02.2024;6;x;y;z;w;v\n"
    with Workspace(tmp_path / "ws", create=True) as ws:
        result = ws.import_file("orders", write(tmp_path / "o.csv", text))
        # row 3 lacks its customer: the check is not fooled by the file's own "_problem" column
        assert [(r.row, r.problem, r.column) for r in result.first_rejects] == [
            (3, "missing_value", "customer_id")
        ]
        assert (result.new, result.rejected) == (1, 1)
        assert stored(ws) == [{"order_id": "1", "amount": 5.0, "quantity": None}]
        assert result.ignored_columns == [
            "_row (2)", "_problem (2)", "_extra (2)", "t:amount (2)", "_value (2)"
        ]  # fmt: skip


@pytest.mark.parametrize(
    ("quantity", "price", "amount"),
    [
        # 8435001.711 x 8698268.479 = 73369909503102.367569 (by hand, in decimals) -> .37;
        # through doubles cast straight to decimals the product came out as ...102.3589 -> .36
        ("8435001,711", "8698268,479", 73369909503102.37),
        # 4.59e-8 x 149106399.3 = 6.8439837... -> 6.84 (as 0.000000046, nine decimals: 6.86)
        ("4,59E-8", "149106399,3", 6.84),
    ],
)
def test_quantity_times_price_is_exact_to_the_cent(tmp_path, quantity, price, amount):
    text = f"order_id;customer_id;order_date;quantity;price\n1;C1;01.02.2024;{quantity};{price}\n"
    with Workspace(tmp_path / "ws", create=True) as ws:
        ws.import_file("orders", write(tmp_path / "o.csv", text))
        assert [r["amount"] for r in stored(ws)] == [amount]
