"""`cxray structure` and `cxray report` on a small imported workspace: the SKU ABC-XYZ caption,
the CLV holdout check in the report, and the Russian workbook."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cxray.cli import app
from cxray.texts import t


def cxray(ws: Path, *args: str):
    result = CliRunner().invoke(app, ["--workspace", str(ws), *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """Three customers buying two SKUs on the 10th of every month of 2025 and 2026."""
    folder = tmp_path_factory.mktemp("report_cli")
    rows = [["order_id", "customer_id", "order_date", "sku", "amount"]]
    for year in (2025, 2026):
        for month in range(1, 13):
            for cust, sku, amount in (("A", "m1", 100), ("B", "m1", 30), ("C", "c1", 10)):
                rows.append([f"{cust}-{year}-{month}", cust, f"{year}-{month:02d}-10", sku, amount])
    path = folder / "orders.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    ws = folder / "ws"
    cxray(ws, "init")
    cxray(ws, "import", "orders", str(path), "--quiet")
    return ws


def test_sku_abc_xyz_is_captioned_with_skus(workspace):
    out = " ".join(cxray(workspace, "structure", "--as-of", "2026-12-31").stdout.split())
    assert "ABC-XYZ of SKUs (SKUs / revenue per cell)" in out
    assert "ABC-XYZ of customers (customers / revenue per cell)" in out
    assert "of SKUs (customers" not in out


def test_report_with_a_holdout_shows_the_check_in_russian(workspace, tmp_path):
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    cxray(
        workspace, "report", "--as-of", "2026-12-31", "--lang", "ru", "--out", str(html),
        "--xlsx", str(xlsx), "--calibration-end", "2025-12-31", "--holdout-end", "2026-12-31",
    )  # fmt: skip
    text = html.read_text(encoding="utf-8")
    assert "id='clv-holdout'" in text
    assert t("clv_holdout_heading", lang="ru", start="2025-12-31", end="2026-12-31") in text
    book = openpyxl.load_workbook(xlsx, read_only=True)
    check = book[t("xlsx_sheet_clv_holdout", lang="ru")]
    rows = list(check.iter_rows(values_only=True))
    assert rows[0][0] == t("xlsx_col_bucket", lang="ru")
    # each customer made 11 repeat purchases in 2025 (bucket 7+) and bought on 12 days of 2026
    seven = next(r for r in rows if r[0] == "7+")
    assert seven[1] == 3 and seven[rows[0].index(t("xlsx_col_actual_total", lang="ru"))] == 36


def test_report_without_a_holdout_has_no_check(workspace, tmp_path):
    html = tmp_path / "r.html"
    cxray(workspace, "report", "--as-of", "2026-12-31", "--out", str(html))
    assert "clv-holdout" not in html.read_text(encoding="utf-8")
