"""The audience rule language: parsing, errors, and which customers each form matches, on
DuckDB and SQLite.

Fixture, as_of 2026-06-30 (active window 24 months: (2024-06-30, 2026-06-30]):

    id  segment  region  account_manager  first_contact  order lines (date sku amount)
    C1  retail   Tver    Ivanova          2024-01-10     2026-06-01 S-1 600, 2025-12-01 M-1 100,
                                                         2025-06-01 M-1 400, 2024-12-01 M-1 100
    C2  horeca   Moscow  Petrov           2025-03-01     2026-05-01 M-1 200
    C3  retail   -       -                -              2023-01-01 S-1 300 (before the window)
    C4  -        Tver    -                -              2026-06-20 C-9 50, 2026-06-21 S-1 -20
    C5  (only in orders)                                 2026-06-30 M-1 1000

Products: S-1 in line Cheese, M-1 in line Bread; C-9 has no product row.

- revenue: C1 1200, C2 200, C3 0, C4 30, C5 1000 (total 2430; 70% = 1701)
- key: C1 (0 before it) and C5 (1200 before it < 1701); C2 has 2200 before it
- regular (2 dates in each of the two years): C1 only (2026-06-01, 2025-12-01 | 2025-06-01,
  2024-12-01)
- reachable: C2 (current contact and an interaction on 2026-01-01); C1 has no interaction
- RFM (n = 4; purchase days only: C4's return-only 2026-06-21 is none): recency C1 29, C2 60,
  C4 10, C5 0 -> r 2, 1, 3, 4; frequency C1 4, C2 1, C4 1, C5 1 -> f 4, 1, 1, 1; monetary
  -> m 4, 2, 1, 3; fm = floor((f + m + 1) / 2) -> 4, 2, 1, 2;
  segments C1 at_risk, C2 lost, C4 about_to_sleep, C5 potential_loyalist
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import d

from cxray.comms.rules import Rule, compile_rule, customer_frame, parse_rule, rule_context
from cxray.errors import CxrayError

AS_OF = d("2026-06-30")

CUSTOMERS = [
    {
        "customer_id": "C1",
        "segment": "retail",
        "region": "Tver",
        "account_manager": "Ivanova",
        "first_contact_date": "2024-01-10",
    },
    {
        "customer_id": "C2",
        "segment": "horeca",
        "region": "Moscow",
        "account_manager": "Petrov",
        "first_contact_date": "2025-03-01",
    },
    {"customer_id": "C3", "segment": "retail"},
    {"customer_id": "C4", "region": "Tver"},
]

_n = iter(range(1, 1000))


def order(cid, date, sku, amount):
    return {
        "order_id": f"o{next(_n)}",
        "customer_id": cid,
        "order_date": d(date),
        "sku": sku,
        "amount": float(amount),
        "line_no": 1,
    }


ORDERS = [
    order("C1", "2026-06-01", "S-1", 600),
    order("C1", "2025-12-01", "M-1", 100),
    order("C1", "2025-06-01", "M-1", 400),
    order("C1", "2024-12-01", "M-1", 100),
    order("C2", "2026-05-01", "M-1", 200),
    order("C3", "2023-01-01", "S-1", 300),
    order("C4", "2026-06-20", "C-9", 50),
    order("C4", "2026-06-21", "S-1", -20),
    order("C5", "2026-06-30", "M-1", 1000),
]

PRODUCTS = [{"sku": "S-1", "product_line": "Cheese"}, {"sku": "M-1", "product_line": "Bread"}]
CONTACTS = [
    {"customer_id": "C1", "contact_id": "k1", "email": "c1@example.com"},
    {"customer_id": "C2", "contact_id": "k2", "email": "c2@example.com"},
]
INTERACTIONS = [{"customer_id": "C2", "date": d("2026-01-01"), "channel": "call"}]


@pytest.fixture
def tables(load):
    return {
        "customers": load("customers", CUSTOMERS),
        "orders": load("orders", ORDERS),
        "products": load("products", PRODUCTS),
        "contacts": load("contacts", CONTACTS),
        "interactions": load("interactions", INTERACTIONS),
    }


def matching(tables, text, **kw):
    context = rule_context(tables, AS_OF, **kw)
    frame = context.frame
    expr = compile_rule(parse_rule(text), context)
    ids = frame.filter(expr).customer_id.to_pyarrow().to_pylist()
    return sorted(ids)


CASES = [
    # attributes of the customers table
    ('segment == "retail"', ["C1", "C3"]),
    ('segment != "retail"', ["C2"]),  # a missing segment matches no comparison
    ('not segment == "retail"', ["C2", "C4", "C5"]),  # ... but `not` includes it
    ('segment in ["retail", "horeca"]', ["C1", "C2", "C3"]),
    ('segment not in ["retail"]', ["C2"]),
    ('not segment in ["retail"]', ["C2", "C4", "C5"]),
    ('region == "Tver"', ["C1", "C4"]),
    ('account_manager == "Ivanova"', ["C1"]),  # an extra attribute from the file
    ('first_contact_date >= "2025-01-01"', ["C2"]),
    ('customer_id in ["C1", "C5", "C9"]', ["C1", "C5"]),
    # computed fields
    ("revenue > 150", ["C1", "C2", "C5"]),
    ("revenue >= 1000", ["C1", "C5"]),
    ("revenue < 100", ["C3", "C4"]),
    ("revenue == 200", ["C2"]),
    ("recency_days <= 10", ["C4", "C5"]),
    ("frequency >= 2", ["C1"]),  # C4's second date is a return-only day
    ('rfm_segment == "at_risk"', ["C1"]),
    ('rfm_segment in ["lost", "potential_loyalist"]', ["C2", "C5"]),
    ('rfm_segment == "about_to_sleep"', ["C4"]),
    ("r_score >= 3", ["C4", "C5"]),
    # status words
    ("active", ["C1", "C2", "C4", "C5"]),
    ("not active", ["C3"]),
    ("regular", ["C1"]),
    ("key", ["C1", "C5"]),
    ("not key", ["C2", "C3", "C4"]),
    ("reachable", ["C2"]),
    # purchases
    ('bought sku "S-1" within 60 days', ["C1"]),  # C4's S-1 line is a return
    ('bought sku "S-1"', ["C1", "C3"]),  # any time up to as_of
    ('bought line "Cheese" within 30 days', ["C1"]),
    ('bought line "Bread" within 90 days', ["C2", "C5"]),
    ('not bought line "Bread" within 90 days', ["C1", "C3", "C4"]),
    ('bought sku ["S-1", "C-9"] within 30 days', ["C1", "C4"]),
    ("bought sku «C-9» within 1 day", []),  # 2026-06-20 is 10 days back
    ('BOUGHT LINE "Bread" WITHIN 1 DAY', ["C5"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_matches(tables, text, expected):
    assert matching(tables, text) == expected


def test_clv_fields_when_clv_results_are_given(tables):
    clv = pd.DataFrame(
        {"customer_id": ["C1", "C2", "C5"], "clv": [900.0, 50.0, 400.0], "p_alive": [0.9, 0.3, 0.6]}
    )
    assert matching(tables, "p_alive >= 0.5", clv=clv) == ["C1", "C5"]
    assert matching(tables, "clv < 100", clv=clv) == ["C2"]
    assert matching(tables, "not clv >= 100", clv=clv) == ["C2", "C3", "C4"]


def test_customer_frame_has_every_field(tables):
    frame = customer_frame(tables, AS_OF)
    assert frame.columns == (
        "customer_id",
        "name",
        "segment",
        "region",
        "first_contact_date",
        "source_channel",
        "account_manager",
        "active",
        "regular",
        "key",
        "reachable",
        "revenue",
        "rfm_segment",
        "recency_days",
        "frequency",
        "r_score",
        "f_score",
        "m_score",
    )
    rows = {r["customer_id"]: r for r in frame.to_pyarrow().to_pylist()}
    assert sorted(rows) == ["C1", "C2", "C3", "C4", "C5"]
    assert rows["C1"]["revenue"] == pytest.approx(1200.0)
    assert rows["C3"]["rfm_segment"] is None and rows["C3"]["revenue"] == 0.0


def test_parse_forms():
    assert parse_rule('segment == "A"') == Rule("compare", "segment", "==", ("A",))
    assert parse_rule("revenue >= 1000.5") == Rule("compare", "revenue", ">=", (1000.5,))
    assert parse_rule('region not in ["A", "B"]') == Rule("compare", "region", "not in", ("A", "B"))
    assert parse_rule("not key") == Rule("status", "key", negated=True)
    assert parse_rule('not bought line "Сыры" within 90 days') == Rule(
        "bought", "line", "", ("Сыры",), 90, negated=True
    )
    assert parse_rule("bought sku 10023") == Rule("bought", "sku", "", ("10023",), None)
    rule = parse_rule('  segment  ==  "A \\"B\\""  ')
    assert rule.values == ('A "B"',) and rule.text == 'segment  ==  "A \\"B\\""'
    # the canonical text reads back to the same rule
    for text, _ in CASES:
        rule = parse_rule(text)
        assert parse_rule(str(rule)) == rule


@pytest.mark.parametrize(
    ("text", "key", "pos"),
    [
        ("segment = 'A'", "rule_single_eq", 9),
        ('segment "A"', "rule_expected_op", 9),
        ("segment ==", "rule_expected_value", 11),
        ("segment == retail", "rule_expected_value", 12),
        ('segment in "A"', "rule_expected_list", 12),
        ('segment in ["A" "B"]', "rule_expected_list", 17),
        ('segment == "A', "rule_unclosed", 12),
        ("active == 1", "rule_status_alone", 8),
        ('bought "S-1" within 3 days', "rule_bought_syntax", 8),
        ('bought sku "S-1" within 0 days', "rule_bad_days", 25),
        ('bought sku "S-1" within 3 weeks', "rule_bought_syntax", 27),
        ('segment == "A" and active', "rule_trailing", 16),
        ("revenue > 30k", "rule_expected_value", 11),
        ("not", "rule_expected_start", 4),
        ("== 3", "rule_expected_start", 1),
        ("revenue > 3 ; x", "rule_bad_char", 13),
    ],
)
def test_syntax_errors_name_rule_and_position(text, key, pos):
    with pytest.raises(CxrayError) as err:
        parse_rule(text, where="c.yaml, audience[1]: ")
    assert err.value.key == key
    assert err.value.params["pos"] == pos
    message = str(err.value)
    assert message.startswith("c.yaml, audience[1]: ")
    assert f"position {pos}" in message and text.strip() in message


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("", "rule_empty"),
        ("   ", "rule_empty"),
        (None, "rule_not_text"),
        (True, "rule_not_text"),
        (["a"], "rule_not_text"),
        ({"segment": "A"}, "rule_not_text"),
        (5.5, "rule_expected_start"),
        ("segment == 'A'", "rule_expected_value"),
    ],
)
def test_empty_or_non_text_rules(value, key):
    with pytest.raises(CxrayError) as err:
        parse_rule(value)
    assert err.value.key == key


def test_unknown_field_lists_known_fields(tables):
    context = rule_context(tables, AS_OF)
    with pytest.raises(CxrayError) as err:
        compile_rule(parse_rule('manager == "Ivanova"', where="c.yaml, audience[2]: "), context)
    message = str(err.value)
    assert err.value.key == "rule_unknown_field"
    assert message.startswith("c.yaml, audience[2]: rule 'manager == \"Ivanova\"'")
    for name in ("segment", "region", "account_manager", "revenue", "rfm_segment", "active"):
        assert name in message
    assert message.endswith("m_score, clv, p_alive")


def test_clv_field_without_clv_results(tables):
    context = rule_context(tables, AS_OF)
    with pytest.raises(CxrayError) as err:
        compile_rule(parse_rule("p_alive > 0.5"), context)
    assert err.value.key == "rule_needs_clv"
    assert "p_alive needs CLV results" in str(err.value)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('revenue > "100"', "rule_type_number"),
        ("segment == 5", "rule_type_text"),
        ('segment in ["A", 5]', "rule_type_text"),
        ('first_contact_date > "last year"', "rule_type_date"),
        ("first_contact_date > 2025", "rule_type_date"),
    ],
)
def test_value_of_the_wrong_type(tables, text, key):
    context = rule_context(tables, AS_OF)
    with pytest.raises(CxrayError) as err:
        compile_rule(parse_rule(text), context)
    assert err.value.key == key
    assert text in str(err.value)


# bought = a line with a positive amount on a purchase day (a day whose lines net above zero)
RETURN_ORDERS = [
    order("P1", "2026-06-10", "S-1", 100),  # a purchase with a partial return the same day:
    order("P1", "2026-06-10", "S-1", -30),  # net 70, a purchase day -> bought S-1
    order("P2", "2026-06-12", "S-1", -50),  # a return-only day -> nothing bought
    order("P3", "2026-06-14", "M-1", 40),  # returns exceed sales: net 40 - 100 = -60,
    order("P3", "2026-06-14", "S-1", -100),  # not a purchase day -> neither M-1 nor S-1
    order("P4", "2026-06-16", "S-1", 80),  # a sale and its full return: net 0,
    order("P4", "2026-06-16", "S-1", -80),  # not a purchase day -> nothing bought
    order("P5", "2026-06-18", "M-1", -10),  # a return and a larger sale: net 50,
    order("P5", "2026-06-18", "S-1", 60),  # a purchase day: S-1 bought, the returned M-1 not
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('bought sku "S-1" within 30 days', ["P1", "P5"]),
        ('bought line "Cheese" within 30 days', ["P1", "P5"]),
        ('bought sku "M-1" within 30 days', []),
        ('bought line "Bread"', []),
        ('not bought sku "S-1" within 30 days', ["P2", "P3", "P4"]),
    ],
)
def test_bought_counts_purchase_days_only_and_never_a_return(load, text, expected):
    tables = {
        "customers": load("customers", [{"customer_id": f"P{i}"} for i in range(1, 6)]),
        "orders": load("orders", RETURN_ORDERS),
        "products": load("products", PRODUCTS),
    }
    assert matching(tables, text) == expected
