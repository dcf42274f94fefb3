"""The report: every section is there, shows data, and reads in both languages."""

from __future__ import annotations

import dataclasses
import re
from html import escape

import openpyxl
import pandas as pd
import pytest
from conftest import d

from cxray.analytics.clv import ClvResult
from cxray.api import Session
from cxray.report import charts
from cxray.report.html import render_html
from cxray.report.labels import month_label
from cxray.report.xlsx import report_sheets, write_xlsx
from cxray.texts import LANGS, TEXTS, t

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
    "loyalty",
    "leads",
    "clv",
    "alerts",
    "communications",
    "voice",
)


@pytest.fixture
def report_tables(load):
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
    return tables


@pytest.fixture
def report_data(report_tables):
    # three active customers: each has 2 peers, below the default min_peers of 5
    return Session.from_tables(report_tables).report(as_of=d("2026-12-31"), min_peers=2).value


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
    # the ABC-XYZ count tables name what they count in the nominative ("клиенты"), not the
    # dative of the title ("ABC-XYZ по клиентам")
    assert ">клиенты<" in html and ">клиентам<" not in html


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
    titles = [t(f"xlsx_sheet_{name}", lang="en") for name in sheets]
    assert book.sheetnames == titles
    for title, rows in zip(titles, sheets.values(), strict=True):
        assert book[title].max_row == len(rows) + 1, title


# --- report defects on short or messy data -------------------------------------------------


def section(html: str, anchor: str) -> str:
    """The HTML of one report section."""
    return re.search(rf"<section id='{anchor}'>.*?</section>", html, re.S).group(0)


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("lang", LANGS)
def test_empty_white_space_has_no_placeholder(report_data, lang):
    empty = dataclasses.replace(report_data, line_matrix=[], opportunities=[])
    html = render_html(empty, lang=lang)
    text = visible_text(section(html, "whitespace"))
    assert "{n}" not in text and "{" not in text
    assert t("no_rows", lang=lang) in text


@pytest.mark.parametrize("lang", LANGS)
def test_one_acquisition_year_gives_a_note_not_an_empty_chart(report_data, lang):
    # every customer of the fixture bought first in January 2025: one acquisition year
    assert {r["cohort"][:4] for r in report_data.cohorts} == {"2025"}
    part = section(render_html(report_data, lang=lang), "cohorts")
    assert "<svg" not in part
    assert escape(t("cohort_curves_one_year", lang=lang, year="2025")) in part


def test_two_acquisition_years_draw_the_curves(report_data):
    later = [
        {**r, "cohort": "2026-Q1", "period_index": i, "retention": 0.5}
        for i, r in enumerate(report_data.cohorts[:3])
    ]
    two = dataclasses.replace(report_data, cohorts=report_data.cohorts + later)
    part = section(render_html(two, lang="en"), "cohorts")
    assert "<svg" in part and "<path d='M" in part
    assert t("cohort_curves_one_year", lang="en", year="2025")[:20] not in part


