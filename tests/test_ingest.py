"""Ingest as a specification: every supported file shape imports the same values, every value
format is read exactly, column mapping is strict and explained.

Files are written byte by byte in ``tmp_path`` so the encoding, delimiter and decimal style under
test are exactly the ones named in the test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxray.errors import CxrayError, Reject, reject_text
from cxray.ingest.read import open_table_file
from cxray.ingest.schema import TABLES
from cxray.workspace import Workspace

D = dt.date
NBSP = "\u00a0"

# Three orders as they must come out of any file: ids stay text (leading zeros kept), Cyrillic
# names intact (including characters that need quoting), returns are negative.
ORDERS = [
    {
        "order_id": "0001",
        "customer_id": "ООО «Ромашка»",
        "order_date": D(2024, 3, 15),
        "amount": 1234.56,
    },
    {
        "order_id": "0002",
        "customer_id": "ИП Ёлкин; филиал",
        "order_date": D(2023, 12, 31),
        "amount": -50.5,
    },
    {
        "order_id": "0003",
        "customer_id": 'АО "Щит"',
        "order_date": D(2024, 1, 2),
        "amount": 1000000.0,
    },
]

# what a date that is none of the shapes read says
NOT_A_DATE = (
    "(yyyy-mm-dd, dd.mm.yyyy, dd.mm.yy, m/d/yyyy or d/m/yyyy; another format: --date-format)"
)


# --- helpers ---------------------------------------------------------------------------------


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` as bytes in ``encoding`` (``utf-8-sig`` writes a BOM)."""
    path.write_bytes(text.encode(encoding))
    return path


