"""--segment-by, --min-peers, returns and product names through the API and the CLI, on a small
workspace imported from files written here."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import d, one_line_error
from typer.testing import CliRunner

import cxray
from cxray.cli import app

CUSTOMERS = [
    {"customer_id": "k1", "name": "Alpha", "country": "DE"},
    {"customer_id": "k2", "name": "Beta", "country": "DE"},
    {"customer_id": "k3", "name": "Gamma", "country": "DE"},
    {"customer_id": "k4", "name": "Delta", "country": "FR"},
    {"customer_id": "k5", "name": "Epsilon", "country": "FR"},
    {"customer_id": "k6", "name": "Zeta", "country": "FR"},
]
PRODUCTS = [
    {"sku": "s1", "name": "Gouda", "product_line": "Cheese"},
    {"sku": "s2", "name": "Rye", "product_line": "Bread"},
    {"sku": "s3", "name": "Milk 1 l", "product_line": "Dairy"},
]
ORDERS = [
    ("k1", "2026-01-10", "s1", 100),
    ("k1", "2026-02-10", "s2", 50),
    ("k2", "2026-03-01", "s1", 200),
    ("k2", "2026-03-05", "s1", -50),  # a return-only day
    ("k3", "2026-04-01", "s1", 80),
    ("k4", "2026-05-01", "s3", 300),
    ("k5", "2026-05-02", "s3", 100),
    ("k5", "2026-05-03", "s2", 20),
    ("k6", "2026-06-30", "s2", -30),  # returns only: known, not active
]
runner = CliRunner()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("segments")
    folder = tmp / "ws"
    orders = [
        {"order_id": f"o{i}", "customer_id": c, "order_date": d(day), "sku": sku, "amount": a}
        for i, (c, day, sku, a) in enumerate(ORDERS)
    ]
    for name, rows in (("customers", CUSTOMERS), ("products", PRODUCTS), ("orders", orders)):
        path = tmp / f"{name}.csv"
        pd.DataFrame(rows).to_csv(path, index=False)
        cxray.import_file(name, path, workspace=folder)
    return str(folder)


def cli_json(workspace: str, *argv: str) -> dict | list:
    result = runner.invoke(app, ["-w", workspace, *argv, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_structure_returns_and_segment_by(workspace):
    with cxray.open(workspace) as ws:
        result = ws.structure(segment_by="country")
    f = result.to_dict()
    # active: k1..k5 (k6 only returned); headline net of everybody's returns:
    # 150 + 150 + 80 + 300 + 120 - 30 = 770; sold 850, returned 50 + 30 = 80
    assert (f["active"], f["returned_only"]) == (5, 1)
    assert f["window_revenue"] == pytest.approx(770.0)
    assert f["ranked_revenue"] == pytest.approx(800.0)  # without k6's -30
    assert f["return_rate"] == pytest.approx(80 / 850)
    returns = [(r["customer_id"], r["returned"], r["return_rate"], r["returned_only"])
               for r in f["returns"]]  # fmt: skip
    assert returns == [("k2", 50.0, pytest.approx(0.25), False), ("k6", 30.0, None, True)]
    # by country, largest window revenue first: FR 300 + 120 - 30 = 390, DE 150 + 150 + 80
    by = [(r["group"], r["known"], r["active"], r["window_revenue"]) for r in f["by_segment"]]
    assert by == [("FR", 3, 2, pytest.approx(390.0)), ("DE", 3, 3, pytest.approx(380.0))]
    assert f["segment_by"] == "country"
    # the CLI prints the same payload
    assert cli_json(workspace, "structure", "--segment-by", "country")["by_segment"] == json.loads(
        json.dumps(f["by_segment"])
    )


def test_rfm_by_segment(workspace):
    with cxray.open(workspace) as ws:
        result = ws.rfm(segment_by="country")
    per_group: dict[str, int] = {}
    for r in result.tables["by_segment"]:
        per_group[r["group"]] = per_group.get(r["group"], 0) + r["customers"]
    # k6 (returns only) is not scored: DE k1, k2, k3; FR k4, k5
    assert per_group == {"DE": 3, "FR": 2}
    assert sorted(c["customer_id"] for c in result.to_dict()["customers"]) == [
        "k1", "k2", "k3", "k4", "k5",
    ]  # fmt: skip
    printed = cli_json(workspace, "rfm", "--segment-by", "country")
    assert printed["segment_by"] == "country" and len(printed["by_segment"]) == len(
        result.tables["by_segment"]
    )


def test_whitespace_segment_by_and_min_peers(workspace):
    # DE (k1, k2, k3: 2 peers each): Bread bought by k1 (50) -> k2, k3 miss it, 1/2, potential 50
    # FR (k4, k5: 1 peer each; k6 is not active): Bread bought by k5 (20) -> k4, 1/1, potential 20
    with cxray.open(workspace) as ws:
        one = ws.whitespace(segment_by="country", min_peers=1).opportunities
        two = ws.whitespace(segment_by="country", min_peers=2).opportunities
        default = ws.whitespace(segment_by="country").to_dict()["opportunities"]
        matrix = ws.whitespace(segment_by="country", customer="k1").tables["matrix"]
    got = [
        (r["customer_id"], r["segment"], r["product_line"], r["peers"], r["potential"]) for r in one
    ]
    assert got == [
        ("k2", "DE", "Bread", 2, 50.0),
        ("k3", "DE", "Bread", 2, 50.0),
        ("k4", "FR", "Bread", 1, 20.0),
    ]
    assert [r["customer_id"] for r in two] == ["k2", "k3"]  # FR has 1 peer < 2
    assert default == []  # no group has 5 peers
    # matrix columns by revenue: Dairy 400, Cheese 330, Bread 70 (not alphabetical)
    assert [r["product_line"] for r in matrix] == ["Dairy", "Cheese", "Bread"]
    printed = cli_json(workspace, "whitespace", "--segment-by", "country", "--min-peers", "1")
    assert [r["customer_id"] for r in printed["opportunities"]] == ["k2", "k3", "k4"]
    assert printed["as_of"] == "2026-06-30"
    assert [w["code"] for w in printed["warnings"]] == ["coverage_active"]  # 6 months of 24


def test_products_names_and_return_rates(workspace):
    with cxray.open(workspace) as ws:
        result = ws.products()
    names = {r["key"]: r["name"] for r in result.to_dict()["products"]}
    assert names == {"s1": "Gouda", "s2": "Rye", "s3": "Milk 1 l"}
    sku = {r["key"]: r for r in result.tables["returns_sku"]}
    # s1: sold 100 + 200 + 80 = 380, returned 50; s2: sold 50 + 20, returned 30; s3: none
    assert sku["s1"]["return_rate"] == pytest.approx(50 / 380)
    assert sku["s2"]["return_rate"] == pytest.approx(30 / 70)
    assert sku["s3"]["return_rate"] == 0.0
    assert sku["s1"]["name"] == "Gouda"
    line = {r["key"]: r["return_rate"] for r in result.tables["returns_line"]}
    assert line == {
        "Cheese": pytest.approx(50 / 380),
        "Bread": pytest.approx(30 / 70),
        "Dairy": 0.0,
    }
    rows = cli_json(workspace, "products", "--customer", "k1")["products"]
    assert {r["key"]: r["name"] for r in rows} == {"s1": "Gouda", "s2": "Rye"}
    table = runner.invoke(app, ["-w", workspace, "products", "--months", "12"])
    assert table.exit_code == 0 and "Gouda" in table.stdout


def test_unknown_segment_column_is_one_clear_error(workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # report's default --out, cxray-report.html, is not there yet
    for command in ("structure", "rfm", "whitespace", "report"):
        result = runner.invoke(app, ["-w", workspace, command, "--segment-by", "planet"])
        assert "planet" in one_line_error(result), command


def test_report_shows_returns_and_the_breakdown(workspace, tmp_path):
    out = tmp_path / "r.html"
    result = runner.invoke(
        app, ["-w", workspace, "report", "--out", str(out), "--segment-by", "country"]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "id='returns'" in html and "id='by-segment'" in html
    assert "Zeta (k6)" in html  # the customer who only returned is listed with its name
    with cxray.open(workspace) as ws:
        data = ws.report(segment_by="country").value
    assert [r["group"] for r in data.by_segment["structure"]] == ["FR", "DE"]
    assert {r["key"]: r["returned"] for r in data.returns["lines"]} == {
        "Cheese": 50.0,
        "Bread": 30.0,
        "Dairy": 0.0,
    }


def test_return_rates_in_products_json_table_and_report(workspace):
    from cxray.report.html import render_html

    # by SKU: s1 sold 100 + 200 + 80 = 380, returned 50 (k2); s2 sold 50 + 20 = 70, returned 30
    # (k6, who only returned); s3 sold 300 + 100 = 400, returned nothing
    sku = {r["key"]: r for r in cli_json(workspace, "products")["returns"]}
    assert {k: (r["sold"], r["returned"]) for k, r in sku.items()} == {
        "s1": (380.0, 50.0), "s2": (70.0, 30.0), "s3": (400.0, 0.0),
    }  # fmt: skip
    assert sku["s1"]["return_rate"] == pytest.approx(50 / 380)
    assert sku["s2"]["return_rate"] == pytest.approx(30 / 70)
    assert sku["s1"]["name"] == "Gouda"
    line = {r["key"]: r["return_rate"] for r in cli_json(workspace, "products", "--by", "line")[
        "returns"]}  # fmt: skip
    assert line == {"Cheese": pytest.approx(50 / 380), "Bread": pytest.approx(30 / 70),
                    "Dairy": 0.0}  # fmt: skip
    table = runner.invoke(app, ["-w", workspace, "products", "--months", "12"])
    assert table.exit_code == 0, table.output
    assert "Returns by amount: 2 of 2 with a return" in table.stdout
    assert "13.2%" in table.stdout and "42.9%" in table.stdout  # 50 / 380, 30 / 70
    with cxray.open(workspace) as ws:
        report = ws.report().value
    part = render_html(report, lang="en").split("id='returns'")[1].split("</section>")[0]
    assert "The 2 SKUs returned most" in part
    assert "s1 — Gouda" in part and "13.2%" in part and "42.9%" in part


def test_structure_lists_customers_by_return_rate(workspace):
    # k2: returned 50 of 200 sold (25%); k6: returned 30, sold nothing (only returned)
    by_amount = runner.invoke(app, ["-w", workspace, "structure"])
    by_rate = runner.invoke(app, ["-w", workspace, "structure", "--returns-by", "rate"])
    assert by_amount.exit_code == by_rate.exit_code == 0, by_rate.output
    assert by_amount.stdout.index("│ k2") < by_amount.stdout.index("│ k6")  # 50 before 30
    assert by_rate.stdout.index("│ k6") < by_rate.stdout.index("│ k2")  # only returned first
    bad = runner.invoke(app, ["-w", workspace, "structure", "--returns-by", "size"])
    assert bad.exit_code == 1 and "--returns-by" in bad.stderr