def _clv(p_alive: dict[str, float]) -> ClvResult:
    ids = list(p_alive)
    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "p_alive": [p_alive[k] for k in ids],
            "expected_purchases": [1.0] * len(ids),
            "expected_value": [100.0] * len(ids),
            "clv": [100.0] * len(ids),
        }
    )
    bg = {"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 1.0, "log_likelihood": -1.0, "customers": 1}
    return ClvResult(params={"bg_nbd": bg}, customers=customers, settings={})


@pytest.mark.parametrize("lang", LANGS)
def test_hundreds_of_identical_p_alive_bars_become_one_row(report_data, lang):
    keys = [f"K{i:03d}" for i in range(289)]
    data = dataclasses.replace(
        report_data, clv=_clv(dict.fromkeys(keys, 1.0)), key_customers=keys, clv_trusted=True
    )
    part = section(render_html(data, lang=lang), "clv")
    # 10 bands of 10 points (the distribution chart has its own bars): far from 289 bars
    assert part.count("<rect") <= 10 + 7
    # the one filled band is labelled by the value all its clients share: "100%" with 289
    assert re.search(r">100(\u00a0)?%<.*?>289<", part, re.S)  # "100 %" in Russian
    at_risk = escape(t("clv_key_at_risk", lang=lang, n="0"))
    assert "K0" not in part.split(at_risk)[1]  # no client is listed: none is below 50%


def test_many_key_clients_list_those_below_half(report_data):
    # 35 key clients at 95% and 5 at 20%, 30%, ..., 60%... by hand: below 50% are the
    # clients at 0.2, 0.3 and 0.4, listed lowest first
    alive = {f"K{i:02d}": 0.95 for i in range(35)}
    alive.update({"L2": 0.2, "L3": 0.3, "L4": 0.4, "L5": 0.5, "L6": 0.6})
    data = dataclasses.replace(
        report_data, clv=_clv(alive), key_customers=list(alive), clv_trusted=True
    )
    part = section(render_html(data, lang="en"), "clv")
    assert t("clv_key_at_risk", lang="en", n="3") in part
    listed = re.findall(r"<td class=''>(L\d)</td>", part)
    assert listed == ["L2", "L3", "L4"]
    assert re.search(r">95%<.*?>35<", part, re.S)


def test_few_key_clients_keep_one_bar_each(report_data):
    alive = {"A": 0.9, "B": 0.3, "C": 1.0}
    data = dataclasses.replace(
        report_data, clv=_clv(alive), key_customers=list(alive), clv_trusted=True
    )
    part = section(render_html(data, lang="en"), "clv")
    for name in ("ООО Альфа (A)", "Beta (B)", "Gamma (C)"):
        assert escape(name) in part


def test_bands_by_hand():
    edges = [i / 10 for i in range(11)]
    found = charts.bands([0.0, 0.05, 0.1, 0.55, 0.99, 1.0], edges)
    assert found[0] == [0.0, 0.05] and found[1] == [0.1] and found[5] == [0.55]
    assert found[9] == [0.99, 1.0]  # the last band holds its upper edge
    assert sum(len(b) for b in found) == 6


def test_month_labels_in_words():
    assert month_label("2010-12", "en") == "Dec 2010"
    assert month_label("2010-12", "ru") == "дек 2010"
    assert month_label("2026-01", "ru") == "янв 2026"
    assert month_label("2025-Q1", "en") == "2025-Q1"  # not a month: as it is


@pytest.mark.parametrize(("lang", "last"), [("en", "Dec 2026"), ("ru", "дек 2026")])
def test_month_axes_and_headers_read_as_months(report_data, lang, last):
    html = render_html(report_data, lang=lang)
    trends = section(html, "trends")
    ticks = re.findall(r"<text [^>]*>([^<]*)</text>", trends)
    assert not [x for x in ticks if re.fullmatch(r"\d\d-\d\d", x)]  # no "26-02"
    assert last in trends and escape(t("col_revenue_month", lang=lang, month=last)) in trends


def test_unknown_line_is_translated(report_data):
    rows = [{**r, "product_line": "(unknown)"} for r in report_data.line_trends]
    data = dataclasses.replace(report_data, line_trends=rows)
    html = render_html(data, lang="ru")
    assert "(неизвестно)" in section(html, "trends") and "(unknown)" not in html


def test_russian_xlsx_is_russian(report_data, tmp_path):
    rows = [{**r, "product_line": "(unknown)"} for r in report_data.line_trends]
    data = dataclasses.replace(report_data, line_trends=rows)
    path = write_xlsx(data, tmp_path / "r.xlsx", lang="ru")
    book = openpyxl.load_workbook(path)
    sheets = report_sheets(data, "ru")
    assert book.sheetnames == [t(f"xlsx_sheet_{name}", lang="ru") for name in sheets]
    cyrillic = re.compile("[а-яё]", re.I)
    for ws in book.worksheets:
        for cell in ws[1]:
            header = str(cell.value)
            # every header is Russian, but for the names of the methods (ABC, XYZ, CLV, P(...))
            assert cyrillic.search(header) or header in {"ABC", "XYZ", "ABC-XYZ", "CLV", "SKU"}, (
                ws.title,
                header,
            )
    trends = book[t("xlsx_sheet_line_trends", lang="ru")]
    assert trends["A2"].value == "(неизвестно)"
    # months are dates shown as month and year in Russian
    assert trends["B2"].is_date and trends["B2"].number_format == "[$-419]mmm yyyy"
    funnel = book[t("xlsx_sheet_funnel", lang="ru")]
    assert [funnel.cell(r, 1).value for r in range(2, 4)] == ["известные", "достижимые"]


def test_english_xlsx_keeps_english(report_data, tmp_path):
    book = openpyxl.load_workbook(write_xlsx(report_data, tmp_path / "r.xlsx", lang="en"))
    assert book.sheetnames[0] == "funnel"
    assert [c.value for c in book["funnel"][1]] == ["stage", "customers", "share of known"]


def test_report_shows_the_clv_holdout_check(report_tables):
    session = Session.from_tables(report_tables)
    data = session.report(
        as_of=d("2026-12-31"), calibration_end=d("2025-12-31"), holdout_end=d("2026-12-31")
    ).value
    # A, B and C buy on the 10th of every month: 11 repeat purchases in 2025 (bucket 7+) and
    # 12 purchase days each in 2026: 36 actual purchases in the holdout
    totals = data.to_dict()["clv_holdout"]
    assert totals["customers"] == 3 and totals["actual"] == 36
    for lang in LANGS:
        part = section(render_html(data, lang=lang), "clv")
        assert "id='clv-holdout'" in part and "<path d='M" in part.split("clv-holdout")[1]
        row = re.search(r"<tr><td class=''>7\+</td>(.*?)</tr>", part).group(1)
        assert re.findall(r">([^<]*)</td>", row)[0] == "3"
        assert ("36.0" if lang == "en" else "36,0") in row  # a decimal comma in Russian
        assert escape(t("row_total", lang=lang)) in part
    plain = session.report(as_of=d("2026-12-31")).value
    assert plain.to_dict()["clv_holdout"] is None
    assert "clv-holdout" not in render_html(plain, lang="en")


def test_numbers_are_written_as_each_language_writes_them(report_data):
    from cxray.report.charts import compact, number, numbers_in, percent, signed

    with numbers_in("en"):
        got = (number(12345.6), number(1234567.891, 2), percent(0.125, 1), compact(12_345_678))
        assert got == ("12,346", "1,234,567.89", "12.5%", "12.3M")
        assert signed(-1234.5, 1) == "-1,234.5"
    with numbers_in("ru"):
        got = (number(12345.6), number(1234567.891, 2), percent(0.125, 1), compact(12_345_678))
        assert got == ("12\u202f346", "1\u202f234\u202f567,89", "12,5\u00a0%", "12,3\u00a0млн")
        assert signed(1234.5, 1) == "+1\u202f234,5"
    # the report's cards: 12,345 known customers, the key clients' 12.5% share
    funnel = dataclasses.replace(report_data.funnel, known=12345, key_revenue_share=0.125)
    data = dataclasses.replace(report_data, funnel=funnel)
    english, russian = render_html(data, lang="en"), render_html(data, lang="ru")
    assert "<b>12,345</b>" in english and "<b>12.5%</b>" in english
    assert "<b>12\u202f345</b>" in russian and "<b>12,5\u00a0%</b>" in russian
    assert "12\u202f345" not in english and "12.5%" not in russian


# --- fitted parameters and Russian units ----------------------------------------------------


def _clv_params(bg: dict, gg: dict) -> ClvResult:
    clv = _clv({"A": 0.9})
    bg = {**bg, "log_likelihood": -1234.5, "customers": 3, "converged": True}
    gg = {**gg, "log_likelihood": -45.25, "repeat_customers": 2, "converged": True}
    return dataclasses.replace(clv, params={"bg_nbd": bg, "gamma_gamma": gg})


TINY_AND_LARGE = _clv_params(
    {"r": 0.000123, "alpha": 12345.678, "a": 0.00012, "b": 1.7e-07},
    {"p": 2.5, "q": 0.000123, "v": 12345.678},
)


def test_significant_digits_by_hand():
    from cxray.texts import format_significant

    # 4 significant digits: 0.000123 -> 0.0001230; the whole part of 12345.678 is kept
    assert format_significant(0.000123, lang="en") == "0.0001230"
    assert format_significant(0.000123, lang="ru") == "0,0001230"
    assert format_significant(12345.678, lang="en") == "12,346"
    assert format_significant(12345.678, lang="ru") == "12\u202f346"
    assert format_significant(1.7e-07, lang="en") == "1.700e-07"
    assert format_significant(0.98765, lang="en") == "0.9877"
    assert format_significant(12.3456, 3, lang="en") == "12.3"


@pytest.mark.parametrize(
    ("lang", "bg_line", "gg_line", "likelihood"),
    [
        (
            "en",
            "r = 0.0001230, alpha = 12,346, a = 0.0001200, b = 1.700e-07",
            "p = 2.500, q = 0.0001230, v = 12,346",
            "log-likelihood -1,234.5, 3 customers",
        ),
        (
            "ru",
            "r = 0,0001230, alpha = 12\u202f346, a = 0,0001200, b = 1,700e-07",
            "p = 2,500, q = 0,0001230, v = 12\u202f346",
            "логарифм правдоподобия -1\u202f234,5, клиентов 3",
        ),
    ],
)
def test_clv_parameters_keep_their_significant_digits(
    report_data, lang, bg_line, gg_line, likelihood
):
    for trusted in (True, False):  # the parameters are shown either way
        data = dataclasses.replace(report_data, clv=TINY_AND_LARGE, clv_trusted=trusted)
        part = section(render_html(data, lang=lang), "clv")
        assert f"BG/NBD: {bg_line}," in part and f"Gamma-Gamma: {gg_line}," in part
        assert "= 0.000," not in part and "= 0,000," not in part
        assert likelihood in part  # -1234.5 and 3 customers, in the language's format


def test_xlsx_keeps_the_parameters_at_full_precision(report_data, tmp_path):
    data = dataclasses.replace(report_data, clv=TINY_AND_LARGE, clv_trusted=True)
    book = openpyxl.load_workbook(write_xlsx(data, tmp_path / "r.xlsx", lang="ru"))
    sheet = book[t("xlsx_sheet_clv_params", lang="ru")]
    assert [c.value for c in sheet[1]] == ["модель", "параметр", "значение"]
    values = {(r[0].value, r[1].value): r[2] for r in sheet.iter_rows(min_row=2)}
    assert values[("BG/NBD", "r")].value == 0.000123
    assert values[("BG/NBD", "b")].value == 1.7e-07
    assert values[("Gamma-Gamma", "v")].value == 12345.678
    assert values[("Gamma-Gamma", "repeat_customers")].value == 2
    assert values[("BG/NBD", "alpha")].number_format == "General"  # not rounded to 0.00
    assert len(values) == 6 + 5


def test_russian_units_of_changes_and_axes():
    from cxray.report.charts import compact, numbers_in, points

    with numbers_in("en"):
        assert (compact(1500), compact(12_345_678), compact(2e9)) == ("1.5k", "12.3M", "2B")
        assert (points(0.052), points(-0.1, 0)) == ("+5.2 pp", "-10 pp")
    with numbers_in("ru"):
        got = (compact(1500), compact(12_345_678), compact(2e9))
        assert got == ("1,5\u00a0тыс.", "12,3\u00a0млн", "2\u00a0млрд")
        assert points(0.052) == "+5,2\u00a0п.\u00a0п."


def test_russian_report_has_no_english_units(report_data):
    # the white space matrix shows A's 24 months of milk (100 x 24 = 2,400) in thousands; the
    # say / do table shows each group's change of retention in points
    english, russian = render_html(report_data, lang="en"), render_html(report_data, lang="ru")
    for anchor, en, ru in (("whitespace", ">2.4k<", ">2,4\u00a0тыс.<"),
                           ("voice", ">+0 pp<", ">+0\u00a0п.\u00a0п.<")):  # fmt: skip
        assert en in section(english, anchor) and ru not in section(english, anchor)
        assert ru in section(russian, anchor) and en not in section(russian, anchor)
    shown = visible_text(russian.split("</style>")[1])
    assert not re.search(r"\d(k|M|B)\b|\bpp\b", shown)
    # the scores' promoters / passives / detractors column
    assert "P/N/D" in english and "P/N/D" not in russian and "П/Н/К" in russian


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("en", ["0.0001230", "12,346", "0.0001200", "1.700e-07", "2.500"]),
        ("ru", ["0,0001230", "12\u202f346", "0,0001200", "1,700e-07", "2,500"]),
    ],
)
def test_clv_command_shows_significant_digits(tmp_path, monkeypatch, lang, shown):
    from typer.testing import CliRunner

    from cxray.analytics.clv import CUSTOMER_COLUMNS
    from cxray.api.base import SessionBase
    from cxray.cli import app
    from cxray.workspace import Workspace

    folder = tmp_path / "ws"
    with Workspace(folder, create=True) as ws:
        one = {"order_id": "o1", "customer_id": "A", "order_date": d("2026-03-31"), "amount": 10.0}
        ws.write("orders", pd.DataFrame([one]))
    row = dict.fromkeys(CUSTOMER_COLUMNS, 1.0) | {"customer_id": "A"}
    fitted = dataclasses.replace(TINY_AND_LARGE, customers=pd.DataFrame([row]))
    monkeypatch.setattr(SessionBase, "_fit", lambda self, end, options: fitted)
    out = CliRunner().invoke(app, ["--lang", lang, "-w", str(folder), "clv"])
    assert out.exit_code == 0, out.output
    unit = t("clv_unit_week", lang=lang)  # "week" / "нед."
    title = t("clv_top_title", lang=lang, n=20, horizon=52, unit=unit)
    assert title in " ".join(out.stdout.split()), out.stdout
    assert ("week" in out.stdout) == (lang == "en")
    table = out.stdout.split(title)[0]
    cells = re.findall(r"[│┃]\s*([^│┃]*?)\s*(?=[│┃])", table)
    for text in shown:
        assert text in cells, (text, out.stdout)
    assert "0.0001" not in cells and "0.0000" not in cells  # the old 4 decimals


def test_pareto_table_by_hand(report_data):
    # 24 months to 2026-12-31: A 150 x 24 = 3,600, C (10 + ... + 120) x 2 + 5 x 24 = 1,680,
    # B 30 x 24 = 720, of 6,000: A alone reaches 50% (60%), A and C 70% and 80% (88%), all
    # three 90%
    html = render_html(report_data, lang="en")
    section = html[html.index("id='pareto'") :]
    table = section[section.index("<table") : section.index("</table>")]
    cells = re.sub(r"<[^>]+>", " ", table).split()[6:]  # after the three headers
    assert cells == ["50%", "1", "33.3%", "70%", "2", "66.7%", "80%", "2", "66.7%",
                     "90%", "3", "100.0%"]  # fmt: skip
