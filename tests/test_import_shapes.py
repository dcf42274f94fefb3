"""The shapes users' exports have, handled at import: amounts from quantity x price, slash dates and
``--date-format``, identical lines of one order. Each file is written out in the test and every
expected number is worked out by hand next to it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cxray.cli import app
from cxray.errors import CxrayError, Reject, reject_text
from cxray.workspace import Workspace

D, T = dt.date, dt.datetime


def write(path: Path, rows: list[list[str]], sep: str = ";") -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path


def orders(ws: Workspace, *columns: str) -> list[tuple]:
    """The stored order lines (``columns`` of each), by order and line number."""
    rows = ws.con.table("orders").to_pyarrow().to_pylist()
    rows.sort(key=lambda r: (r["order_id"], r["line_no"]))
    return [tuple(r[c] for c in columns) for r in rows]


def cli(ws: Path, *args: str):
    return CliRunner().invoke(app, ["--workspace", str(ws), *args])


@pytest.fixture
def ws(tmp_path):
    with Workspace(tmp_path / "ws", create=True) as w:
        yield w


# --- amount = quantity x price ------------------------------------------------------------------

# An online shop's export: no amount column, a unit price. Amounts worked out by hand:
#   3 x 0.10        = 0.30       (a double product would be 0.30000000000000004)
#   1.5 x 1.785     = 2.6775     -> 2.68 (half a cent and more rounds up, as on an invoice)
#   -2 x 2.675      = -5.35      (a return; the double 2.675 is 2.67499..., decimals say -5.35)
#   7 x 19.99       = 139.93
#   2 x 1 234,565   = 2469.13    (decimal comma, space thousands: 2469.13 exactly)
SHOP = [
    ["Invoice", "Customer", "InvoiceDate", "StockCode", "Quantity", "UnitPrice"],
    ["536365", "17850", "01.12.2010", "A", "3", "0,10"],
    ["536365", "17850", "01.12.2010", "B", "1,5", "1,785"],
    ["C536366", "17850", "02.12.2010", "A", "-2", "2,675"],
    ["536367", "13047", "02.12.2010", "C", "7", "19,99"],
    ["536368", "13047", "03.12.2010", "D", "2", "1 234,565"],
]
SHOP_MAP = ["Invoice=order_id", "Customer=customer_id", "InvoiceDate=order_date", "StockCode=sku",
            "UnitPrice=price"]  # fmt: skip


def test_amount_is_quantity_times_price_rounded_to_cents_when_the_file_has_no_amount(ws, tmp_path):
    result = ws.import_file("orders", write(tmp_path / "shop.csv", SHOP), maps=SHOP_MAP)

    assert (result.new, result.rejected, result.derived_amounts) == (5, 0, 5)
    assert result.to_dict()["derived_amounts"] == 5
    assert orders(ws, "order_id", "sku", "quantity", "price", "amount") == [
        ("536365", "A", 3.0, 0.1, 0.3),
        ("536365", "B", 1.5, 1.785, 2.68),
        ("536367", "C", 7.0, 19.99, 139.93),
        ("536368", "D", 2.0, 1234.565, 2469.13),
        ("C536366", "A", -2.0, 2.675, -5.35),
    ]


def test_a_row_without_quantity_or_price_is_rejected_naming_the_missing_column(ws, tmp_path):
    rows = [
        *SHOP[:2],
        ["536369", "13047", "03.12.2010", "E", "", "1,00"],  # row 3: no quantity
        ["536370", "13047", "03.12.2010", "F", "2", ""],  # row 4: no price
        ["536371", "13047", "03.12.2010", "G", "2", "дорого"],  # row 5: price not a number
    ]

    result = ws.import_file("orders", write(tmp_path / "shop.csv", rows), maps=SHOP_MAP)

    assert (result.new, result.rejected, result.derived_amounts) == (1, 3, 1)
    assert result.first_rejects == [
        Reject(3, "amount_underivable", "quantity", None),
        Reject(4, "amount_underivable", "price", None),
        Reject(5, "bad_number", "price", "дорого"),
    ]
    assert reject_text(result.first_rejects[0], "en") == (
        "quantity is empty, so amount (quantity x price) cannot be computed"
    )
    assert reject_text(result.first_rejects[1], "ru") == (
        "price не заполнено, поэтому сумму (количество x цена) не вычислить"
    )


def test_with_an_amount_column_the_price_is_only_stored(ws, tmp_path):
    rows = [
        ["order_id", "customer_id", "order_date", "amount", "quantity", "price"],
        ["1", "C1", "2024-03-15", "100", "3", "30"],  # a discount: 100, not 3 x 30
        ["2", "C1", "2024-03-16", "5", "", ""],  # no quantity or price: nothing to derive
    ]

    result = ws.import_file("orders", write(tmp_path / "o.csv", rows))

    assert (result.new, result.rejected, result.derived_amounts) == (2, 0, 0)
    assert orders(ws, "order_id", "amount", "price") == [("1", 100.0, 30.0), ("2", 5.0, None)]


def test_a_file_with_neither_amount_nor_price_misses_the_amount_column(ws, tmp_path):
    rows = [["order_id", "customer_id", "order_date", "quantity"], ["1", "C1", "2024-03-15", "3"]]

    with pytest.raises(CxrayError) as caught:
        ws.import_file("orders", write(tmp_path / "o.csv", rows))

    assert caught.value.key == "missing_columns"
    assert caught.value.params["columns"] == "amount"


def test_derived_amounts_are_unchanged_on_reimport_and_follow_a_new_price(ws, tmp_path):
    path = write(tmp_path / "shop.csv", SHOP)
    ws.import_file("orders", path, maps=SHOP_MAP)

    again = ws.import_file("orders", path, maps=SHOP_MAP)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 5)

    repriced = [SHOP[0], ["536367", "13047", "02.12.2010", "C", "7", "20,01"]]  # 7 x 20.01
    changed = ws.import_file("orders", write(tmp_path / "new.csv", repriced), maps=SHOP_MAP)
    assert (changed.new, changed.updated, changed.unchanged) == (0, 1, 0)
    assert ("536367", 20.01, 140.07) in orders(ws, "order_id", "price", "amount")


def test_a_typed_parquet_file_derives_amounts_too(ws, tmp_path):
    path = tmp_path / "shop.parquet"
    pq.write_table(
        pa.table(
            {
                "order_id": ["1", "2", "3"],
                "customer_id": ["C1", "C2", "C3"],
                "order_date": pa.array([D(2024, 1, 5)] * 3, pa.date32()),
                "quantity": pa.array([4.0, 0.5, None]),
                "price": pa.array([2.5, 3.33, 1.0]),  # 10.00, 1.665 -> 1.67, no quantity
            }
        ),
        path,
    )

    result = ws.import_file("orders", path)

    assert (result.new, result.derived_amounts) == (2, 2)
    assert result.first_rejects == [Reject(4, "amount_underivable", "quantity", None)]
    assert orders(ws, "order_id", "amount") == [("1", 10.0), ("2", 1.67)]


def test_the_cli_says_how_many_amounts_were_derived(tmp_path):
    path = write(tmp_path / "shop.csv", SHOP)
    maps = [arg for m in SHOP_MAP for arg in ("--map", m)]

    result = cli(tmp_path / "ws", "import", "orders", str(path), *maps)
    again = cli(tmp_path / "ws", "import", "orders", str(path), *maps, "--json")

    assert result.exit_code == 0, result.output
    assert "amount computed as quantity x price (rounded to 0.01) for 5 rows" in result.stdout
    assert json.loads(again.stdout)["derived_amounts"] == 5


# --- dates ----------------------------------------------------------------------------------------


def dated_orders(path: Path, dates: list[str]) -> Path:
    """Orders 1, 2, ... with these order dates (column ``Date``, mapped to order_date)."""
    rows = [["order_id", "customer_id", "Date", "amount"]]
    rows += [[str(i), "C1", d, "1"] for i, d in enumerate(dates, 1)]
    return write(path, rows)


def test_a_column_of_m_d_yyyy_dates_is_read_month_first(ws, tmp_path):
    # 12/13/2010: 13 can only be a day, and no first field is above 12: month first
    dates = ["12/1/2010 8:26", "12/13/2010 8:26", "1/2/2011", "01/05/2011 17:03:59", "2011-01-07"]

    result = ws.import_file("orders", dated_orders(tmp_path / "o.csv", dates),
                            maps=["Date=order_date"])  # fmt: skip

    assert result.rejected == 0
    assert orders(ws, "order_date") == [
        (D(2010, 12, 1),), (D(2010, 12, 13),), (D(2011, 1, 2),), (D(2011, 1, 5),), (D(2011, 1, 7),)
    ]  # fmt: skip


def test_a_column_of_d_m_yyyy_dates_is_read_day_first(ws, tmp_path):
    # 13/1/2011: 13 can only be a day, and no second field is above 12: day first
    dates = ["13/1/2011", "2/3/2011 10:05", "01/12/2011", "31/4/2011"]  # 31 April: no such day

    result = ws.import_file("orders", dated_orders(tmp_path / "o.csv", dates),
                            maps=["Date=order_date"])  # fmt: skip

    assert result.first_rejects == [Reject(5, "bad_date", "order_date", "31/4/2011")]
    assert orders(ws, "order_date") == [(D(2011, 1, 13),), (D(2011, 3, 2),), (D(2011, 12, 1),)]


def test_slash_dates_keep_their_time_and_each_column_is_decided_on_its_own(ws, tmp_path):
    rows = [
        ["campaign_id", "customer_id", "sent_at", "opened_at"],
        ["spring", "C1", "3/14/2024 9:05", "15/3/2024 10:00:01"],  # month first; day first
        ["spring", "C2", "3/4/2024 9:05", ""],
    ]

    ws.import_file("sends", write(tmp_path / "sends.csv", rows))

    sends = sorted(ws.con.table("sends").to_pyarrow().to_pylist(), key=lambda r: r["customer_id"])
    assert [(s["sent_at"], s["opened_at"]) for s in sends] == [
        (T(2024, 3, 14, 9, 5), T(2024, 3, 15, 10, 0, 1)),
        (T(2024, 3, 4, 9, 5), None),
    ]


@pytest.mark.parametrize(
    ("dates", "key", "params"),
    [
        # no field above 12: 3 April or 4 March?
        (["3/4/2024", "2024-03-05", "5/6/2024 10:00"], "ambiguous_dates", {"value": "3/4/2024"}),
        # both orders in one column
        (["3/14/2024", "14/3/2024", "1/2/2024"], "mixed_dates",
         {"first": "3/14/2024", "second": "14/3/2024"}),
    ],
)  # fmt: skip
def test_slash_dates_that_do_not_say_their_order_refuse_the_file(ws, tmp_path, dates, key, params):
    good = ws.import_file("orders", dated_orders(tmp_path / "good.csv", ["2024-01-01"]),
                          maps=["Date=order_date"])  # fmt: skip
    assert good.new == 1

    with pytest.raises(CxrayError) as caught:
        ws.import_file("orders", dated_orders(tmp_path / "o.csv", dates), maps=["Date=order_date"])

    assert caught.value.key == key
    assert caught.value.params == {"file": "o.csv", "column": "Date", **params}
    assert "--date-format" in caught.value.message("en")
    assert "--date-format" in caught.value.message("ru")
    assert orders(ws, "order_id", "order_date") == [("1", D(2024, 1, 1))]  # nothing changed
    assert ws.con.table("_imports").count().to_pyarrow().as_py() == 1


def test_the_ambiguous_dates_message_names_file_column_example_and_option(ws, tmp_path):
    with pytest.raises(CxrayError) as caught:
        ws.import_file("orders", dated_orders(tmp_path / "o.csv", ["3/4/2024", "5/6/2024"]),
                       maps=["Date=order_date"])  # fmt: skip

    assert str(caught.value) == (
        "o.csv: column 'Date' has dates like '3/4/2024' that read as m/d/yyyy and as d/m/yyyy; "
        'say which with --date-format "%m/%d/%Y" or --date-format "%d/%m/%Y"'
    )


def test_date_format_reads_every_date_column_and_rejects_what_does_not_match(ws, tmp_path):
    rows = [
        ["campaign_id", "customer_id", "sent_at", "opened_at"],
        ["spring", "C1", "3/4/2024 09:05", "3/5/2024 10:00"],  # 4 March, 5 March
        ["spring", "C2", "2024-03-04 09:05", ""],  # row 3: not in the format
        ["spring", "C3", "12/31/2024 23:59", "1/1/2025 0:01"],
    ]

    result = ws.import_file("sends", write(tmp_path / "sends.csv", rows),
                            date_format="%m/%d/%Y %H:%M")  # fmt: skip

    assert result.first_rejects == [Reject(3, "date_not_in_format", "sent_at", "2024-03-04 09:05")]
    assert reject_text(result.first_rejects[0], "en") == (
        "sent_at: '2024-03-04 09:05' does not match --date-format"
    )
    sends = sorted(ws.con.table("sends").to_pyarrow().to_pylist(), key=lambda r: r["customer_id"])
    assert [(s["sent_at"], s["opened_at"]) for s in sends] == [
        (T(2024, 3, 4, 9, 5), T(2024, 3, 5, 10, 0)),
        (T(2024, 12, 31, 23, 59), T(2025, 1, 1, 0, 1)),
    ]


def test_date_format_settles_an_ambiguous_column(ws, tmp_path):
    path = dated_orders(tmp_path / "o.csv", ["3/4/2024", "5/6/2024"])

    ws.import_file("orders", path, maps=["Date=order_date"], date_format="%d/%m/%Y")

    assert orders(ws, "order_date") == [(D(2024, 4, 3),), (D(2024, 6, 5),)]


def test_date_cells_of_an_xlsx_file_are_dates_whatever_the_date_format(ws, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["order_id", "customer_id", "order_date", "amount"])
    book.active.append(["1", "C1", T(2024, 3, 4, 0, 0), 1])  # a real date cell
    book.active.append(["2", "C1", "5/3/2024", 2])  # text, in the format: 5 March
    book.save(tmp_path / "o.xlsx")

    result = ws.import_file("orders", tmp_path / "o.xlsx", date_format="%d/%m/%Y")

    assert result.rejected == 0
    assert orders(ws, "order_date") == [(D(2024, 3, 4),), (D(2024, 3, 5),)]


def test_a_date_format_that_is_not_one_is_refused(ws, tmp_path):
    with pytest.raises(CxrayError) as caught:
        ws.import_file("orders", dated_orders(tmp_path / "o.csv", ["3/4/2024"]),
                       maps=["Date=order_date"], date_format="%d/%Q")  # fmt: skip

    assert caught.value.key == "bad_date_format"
    assert not ws.has("orders")


def test_the_cli_takes_a_date_format_and_refuses_ambiguous_dates_in_one_line(tmp_path):
    path = dated_orders(tmp_path / "o.csv", ["3/4/2024", "5/6/2024"])

    refused = cli(tmp_path / "ws", "import", "orders", str(path), "--map", "Date=order_date")
    done = cli(tmp_path / "ws", "import", "orders", str(path), "--map", "Date=order_date",
               "--date-format", "%m/%d/%Y")  # fmt: skip
    dates = cli(tmp_path / "ws", "sql", "select order_date from orders order by 1", "--json")

    assert refused.exit_code == 1
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "'Date'" in refused.stderr and "--date-format" in refused.stderr
    assert done.exit_code == 0, done.output
    assert json.loads(dates.stdout)["rows"] == [
        {"order_date": "2024-03-04"},
        {"order_date": "2024-05-06"},
    ]


# --- identical lines of one order ----------------------------------------------------------------

# A receipt with milk scanned three times: rows 3 and 4 repeat row 2 cell for cell. Row 6 has
# the same cells as row 2 but another order, so it is no repeat. Identical lines: 2, amount 2 x 10.
RECEIPT = [
    ["order_id", "customer_id", "order_date", "sku", "amount"],
    ["A", "C1", "01.02.2026", "milk", "10"],
    ["A", "C1", "01.02.2026", "milk", "10"],
    ["A", "C1", "01.02.2026", "milk", "10,00"],
    ["A", "C1", "01.02.2026", "tea", "5"],
    ["B", "C1", "01.02.2026", "milk", "10"],
]


def test_identical_lines_of_one_order_are_kept_as_separate_lines(ws, tmp_path):
    path = write(tmp_path / "receipt.csv", RECEIPT)

    result = ws.import_file("orders", path)

    assert (result.new, result.rejected) == (5, 0)
    assert (result.identical_lines, result.identical_amount) == (2, 20.0)
    assert result.to_dict()["identical_lines"] == 2
    assert result.to_dict()["identical_amount"] == 20.0
    assert orders(ws, "order_id", "line_no", "sku", "amount") == [
        ("A", 1, "milk", 10.0),
        ("A", 2, "milk", 10.0),
        ("A", 3, "milk", 10.0),
        ("A", 4, "tea", 5.0),
        ("B", 1, "milk", 10.0),
    ]
    again = ws.import_file("orders", path)
    assert (again.new, again.updated, again.unchanged, again.rejected) == (0, 0, 5, 0)
    assert ws.con.table("orders").count().to_pyarrow().as_py() == 5


def test_identical_lines_reject_rejects_them_as_repeats(ws, tmp_path):
    result = ws.import_file(
        "orders", write(tmp_path / "receipt.csv", RECEIPT), identical_lines="reject"
    )

    assert (result.new, result.rejected, result.identical_lines) == (3, 2, 0)
    assert result.first_rejects == [
        Reject(3, "duplicate_row", None, "2"),
        Reject(4, "duplicate_row", None, "2"),
    ]
    assert orders(ws, "order_id", "line_no", "sku") == [
        ("A", 1, "milk"),
        ("A", 2, "tea"),
        ("B", 1, "milk"),
    ]


def test_identical_lines_of_a_parquet_file_are_kept_too(ws, tmp_path):
    path = tmp_path / "receipt.parquet"
    pq.write_table(
        pa.table(
            {
                "order_id": ["A", "A", "A"],
                "customer_id": ["C1", "C1", "C1"],
                "order_date": pa.array([D(2026, 2, 1)] * 3, pa.date32()),
                "sku": ["milk", "milk", "tea"],
                "amount": [2.5, 2.5, 1.0],
            }
        ),
        path,
    )

    result = ws.import_file("orders", path)

    assert (result.new, result.identical_lines, result.identical_amount) == (3, 1, 2.5)
    assert orders(ws, "line_no", "sku") == [(1, "milk"), (2, "milk"), (3, "tea")]


def test_a_repeated_explicit_order_and_line_number_is_still_rejected(ws, tmp_path):
    rows = [
        ["order_id", "customer_id", "order_date", "amount", "line_no"],
        ["A", "C1", "01.02.2026", "10", "1"],
        ["A", "C1", "01.02.2026", "10", "1"],  # row 3: the same line again
        ["A", "C1", "01.02.2026", "7", "1"],  # row 4: another line with its number
    ]

    result = ws.import_file("orders", write(tmp_path / "o.csv", rows))

    assert result.first_rejects == [
        Reject(3, "duplicate_row", None, "2"),
        Reject(4, "duplicate_key", None, "2"),
    ]
    assert result.identical_lines == 0
    assert orders(ws, "line_no", "amount") == [(1, 10.0)]


def test_an_unknown_identical_lines_choice_is_refused(ws, tmp_path):
    with pytest.raises(CxrayError) as caught:
        ws.import_file("orders", write(tmp_path / "r.csv", RECEIPT), identical_lines="drop")

    assert caught.value.key == "bad_identical_lines"
    assert str(caught.value) == "--identical-lines 'drop' must be one of: keep, reject"


def test_the_cli_shows_identical_lines_and_can_reject_them(tmp_path):
    path = write(tmp_path / "receipt.csv", RECEIPT)

    kept = cli(tmp_path / "kept", "import", "orders", str(path))
    as_json = cli(tmp_path / "kept", "import", "orders", str(path), "--json")
    rejected = cli(tmp_path / "rej", "import", "orders", str(path), "--identical-lines", "reject")

    assert kept.exit_code == 0, kept.output
    assert kept.stdout.splitlines()[:2] == [
        "orders: 5 rows read from receipt.csv: 5 new, 0 updated, 0 unchanged, 0 rejected",
        "2 identical lines of one order kept as separate lines (amount 20.00); "
        "--identical-lines reject rejects them",
    ]
    payload = json.loads(as_json.stdout)
    assert (payload["unchanged"], payload["identical_lines"], payload["identical_amount"]) == (
        5, 2, 20.0,
    )  # fmt: skip
    assert rejected.exit_code == 0, rejected.output
    assert rejected.stdout.splitlines()[0] == (
        "orders: 5 rows read from receipt.csv: 3 new, 0 updated, 0 unchanged, 2 rejected"
    )
    assert "identical lines" not in rejected.stdout
