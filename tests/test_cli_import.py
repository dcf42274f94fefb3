"""`cxray import`, `status` and `sql` as a specification: a good file imports with a summary, a bad
one prints one line naming the file (and row and column), exits 1 and leaves the workspace as it
was; status and sql speak JSON."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from conftest import one_line_error
from typer.testing import CliRunner

from cxray.cli import app
from cxray.workspace import Workspace

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


def csv_bytes(rows: list[list[str]], sep: str = ";", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def put(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def cxray(ws: Path, *args: str):
    """Run the command line on workspace ``ws``; the result has exit_code, stdout and stderr."""
    return CliRunner().invoke(app, ["--workspace", str(ws), *args])


def snapshot(ws: Path) -> dict[str, list[str]]:
    with Workspace(ws, read_only=True, create=False) as w:
        return {name: _rows(w, name) for name in sorted(w.con.list_tables())}


def _rows(w: Workspace, name: str) -> list[str]:
    data = w.con.table(name).to_pyarrow().to_pylist()
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in data)


@pytest.fixture
def ws(tmp_path) -> Path:
    return tmp_path / "ws"


def _load_good_orders(ws: Path, folder: Path) -> Path:
    result = cxray(ws, "import", "orders", str(put(folder / "good.csv", csv_bytes(GOOD_ORDERS))))
    assert result.exit_code == 0, result.output
    return ws


@pytest.fixture
def loaded(ws, tmp_path) -> Path:
    """A workspace holding the three good orders."""
    return _load_good_orders(ws, tmp_path)


@pytest.fixture(scope="module")
def shared_loaded(tmp_path_factory) -> Path:
    """Like ``loaded``, shared by the cases that must each leave it exactly as it was."""
    folder = tmp_path_factory.mktemp("shared")
    return _load_good_orders(folder / "ws", folder)


# --- a good import --------------------------------------------------------------------------


def test_import_prints_a_summary_and_exits_0(ws, tmp_path):
    path = put(tmp_path / "orders.csv", csv_bytes(GOOD_ORDERS, encoding="cp1251"))

    result = cxray(ws, "import", "orders", str(path))

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "orders: 3 rows read from orders.csv: 3 new, 0 updated, 0 unchanged, 0 rejected"
    )
    assert (ws / "cxray.duckdb").exists()


def test_import_json_reports_the_counts(ws, tmp_path):
    path = put(tmp_path / "orders.csv", csv_bytes(GOOD_ORDERS))
    cxray(ws, "import", "orders", str(path))

    result = cxray(ws, "import", "orders", str(path), "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "table": "orders", "file": str(path), "rows_read": 3, "new": 0, "updated": 0,
        "unchanged": 3, "rejected": 0, "rejects_path": None, "ignored_columns": [],
        "derived_amounts": 0, "identical_lines": 0, "identical_amount": 0.0,
        "rejects_by_reason": [], "related": {},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("sep", "encoding", "options"),
    [
        ("\t", "cp1251", ["--sep", "tab", "--encoding", "cp1251"]),
        (";", "cp1251", ["--sep", ";", "--encoding", "windows-1251"]),
        (",", "utf-8-sig", ["--sep", ",", "--encoding", "utf-8-sig"]),
        ("|", "utf-8", ["--sep", "|"]),
    ],
)
def test_sep_and_encoding_options_read_the_file_as_told(ws, tmp_path, sep, encoding, options):
    path = put(tmp_path / "orders.txt", csv_bytes(GOOD_ORDERS, sep, encoding))

    result = cxray(ws, "import", "orders", str(path), *options, "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["new"] == 3
    assert sql_json(ws, "select customer_id from orders order by order_id") == [
        {"customer_id": "ООО Ромашка"}, {"customer_id": "ИП Ёлкин"}, {"customer_id": "ООО Ромашка"}
    ]  # fmt: skip


def test_map_options_name_the_file_columns(ws, tmp_path):
    rows = [["Номер", "Контрагент", "Дата", "Сумма"], *GOOD_ORDERS[1:]]
    path = put(tmp_path / "orders.csv", csv_bytes(rows, encoding="cp1251"))

    result = cxray(
        ws, "import", "orders", str(path),
        "--map", "Номер=order_id", "-m", "Контрагент=customer_id",
        "--map", "Дата=order_date", "--map", "Сумма=amount",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert sql_json(ws, "select round(sum(amount), 2) as total from orders") == [{"total": 1194.06}]


def test_import_names_the_columns_it_did_not_use(ws, tmp_path):
    rows = [[*ORDER_HEADER, "Комментарий"], ["1", "Иван", "15.03.2024", "5", "срочно"]]

    result = cxray(ws, "import", "orders", str(put(tmp_path / "o.csv", csv_bytes(rows))))

    assert result.exit_code == 0, result.output
    assert "columns not used: Комментарий" in result.stdout


def test_rejected_rows_are_listed_with_row_and_column_and_the_import_still_succeeds(ws, tmp_path):
    rows = [
        *GOOD_ORDERS,
        ["4", "Иван", "31.02.2024", "1"],
        ["5", "Пётр", "01.03.2024", "12 руб."],
        ["1", "ООО Ромашка", "2024-03-15", "1234.56"],
        ["6", "Анна", "01.03.2024", "1", "лишнее"],
    ]

    path = put(tmp_path / "orders.csv", csv_bytes(rows))
    result = cxray(ws, "import", "orders", str(path), "--identical-lines", "reject")

    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert (
        lines[0] == "orders: 7 rows read from orders.csv: 3 new, 0 updated, 0 unchanged, 4 rejected"
    )
    # one line per reason (1 of 7 rows each; amounts read: 1234.56 - 50.5 + 10 + 1 + 1234.56 + 1
    # = 2430.62, of which row 7 holds 1234.56, 51%), then its example rows
    assert lines[1:9] == [
        "  1 row (14%, <1% of amount): order_date is not a date",
        f"    row 5: order_date: '31.02.2024' is not a date {NOT_A_DATE}",
        "  1 row (14%, 0% of amount): amount is not a number",
        "    row 6: amount: '12 руб.' is not a number",
        "  1 row (14%, 51% of amount): the same as an earlier row",
        "    row 7: same as row 2",
        "  1 row (14%, <1% of amount): more fields than the header has",
        "    row 8: more fields than the header has",
    ]
    assert lines[9].startswith("rejected rows with their reasons: ")
    rejects = Path(lines[9].split(": ", 1)[1])
    assert rejects.parent == ws / "rejects"
    text = rejects.read_bytes().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[0] == [*ORDER_HEADER, "row", "reason", "problem"]
    assert sql_json(ws, "select count(*) as n from _rejects") == [{"n": 4}]


def test_a_header_only_file_imports_zero_rows_and_exits_0(ws, tmp_path):
    result = cxray(ws, "import", "orders", str(put(tmp_path / "o.csv", csv_bytes([ORDER_HEADER]))))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("orders: 0 rows read from o.csv: 0 new")


# --- bad input: one line, exit 1, workspace unchanged ---------------------------------------


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "не таблица")
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
BAD_INPUT = {
    # name: (file bytes, extra arguments, texts the one error line must contain)
    "wrong_encoding": (
        csv_bytes(GOOD_ORDERS, encoding="cp1251"),
        ["--encoding", "utf-8"],
        ["bad.csv, row 2:", "cannot decode byte 0xce as utf-8", "--encoding cp1251"],
    ),
    "missing_required_column": (
        csv_bytes([["order_id", "customer_id", "amount"], ["1", "Иван", "5"]]),
        [],
        ["bad.csv:", "missing required column(s) order_date", "the file has: order_id"],
    ),
    "every_row_invalid": (
        csv_bytes([ORDER_HEADER, ["7", "Иван", "15.03.2024", "x"], ["8", "Пётр", "??", "1"]]),
        [],
        [
            "bad.csv: all 2 rows rejected",
            "row 2: amount: 'x' is not a number",
            "rejects written to",
        ],
    ),
    "zero_bytes": (b"", [], ["bad.csv: the file is empty"]),
    "png_image": (PNG, [], ["bad.csv: not a table"]),
    "random_zip": (_zip(), [], ["bad.csv: not a table"]),
    "map_of_a_missing_column": (
        csv_bytes(GOOD_ORDERS),
        ["--map", "Контрагент=customer_id"],
        ["bad.csv: --map names column 'Контрагент'"],
    ),
    "map_to_an_unknown_column": (
        csv_bytes(GOOD_ORDERS),
        ["--map", "amount=revenue"],
        ["table orders has no column 'revenue'"],
    ),
    "two_columns_on_one": (
        csv_bytes([[*ORDER_HEADER, "Customer ID"], ["1", "a", "15.03.2024", "1", "b"]]),
        [],
        ["bad.csv: columns 'customer_id' and 'Customer ID' both map to customer_id"],
    ),
    "bad_map_syntax": (csv_bytes(GOOD_ORDERS), ["--map", "customer_id"], ["--map 'customer_id'"]),
    "unknown_encoding": (csv_bytes(GOOD_ORDERS), ["--encoding", "latin9"], ["'latin9'"]),
    "long_separator": (csv_bytes(GOOD_ORDERS), ["--sep", "::"], ["'::'"]),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_prints_one_line_exits_1_and_changes_nothing(shared_loaded, tmp_path, case):
    data, arguments, expected = BAD_INPUT[case]
    path = put(tmp_path / "bad.csv", data)
    before = snapshot(shared_loaded)

    result = cxray(shared_loaded, "import", "orders", str(path), *arguments)

    message = one_line_error(result)
    for text in expected:
        assert text in message
    assert snapshot(shared_loaded) == before


def test_every_row_invalid_still_writes_the_rejects_file(loaded, tmp_path):
    rows = [ORDER_HEADER, ["7", "Иван", "15.03.2024", "x"], ["8", "Пётр", "??", "1"]]

    result = cxray(loaded, "import", "orders", str(put(tmp_path / "bad.csv", csv_bytes(rows))))

    message = one_line_error(result)
    rejects = Path(message.split("rejects written to ", 1)[1])
    assert rejects.exists()
    rows_back = list(csv.DictReader(io.StringIO(rejects.read_bytes().decode("utf-8-sig"))))
    assert [(r["order_id"], r["row"]) for r in rows_back] == [("7", "2"), ("8", "3")]
    assert sql_json(loaded, "select count(*) as n from orders") == [{"n": 3}]


def test_a_missing_file_is_one_line_naming_it(loaded, tmp_path):
    before = snapshot(loaded)

    result = cxray(loaded, "import", "orders", str(tmp_path / "nope.csv"))

    assert one_line_error(result).endswith("nope.csv: no such file")
    assert snapshot(loaded) == before


def test_an_unknown_table_is_one_line_listing_the_tables(loaded, tmp_path):
    path = put(tmp_path / "o.csv", csv_bytes(GOOD_ORDERS))

    result = cxray(loaded, "import", "order", str(path))

    assert one_line_error(result).startswith("unknown table 'order'; tables: customers, contacts")


def test_errors_can_be_shown_in_russian(loaded, tmp_path):
    path = put(tmp_path / "bad.csv", b"")

    result = CliRunner().invoke(
        app, ["--workspace", str(loaded), "--lang", "ru", "import", "orders", str(path)]
    )

    assert one_line_error(result) == "bad.csv: файл пуст (нет строки заголовка)"


def test_a_failed_first_import_creates_no_workspace(tmp_path):
    result = cxray(tmp_path / "new", "import", "orders", str(tmp_path / "nope.csv"))

    assert one_line_error(result).endswith("nope.csv: no such file")
    assert not (tmp_path / "new").exists()


def test_lang_applies_to_one_invocation_only(loaded, tmp_path):
    path = put(tmp_path / "bad.csv", b"")
    CliRunner().invoke(
        app, ["--workspace", str(loaded), "--lang", "ru", "import", "orders", str(path)]
    )

    result = cxray(loaded, "import", "orders", str(path))

    assert one_line_error(result) == "bad.csv: the file is empty (no header row)"


# --- status and sql ---------------------------------------------------------------------------


def sql_json(ws: Path, query: str) -> list[dict]:
    result = cxray(ws, "sql", query, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["rows"]


def status_json(ws: Path) -> dict[str, dict]:
    result = cxray(ws, "status", "--json")
    assert result.exit_code == 0, result.output
    return {row["table"]: row for row in json.loads(result.stdout)["tables"]}


def test_status_json_reports_rows_rejected_and_date_range(loaded):
    status = status_json(loaded)

    assert status["orders"] == {
        "table": "orders", "rows": 3, "rejected": 0,
        "date_from": "2024-03-15", "date_to": "2024-04-01",
    }  # fmt: skip
    assert status["customers"] == {
        "table": "customers", "rows": 0, "rejected": 0, "date_from": None, "date_to": None
    }  # fmt: skip


def test_status_counts_the_rejected_rows_of_a_file_imported_twice_once(loaded, tmp_path):
    rows = [*GOOD_ORDERS, ["4", "Иван", "когда-то", "1"], ["5", "Пётр", "01.05.2024", "?"]]
    path = put(tmp_path / "orders.csv", csv_bytes(rows))
    assert cxray(loaded, "import", "orders", str(path)).exit_code == 0
    assert cxray(loaded, "import", "orders", str(path)).exit_code == 0

    orders = status_json(loaded)["orders"]

    assert (orders["rows"], orders["rejected"]) == (3, 2)
    assert sql_json(loaded, "select count(*) as n from _rejects") == [{"n": 4}]


def test_status_table_view_lists_every_table(loaded):
    result = cxray(loaded, "status")

    assert result.exit_code == 0, result.output
    for name in ("customers", "orders", "responses"):
        assert name in result.stdout


def test_status_without_a_workspace_is_one_line(tmp_path):
    result = cxray(tmp_path / "nowhere", "status")

    assert one_line_error(result).startswith("no workspace at ")
    assert not (tmp_path / "nowhere").exists()


def test_sql_json_returns_a_list_of_row_objects(loaded):
    rows = sql_json(
        loaded, "select order_id, customer_id, order_date, amount from orders order by 1"
    )

    assert rows == [
        {"order_id": "1", "customer_id": "ООО Ромашка", "order_date": "2024-03-15",
         "amount": 1234.56},
        {"order_id": "2", "customer_id": "ИП Ёлкин", "order_date": "2024-03-16", "amount": -50.5},
        {"order_id": "3", "customer_id": "ООО Ромашка", "order_date": "2024-04-01", "amount": 10.0},
    ]  # fmt: skip


def test_sql_table_view_shows_the_rows(loaded):
    result = cxray(loaded, "sql", "select customer_id from orders order by order_id")

    assert result.exit_code == 0, result.output
    assert "ИП Ёлкин" in result.stdout


@pytest.mark.parametrize("query", ["delete from orders", "drop table orders; select 1"])
def test_sql_that_would_change_data_is_refused_and_the_table_is_intact(loaded, query):
    before = snapshot(loaded)

    result = cxray(loaded, "sql", query)

    assert one_line_error(result) == "only one read-only query (SELECT or WITH ...) is allowed"
    assert snapshot(loaded) == before
    assert sql_json(loaded, "select count(*) as n from orders") == [{"n": 3}]


def test_consents_and_sends_import_with_the_same_checks(tmp_path):
    consents = tmp_path / "consents.csv"
    consents.write_bytes(
        "customer_id;channel;status;promised_frequency;date\n"
        "C1;email;opt_in;2/month;01.03.2026\n"
        "C2;email;maybe;;01.03.2026\n"
        "C3;sms;OPT_OUT;;2026-03-02\n".encode("cp1251")
    )
    result = cxray(tmp_path / "ws", "import", "consents", str(consents), "--json")
    data = json.loads(result.output)
    # C2's status is not opt_in / opt_out: rejected with its reason; the others kept
    assert (data["new"], data["rejected"]) == (2, 1)
    sends = tmp_path / "sends.csv"
    sends.write_text(
        "campaign_id,customer_id,sent_at,group,opened_at\n"
        "k1,C1,2026-03-05 10:00:00,target,2026-03-05 12:30:00\n"
        "k1,C3,2026-03-05 10:00:00,control,\n"
        "k1,C4,yesterday,target,\n",
        encoding="utf-8",
    )
    data = json.loads(cxray(tmp_path / "ws", "import", "sends", str(sends), "--json").output)
    assert (data["new"], data["rejected"]) == (2, 1)
    rejects = (tmp_path / "ws" / "rejects").glob("*sends.csv")
    text = next(rejects).read_text(encoding="utf-8-sig")
    assert "sent_at" in text and "yesterday" in text


def test_responses_import_rejects_non_numeric_scores_and_duplicate_answers(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(
        "customer_id;date;metric;score;survey;comment\n"
        "C1;01.03.2026;nps;9;rnps;Отлично\n"
        "C1;01.03.2026;nps;9;rnps;Отлично\n"  # the same answer twice
        "C2;01.03.2026;nps;десять;rnps;\n"  # not a number
        "C3;01.03.2026;eNPS;5;rnps;\n"  # not a metric cxray knows
        "C4;02.03.2026;ces;6;ces-support;Долго ждали\n",
        encoding="utf-8",
    )
    data = json.loads(cxray(tmp_path / "ws", "import", "responses", str(path), "--json").output)
    assert (data["new"], data["rejected"]) == (2, 3)
    text = next((tmp_path / "ws" / "rejects").glob("*responses.csv")).read_text("utf-8-sig")
    assert "same as row 2" in text and "десять" in text and "eNPS" in text
