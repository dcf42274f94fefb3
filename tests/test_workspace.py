"""The workspace as a specification: rejected rows are kept with their reason, a file that cannot be
imported changes nothing, re-importing is idempotent, status and sql report what is held."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxray import texts
from cxray.errors import CxrayError, Reject, reject_text
from cxray.ingest.schema import IMPORTS, REJECTS, TABLES
from cxray.workspace import Workspace

D = dt.date
ORDER_HEADER = ["order_id", "customer_id", "order_date", "amount"]
GOOD_ORDERS = [
    ORDER_HEADER,
    ["1", "ООО Ромашка", "15.03.2024", "1 234,56"],
    ["2", "ИП Ёлкин", "16.03.2024", "-50,5"],
    ["3", "ООО Ромашка", "01.04.2024", "10"],
]

# what a date that is none of the shapes read says
NOT_A_DATE = (
    "(yyyy-mm-dd, dd.mm.yyyy, dd.mm.yy, m/d/yyyy or d/m/yyyy; another format: --date-format)"
)


# --- helpers ---------------------------------------------------------------------------------


def csv_text(rows: list[list[str]], sep: str = ";") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n").writerows(rows)
    return out.getvalue()


def write(path: Path, rows: list[list[str]] | str, encoding: str = "utf-8", sep=";") -> Path:
    text = rows if isinstance(rows, str) else csv_text(rows, sep)
    path.write_bytes(text.encode(encoding))
    return path


def table_rows(ws: Workspace, name: str) -> list[dict]:
    data = ws.table(name).to_pyarrow().to_pylist()
    return sorted(data, key=lambda r: tuple(str(r[k]) for k in TABLES[name].key))


def snapshot(ws: Workspace) -> dict[str, list[str]]:
    """Every table of the workspace (bookkeeping included), rows in a comparable form."""
    result = {}
    for name in sorted(ws.con.list_tables()):
        data = ws.con.table(name).to_pyarrow().to_pylist()
        result[name] = sorted(json.dumps(r, sort_keys=True, default=str) for r in data)
    return result


def reasons(result) -> list[tuple[int, str]]:
    """The first rejects of an import as (row, the English reason)."""
    return [(r.row, reject_text(r, "en")) for r in result.first_rejects]


def rejects_files(ws: Workspace) -> list[Path]:
    return sorted((ws.path / "rejects").glob("*.csv")) if (ws.path / "rejects").exists() else []


def read_rejects_csv(path: Path) -> list[dict]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel opens Cyrillic UTF-8 correctly with a BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _load_good_files(ws: Workspace, folder: Path) -> Workspace:
    ws.import_file("orders", write(folder / "good_orders.csv", GOOD_ORDERS))
    customers = [["customer_id", "segment"], ["ООО Ромашка", "A"]]
    ws.import_file("customers", write(folder / "good_customers.csv", customers))
    return ws


@pytest.fixture
def loaded(ws, tmp_path):
    """A workspace already holding the good orders and customers (and their import log)."""
    return _load_good_files(ws, tmp_path)


@pytest.fixture(scope="module")
def shared_loaded(tmp_path_factory):
    """Like ``loaded``, shared by the cases that must each leave it exactly as it was."""
    folder = tmp_path_factory.mktemp("shared")
    with Workspace(folder / "ws", create=True) as ws:
        yield _load_good_files(ws, folder)


# --- 4. rejected rows are kept with their reason ------------------------------------------------


def test_rows_with_a_bad_date_or_amount_are_rejected_and_the_valid_rows_kept(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        [
            ORDER_HEADER,
            ["1", "Иван", "15.03.2024", "100"],
            ["2", "Пётр", "32.03.2024", "200"],
            ["3", "Олег", "16.03.2024", "двести"],
            ["4", "Анна", "17.03.2024", "1 234,56"],
        ],
    )

    result = ws.import_file("orders", path)

    assert (result.rows_read, result.new, result.rejected) == (4, 2, 2)
    assert [r["order_id"] for r in table_rows(ws, "orders")] == ["1", "4"]
    assert reasons(result) == [
        (3, f"order_date: '32.03.2024' is not a date {NOT_A_DATE}"),
        (4, "amount: 'двести' is not a number"),
    ]


def test_the_rejects_file_keeps_the_original_cells_with_row_and_reason(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        [ORDER_HEADER, ["1", "Иван", "15.03.2024", "100"], ["2", "Пётр", "вчера", "1 234,56"]],
        encoding="cp1251",
    )

    result = ws.import_file("orders", path)

    assert result.rejects_path is not None
    assert rejects_files(ws) == [Path(result.rejects_path)]
    assert read_rejects_csv(Path(result.rejects_path)) == [
        {"order_id": "2", "customer_id": "Пётр", "order_date": "вчера", "amount": "1 234,56",
         "row": "3", "reason": f"order_date: 'вчера' is not a date {NOT_A_DATE}",
         "problem": "bad_date"},
    ]  # fmt: skip


def test_the_rejects_table_records_file_row_column_problem_and_raw_cells(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        [ORDER_HEADER, ["1", "Иван", "15.03.2024", "100"], ["2", "", "16.03.2024", "5"]],
    )

    ws.import_file("orders", path)

    (reject,) = ws.con.table(REJECTS).to_pyarrow().to_pylist()
    assert reject["table_name"] == "orders"
    assert reject["file"] == str(path)
    assert (reject["row"], reject["column"], reject["problem"]) == (
        3,
        "customer_id",
        "missing_value",
    )
    assert reject["value"] is None and "reason" not in reject  # codes, never translated text
    assert reject_text(reject, "en") == "customer_id: value is required"
    assert json.loads(reject["raw"]) == {
        "order_id": "2", "customer_id": "", "order_date": "16.03.2024", "amount": "5"
    }  # fmt: skip
    assert len(reject["sha256"]) == 64


def test_the_rejects_file_keeps_file_columns_named_row_and_reason_apart(ws, tmp_path):
    path = write(
        tmp_path / "customers.csv",
        [["customer_id", "row", "reason", "problem"], ["C1", "5", "опт", "x"],
         ["C1", "6", "розница", "y"]],
    )  # fmt: skip

    result = ws.import_file("customers", path)

    text = Path(result.rejects_path).read_bytes().decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert len(header) == len(set(header)), header
    assert header[-3:] == ["_row", "_reason", "_problem"]


def test_a_file_without_problems_writes_no_rejects(ws, tmp_path):
    result = ws.import_file("orders", write(tmp_path / "orders.csv", GOOD_ORDERS))

    assert (result.rejected, result.rejects_path) == (0, None)
    assert rejects_files(ws) == []
    assert not ws.has(REJECTS)


def test_an_exact_duplicate_row_is_rejected_as_same_as_the_first(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        [ORDER_HEADER, ["1", "Иван", "15.03.2024", "100"], ["2", "Пётр", "15.03.2024", "7"],
         ["1", "Иван", "2024-03-15", "100,00"]],  # the same values, written differently
    )  # fmt: skip

    result = ws.import_file("orders", path, identical_lines="reject")

    assert (result.new, result.rejected) == (2, 1)
    assert reasons(result) == [(4, "same as row 2")]
    assert [r["line_no"] for r in table_rows(ws, "orders")] == [1, 1]


def test_a_repeated_customer_with_other_values_is_rejected_as_same_key(ws, tmp_path):
    path = write(
        tmp_path / "customers.csv",
        [["customer_id", "segment"], ["C1", "A"], ["C2", "B"], ["C1", "C"], ["C1", "A"]],
    )

    result = ws.import_file("customers", path)

    assert reasons(result) == [(4, "same key as row 2"), (5, "same as row 2")]
    assert [(r["customer_id"], r["segment"]) for r in table_rows(ws, "customers")] == [
        ("C1", "A"),
        ("C2", "B"),
    ]


def test_a_repeated_order_line_with_other_values_is_rejected_as_same_key(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        [[*ORDER_HEADER, "line_no"], ["1", "Иван", "15.03.2024", "100", "1"],
         ["1", "Иван", "15.03.2024", "999", "1"], ["1", "Иван", "15.03.2024", "5", "2"]],
    )  # fmt: skip

    result = ws.import_file("orders", path)

    assert reasons(result) == [(3, "same key as row 2")]
    assert [(r["line_no"], r["amount"]) for r in table_rows(ws, "orders")] == [(1, 100.0), (2, 5.0)]


def test_a_duplicate_names_the_row_it_repeats_not_just_the_first_with_its_key(ws, tmp_path):
    path = write(
        tmp_path / "customers.csv",
        [["customer_id", "segment"], ["C1", "A"], ["C1", "B"], ["C1", "B"]],
    )

    result = ws.import_file("customers", path)

    assert reasons(result) == [(3, "same key as row 2"), (4, "same as row 3")]


def test_duplicates_in_an_xlsx_file_are_kept_in_the_rejects(ws, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in [["customer_id", "segment"], ["C1", "A"], ["C2", "B"], ["C1", "A"]]:
        book.active.append(row)
    book.save(tmp_path / "customers.xlsx")

    result = ws.import_file("customers", tmp_path / "customers.xlsx")

    assert (result.new, result.rejected) == (2, 1)
    assert reasons(result) == [(4, "same as row 2")]
    assert read_rejects_csv(Path(result.rejects_path)) == [
        {"customer_id": "C1", "segment": "A", "row": "4", "reason": "same as row 2",
         "problem": "duplicate_row"},
    ]  # fmt: skip


def test_duplicates_in_a_parquet_file_are_kept_in_the_rejects(ws, tmp_path):
    pq.write_table(
        pa.table({"customer_id": ["C1", "C2", "C1"], "segment": ["A", "B", "Z"]}),
        tmp_path / "customers.parquet",
    )

    result = ws.import_file("customers", tmp_path / "customers.parquet")

    assert reasons(result) == [(4, "same key as row 2")]
    assert read_rejects_csv(Path(result.rejects_path))[0]["segment"] == "Z"


def test_a_row_with_more_fields_than_the_header_is_rejected_keeping_every_cell(ws, tmp_path):
    text = (
        "order_id;customer_id;order_date;amount\n"
        "1;Иван;15.03.2024;100\n"
        "2;Пётр;16.03.2024;1;5;лишнее\n"
    )
    path = write(tmp_path / "orders.csv", text)

    result = ws.import_file("orders", path)

    assert (result.new, result.rejected) == (1, 1)
    assert reasons(result) == [(3, "more fields than the header has")]
    (reject,) = ws.con.table(REJECTS).to_pyarrow().to_pylist()
    assert (reject["problem"], reject["value"]) == ("malformed_line", "5;лишнее")
    assert json.loads(reject["raw"]) == {
        "order_id": "2", "customer_id": "Пётр", "order_date": "16.03.2024", "amount": "1"
    }  # fmt: skip


def test_trailing_empty_fields_are_not_extra_fields(ws, tmp_path):
    text = "order_id;customer_id;order_date;amount\n1;Иван;15.03.2024;100;;\n"

    result = ws.import_file("orders", write(tmp_path / "orders.csv", text))

    assert (result.new, result.rejected) == (1, 0)


def test_a_short_row_is_rejected_naming_the_missing_column(ws, tmp_path):
    text = "order_id;customer_id;order_date;amount\n1;Иван;15.03.2024;100\n2;Пётр\n"

    result = ws.import_file("orders", write(tmp_path / "orders.csv", text))

    assert reasons(result) == [(3, "order_date: value is required")]


def test_rows_are_numbered_as_a_spreadsheet_shows_them(ws, tmp_path):
    # a quoted comment spanning three lines is one spreadsheet row; a blank line is a blank row
    text = (
        "customer_id;date;metric;score;comment\n"
        'Иван;15.03.2024;nps;9;"Всё хорошо,\nно доставка\nопоздала"\n'
        "\n"
        "Пётр;16.03.2024;nps;десять;\n"
    )

    result = ws.import_file("responses", write(tmp_path / "responses.csv", text))

    assert reasons(result) == [(4, "score: 'десять' is not a number")]
    assert table_rows(ws, "responses")[0]["comment"] == "Всё хорошо,\nно доставка\nопоздала"


def test_a_quote_that_is_never_closed_rejects_its_row_only(ws, tmp_path):
    # without the closing quote every later line would end up inside one comment: the row where
    # it opened is rejected, the line after it is a row of its own
    text = (
        "customer_id;date;metric;score;comment\n"
        "Иван;15.03.2024;nps;9;ок\n"
        'Пётр;16.03.2024;nps;3;"Всё плохо\n'
        "Олег;17.03.2024;nps;10;отлично\n"
    )

    result = ws.import_file("responses", write(tmp_path / "responses.csv", text))

    assert (result.rows_read, result.new, result.rejected) == (3, 2, 1)
    assert [(r.row, r.problem, r.column) for r in result.first_rejects] == [
        (3, "unbalanced_quote", "comment")
    ]
    stored = ws.sql("select customer_id from responses").column("customer_id").to_pylist()
    assert sorted(stored) == ["Иван", "Олег"]


def test_a_last_line_without_a_newline_is_read(ws, tmp_path):
    text = 'customer_id;name\r\nC1;Ромашка\r\nC2;"Лютик; филиал"'

    result = ws.import_file("customers", write(tmp_path / "customers.csv", text))

    assert result.new == 2
    assert table_rows(ws, "customers")[1]["name"] == "Лютик; филиал"


def test_a_header_only_file_imports_no_rows_without_error(ws, tmp_path):
    result = ws.import_file("orders", write(tmp_path / "orders.csv", [ORDER_HEADER]))

    assert (result.rows_read, result.new, result.rejected) == (0, 0, 0)
    assert table_rows(ws, "orders") == []


def test_a_header_only_file_leaves_held_rows_alone(loaded, tmp_path):
    before = table_rows(loaded, "orders")

    result = loaded.import_file("orders", write(tmp_path / "orders.csv", [ORDER_HEADER]))

    assert (result.new, result.updated, result.unchanged) == (0, 0, 0)
    assert table_rows(loaded, "orders") == before


def test_a_file_whose_every_row_is_invalid_imports_nothing_but_writes_its_rejects(loaded, tmp_path):
    before = snapshot(loaded)
    path = write(
        tmp_path / "bad.csv",
        [ORDER_HEADER, ["7", "Иван", "15.03.2024", "много"], ["8", "Пётр", "когда-то", "1"]],
    )

    with pytest.raises(CxrayError) as info:
        loaded.import_file("orders", path)

    assert info.value.key == "all_rows_rejected"
    assert str(info.value).startswith(
        "bad.csv: all 2 rows rejected, first at row 2: amount: 'много' is not a number; "
        "nothing imported, rejects written to "
    )
    assert snapshot(loaded) == before
    (written,) = rejects_files(loaded)
    assert [r["row"] for r in read_rejects_csv(written)] == ["2", "3"]


def test_the_all_rows_rejected_error_carries_codes_and_is_translated_when_shown(ws, tmp_path):
    path = write(tmp_path / "bad.csv", [ORDER_HEADER, ["7", "Иван", "15.03.2024", "много"]])
    texts.set_lang("ru")  # the language of the moment does not reach the error's parameters

    with pytest.raises(CxrayError) as info:
        ws.import_file("orders", path)

    err = info.value
    rejects_path = str(rejects_files(ws)[0])
    assert err.params == {
        "file": "bad.csv",
        "rows": 1,
        "row": 2,
        "reason": {"key": "bad_number", "params": {"column": "amount", "value": "много"}},
        "path": rejects_path,
    }
    english = (
        "bad.csv: all 1 rows rejected, first at row 2: amount: 'много' is not a number; "
        f"nothing imported, rejects written to {rejects_path}"
    )
    assert err.message("en") == str(err) == english
    assert err.message("ru").startswith(
        "bad.csv: отклонены все 1 строк, первая в строке 2: amount: 'много' не число; "
    )
    # the rejects file is for people: its reason is in the language of the moment
    (row,) = read_rejects_csv(Path(rejects_path))
    assert (row["reason"], row["problem"]) == ("amount: 'много' не число", "bad_number")


def test_rejects_are_stored_as_codes_whatever_the_language(tmp_path):
    rows = [
        ORDER_HEADER,
        ["1", "Иван", "15.03.2024", "100"],
        ["2", "Пётр", "32.03.2024", "200"],
        ["3", "", "16.03.2024", "двести"],
        ["1", "Иван", "15.03.2024", "100"],
    ]
    stored, first = {}, {}
    for lang in ("en", "ru"):
        texts.set_lang(lang)
        with Workspace(tmp_path / lang, create=True) as w:
            result = w.import_file(
                "orders", write(tmp_path / "orders.csv", rows), identical_lines="reject"
            )
            data = w.con.table(REJECTS).drop("import_id", "file").to_pyarrow().to_pylist()
            stored[lang] = sorted(json.dumps(r, sort_keys=True) for r in data)
            first[lang] = result.first_rejects
            assert "reason" not in w.con.table(REJECTS).columns
    assert stored["en"] == stored["ru"]
    assert first["en"] == first["ru"]
    assert first["en"] == [
        Reject(3, "bad_date", "order_date", "32.03.2024"),
        Reject(4, "missing_value", "customer_id", None),
        Reject(5, "duplicate_row", None, "2"),
    ]
    assert [reject_text(r, "ru") for r in first["en"]] == [
        "order_date: '32.03.2024' не дата (гггг-мм-дд, дд.мм.гггг, дд.мм.гг, м/д/гггг или "
        "д/м/гггг; другой формат: --date-format)",
        "customer_id: значение обязательно",
        "повторяет строку 2",
    ]
    assert reject_text(first["en"][2]) == "повторяет строку 2"  # the language of the moment
    assert first["en"][1].to_dict() == {
        "row": 4, "problem": "missing_value", "column": "customer_id", "value": None
    }  # fmt: skip


def test_the_import_result_dict_has_no_reasons(ws, tmp_path):
    path = write(tmp_path / "orders.csv", [ORDER_HEADER, ["1", "Иван", "вчера", "100"],
                                           ["2", "Пётр", "15.03.2024", "5"]])  # fmt: skip

    result = ws.import_file("orders", path)

    assert result.to_dict() == {
        "table": "orders",
        "file": str(path),
        "rows_read": 2,
        "new": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "rejects_path": result.rejects_path,
        "ignored_columns": [],
        "derived_amounts": 0,
        "identical_lines": 0,
        "identical_amount": 0.0,
        # codes and numbers: the reason is a code, its text is the shell's (100 of 105: 95%)
        "rejects_by_reason": [
            {
                "problem": "bad_date",
                "column": "order_date",
                "rows": 1,
                "share": 0.5,
                "amount": 100.0,
                "amount_share": 100 / 105,
                "examples": [{"row": 2, "value": "вчера"}],
            }
        ],
        "related": {},
    }


OLD_REJECTS_LAYOUT = {  # _rejects as workspaces made before rejects were stored as codes
    "import_id": "string", "table_name": "string", "file": "string", "sha256": "string",
    "row": "int64", "column": "string", "problem": "string", "value": "string",
    "reason": "string", "raw": "string",
}  # fmt: skip


def test_a_rejects_table_of_the_old_layout_keeps_working(ws, tmp_path):
    old_row = {
        "import_id": "20240101T000000000000-orders", "table_name": "orders",
        "file": "old.csv", "sha256": "0" * 64, "row": 3, "column": "amount",
        "problem": "bad_number", "value": "x", "reason": "amount: 'x' is not a number",
        "raw": "{}",
    }  # fmt: skip
    ws.append(REJECTS, pa.Table.from_pylist([old_row]), OLD_REJECTS_LAYOUT)
    path = write(tmp_path / "orders.csv", [ORDER_HEADER, ["1", "Иван", "15.03.2024", "100"],
                                           ["2", "", "15.03.2024", "5"]])  # fmt: skip

    result = ws.import_file("orders", path)

    assert (result.new, result.rejected) == (1, 1)
    rows = sorted(ws.con.table(REJECTS).to_pyarrow().to_pylist(), key=lambda r: r["import_id"])
    assert [(r["file"], r["row"], r["problem"], r["reason"]) for r in rows] == [
        ("old.csv", 3, "bad_number", "amount: 'x' is not a number"),
        (str(path), 3, "missing_value", None),
    ]
    assert [reject_text(r, "en") for r in rows] == [
        "amount: 'x' is not a number",
        "customer_id: value is required",
    ]
    assert {s.table: s.rejected for s in ws.status()}["orders"] == 2


def test_append_fills_columns_the_rows_lack_and_refuses_unknown_ones(ws):
    schema = {"a": "string", "b": "int64"}
    ws.append("_scratch", pa.table({"b": pa.array([1], pa.int32())}), schema)
    ws.append("_scratch", pa.table({"a": ["x"]}), schema)
    ws.append("_scratch", pa.table({"a": pa.array([], pa.string())}), schema)
    assert ws.con.table("_scratch").to_pyarrow().to_pylist() == [
        {"a": None, "b": 1},
        {"a": "x", "b": None},
    ]
    with pytest.raises(ValueError, match="no column"):
        ws.append("_scratch", pa.table({"c": [1]}), schema)


def test_replace_overwrites_from_an_expression_of_the_table_itself(ws):
    ws.append("_scratch", pa.table({"n": pa.array([1, 2, 3], pa.int64())}), {"n": "int64"})
    t = ws.con.table("_scratch")
    ws.replace("_scratch", t.mutate(n=t.n * 10))
    assert sorted(ws.con.table("_scratch").to_pyarrow().column("n").to_pylist()) == [10, 20, 30]
    assert [n for n in ws.con.list_tables() if "staged" in n] == []


def test_transactions_nest_and_the_outermost_rolls_back(ws):
    ws.append("_scratch", pa.table({"n": pa.array([1], pa.int64())}), {"n": "int64"})
    with pytest.raises(RuntimeError), ws.transaction():
        ws.append("_scratch", pa.table({"n": pa.array([2], pa.int64())}), {"n": "int64"})
        t = ws.con.table("_scratch")
        ws.replace("_scratch", t.mutate(n=t.n + 100))  # a transaction of its own, nested
        raise RuntimeError("boom")
    assert ws.con.table("_scratch").to_pyarrow().column("n").to_pylist() == [1]


def test_replace_all_drops_cxray_tables_and_keeps_others(ws):
    ws.append("_followups", pa.table({"task_id": ["FU-1"]}), {"task_id": "string"})
    ws.con.create_table("theirs", schema=ibis.schema({"x": "int64"}))
    ws.replace_all({"customers": pa.table({"customer_id": ["C1"]})})
    held = [n for n in ws.con.list_tables() if not n.startswith("ibis_")]  # not Ibis' memtables
    assert sorted(held) == ["customers", "theirs"]


# --- 4. a file that cannot be imported changes nothing ------------------------------------------


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"


def _zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("notes.txt", "это не таблица")
    return out.getvalue()


BAD_FILES = {
    # name: (file bytes, import options, error key, text the message must contain)
    "wrong_encoding": (
        csv_text(GOOD_ORDERS).encode("cp1251"),
        {"encoding": "utf-8"},
        "file_bad_encoding",
        "orders.csv, row 2: cannot decode byte 0xce as utf-8",
    ),
    "missing_column": (
        csv_text([["order_id", "customer_id", "amount"], ["1", "Иван", "5"]]).encode(),
        {},
        "missing_columns",
        "orders.csv: missing required column(s) order_date for table orders",
    ),
    "zero_bytes": (b"", {}, "file_empty", "orders.csv: the file is empty"),
    "only_blank_lines": (b"\r\n \n\n", {}, "file_empty", "orders.csv: the file is empty"),
    "only_a_bom": (b"\xef\xbb\xbf", {}, "file_empty", "orders.csv: the file is empty"),
    "png_image": (PNG, {}, "file_not_table", "orders.csv: not a table"),
    "random_zip": (_zip_bytes(), {}, "file_not_table", "orders.csv: not a table"),
    "every_row_invalid": (
        csv_text([ORDER_HEADER, ["9", "Иван", "завтра", "1"]]).encode(),
        {},
        "all_rows_rejected",
        "orders.csv: all 1 rows rejected, first at row 2: order_date: 'завтра' is not a date",
    ),
    "map_of_a_missing_column": (
        csv_text(GOOD_ORDERS).encode(),
        {"maps": ["Контрагент=customer_id"]},
        "map_source_missing",
        "orders.csv: --map names column 'Контрагент'",
    ),
    "map_to_an_unknown_column": (
        csv_text(GOOD_ORDERS).encode(),
        {"maps": ["amount=revenue"]},
        "map_target_unknown",
        "table orders has no column 'revenue'",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_file_that_cannot_be_imported_leaves_the_workspace_as_it_was(
    shared_loaded, tmp_path, case
):
    data, options, key, message = BAD_FILES[case]
    path = tmp_path / "orders.csv"
    path.write_bytes(data)
    before = snapshot(shared_loaded)

    with pytest.raises(CxrayError) as info:
        shared_loaded.import_file("orders", path, **options)

    assert info.value.key == key
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert snapshot(shared_loaded) == before


def test_a_missing_file_is_an_error_naming_it(loaded, tmp_path):
    before = snapshot(loaded)

    with pytest.raises(CxrayError, match="nope.csv: no such file"):
        loaded.import_file("orders", tmp_path / "nope.csv")

    assert snapshot(loaded) == before


def test_an_unknown_table_is_an_error_listing_the_tables(loaded, tmp_path):
    with pytest.raises(CxrayError) as info:
        loaded.import_file("clients", write(tmp_path / "c.csv", GOOD_ORDERS))

    assert info.value.key == "unknown_table"
    assert "'clients'" in str(info.value) and "customers" in str(info.value)


# --- 5. idempotence -----------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(ws, tmp_path):
    path = write(tmp_path / "orders.csv", GOOD_ORDERS)
    first = ws.import_file("orders", path)
    held = table_rows(ws, "orders")

    second = ws.import_file("orders", path)

    assert (first.new, first.updated, first.unchanged) == (3, 0, 0)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 3)
    assert table_rows(ws, "orders") == held


def test_the_same_rows_in_csv_xlsx_and_parquet_are_the_same_rows(ws, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    ws.import_file("orders", write(tmp_path / "orders.csv", GOOD_ORDERS, encoding="cp1251"))
    held = table_rows(ws, "orders")
    book = openpyxl.Workbook()
    book.active.append(ORDER_HEADER)
    for r in held:
        book.active.append([r["order_id"], r["customer_id"], r["order_date"], r["amount"]])
    book.save(tmp_path / "orders.xlsx")
    pq.write_table(
        pa.table({c: pa.array([r[c] for r in held]) for c in ORDER_HEADER}),
        tmp_path / "orders.parquet",
    )

    from_xlsx = ws.import_file("orders", tmp_path / "orders.xlsx")
    from_parquet = ws.import_file("orders", tmp_path / "orders.parquet")

    assert (from_xlsx.new, from_xlsx.updated, from_xlsx.unchanged) == (0, 0, 3)
    assert (from_parquet.new, from_parquet.updated, from_parquet.unchanged) == (0, 0, 3)
    assert table_rows(ws, "orders") == held


def test_an_updated_file_updates_changed_rows_and_adds_new_ones(ws, tmp_path):
    ws.import_file(
        "customers",
        write(tmp_path / "c1.csv", [["customer_id", "name", "segment"], ["C1", "Ромашка", "A"],
                                    ["C2", "Лютик", "B"]]),
    )  # fmt: skip

    result = ws.import_file(
        "customers",
        write(tmp_path / "c2.csv", [["customer_id", "name", "segment"], ["C1", "Ромашка", "A"],
                                    ["C2", "Лютик", "A"], ["C3", "Астра", "C"]]),
    )  # fmt: skip

    assert (result.new, result.updated, result.unchanged) == (1, 1, 1)
    assert [(r["customer_id"], r["segment"]) for r in table_rows(ws, "customers")] == [
        ("C1", "A"),
        ("C2", "A"),
        ("C3", "C"),
    ]


def test_a_column_absent_from_a_later_customers_file_keeps_its_stored_value(ws, tmp_path):
    ws.import_file(
        "customers",
        write(tmp_path / "crm.csv", [["customer_id", "segment", "account_manager"],
                                     ["C1", "A", "Ольга"], ["C2", "B", "Игорь"]]),
    )  # fmt: skip

    result = ws.import_file(
        "customers",
        write(tmp_path / "erp.csv", [["customer_id", "region"], ["C1", "Москва"], ["C3", "Тверь"]]),
    )

    assert (result.new, result.updated) == (1, 1)
    rows = {r["customer_id"]: r for r in table_rows(ws, "customers")}
    assert (rows["C1"]["segment"], rows["C1"]["account_manager"], rows["C1"]["region"]) == (
        "A", "Ольга", "Москва"
    )  # fmt: skip
    assert (rows["C2"]["segment"], rows["C2"]["account_manager"], rows["C2"]["region"]) == (
        "B", "Игорь", None
    )  # fmt: skip
    assert (rows["C3"]["segment"], rows["C3"]["account_manager"]) == (None, None)


def test_a_new_extra_column_in_a_later_customers_file_is_added(ws, tmp_path):
    ws.import_file(
        "customers", write(tmp_path / "a.csv", [["customer_id", "segment"], ["C1", "A"]])
    )

    ws.import_file("customers", write(tmp_path / "b.csv", [["customer_id", "ИНН"], ["C2", "77"]]))

    rows = {r["customer_id"]: r for r in table_rows(ws, "customers")}
    assert (rows["C1"]["segment"], rows["C1"]["инн"]) == ("A", None)
    assert (rows["C2"]["segment"], rows["C2"]["инн"]) == (None, "77")


def test_order_lines_without_line_no_are_numbered_in_file_order(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv",
        [[*ORDER_HEADER, "sku"], ["A", "Иван", "15.03.2024", "10", "молоко"],
         ["B", "Пётр", "15.03.2024", "20", "сыр"], ["A", "Иван", "15.03.2024", "30", "хлеб"],
         ["A", "Иван", "15.03.2024", "40", "масло"]],
    )  # fmt: skip

    ws.import_file("orders", path)
    again = ws.import_file("orders", path)

    assert [(r["order_id"], r["line_no"], r["sku"]) for r in table_rows(ws, "orders")] == [
        ("A", 1, "молоко"), ("A", 2, "хлеб"), ("A", 3, "масло"), ("B", 1, "сыр")
    ]  # fmt: skip
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)


def test_reimporting_some_lines_of_an_order_without_line_no_keeps_the_other_lines(ws, tmp_path):
    header = [*ORDER_HEADER, "sku"]
    milk, bread = (
        ["A", "Иван", "15.03.2024", "10", "молоко"],
        ["A", "Иван", "15.03.2024", "30", "хлеб"],
    )
    ws.import_file("orders", write(tmp_path / "full.csv", [header, milk, bread]))
    held = table_rows(ws, "orders")

    ws.import_file("orders", write(tmp_path / "part.csv", [header, bread]))

    # today: line 1 (молоко) is replaced by хлеб, which is then held twice
    assert table_rows(ws, "orders") == held


def test_a_corrected_amount_updates_the_order_line(ws, tmp_path):
    ws.import_file("orders", write(tmp_path / "a.csv", GOOD_ORDERS))
    fixed = [row[:] for row in GOOD_ORDERS]
    fixed[3][3] = "12,5"

    result = ws.import_file("orders", write(tmp_path / "b.csv", fixed))

    assert (result.new, result.updated, result.unchanged) == (0, 1, 2)
    assert [r["amount"] for r in table_rows(ws, "orders")] == [1234.56, -50.5, 12.5]


def test_contacts_without_contact_id_do_not_duplicate_on_reimport(ws, tmp_path):
    path = write(
        tmp_path / "contacts.csv",
        [["customer_id", "contact_name", "email"], ["C1", "Мария", "Maria@Example.ru"],
         ["C1", "Олег", ""]],
    )  # fmt: skip

    ws.import_file("contacts", path)
    again = ws.import_file("contacts", path)

    assert (again.new, again.unchanged) == (0, 2)
    assert [r["contact_id"] for r in table_rows(ws, "contacts")] == ["maria@example.ru", "Олег"]


def test_every_import_is_logged_with_its_counts(ws, tmp_path):
    path = write(tmp_path / "orders.csv", [*GOOD_ORDERS, ["4", "Иван", "??", "1"]])
    ws.import_file("orders", path)
    ws.import_file("orders", path)

    log = sorted(ws.con.table(IMPORTS).to_pyarrow().to_pylist(), key=lambda r: r["imported_at"])

    counts = [(r["rows_read"], r["rows_new"], r["rows_unchanged"], r["rows_rejected"]) for r in log]
    assert counts == [(4, 3, 0, 1), (4, 0, 3, 1)]
    assert log[0]["sha256"] == log[1]["sha256"]


# --- 7. status and sql --------------------------------------------------------------------------


def test_status_reports_rows_rejected_rows_and_date_range(loaded):
    status = {s.table: s for s in loaded.status()}

    assert set(status) == set(TABLES)
    assert (status["orders"].rows, status["orders"].rejected) == (3, 0)
    assert (status["orders"].date_from, status["orders"].date_to) == (D(2024, 3, 15), D(2024, 4, 1))
    assert (status["customers"].rows, status["customers"].date_from) == (1, None)
    assert status["sends"].to_dict() == {
        "table": "sends", "rows": 0, "rejected": 0, "date_from": None, "date_to": None
    }  # fmt: skip


def test_a_file_rejected_twice_counts_its_rejected_rows_once(ws, tmp_path):
    path = write(
        tmp_path / "orders.csv", [*GOOD_ORDERS, ["4", "Иван", "??", "1"], ["5", "", "", ""]]
    )
    ws.import_file("orders", path)
    ws.import_file("orders", path)

    orders = next(s for s in ws.status() if s.table == "orders")

    assert (orders.rows, orders.rejected) == (3, 2)


def test_sql_runs_a_read_only_query(loaded):
    result = loaded.sql(
        "select customer_id, sum(amount) as total from orders group by 1 order by 1"
    )

    assert result.to_pylist() == [
        {"customer_id": "ИП Ёлкин", "total": -50.5},
        {"customer_id": "ООО Ромашка", "total": 1244.56},
    ]


@pytest.mark.parametrize(
    "query",
    ["delete from orders", "drop table orders", "update orders set amount = 0",
     "select 1; delete from orders", "insert into orders select * from orders"],
)  # fmt: skip
def test_sql_refuses_anything_but_one_read_only_query(loaded, query):
    before = snapshot(loaded)

    with pytest.raises(CxrayError) as info:
        loaded.sql(query)

    assert info.value.key == "sql_not_read_only"
    assert snapshot(loaded) == before


def test_sql_reports_a_failing_query_in_one_line(loaded):
    with pytest.raises(CxrayError) as info:
        loaded.sql("select nothing from orders")

    assert info.value.key == "sql_failed"
    assert "\n" not in str(info.value)
