"""The report: every section is there, shows data, and reads in both languages."""

from __future__ import annotations

import re

import openpyxl
import pytest
from conftest import d

from cxray.api import Session
from cxray.report.html import render_html
from cxray.report.xlsx import report_sheets, write_xlsx
from cxray.texts import LANGS, TEXTS

SECTIONS = (
    "funnel",
    "pareto",
    "abc",
    "trends",
    "whitespace",
    "rfm",
    "opportunities",
    "cohorts",
    "activation",
    "clv",
    "alerts",
    "communications",
    "voice",
)


@pytest.fixture
def report_data(load):
    customers = load(
        "customers",
        [
            {"customer_id": "A", "name": "ООО Альфа", "segment": "retail"},
            {"customer_id": "B", "name": "Beta", "segment": "retail"},
            {"customer_id": "C", "name": "Gamma", "segment": "retail"},
            {"customer_id": "L", "name": "Lead only"},
        ],
    )
    contacts = load("contacts", [{"customer_id": "A", "contact_id": "a1", "is_current": True}])
    interactions = load("interactions", [{"customer_id": "A", "date": d("2026-09-01")}])
    products = load(
        "products",
        [
            {"sku": "m1", "product_line": "Молоко"},
            {"sku": "c1", "product_line": "Сыр"},
        ],
    )
    rows = []
    n = 0
    for month in range(1, 13):
        for cust, sku, amount in (
            ("A", "m1", 100.0),
            ("A", "c1", 50.0),
            ("B", "m1", 30.0),
            ("C", "m1", 10.0 * month),
            ("C", "c1", 5.0),
        ):
            n += 1
            for year in (2025, 2026):
                rows.append(
                    {
                        "order_id": f"{year}-{n}",
                        "customer_id": cust,
                        "sku": sku,
                        "order_date": d(f"{year}-{month:02d}-10"),
                        "amount": amount,
                        "quantity": 1.0,
                    }
                )
    orders = load("orders", rows)
    tables = {
        "customers": customers,
        "contacts": contacts,
        "interactions": interactions,
        "products": products,
        "orders": orders,
        "consents": load("consents", []),
        "sends": load("sends", []),
        # A promoter and a detractor answer, each with a comment
        "responses": load(
            "responses",
            [
                {
                    "customer_id": "A",
                    "date": d("2026-03-01"),
                    "metric": "nps",
                    "score": 10.0,
                    "survey": "rnps",
                    "comment": "Быстрая доставка, отличный сыр",
                },
                {
                    "customer_id": "B",
                    "date": d("2026-03-02"),
                    "metric": "nps",
                    "score": 3.0,
                    "survey": "rnps",
                    "comment": "Delivery was late again",
                },
            ],
        ),
    }
    return Session.from_tables(tables).report(as_of=d("2026-12-31")).value


def test_collect_gives_every_section_data(report_data):
    f = report_data.funnel
    # A, B, C buy, L is a lead: 4 known, 3 active; only A has a contact and an interaction
    assert (f.known, f.reachable, f.active) == (4, 1, 3)
    assert report_data.pareto and report_data.line_trends and report_data.rfm
    # B buys milk only while both peers buy cheese; in the 24-month window A bought 50 x 24 and
    # C 5 x 24 of cheese: potential = median(1200, 120) = 660
    opp = [r for r in report_data.opportunities if r["customer_id"] == "B"]
    assert [(r["product_line"], r["potential"]) for r in opp] == [("Сыр", (1200.0 + 120.0) / 2)]


@pytest.mark.parametrize("lang", LANGS)
def test_html_has_every_section_with_data(report_data, lang):
    html = render_html(report_data, lang=lang)
    for section in SECTIONS:
        assert f"id='{section}'" in html
    assert html.count("<svg") >= 3 + 2  # funnel, Pareto, RFM bars and one small chart per line
    # every line chart draws a line, every bar chart bars
    assert html.count("<path d='M") >= 3
    assert "<rect" in html
    body = re.sub(r"<[^>]+>", " ", html.split("</style>")[1])
    for bad in (" None ", " nan ", "{", "}"):
        assert bad not in body, bad


def test_html_is_self_contained(report_data):
    html = render_html(report_data, lang="en")
    assert "<script" not in html
    assert not re.search(r"(src|href)=['\"]https?://", html)


def test_russian_report_is_in_russian(report_data):
    html = render_html(report_data, lang="ru")
    assert "Воронка клиентской базы" in html and "Белые пятна" in html
    for english in ("Client base funnel", "White space", "Pareto curve", "champions"):
        assert english not in html


def test_every_text_has_both_languages():
    for key, entry in TEXTS.items():
        assert set(LANGS) <= set(entry), key
        # the same placeholders in each language
        names = [sorted(re.findall(r"{(\w+)", entry[lang])) for lang in LANGS]
        assert all(n == names[0] for n in names), key


def test_xlsx_has_the_same_tables(report_data, tmp_path):
    path = write_xlsx(report_data, tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    sheets = report_sheets(report_data)
    assert book.sheetnames == list(sheets)
    for name, rows in sheets.items():
        assert book[name].max_row == len(rows) + 1, name
