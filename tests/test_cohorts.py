"""Acquisition cohorts and the activation view on hand-computed data, on DuckDB and SQLite."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import d

from cxray.analytics.cohorts import (
    ALL_COHORTS,
    METRICS,
    activation,
    check_metric,
    check_period,
    cohort_table,
)

_order_no = iter(range(1, 10_000))


def line(cid: str, date: str, amount: float, order_id: str | None = None, line_no: int = 1) -> dict:
    return {
        "order_id": order_id or f"o{next(_order_no)}",
        "customer_id": cid,
        "order_date": d(date),
        "amount": float(amount),
        "line_no": line_no,
    }


AS_OF = d("2026-04-15")

# Purchase occasions (positive-total days) are marked with *. A customer's cohort is the month of
# its first order day of any amount (a return or a net-negative day included).
ORDERS = [
    # a: Jan cohort. Occasions 01-05*, 01-20*, 03-10*; 03-12 is a return-only day (no occasion)
    line("a", "2026-01-05", 60, "oa1", 1),  # two lines of one order on one date: one occasion
    line("a", "2026-01-05", 40, "oa1", 2),
    line("a", "2026-01-20", 50),
    line("a", "2026-03-10", 30),
    line("a", "2026-03-12", -10),  # a return
    # b: Jan cohort. Occasions 01-15*, 03-25*, 04-10*; 04-20 is after as_of
    line("b", "2026-01-15", 200),
    line("b", "2026-03-25", 80),
    line("b", "2026-04-10", 20),
    line("b", "2026-04-20", 999),  # after as_of: ignored (would be b's order 4)
    # c: Jan cohort. One occasion 01-31*; in April only a return
    line("c", "2026-01-31", 10),
    line("c", "2026-04-02", -5),
    # i: Jan cohort. Occasions 01-10*, 01-12*
    line("i", "2026-01-10", 20),
    line("i", "2026-01-12", 20),
    # e: Feb cohort. Two orders on 02-10 (50 and a -20 return, net 30): one occasion; 04-01*
    line("e", "2026-02-10", 50),
    line("e", "2026-02-10", -20),
    line("e", "2026-04-01", 25),
    # g: Feb cohort. Occasions 02-20*, 03-01*
    line("g", "2026-02-20", 60),
    line("g", "2026-03-01", 40),
    # d: first line is a pure return day in Feb: acquired then (Feb cohort), first occasion 03-05*
    line("d", "2026-02-01", -40),
    line("d", "2026-03-05", 70),
    # h: a sale and a larger return on 03-03 (net -30, not an occasion): acquired in Mar (Mar
    # cohort), first occasion 04-05*
    line("h", "2026-03-03", 50),
    line("h", "2026-03-03", -80),
    line("h", "2026-04-05", 10),
    # f: only after as_of: in no cohort
    line("f", "2026-05-01", 500),
]


def rows(table) -> list[dict]:
    return table.to_pyarrow().to_pylist()


def cells(table) -> dict[tuple[str, int], dict]:
    """{(cohort, period_index): row}"""
    return {(r["cohort"], r["period_index"]): r for r in rows(table)}


def steps(table) -> dict[tuple[str, int], dict]:
    """{(cohort, k): row}"""
    return {(r["cohort"], r["k"]): r for r in rows(table)}


@pytest.fixture
def orders(load):
    return load("orders", ORDERS)


# ---------------------------------------------------------------------------------------------
# cohort_table, monthly

COHORT_COLUMNS = [
    "cohort",
    "period_index",
    "customers",
    "cohort_size",
    "retention",
    "revenue",
    "revenue_per_customer",
]


def test_cohort_table_columns_order_and_grid(orders):
    result = cohort_table(orders, as_of=AS_OF)
    assert result.columns == tuple(COHORT_COLUMNS)
    got = [(r["cohort"], r["period_index"]) for r in rows(result)]
    # as_of month 2026-04: each cohort has one row per month from its own month to April,
    # gap months included; no 2026-05 cohort (f's only order is after as_of)
    assert got == [
        ("2026-01", 0),
        ("2026-01", 1),
        ("2026-01", 2),
        ("2026-01", 3),
        ("2026-02", 0),
        ("2026-02", 1),
        ("2026-02", 2),
        ("2026-03", 0),
        ("2026-03", 1),
    ]


def test_cohort_sizes(orders):
    sizes = {c: r["cohort_size"] for (c, _), r in cells(cohort_table(orders, as_of=AS_OF)).items()}
    # Jan: a, b, c, i; Feb: e, g and d (its Feb return is its first order day); Mar: h (its
    # net-negative Mar day is its first order day); nobody is acquired in Apr
    assert sizes == {"2026-01": 4, "2026-02": 3, "2026-03": 1}


def test_cohort_customers_and_retention_with_gap_month(orders):
    t = cells(cohort_table(orders, as_of=AS_OF))
    # Jan cohort (4): Jan all 4 bought; Feb nobody (zero row); Mar a (30) and b (80) -> 2/4;
    # Apr b (20) -> 1/4 (c's April return alone is not buying)
    assert [t["2026-01", p]["customers"] for p in range(4)] == [4, 0, 2, 1]
    assert [t["2026-01", p]["retention"] for p in range(4)] == pytest.approx([1.0, 0.0, 0.5, 0.25])
    # Feb cohort (3): Feb e, g (d's return-only day is no purchase) -> 2/3; Mar g, d -> 2/3;
    # Apr e -> 1/3
    assert [t["2026-02", p]["customers"] for p in range(3)] == [2, 2, 1]
    assert [t["2026-02", p]["retention"] for p in range(3)] == pytest.approx([2 / 3, 2 / 3, 1 / 3])
    # Mar cohort (h): Mar nobody (h's day nets to -30: no purchase); Apr h (04-05)
    assert [t["2026-03", p]["customers"] for p in range(2)] == [0, 1]
    assert [t["2026-03", p]["retention"] for p in range(2)] == pytest.approx([0.0, 1.0])


def test_cohort_revenue_includes_returns(orders):
    t = cells(cohort_table(orders, as_of=AS_OF))
    # Jan cohort: Jan 60+40+50 (a) + 200 (b) + 10 (c) + 20+20 (i) = 400; Feb 0;
    # Mar 30-10 (a) + 80 (b) = 100; Apr 20 (b; 999 after as_of ignored) - 5 (c's return) = 15
    assert [t["2026-01", p]["revenue"] for p in range(4)] == pytest.approx([400, 0, 100, 15])
    # Feb cohort: Feb 50-20 (e) + 60 (g) - 40 (d's return) = 50; Mar 40 (g) + 70 (d) = 110;
    # Apr 25 (e)
    assert [t["2026-02", p]["revenue"] for p in range(3)] == pytest.approx([50, 110, 25])
    # Mar cohort (h): Mar 50 - 80 = -30; Apr 10
    assert [t["2026-03", p]["revenue"] for p in range(2)] == pytest.approx([-30, 10])


def test_cohort_revenue_per_acquired_customer(orders):
    t = cells(cohort_table(orders, as_of=AS_OF))
    # revenue / cohort_size, not / customers buying in the period
    # Jan: 400/4, 0/4, 100/4, 15/4
    assert [t["2026-01", p]["revenue_per_customer"] for p in range(4)] == pytest.approx(
        [100, 0, 25, 3.75]
    )
    # Feb: 50/3, 110/3, 25/3
    assert [t["2026-02", p]["revenue_per_customer"] for p in range(3)] == pytest.approx(
        [50 / 3, 110 / 3, 25 / 3]
    )
    assert t["2026-03", 0]["revenue_per_customer"] == pytest.approx(-30)


def test_cohort_orders_after_as_of_ignored(orders):
    # as_of 2026-02-15: only Jan and Feb exist; d (02-01) and e (02-10) are in the Feb cohort,
    # g (02-20) not yet
    t = cells(cohort_table(orders, as_of=d("2026-02-15")))
    assert sorted(t) == [("2026-01", 0), ("2026-01", 1), ("2026-02", 0)]
    assert t["2026-01", 0]["cohort_size"] == 4
    assert t["2026-01", 1]["customers"] == 0
    assert t["2026-02", 0]["cohort_size"] == 2  # d and e
    assert t["2026-02", 0]["customers"] == 1  # e: d only returned
    assert t["2026-02", 0]["revenue"] == pytest.approx(-10)  # 50 - 20 - 40


def test_cohort_table_empty_when_no_orders_up_to_as_of(orders):
    assert rows(cohort_table(orders, as_of=d("2025-12-31"))) == []


# ---------------------------------------------------------------------------------------------
# cohort_table, quarterly across a year boundary

QUARTER_ORDERS = [
    line("r", "2025-08-01", 10),  # 2025-Q3
    line("r", "2026-02-05", 5),  # 2026-Q1
    line("r", "2026-02-20", 99),  # after as_of
    line("p", "2025-11-05", 100),  # 2025-Q4
    line("p", "2026-01-10", 50),  # 2026-Q1
    line("q", "2025-12-20", 30),  # 2025-Q4
    line("s", "2026-01-15", 40),  # 2026-Q1
]


def test_cohort_table_quarters_across_year_boundary(load):
    orders = load("orders", QUARTER_ORDERS)
    got = [
        (r["cohort"], r["period_index"], r["customers"], r["cohort_size"], r["revenue"])
        for r in rows(cohort_table(orders, as_of=d("2026-02-10"), period="quarter"))
    ]
    # 2025-Q3 (r): Q3 10; 2025-Q4 nobody (index 1); 2026-Q1 r 5 (index 2, across the year)
    # 2025-Q4 (p, q): Q4 100 + 30; 2026-Q1 p 50 (index 1)
    # 2026-Q1 (s): 40
    assert got == [
        ("2025-Q3", 0, 1, 1, pytest.approx(10)),
        ("2025-Q3", 1, 0, 1, pytest.approx(0)),
        ("2025-Q3", 2, 1, 1, pytest.approx(5)),
        ("2025-Q4", 0, 2, 2, pytest.approx(130)),
        ("2025-Q4", 1, 1, 2, pytest.approx(50)),
        ("2026-Q1", 0, 1, 1, pytest.approx(40)),
    ]


def test_cohort_table_months_across_year_boundary(load):
    orders = load("orders", QUARTER_ORDERS)
    t = cells(cohort_table(orders, as_of=d("2026-02-10")))
    # 2025-08 .. 2026-02 is 7 months: r's cohort has indexes 0..6, 2026-02 is index 6
    assert [p for (c, p) in t if c == "2025-08"] == list(range(7))
    assert t["2025-08", 6]["customers"] == 1
    assert t["2025-11", 2]["customers"] == 1  # p in 2026-01, 2 months after 2025-11
    assert t["2025-12", 1]["customers"] == 0  # q bought nothing in 2026-01
    assert t["2025-12", 1]["retention"] == pytest.approx(0.0)


def test_cohort_table_quarter_sizes_on_main_fixture(orders):
    t = cells(cohort_table(orders, as_of=AS_OF, period="quarter"))
    # 2026-Q1: a, b, c, i, e, g, d, h = 8 (every first order day is in Q1)
    # Q1 buyers: all but h (its only Q1 day nets to -30) = 7
    # Q1 revenue by customer: a 170, b 280, c 10, i 40, e 30, g 100, d 30, h -30 = 630
    # Q2 (index 1): b 20, c -5, e 25, h 10 = 50; buyers b, e, h
    assert t["2026-Q1", 0]["cohort_size"] == 8
    assert t["2026-Q1", 0]["customers"] == 7
    assert t["2026-Q1", 0]["revenue"] == pytest.approx(630)
    assert t["2026-Q1", 1]["customers"] == 3
    assert t["2026-Q1", 1]["retention"] == pytest.approx(3 / 8)
    assert t["2026-Q1", 1]["revenue"] == pytest.approx(50)
    assert sorted(t) == [("2026-Q1", 0), ("2026-Q1", 1)]


# ---------------------------------------------------------------------------------------------
# activation

ACTIVATION_COLUMNS = ["cohort", "k", "customers_k", "customers_next", "share_next", "median_days"]


def test_activation_columns_and_order(orders):
    result = activation(orders, as_of=AS_OF, max_order=3)
    assert result.columns == tuple(ACTIVATION_COLUMNS)
    got = [(r["cohort"], r["k"]) for r in rows(result)]
    cohorts = ["2026-01", "2026-02", "2026-03", ALL_COHORTS]
    assert got == [(c, k) for c in cohorts for k in (1, 2, 3)]


def test_activation_jan_cohort_shares_and_medians(orders):
    t = steps(activation(orders, as_of=AS_OF, max_order=3))
    # occasions (days between): a 01-05 -15-> 01-20 -49-> 03-10; b 01-15 -69-> 03-25 -16-> 04-10;
    # c 01-31; i 01-10 -2-> 01-12
    # k=1: a, b, c, i = 4; next a, b, i = 3 -> 0.75; days 2, 15, 69 -> median 15 (odd count)
    assert t["2026-01", 1] == {
        "cohort": "2026-01",
        "k": 1,
        "customers_k": 4,
        "customers_next": 3,
        "share_next": pytest.approx(0.75),
        "median_days": pytest.approx(15),
    }
    # k=2: a, b, i = 3; next a, b = 2 -> 2/3; days 16, 49 -> median (16 + 49) / 2 = 32.5
    assert t["2026-01", 2] == {
        "cohort": "2026-01",
        "k": 2,
        "customers_k": 3,
        "customers_next": 2,
        "share_next": pytest.approx(2 / 3),
        "median_days": pytest.approx(32.5),
    }
    # k=3: a, b = 2; nobody made a 4th order (b's 04-20 is after as_of) -> 0.0, no median
    assert t["2026-01", 3] == {
        "cohort": "2026-01",
        "k": 3,
        "customers_k": 2,
        "customers_next": 0,
        "share_next": pytest.approx(0.0),
        "median_days": None,
    }


def test_activation_same_date_lines_are_one_order(orders):
    t = steps(activation(orders, as_of=AS_OF, max_order=3))
    # Feb cohort: e 02-10 (two orders, one occasion) -50-> 04-01; g 02-20 -9-> 03-01;
    # d 03-05 (its 02-01 return is no order)
    # k=1: 3 customers, e and g made order 2 -> 2/3; median (9 + 50) / 2 = 29.5
    assert t["2026-02", 1]["customers_k"] == 3
    assert t["2026-02", 1]["customers_next"] == 2
    assert t["2026-02", 1]["share_next"] == pytest.approx(2 / 3)
    assert t["2026-02", 1]["median_days"] == pytest.approx(29.5)
    # k=2: e and g have 2 orders, neither a 3rd; k=3: nobody -> share null
    assert (t["2026-02", 2]["customers_k"], t["2026-02", 2]["customers_next"]) == (2, 0)
    assert t["2026-02", 2]["share_next"] == pytest.approx(0.0)
    assert t["2026-02", 3]["customers_k"] == 0
    assert t["2026-02", 3]["share_next"] is None
    assert t["2026-02", 3]["median_days"] is None
    # a's two lines on 01-05 are one order too: otherwise a's k=1 -> k=2 gap would be 0 days
    # and the Jan k=1 median would be 2, not 15
    assert t["2026-01", 1]["median_days"] == pytest.approx(15)


def test_activation_return_days_are_not_orders(orders):
    t = steps(activation(orders, as_of=AS_OF, max_order=3))
    # d: the 02-01 return is not an order: d's only order is 03-05 (Feb cohort, k=1 above)
    # h: the net-negative 03-03 day is not an order: h (Mar cohort) has one order, 04-05
    assert (t["2026-03", 1]["customers_k"], t["2026-03", 1]["customers_next"]) == (1, 0)
    assert t["2026-03", 1]["share_next"] == pytest.approx(0.0)
    assert t["2026-03", 1]["median_days"] is None
    assert t["2026-03", 2]["customers_k"] == 0
    assert t["2026-03", 2]["share_next"] is None
    # c's April return is not an order 2: c is counted at k=1 without a next order (see Jan k=1)


def test_activation_all_row(orders):
    t = steps(activation(orders, as_of=AS_OF, max_order=3))
    # k=1: a, b, c, i, e, g, d, h = 8; next a, b, i, e, g = 5 -> 0.625;
    #      days 2, 9, 15, 50, 69 -> median 15
    assert t["all", 1] == {
        "cohort": "all",
        "k": 1,
        "customers_k": 8,
        "customers_next": 5,
        "share_next": pytest.approx(0.625),
        "median_days": pytest.approx(15),
    }
    # k=2: a, b, i, e, g = 5; next a, b = 2 -> 0.4; days 16, 49 -> 32.5
    assert t["all", 2] == {
        "cohort": "all",
        "k": 2,
        "customers_k": 5,
        "customers_next": 2,
        "share_next": pytest.approx(0.4),
        "median_days": pytest.approx(32.5),
    }
    # k=3: a, b = 2; next 0
    assert t["all", 3] == {
        "cohort": "all",
        "k": 3,
        "customers_k": 2,
        "customers_next": 0,
        "share_next": pytest.approx(0.0),
        "median_days": None,
    }


def test_activation_default_max_order_and_truncation(orders):
    full = steps(activation(orders, as_of=AS_OF))
    # default max_order=5: k = 1..5 per cohort, zero-filled
    assert sorted(k for (c, k) in full if c == "all") == [1, 2, 3, 4, 5]
    assert full["all", 5]["customers_k"] == 0
    assert full["all", 5]["share_next"] is None
    # max_order=1 still sees order 2 when computing k=1
    one = steps(activation(orders, as_of=AS_OF, max_order=1))
    cohorts = ("2026-01", "2026-02", "2026-03", "all")
    assert sorted(one) == sorted((c, 1) for c in cohorts)
    assert one["all", 1] == full["all", 1]
    assert one["2026-01", 1] == full["2026-01", 1]


def test_activation_orders_after_as_of_ignored(orders):
    # as_of 2026-04-20: b's 04-20 order becomes its 4th (04-10 -10-> 04-20), a 999 sale
    t = steps(activation(orders, as_of=d("2026-04-20"), max_order=3))
    assert (t["2026-01", 3]["customers_k"], t["2026-01", 3]["customers_next"]) == (2, 1)
    assert t["2026-01", 3]["share_next"] == pytest.approx(0.5)
    assert t["2026-01", 3]["median_days"] == pytest.approx(10)
    # with the test's as_of (04-15) the same step has no next order
    assert steps(activation(orders, as_of=AS_OF, max_order=3))["2026-01", 3]["customers_next"] == 0


def test_activation_quarter_cohorts(load):
    orders = load("orders", QUARTER_ORDERS)
    t = steps(activation(orders, as_of=d("2026-02-10"), period="quarter", max_order=2))
    # 2025-Q3: r 2025-08-01 -188-> 2026-02-05 (31+30+31+30+31+31 = 184 to 02-01, +4)
    assert t["2025-Q3", 1]["customers_next"] == 1
    assert t["2025-Q3", 1]["median_days"] == pytest.approx(188)
    # 2025-Q4: p 2025-11-05 -66-> 2026-01-10 (25 + 31 + 10); q one order -> 1/2
    assert t["2025-Q4", 1]["share_next"] == pytest.approx(0.5)
    assert t["2025-Q4", 1]["median_days"] == pytest.approx(66)
    # 2026-Q1: s one order
    assert t["2026-Q1", 1]["customers_next"] == 0
    # all k=1: r, p, q, s = 4; next r, p -> 0.5; median (66 + 188) / 2 = 127
    assert t["all", 1]["share_next"] == pytest.approx(0.5)
    assert t["all", 1]["median_days"] == pytest.approx(127)


def test_activation_without_orders_has_only_all_rows(orders):
    got = rows(activation(orders, as_of=d("2025-12-31"), max_order=2))
    assert got == [
        {
            "cohort": "all",
            "k": 1,
            "customers_k": 0,
            "customers_next": 0,
            "share_next": None,
            "median_days": None,
        },
        {
            "cohort": "all",
            "k": 2,
            "customers_k": 0,
            "customers_next": 0,
            "share_next": None,
            "median_days": None,
        },
    ]


# ---------------------------------------------------------------------------------------------
# parameters


def test_metrics_and_check_metric():
    assert METRICS == ("customers", "retention", "revenue", "revenue_per_customer")
    for metric in METRICS:
        assert check_metric(metric) == metric
        assert metric in COHORT_COLUMNS
    with pytest.raises(ValueError, match="metric"):
        check_metric("cohort_size_pct")
    with pytest.raises(ValueError, match="metric"):
        check_metric(None)


def test_check_period():
    assert check_period("month") == "month"
    assert check_period("quarter") == "quarter"
    with pytest.raises(ValueError, match="period"):
        check_period("week")


def test_parameter_validation(orders):
    with pytest.raises(ValueError, match="period"):
        cohort_table(orders, as_of=AS_OF, period="year")
    with pytest.raises(ValueError, match="period"):
        activation(orders, as_of=AS_OF, period="Month")
    for bad in (0, -1, 2.5, True, "3"):
        with pytest.raises(ValueError, match="max_order"):
            activation(orders, as_of=AS_OF, max_order=bad)
    with pytest.raises(TypeError, match="as_of"):
        cohort_table(orders, as_of=dt.datetime(2026, 4, 15))
    with pytest.raises(TypeError, match="as_of"):
        activation(orders, as_of="2026-04-15")
