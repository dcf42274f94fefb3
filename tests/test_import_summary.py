"""Two things an import reports besides its counts, on small files written out here:

- its rejects grouped by reason (rows, share of rows, share of amount, a few example rows), in
  the result, its JSON and the command's lines;
- related tables filled from one order-line file (``--map "Country=customers.region"``): the
  latest value per key, no rejects for repeated keys, nothing unmapped becomes an attribute.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxray.cli import app
from cxray.errors import CxrayError
from cxray.workspace import Workspace

# what a date that is none of the shapes read says
NOT_A_DATE = (
    "(yyyy-mm-dd, dd.mm.yyyy, dd.mm.yy, m/d/yyyy or d/m/yyyy; another format: --date-format)"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rows(ws: Workspace, query: str) -> list[dict]:
    return ws.sql(query).to_pylist()


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


# --- rejects grouped by reason ------------------------------------------------------------------

# 10 lines, amounts 100 + 50 + 30 + 20 + 0 (unreadable) + 0 + 10 + 40 + 25 + 25 = 300 readable.
# missing customer_id: rows 3, 5, 9, 11 (50 + 20 + 40 + 25 = 135: 45% of the amount, 4 of 10 rows)
# bad order_date: row 4 (30: 10%); bad amount: rows 6, 7 (0: their amount cannot be read)
ORDERS_WITH_PROBLEMS = """\
order_id;customer_id;order_date;amount
1;A;01.03.2024;100
2;;02.03.2024;50
3;B;вчера;30
4;;03.03.2024;20
5;C;04.03.2024;x
6;C;05.03.2024;y
7;D;06.03.2024;10
8;;07.03.2024;40
9;E;08.03.2024;25
10;;09.03.2024;25
"""


def test_rejects_are_grouped_by_reason_with_shares_of_rows_and_amount(ws, tmp_path):
    result = ws.import_file("orders", write(tmp_path / "o.csv", ORDERS_WITH_PROBLEMS))

    assert result.rejected == 7
    groups = [g.to_dict() for g in result.rejects_by_reason]
    assert groups == [
        {
            "problem": "missing_value", "column": "customer_id", "rows": 4, "share": 0.4,
            "amount": 135.0, "amount_share": 0.45,
            "examples": [{"row": 3, "value": None}, {"row": 5, "value": None},
                         {"row": 9, "value": None}],
        },
        {
            "problem": "bad_number", "column": "amount", "rows": 2, "share": 0.2,
            "amount": 0.0, "amount_share": 0.0,
            "examples": [{"row": 6, "value": "x"}, {"row": 7, "value": "y"}],
        },
        {
            "problem": "bad_date", "column": "order_date", "rows": 1, "share": 0.1,
            "amount": 30.0, "amount_share": 0.1, "examples": [{"row": 4, "value": "вчера"}],
        },
    ]  # fmt: skip
    assert result.to_dict()["rejects_by_reason"] == groups


def test_a_table_without_amount_has_rows_shares_only(ws, tmp_path):
    text = "customer_id;segment\nA;x\nA;y\n;z\nB;w\nB;w\n"

    result = ws.import_file("customers", write(tmp_path / "c.csv", text))

    got = [(g.problem, g.column, g.rows, g.share, g.amount, g.amount_share)
           for g in result.rejects_by_reason]  # fmt: skip
    # as many rows each: in the order of their first row (3, 4, 6)
    assert got == [
        ("duplicate_key", None, 1, 0.2, None, None),
        ("missing_value", "customer_id", 1, 0.2, None, None),
        ("duplicate_row", None, 1, 0.2, None, None),
    ]
    assert [(r.row, r.value) for r in result.rejects_by_reason[0].examples] == [(3, "2")]


def test_a_file_without_rejects_has_an_empty_summary(ws, tmp_path):
    good = "".join(ORDERS_WITH_PROBLEMS.splitlines(keepends=True)[:2])
    result = ws.import_file("orders", write(tmp_path / "o.csv", good))

    assert result.rejected == 0
    assert result.to_dict()["rejects_by_reason"] == []


def test_the_command_prints_one_line_per_reason_then_up_to_three_examples(tmp_path):
    path = write(tmp_path / "o.csv", ORDERS_WITH_PROBLEMS)

    result = cli("-w", str(tmp_path / "ws"), "import", "orders", str(path))

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1:11] == [
        "  4 rows (40%, 45% of amount): customer_id is empty",
        "    row 3: customer_id: value is required",
        "    row 5: customer_id: value is required",
        "    row 9: customer_id: value is required",
        "  2 rows (20%, 0% of amount): amount is not a number",
        "    row 6: amount: 'x' is not a number",
        "    row 7: amount: 'y' is not a number",
        "  1 row (10%, 10% of amount): order_date is not a date",
        f"    row 4: order_date: 'вчера' is not a date {NOT_A_DATE}",
        lines[10],
    ]
    assert lines[10].startswith("rejected rows with their reasons: ")
    assert "row 11" not in result.stdout  # the fourth example is left out


def test_the_command_speaks_russian_and_shows_small_shares_as_below_one_percent(tmp_path):
    body = "".join(f"{i};A;01.03.2024;100\n" for i in range(1, 201))
    path = write(tmp_path / "o.csv", "order_id;customer_id;order_date;amount\n" + body + "x;;;1\n")

    result = cli("-w", str(tmp_path / "ws"), "--lang", "ru", "import", "orders", str(path))

    assert result.exit_code == 0, result.output
    assert "  1 стр. (<1%, <1% суммы): customer_id не заполнено" in result.stdout


# --- related tables from one file ---------------------------------------------------------------

# C1 buys on 05.01 (UK), 20.01 (Germany) and 20.01 again (Spain, later in the file): Spain.
# C2 on 01.02 (France) and 01.03 (no country): France. A1 is named "Red mug" on 05.01 and 20.01,
# "Red mug large" on 01.02: the latest. B2 is "Blue cup" on 05.01 and unnamed on 01.03.
LINES = """\
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,Amount,CustomerID,Country,Channel
1,A1,Red mug,2,2024-01-05,7,C1,UK,web
1,B2,Blue cup,1,2024-01-05,2,C1,UK,web
2,A1,Red mug large,1,2024-02-01,3.5,C2,France,shop
3,A1,Red mug,1,2024-01-20,3.5,C1,Germany,web
4,B2,,1,2024-03-01,2,C2,,shop
5,A1,Red mug,1,2024-01-20,3.5,C1,Spain,web
"""
LINE_MAPS = [
    "InvoiceNo=order_id", "StockCode=sku", "InvoiceDate=order_date", "CustomerID=customer_id",
    "Country=customers.region", "Description=products.name",
]  # fmt: skip


def test_related_maps_fill_customers_and_products_with_the_latest_value(ws, tmp_path):
    result = ws.import_file("orders", write(tmp_path / "lines.csv", LINES), maps=LINE_MAPS)

    assert (result.rows_read, result.new, result.rejected) == (6, 6, 0)
    assert result.related == {
        "customers": {"new": 2, "updated": 0, "unchanged": 0},
        "products": {"new": 2, "updated": 0, "unchanged": 0},
    }
    assert result.to_dict()["related"] == result.related
    assert rows(ws, "select customer_id, region, name from customers order by 1") == [
        {"customer_id": "C1", "region": "Spain", "name": None},
        {"customer_id": "C2", "region": "France", "name": None},
    ]
    assert rows(ws, "select sku, name from products order by 1") == [
        {"sku": "A1", "name": "Red mug large"},
        {"sku": "B2", "name": "Blue cup"},
    ]
    # the orders hold their own columns only; unmapped columns became nothing anywhere
    assert ws.table("orders").count().to_pyarrow().as_py() == 6
    assert "region" not in ws.table("orders").columns
    assert list(ws.table("customers").columns) == [
        "customer_id", "name", "segment", "region", "first_contact_date", "source_channel"
    ]  # fmt: skip
    assert list(ws.table("products").columns) == [
        "sku", "name", "product_line", "category", "brand", "unit_cost"
    ]  # fmt: skip


def test_related_columns_update_held_rows_and_keep_their_other_columns(ws, tmp_path):
    customers = "customer_id;name;segment;region\nC1;Acme;HoReCa;Wales\nC9;Nine;Retail;Kent\n"
    ws.import_file("customers", write(tmp_path / "c.csv", customers))
    path = write(tmp_path / "lines.csv", LINES)

    first = ws.import_file("orders", path, maps=LINE_MAPS)
    again = ws.import_file("orders", path, maps=LINE_MAPS)

    assert first.related["customers"] == {"new": 1, "updated": 1, "unchanged": 0}
    assert again.related == {
        "customers": {"new": 0, "updated": 0, "unchanged": 2},
        "products": {"new": 0, "updated": 0, "unchanged": 2},
    }
    assert rows(ws, "select customer_id, name, segment, region from customers order by 1") == [
        {"customer_id": "C1", "name": "Acme", "segment": "HoReCa", "region": "Spain"},
        {"customer_id": "C2", "name": None, "segment": None, "region": "France"},
        {"customer_id": "C9", "name": "Nine", "segment": "Retail", "region": "Kent"},
    ]


def test_the_import_log_has_a_row_for_each_table_the_file_filled(ws, tmp_path):
    path = write(tmp_path / "lines.csv", LINES)
    ws.import_file("orders", path, maps=LINE_MAPS)
    ws.import_file("orders", path, maps=LINE_MAPS)
    log = rows(
        ws,
        "select import_id, table_name, rows_read, rows_new, rows_updated, rows_unchanged, "
        "rows_rejected from _imports order by imported_at, table_name",
    )
    # 6 lines read; 2 customers (C1, C2) and 2 products (A1, B2) given, new the first time and
    # unchanged the second; the three rows of an import share its id
    assert [tuple(r.values())[1:] for r in log] == [
        ("customers", 2, 2, 0, 0, 0), ("orders", 6, 6, 0, 0, 0), ("products", 2, 2, 0, 0, 0),
        ("customers", 2, 0, 0, 2, 0), ("orders", 6, 0, 0, 6, 0), ("products", 2, 0, 0, 2, 0),
    ]  # fmt: skip
    ids = [r["import_id"] for r in log]
    assert ids[0] == ids[1] == ids[2] != ids[3] == ids[4] == ids[5]


def test_related_values_come_from_valid_lines_only_and_an_attribute_can_be_named(ws, tmp_path):
    # line 3 (C2, France) is rejected for its amount: C2 keeps only what its valid line says
    text = LINES.replace(
        "2,A1,Red mug large,1,2024-02-01,3.5,", "2,A1,Red mug large,1,2024-02-01,x,"
    )
    maps = [*LINE_MAPS[:4], "Country=customers.Country", "Channel=customers.first_channel"]

    result = ws.import_file("orders", write(tmp_path / "lines.csv", text), maps=maps)

    assert result.rejected == 1
    got = rows(ws, "select customer_id, country, first_channel from customers order by 1")
    assert got == [
        {"customer_id": "C1", "country": "Spain", "first_channel": "web"},
        {"customer_id": "C2", "country": None, "first_channel": "shop"},
    ]
    assert "products" not in result.related and not ws.has("products")


def test_related_columns_work_on_another_backend(tmp_path):
    url = f"sqlite:///{tmp_path / 'cx.sqlite'}"
    with Workspace(tmp_path / "ws", backend=url, create=True) as ws:
        ws.import_file("orders", write(tmp_path / "lines.csv", LINES), maps=LINE_MAPS)
        again = ws.import_file("orders", tmp_path / "lines.csv", maps=LINE_MAPS)
        assert rows(ws, "select customer_id, region from customers order by 1") == [
            {"customer_id": "C1", "region": "Spain"},
            {"customer_id": "C2", "region": "France"},
        ]
        assert rows(ws, "select sku, name from products order by 1")[0]["name"] == "Red mug large"
        assert again.related["customers"] == {"new": 0, "updated": 0, "unchanged": 2}


@pytest.mark.parametrize(
    ("maps", "key", "words"),
    [
        (["Description=products.name"], "related_key_missing", "has no sku"),
        (["CustomerID=customers.customer_id"], "related_map_key", "customer_id"),
        (["Description=products.colour"], "map_target_unknown", "colour"),
        (["Country=contacts.role"], "related_not_keyed", "contact_id"),
    ],
)
def test_a_related_map_that_cannot_work_is_one_error_and_changes_nothing(
    ws, tmp_path, maps, key, words
):
    text = "order_id,customer_id,order_date,amount,Description,Country,CustomerID\n"
    path = write(tmp_path / "o.csv", text + "1,C1,2024-01-05,7,Mug,UK,C1\n")

    with pytest.raises(CxrayError) as err:
        ws.import_file("orders", path, maps=maps)

    assert err.value.key == key
    assert words in str(err.value)
    assert ws.con.list_tables() == []
    assert not (ws.path / "rejects").exists()


def test_the_import_command_maps_related_columns_and_reports_them(tmp_path):
    path = write(tmp_path / "lines.csv", LINES)
    maps = [part for m in LINE_MAPS for part in ("--map", m)]
    folder = str(tmp_path / "ws")

    result = cli("import", "orders", str(path), *maps, "-w", folder, "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["related"] == {
        "customers": {"new": 2, "updated": 0, "unchanged": 0},
        "products": {"new": 2, "updated": 0, "unchanged": 0},
    }
    text = cli("import", "orders", str(path), *maps, "-w", folder)
    assert text.exit_code == 0, text.output
    assert "customers: 0 new, 0 updated, 2 unchanged (from the file's related columns)" in (
        text.stdout
    )