def csv_text(rows: list[list[str]], sep: str = ";", newline: str = "\r\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator=newline)
    writer.writerows(rows)
    return out.getvalue()


def amount_text(value: float, decimal: str = ",", thousands: str = " ") -> str:
    """``1234.56`` -> ``1 234,56`` (decimal comma) or ``1,234.56`` (decimal dot)."""
    text = f"{value:,.2f}"  # 1,234.56
    whole, frac = text.split(".")
    return whole.replace(",", thousands) + decimal + frac


def orders_file(
    path: Path,
    *,
    sep: str = ";",
    encoding: str = "utf-8",
    decimal: str = ",",
    thousands: str = " ",
    dates: str = "%d.%m.%Y",
) -> Path:
    rows = [["order_id", "customer_id", "order_date", "amount"]]
    for o in ORDERS:
        amount = amount_text(o["amount"], decimal, thousands)
        rows.append([o["order_id"], o["customer_id"], o["order_date"].strftime(dates), amount])
    return write(path, csv_text(rows, sep), encoding)


def table_rows(ws: Workspace, name: str, columns: list[str] | None = None) -> list[dict]:
    """The rows of ``name`` as dicts (only ``columns`` if given), sorted by the natural key."""
    data = ws.table(name).to_pyarrow().to_pylist()
    if columns:
        data = [{c: r[c] for c in columns} for r in data]
    key = [k for k in TABLES[name].key if not columns or k in columns] or list(data[0])
    return sorted(data, key=lambda r: tuple(str(r[k]) for k in key))


ORDER_COLUMNS = ["order_id", "customer_id", "order_date", "amount"]


def import_error(ws: Workspace, table: str, path: Path, **kwargs) -> CxrayError:
    with pytest.raises(CxrayError) as info:
        ws.import_file(table, path, **kwargs)
    return info.value


# --- 1. format detection ---------------------------------------------------------------------


@pytest.mark.parametrize("sep", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
def test_every_delimiter_is_detected_and_imports_the_same_values(ws, tmp_path, sep):
    orders_file(tmp_path / "orders.csv", sep=sep)

    result = ws.import_file("orders", tmp_path / "orders.csv")

    assert (result.new, result.rejected) == (3, 0)
    assert table_rows(ws, "orders", ORDER_COLUMNS) == ORDERS


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_every_encoding_is_detected_and_cyrillic_names_stay_intact(ws, tmp_path, encoding):
    orders_file(tmp_path / "orders.csv", encoding=encoding)

    ws.import_file("orders", tmp_path / "orders.csv")

    assert table_rows(ws, "orders", ORDER_COLUMNS) == ORDERS


def test_the_reader_reports_what_it_detected(tmp_path):
    orders_file(tmp_path / "orders.csv", sep=";", encoding="cp1251")

    raw = open_table_file(tmp_path / "orders.csv")

    assert (raw.format, raw.encoding, raw.sep) == ("csv", "cp1251", ";")
    assert raw.header == ["order_id", "customer_id", "order_date", "amount"]


def test_a_bom_is_not_part_of_the_first_column_name(tmp_path):
    orders_file(tmp_path / "orders.csv", encoding="utf-8-sig")

    raw = open_table_file(tmp_path / "orders.csv")

    assert raw.encoding == "utf-8-sig"
    assert raw.header[0] == "order_id"


@pytest.mark.parametrize(("sep", "option"), [(";", ";"), ("\t", "tab"), ("|", "|")])
def test_sep_option_reads_the_named_delimiter(ws, tmp_path, sep, option):
    orders_file(tmp_path / "orders.csv", sep=sep)

    ws.import_file("orders", tmp_path / "orders.csv", sep=option)

    assert table_rows(ws, "orders", ORDER_COLUMNS) == ORDERS


def test_sep_option_overrides_detection(ws, tmp_path):
    orders_file(tmp_path / "orders.csv", sep=";")

    err = import_error(ws, "orders", tmp_path / "orders.csv", sep=",")

    # split on commas, the whole semicolon header is one column: no required column is found
    assert err.key == "missing_columns"
    assert "orders.csv" in str(err)


def test_sep_option_of_more_than_one_character_is_an_error(ws, tmp_path):
    orders_file(tmp_path / "orders.csv")

    err = import_error(ws, "orders", tmp_path / "orders.csv", sep=";;")

    assert err.key == "bad_separator"


def test_encoding_option_reads_a_windows_1251_file(ws, tmp_path):
    orders_file(tmp_path / "orders.csv", encoding="cp1251")

    ws.import_file("orders", tmp_path / "orders.csv", encoding="windows-1251")

    assert table_rows(ws, "orders", ORDER_COLUMNS) == ORDERS


@pytest.mark.parametrize(
    ("option", "encoding"),
    [("cp1251", "cp1251"), ("Windows-1251", "cp1251"), ("win1251", "cp1251"),
     ("UTF8", "utf-8"), ("utf_8", "utf-8"), ("utf-8-bom", "utf-8-sig")],
)  # fmt: skip
def test_encoding_option_accepts_the_usual_names(tmp_path, option, encoding):
    orders_file(tmp_path / "orders.csv", encoding="cp1251" if encoding == "cp1251" else "utf-8")

    assert open_table_file(tmp_path / "orders.csv", encoding=option).encoding == encoding


def test_encoding_option_overrides_detection_and_fails_clearly_when_wrong(ws, tmp_path):
    orders_file(tmp_path / "orders.csv", encoding="cp1251")

    err = import_error(ws, "orders", tmp_path / "orders.csv", encoding="utf-8")

    assert err.key == "file_bad_encoding"
    assert str(err).startswith("orders.csv, row 2: cannot decode byte")
    assert "--encoding cp1251" in str(err)


def test_encoding_option_utf8_still_drops_a_bom(ws, tmp_path):
    orders_file(tmp_path / "orders.csv", encoding="utf-8-sig")

    ws.import_file("orders", tmp_path / "orders.csv", encoding="utf-8")

    assert table_rows(ws, "orders", ORDER_COLUMNS) == ORDERS


def test_unknown_encoding_option_is_an_error_listing_the_known_ones(ws, tmp_path):
    orders_file(tmp_path / "orders.csv")

    err = import_error(ws, "orders", tmp_path / "orders.csv", encoding="koi8-r")

    assert err.key == "unknown_encoding"
    assert "koi8-r" in str(err) and "cp1251" in str(err)


def test_an_encoding_error_far_into_a_large_file_names_its_row(ws, tmp_path):
    # 4000 rows (> the 64 KiB sample) of UTF-8, then one row saved in Windows-1251
    lines = ["order_id;customer_id;order_date;amount"]
    lines += [f"{i};Покупатель {i};2024-01-01;1,00" for i in range(2, 4002)]
    body = ("\n".join(lines) + "\n").encode("utf-8")
    assert len(body) > 65536
    bad = "9999;Покупатель 9999;2024-01-01;1,00\n".encode("cp1251")
    tail = "10000;Покупатель;2024-01-01;1,00\n".encode()
    (tmp_path / "orders.csv").write_bytes(body + bad + tail)

    err = import_error(ws, "orders", tmp_path / "orders.csv")

    assert err.key == "file_bad_encoding"
    assert str(err).startswith("orders.csv, row 4002: ")


def test_xlsx_with_real_excel_dates_and_numbers_imports(ws, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Order ID", "Customer ID", "Order Date", "Amount", "Quantity"])
    sheet.append([1001, "ООО «Ромашка»", dt.datetime(2024, 3, 15), 1234.56, 3])
    sheet.append(["0002", "ИП Ёлкин", dt.date(2023, 12, 31), -50.5, 1.5])
    sheet.append(["0003", 'АО "Щит"', dt.datetime(2024, 1, 2, 14, 30), 1000000, None])
    book.save(tmp_path / "orders.xlsx")

    result = ws.import_file("orders", tmp_path / "orders.xlsx")

    assert (result.new, result.rejected) == (3, 0)
    got = table_rows(ws, "orders", [*ORDER_COLUMNS, "quantity"])
    assert got == [
        {"order_id": "0002", "customer_id": "ИП Ёлкин", "order_date": D(2023, 12, 31),
         "amount": -50.5, "quantity": 1.5},
        {"order_id": "0003", "customer_id": 'АО "Щит"', "order_date": D(2024, 1, 2),
         "amount": 1000000.0, "quantity": None},
        {"order_id": "1001", "customer_id": "ООО «Ромашка»", "order_date": D(2024, 3, 15),
         "amount": 1234.56, "quantity": 3.0},
    ]  # fmt: skip


def test_xlsx_timestamps_keep_their_time(ws, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["campaign_id", "customer_id", "sent_at"])
    book.active.append(["spring", "Иван", dt.datetime(2024, 3, 15, 9, 5, 7)])
    book.save(tmp_path / "sends.xlsx")

    ws.import_file("sends", tmp_path / "sends.xlsx")

    assert table_rows(ws, "sends")[0]["sent_at"] == dt.datetime(2024, 3, 15, 9, 5, 7)


def test_xlsx_rows_are_numbered_as_excel_shows_them(ws, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["C1"], sheet["D1"] = (
        "order_id",
        "customer_id",
        "order_date",
        "amount",
    )
    sheet["A2"], sheet["B2"], sheet["C2"], sheet["D2"] = "1", "Иван", dt.datetime(2024, 1, 1), 10
    # row 3 left blank, as people do
    sheet["A4"], sheet["B4"], sheet["C4"], sheet["D4"] = "2", "Пётр", "не дата", 20
    book.save(tmp_path / "orders.xlsx")

    result = ws.import_file("orders", tmp_path / "orders.xlsx")

    assert (result.new, result.rejected) == (1, 1)
    assert result.first_rejects[0] == Reject(4, "bad_date", "order_date", "не дата")


def test_parquet_with_typed_date_float_and_string_columns_imports(ws, tmp_path):
    pq.write_table(
        pa.table(
            {
                "order_id": [o["order_id"] for o in ORDERS],
                "customer_id": [o["customer_id"] for o in ORDERS],
                "order_date": pa.array([o["order_date"] for o in ORDERS], pa.date32()),
                "amount": pa.array([o["amount"] for o in ORDERS], pa.float64()),
                "quantity": pa.array([1, 2, None], pa.int64()),
            }
        ),
        tmp_path / "orders.parquet",
    )

    result = ws.import_file("orders", tmp_path / "orders.parquet")

    assert (result.new, result.rejected) == (3, 0)
    assert table_rows(ws, "orders", ORDER_COLUMNS) == ORDERS
    assert [r["quantity"] for r in table_rows(ws, "orders")] == [1.0, 2.0, None]


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_parquet_timestamps_of_any_unit_import(ws, tmp_path, unit):
    # pandas writes datetime64[ns] columns as nanosecond timestamps
    sent = [dt.datetime(2024, 3, 15, 9, 5, 7), dt.datetime(2024, 3, 16, 0, 0, 0)]
    pq.write_table(
        pa.table(
            {
                "campaign_id": ["spring", "spring"],
                "customer_id": ["Иван", "Пётр"],
                "sent_at": pa.array(sent, pa.timestamp(unit)),
            }
        ),
        tmp_path / "sends.parquet",
    )

    result = ws.import_file("sends", tmp_path / "sends.parquet")

    assert (result.new, result.rejected) == (2, 0)
    assert [r["sent_at"] for r in table_rows(ws, "sends")] == sent


def test_parquet_timestamp_column_imports_into_a_date_column(ws, tmp_path):
    pq.write_table(
        pa.table(
            {
                "order_id": ["1"],
                "customer_id": ["Иван"],
                "order_date": pa.array([dt.datetime(2024, 3, 15)], pa.timestamp("ns")),
                "amount": [10.0],
            }
        ),
        tmp_path / "orders.parquet",
    )

    ws.import_file("orders", tmp_path / "orders.parquet")

    assert table_rows(ws, "orders")[0]["order_date"] == D(2024, 3, 15)


# --- 2. values -------------------------------------------------------------------------------


def one_order(tmp_path: Path) -> Path:
    return write(
        tmp_path / "orders.csv", csv_text([ORDER_COLUMNS, ["1", "Иван", "2024-03-15", "1"]])
    )


AMOUNTS = [
    ("1 234,56", 1234.56),
    ("1,234.56", 1234.56),
    (f"1{NBSP}234,56", 1234.56),
    ("1\u202f234,56", 1234.56),  # narrow no-break space (French-style exports)
    ("1.234,56", 1234.56),
    ("1234.56", 1234.56),
    ("1234,56", 1234.56),
    ("1 234 567,8", 1234567.8),
    ("-1 234,56", -1234.56),
    ("0,05", 0.05),
    ("1234", 1234.0),
    (" 12,5 ", 12.5),
]


def many_orders(tmp_path: Path, column: str, texts: list[str]) -> Path:
    """One order per text, with ``texts`` in ``column``; order ids 0, 1, ... in file order."""
    rows = [ORDER_COLUMNS]
    for i, text in enumerate(texts):
        row = {
            "order_id": f"{i:03d}",
            "customer_id": "Иван",
            "order_date": "2024-03-15",
            "amount": "1",
        }
        row[column] = text
        rows.append([row[c] for c in ORDER_COLUMNS])
    return write(tmp_path / "orders.csv", csv_text(rows))


def test_amount_formats_are_read_exactly(ws, tmp_path):
    path = many_orders(tmp_path, "amount", [text for text, _ in AMOUNTS])

    result = ws.import_file("orders", path)

    assert result.rejected == 0
    got = [r["amount"] for r in table_rows(ws, "orders")]
    assert list(zip([t for t, _ in AMOUNTS], got, strict=True)) == AMOUNTS


def test_an_amount_that_is_not_a_finite_number_is_rejected(ws, tmp_path):
    bad = ["abc", "12 руб", "1,2,3", "nan", "inf", "-Infinity", "1_000"]
    path = many_orders(tmp_path, "amount", ["10", *bad])

    result = ws.import_file("orders", path)

    assert (result.new, result.rejected) == (1, len(bad))
    got = {r["row"]: reject_text(r, "en") for r in ws.sql("select * from _rejects").to_pylist()}
    assert got == {3 + i: f"amount: '{text}' is not a number" for i, text in enumerate(bad)}


DATES = [
    ("2024-03-15", D(2024, 3, 15)),
    ("15.03.2024", D(2024, 3, 15)),
    ("5.3.2024", D(2024, 3, 5)),
    ("15.03.24", D(2024, 3, 15)),  # two-digit years, as 1C prints them
    ("2024-03-15 10:30:00", D(2024, 3, 15)),
    ("2024-03-15T10:30:00", D(2024, 3, 15)),
    ("15.03.2024 10:30", D(2024, 3, 15)),
    ("15.03.2024 23:59:59", D(2024, 3, 15)),
    ("01.01.70", D(1970, 1, 1)),
]


def test_date_formats_are_read(ws, tmp_path):
    path = many_orders(tmp_path, "order_date", [text for text, _ in DATES])

    result = ws.import_file("orders", path)

    assert result.rejected == 0
    got = [r["order_date"] for r in table_rows(ws, "orders")]
    assert list(zip([t for t, _ in DATES], got, strict=True)) == DATES


def test_an_impossible_or_unknown_date_is_rejected_not_guessed(ws, tmp_path):
    # a slash date that reads neither as m/d/yyyy nor as d/m/yyyy (see the slash dates below)
    bad = ["31.02.2024", "2024-13-01", "15/13/2024", "15.03.202", "2024.03.15", "вчера"]
    path = many_orders(tmp_path, "order_date", ["2024-03-15", *bad])

    result = ws.import_file("orders", path)

    assert (result.new, result.rejected) == (1, len(bad))
    got = {r["row"]: reject_text(r, "en") for r in ws.sql("select * from _rejects").to_pylist()}
    assert got == {
        3 + i: f"order_date: '{text}' is not a date {NOT_A_DATE}" for i, text in enumerate(bad)
    }


def test_timestamps_keep_date_and_time(ws, tmp_path):
    path = write(
        tmp_path / "sends.csv",
        csv_text(
            [
                ["campaign_id", "customer_id", "sent_at", "opened_at"],
                ["spring", "Иван", "15.03.2024 09:05", "2024-03-15 10:00:01"],
            ]
        ),
    )

    ws.import_file("sends", path)

    row = table_rows(ws, "sends")[0]
    assert row["sent_at"] == dt.datetime(2024, 3, 15, 9, 5)
    assert row["opened_at"] == dt.datetime(2024, 3, 15, 10, 0, 1)


BOOLEANS = [("да", True), ("Да", True), ("нет", False), ("НЕТ", False), ("true", True),
            ("false", False), ("TRUE", True), ("1", True), ("0", False), ("yes", True),
            ("no", False), ("истина", True), ("ложь", False)]  # fmt: skip


def test_is_current_accepts_russian_and_english_booleans(ws, tmp_path):
    rows = [["customer_id", "contact_name", "is_current"]]
    rows += [[f"C{i:02d}", "Мария", text] for i, (text, _) in enumerate(BOOLEANS)]
    path = write(tmp_path / "contacts.csv", csv_text(rows))

    ws.import_file("contacts", path)

    got = [r["is_current"] for r in table_rows(ws, "contacts")]
    assert list(zip([t for t, _ in BOOLEANS], got, strict=True)) == BOOLEANS


def test_is_current_is_true_when_the_column_is_absent(ws, tmp_path):
    path = write(
        tmp_path / "contacts.csv", csv_text([["customer_id", "contact_name"], ["Иван", "Мария"]])
    )

    ws.import_file("contacts", path)

    assert table_rows(ws, "contacts")[0]["is_current"] is True


def test_is_current_is_true_when_the_cell_is_empty(ws, tmp_path):
    path = write(
        tmp_path / "contacts.csv",
        csv_text([["customer_id", "contact_name", "is_current"], ["Иван", "Мария", ""]]),
    )

    ws.import_file("contacts", path)

    assert table_rows(ws, "contacts")[0]["is_current"] is True


def test_a_word_that_is_not_yes_or_no_is_rejected(ws, tmp_path):
    path = write(
        tmp_path / "contacts.csv",
        csv_text(
            [
                ["customer_id", "contact_name", "is_current"],
                ["Иван", "Мария", "наверное"],
                ["Пётр", "Олег", "нет"],
            ]
        ),
    )

    result = ws.import_file("contacts", path)

    assert (result.new, result.rejected) == (1, 1)
    assert reject_text(result.first_rejects[0], "en") == "is_current: 'наверное' is not yes/no"
    assert result.first_rejects[0].row == 2


def test_choice_columns_accept_any_case_and_reject_other_values(ws, tmp_path):
    path = write(
        tmp_path / "consents.csv",
        csv_text(
            [
                ["customer_id", "channel", "status"],
                ["Иван", "email", "OPT_IN"],
                ["Пётр", "email", "наверное"],
            ]
        ),
    )

    result = ws.import_file("consents", path)

    assert [r["status"] for r in table_rows(ws, "consents")] == ["opt_in"]
    assert result.first_rejects[0] == Reject(3, "bad_choice", "status", "наверное")
    assert reject_text(result.first_rejects[0], "en") == (
        "status: 'наверное' is not one of the allowed values"
    )


def test_cells_are_trimmed_and_empty_optional_cells_are_null(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        csv_text(
            [[*ORDER_COLUMNS, "sku", "channel"], ["  7 ", " Иван ", "2024-03-15", "10", "", "   "]]
        ),
    )

    ws.import_file("orders", path)

    row = table_rows(ws, "orders")[0]
    assert (row["order_id"], row["customer_id"], row["sku"], row["channel"]) == (
        "7",
        "Иван",
        None,
        None,
    )


# --- 3. mapping ------------------------------------------------------------------------------


def test_map_names_the_canonical_column_of_a_file_column(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        csv_text(
            [
                ["Номер", "Контрагент", "Дата", "Сумма"],
                ["1", "ООО Ромашка", "15.03.2024", "1 234,56"],
            ]
        ),
        "cp1251",
    )

    ws.import_file(
        "orders",
        path,
        maps=["Номер=order_id", "Контрагент=customer_id", "Дата=order_date", "Сумма=amount"],
    )

    assert table_rows(ws, "orders", ORDER_COLUMNS) == [
        {
            "order_id": "1",
            "customer_id": "ООО Ромашка",
            "order_date": D(2024, 3, 15),
            "amount": 1234.56,
        }
    ]


def test_headers_match_canonical_names_ignoring_case_spaces_and_hyphens(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        csv_text(
            [
                [" ORDER ID ", "Customer-Id", "Order Date", "Amount"],
                ["1", "Иван", "2024-03-15", "5"],
            ]
        ),
    )

    result = ws.import_file("orders", path)

    assert (result.new, result.ignored_columns) == (1, [])
    assert table_rows(ws, "orders", ORDER_COLUMNS)[0]["order_date"] == D(2024, 3, 15)


def test_map_naming_a_column_the_file_lacks_is_an_error_naming_it(ws, tmp_path):
    err = import_error(ws, "orders", one_order(tmp_path), maps=["Контрагент=customer_id"])

    assert err.key == "map_source_missing"
    assert str(err).startswith("orders.csv: --map names column 'Контрагент'")
    assert "order_id, customer_id, order_date, amount" in str(err)


def test_map_to_a_column_the_table_lacks_is_an_error_listing_its_columns(ws, tmp_path):
    err = import_error(ws, "orders", one_order(tmp_path), maps=["amount=revenue"])

    assert err.key == "map_target_unknown"
    assert "'revenue'" in str(err) and "order_date" in str(err)


@pytest.mark.parametrize("item", ["customer_id", "=customer_id", "Контрагент="])
def test_a_map_without_both_sides_is_an_error(ws, tmp_path, item):
    err = import_error(ws, "orders", one_order(tmp_path), maps=[item])

    assert err.key == "bad_map"
    assert item in str(err)


def test_two_file_columns_landing_on_one_canonical_column_is_an_error(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        csv_text(
            [
                ["order_id", "customer_id", "Customer ID", "order_date", "amount"],
                ["1", "a", "b", "2024-03-15", "1"],
            ]
        ),
    )

    err = import_error(ws, "orders", path)

    assert err.key == "duplicate_column"
    assert str(err) == "orders.csv: columns 'customer_id' and 'Customer ID' both map to customer_id"


def test_a_map_onto_a_column_the_file_already_has_is_an_error(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        csv_text([[*ORDER_COLUMNS, "Контрагент"], ["1", "a", "2024-03-15", "1", "b"]]),
    )

    err = import_error(ws, "orders", path, maps=["Контрагент=customer_id"])

    assert err.key == "duplicate_column"
    assert "'customer_id'" in str(err) and "'Контрагент'" in str(err)


def test_a_column_name_repeated_in_the_header_is_an_error_when_it_is_a_canonical_column(
    ws, tmp_path
):
    path = write(
        tmp_path / "orders.csv",
        csv_text([[*ORDER_COLUMNS, "customer_id"], ["1", "a", "2024-03-15", "1", "b"]]),
    )

    err = import_error(ws, "orders", path)

    assert str(err) == "orders.csv: columns 'customer_id' and 'customer_id' both map to customer_id"


def test_two_customer_columns_landing_on_one_extra_attribute_is_an_error(ws, tmp_path):
    path = write(
        tmp_path / "customers.csv",
        csv_text([["customer_id", "Менеджер", "менеджер "], ["C1", "Ольга", "Игорь"]]),
    )

    err = import_error(ws, "customers", path)

    assert err.key == "duplicate_column"
    assert str(err) == "customers.csv: columns 'Менеджер' and 'менеджер' both map to менеджер"


def test_repeated_unused_column_names_keep_every_cell_of_a_rejected_row(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        csv_text(
            [
                [*ORDER_COLUMNS, "Комментарий", "Комментарий"],
                ["1", "Иван", "2024-03-15", "1", "первый", "второй"],
                ["2", "Пётр", "вчера", "1", "третий", "четвёртый"],
            ]
        ),
    )

    result = ws.import_file("orders", path)

    assert result.ignored_columns == ["Комментарий", "Комментарий (2)"]
    rejected = next(csv.DictReader(io.StringIO(Path(result.rejects_path).read_text("utf-8-sig"))))
    assert (rejected["Комментарий"], rejected["Комментарий (2)"]) == ("третий", "четвёртый")


def test_missing_required_columns_are_named_with_what_the_file_has(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv", csv_text([["order_id", "Клиент", "amount"], ["1", "Иван", "5"]])
    )

    err = import_error(ws, "orders", path)

    assert err.key == "missing_columns"
    assert str(err).startswith(
        "orders.csv: missing required column(s) customer_id, order_date for table orders; "
        "the file has: order_id, Клиент, amount"
    )


def test_customers_keep_extra_columns_as_text_attributes(ws, tmp_path):
    path = write(
        tmp_path / "customers.csv",
        csv_text(
            [
                ["customer_id", "name", "Account Manager", "ИНН"],
                ["C1", "Ромашка", "Ольга", "7701000001"],
            ]
        ),
    )

    result = ws.import_file("customers", path)

    assert result.ignored_columns == []
    row = table_rows(ws, "customers")[0]
    assert (row["name"], row["account_manager"], row["инн"]) == ("Ромашка", "Ольга", "7701000001")


def test_unknown_columns_of_other_tables_are_reported_as_ignored(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        csv_text(
            [
                [*ORDER_COLUMNS, "Комментарий", "manager"],
                ["1", "Иван", "2024-03-15", "5", "срочно", "Ольга"],
            ]
        ),
    )

    result = ws.import_file("orders", path)

    assert result.ignored_columns == ["Комментарий", "manager"]
    assert "manager" not in ws.table("orders").columns


# --- 6. properties ---------------------------------------------------------------------------

CYRILLIC = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
names = (
    st.text(alphabet=CYRILLIC + ' -.,;"«»№0123456789', min_size=1, max_size=16)
    .map(str.strip)
    .filter(bool)
)
order_ids = st.text(alphabet="0123456789АБЗ-/", min_size=1, max_size=8)
order_lines = st.lists(
    st.tuples(
        names,
        st.dates(D(1995, 1, 1), D(2099, 12, 31)),
        st.integers(-(10**10), 10**10),  # amount in kopecks
        st.sampled_from(["%Y-%m-%d", "%d.%m.%Y"]),
    ),
    min_size=1,
    max_size=20,
)
# (delimiter, decimal mark, thousands separators that go with it)
styles = st.sampled_from(
    [
        (";", ",", ("", " ", NBSP, ".")),
        ("\t", ",", ("", " ", NBSP)),
        (",", ",", ("", " ")),
        (",", ".", ("", ",")),
        (";", ".", ("", ",")),
        ("\t", ".", ("", ",")),
    ]
)
FAST = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def order_files(draw):
    """Random valid orders and a CSV of them in a random encoding, delimiter and decimal style.

    Orders either have one line each (no line_no column) or several lines numbered in a line_no
    column. Returns (expected rows, file bytes).
    """
    lines = draw(order_lines)
    multi = draw(st.booleans())
    ids = draw(st.lists(order_ids, min_size=len(lines), max_size=len(lines), unique=True))
    if multi:  # several lines per order: ids drawn from a few, numbered in a line_no column
        ids = [ids[draw(st.integers(0, min(2, len(ids) - 1)))] for _ in lines]
    sep, decimal, thousands_options = draw(styles)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    header = ORDER_COLUMNS + (["line_no"] if multi else [])
    rows, expected, seen = [header], [], {}
    for order_id, (customer, day, kopecks, date_format) in zip(ids, lines, strict=True):
        seen[order_id] = seen.get(order_id, 0) + 1
        value = kopecks / 100
        text = amount_text(value, decimal, draw(st.sampled_from(thousands_options)))
        row = [order_id, customer, day.strftime(date_format), text]
        rows.append(row + ([str(seen[order_id])] if multi else []))
        expected.append(
            {"order_id": order_id, "customer_id": customer, "order_date": day, "amount": value,
             "line_no": seen[order_id]}
        )  # fmt: skip
    data = csv_text(rows, sep, newline).encode(encoding)
    return expected, data


def _sorted(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (r["order_id"], r["line_no"]))


def _read_back(ws: Workspace) -> list[dict]:
    return _sorted(ws.table("orders").select(*ORDER_COLUMNS, "line_no").to_pyarrow().to_pylist())


@FAST
@given(order_files())
def test_any_valid_orders_file_reads_back_exactly(case):
    expected, data = case
    with tempfile.TemporaryDirectory() as tmp, Workspace(Path(tmp) / "ws", create=True) as ws:
        (Path(tmp) / "orders.csv").write_bytes(data)

        result = ws.import_file("orders", Path(tmp) / "orders.csv")

        assert (result.rows_read, result.new, result.rejected) == (len(expected), len(expected), 0)
        got = _read_back(ws)
    assert got == _sorted(expected)
    assert all(math.isfinite(r["amount"]) for r in got)


@FAST
@given(order_files(), st.data())
def test_reimporting_any_subset_of_an_imported_file_changes_nothing(case, data):
    expected, raw = case
    text_lines = raw.splitlines(keepends=True)
    header, body = text_lines[0], text_lines[1:]
    keep = data.draw(st.lists(st.booleans(), min_size=len(body), max_size=len(body)))
    subset = header + b"".join(line for line, k in zip(body, keep, strict=True) if k)
    with tempfile.TemporaryDirectory() as tmp, Workspace(Path(tmp) / "ws", create=True) as ws:
        (Path(tmp) / "all.csv").write_bytes(raw)
        (Path(tmp) / "part.csv").write_bytes(subset)
        ws.import_file("orders", Path(tmp) / "all.csv")
        before = _read_back(ws)

        result = ws.import_file("orders", Path(tmp) / "part.csv")

        assert (result.new, result.updated, result.unchanged) == (0, 0, sum(keep))
        assert _read_back(ws) == before == _sorted(expected)
