"""Product dynamics and product-line trends on hand-computed data, on DuckDB and SQLite."""

from __future__ import annotations

import pytest
from conftest import d

from cxray.analytics.products import (
    first_order_month,
    latest_rows,
    line_trends,
    product_dynamics,
)

AS_OF = d("2026-03-15")

_order_no = iter(range(1, 10_000))


def line(cid: str, date: str, amount: float, sku: str | None, qty: float | None = None) -> dict:
    return {
        "order_id": f"o{next(_order_no)}",
        "customer_id": cid,
        "order_date": d(date),
        "amount": float(amount),
        "sku": sku,
        "quantity": qty,
        "line_no": 1,
    }


ORDERS = [
    # c1: first order month 2025-01
    line("c1", "2025-01-10", 100, "s1", 2),
    line("c1", "2025-01-20", 50, "s1", None),  # null quantity counts 0
    line("c1", "2025-03-05", 80, "s2", 4),
    line("c1", "2025-03-06", -30, "s2", -1),  # a return
    line("c1", "2026-01-15", 200, "s1", 5),
    line("c1", "2026-02-10", 100, "s1", 1),
    line("c1", "2026-03-10", 50, "s2", 1),
    line("c1", "2026-03-20", 999, "s1", 9),  # after as_of: ignored
    # c2: first order month 2025-06
    line("c2", "2025-06-01", 10, "s1", 1),
    line("c2", "2025-07-01", 5, None, 1),  # no sku
    line("c2", "2025-08-01", 7, "s3", 1),  # product without a line
    line("c2", "2025-08-02", 3, "s4", 1),  # sku without a product row
    # c3: only after as_of
    line("c3", "2026-04-01", 500, "s1", 1),
]

PRODUCTS = [
    {"sku": "s1", "product_line": "L-A"},
    {"sku": "s2", "product_line": "L-B"},
    {"sku": "s3", "product_line": None},
]


def months(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@pytest.fixture
def data(load):
    return load("orders", ORDERS), load("products", PRODUCTS)


def rows(table) -> list[dict]:
    return table.to_pyarrow().to_pylist()


def series(result) -> dict[tuple[str, str], dict[str, dict]]:
    """{(customer_id, key): {month: row}}"""
    out: dict = {}
    for r in rows(result):
        out.setdefault((r["customer_id"], r["key"]), {})[r["month"]] = r
    return out


# ---------------------------------------------------------------------------------------------
# product_dynamics by SKU


def test_columns_order_and_zero_filled_months(data):
    orders, products = data
    result = product_dynamics(orders, products, as_of=AS_OF)
    assert result.columns == (
        "customer_id", "key", "name", "month", "revenue", "quantity",
        "mom_change", "mom_pct", "yoy_change", "yoy_pct",
    )  # fmt: skip
    got = rows(result)
    # c1: 2025-01..2026-03 = 15 months x 2 skus; c2: 2025-06..2026-03 = 10 months x 4 keys
    assert len(got) == 15 * 2 + 10 * 4
    keys = [(r["customer_id"], r["key"], r["month"]) for r in got]
    assert keys == sorted(keys)
    s = series(result)
    assert set(s) == {
        ("c1", "s1"), ("c1", "s2"), ("c2", "s1"), ("c2", "(no sku)"), ("c2", "s3"), ("c2", "s4"),
    }  # fmt: skip
    # every key of a customer starts at the customer's first month, not the key's
    assert list(s["c1", "s2"]) == months("2025-01", "2026-03")
    assert list(s["c2", "s4"]) == months("2025-06", "2026-03")
    feb = s["c1", "s1"]["2025-02"]
    assert (feb["revenue"], feb["quantity"]) == (0.0, 0.0)


def test_revenue_quantity_returns_and_null_quantity(data):
    orders, products = data
    s = series(product_dynamics(orders, products, as_of=AS_OF))
    jan = s["c1", "s1"]["2025-01"]
    assert (jan["revenue"], jan["quantity"]) == (150.0, 2.0)  # 100 + 50; 2 + (null -> 0)
    mar = s["c1", "s2"]["2025-03"]
    assert (mar["revenue"], mar["quantity"]) == (50.0, 3.0)  # 80 - 30 (return); 4 - 1


def test_orders_after_as_of_ignored(data):
    orders, products = data
    s = series(product_dynamics(orders, products, as_of=AS_OF))
    assert s["c1", "s1"]["2026-03"]["revenue"] == 0.0  # the 999 of 2026-03-20 is after as_of
    assert s["c1", "s1"]["2026-03"]["quantity"] == 0.0
    assert not any(cid == "c3" for cid, _ in s)


def test_mom(data):
    orders, products = data
    s = series(product_dynamics(orders, products, as_of=AS_OF))
    # first month of the series: no previous month
    first = s["c1", "s1"]["2025-01"]
    assert (first["mom_change"], first["mom_pct"]) == (None, None)
    first_zero = s["c1", "s2"]["2025-01"]
    assert (first_zero["revenue"], first_zero["mom_change"]) == (0.0, None)
    # 2025-02: 0 - 150 = -150, / 150 = -1
    assert s["c1", "s1"]["2025-02"]["mom_change"] == -150.0
    assert s["c1", "s1"]["2025-02"]["mom_pct"] == pytest.approx(-1.0)
    # 2025-03 s2: 50 - 0 = 50; previous month zero -> pct null
    assert s["c1", "s2"]["2025-03"]["mom_change"] == 50.0
    assert s["c1", "s2"]["2025-03"]["mom_pct"] is None
    # 2026-02: 100 - 200 = -100, / 200 = -0.5
    assert s["c1", "s1"]["2026-02"]["mom_change"] == -100.0
    assert s["c1", "s1"]["2026-02"]["mom_pct"] == pytest.approx(-0.5)
    # two zero months in a row: change 0, pct null
    assert s["c1", "s1"]["2025-05"]["mom_change"] == 0.0
    assert s["c1", "s1"]["2025-05"]["mom_pct"] is None


def test_yoy(data):
    orders, products = data
    s = series(product_dynamics(orders, products, as_of=AS_OF))
    # 2026-01 vs 2025-01: 200 - 150 = 50, / 150 = 1/3
    jan = s["c1", "s1"]["2026-01"]
    assert jan["yoy_change"] == 50.0
    assert jan["yoy_pct"] == pytest.approx(1 / 3)
    # 2026-02 vs 2025-02: 100 - 0 = 100; zero base -> pct null
    feb = s["c1", "s1"]["2026-02"]
    assert (feb["yoy_change"], feb["yoy_pct"]) == (100.0, None)
    # 2026-03 s2 vs 2025-03: 50 - 50 = 0, / 50 = 0.0
    mar = s["c1", "s2"]["2026-03"]
    assert (mar["yoy_change"], mar["yoy_pct"]) == (0.0, 0.0)
    # 2025-12: 2024-12 is before c1's first month -> null
    dec = s["c1", "s1"]["2025-12"]
    assert (dec["yoy_change"], dec["yoy_pct"]) == (None, None)
    # c2 starts 2025-06: every year-earlier month of its series is before that
    assert all(r["yoy_change"] is None for r in s["c2", "s1"].values())


def test_customer_filter(data):
    orders, products = data
    got = rows(product_dynamics(orders, products, as_of=AS_OF, customer_id="c2"))
    assert {r["customer_id"] for r in got} == {"c2"}
    assert len(got) == 10 * 4  # 2025-06..2026-03, keys s1, (no sku), s3, s4
    assert rows(product_dynamics(orders, products, as_of=AS_OF, customer_id="c3")) == []


# ---------------------------------------------------------------------------------------------
# product_dynamics by line


def test_by_line_with_unknown_and_no_sku(data):
    orders, products = data
    s = series(product_dynamics(orders, products, as_of=AS_OF, by="line"))
    assert set(s) == {
        ("c1", "L-A"), ("c1", "L-B"), ("c2", "L-A"), ("c2", "(no sku)"), ("c2", "(unknown)"),
    }  # fmt: skip
    # (unknown) 2025-08: s3 (product without a line) 7 + s4 (no product row) 3 = 10
    assert s["c2", "(unknown)"]["2025-08"]["revenue"] == 10.0
    assert s["c2", "(unknown)"]["2025-08"]["quantity"] == 2.0
    assert s["c2", "(no sku)"]["2025-07"]["revenue"] == 5.0
    assert s["c1", "L-A"]["2026-01"]["yoy_pct"] == pytest.approx(1 / 3)  # as for s1


# ---------------------------------------------------------------------------------------------
# start and first_order_month


def test_first_order_month(data):
    orders, _ = data
    assert first_order_month(orders, AS_OF) == d("2025-01-01")
    assert first_order_month(orders, AS_OF, customer_id="c2") == d("2025-06-01")
    # c3 has nothing up to as_of: as_of's month
    assert first_order_month(orders, AS_OF, customer_id="c3") == d("2026-03-01")


def test_literal_start_gives_the_same_rows(data):
    orders, products = data
    lazy = rows(product_dynamics(orders, products, as_of=AS_OF, by="line"))
    start = first_order_month(orders, AS_OF)
    literal = rows(product_dynamics(orders, products, as_of=AS_OF, by="line", start=start))
    assert literal == lazy


def test_later_start_shows_later_months_with_full_changes(data):
    orders, products = data
    full = series(product_dynamics(orders, products, as_of=AS_OF))
    late = series(product_dynamics(orders, products, as_of=AS_OF, start=d("2026-01-20")))
    assert list(late["c1", "s1"]) == ["2026-01", "2026-02", "2026-03"]
    # keys bought only before start still show (zero) rows
    assert late["c2", "s4"]["2026-01"]["revenue"] == 0.0
    for key, by_month in late.items():
        for month, row in by_month.items():
            assert row == full[key][month]
    # 2026-01: mom 200 - 0 (2025-12) = 200, pct null; yoy 200 - 150 = 50
    jan = late["c1", "s1"]["2026-01"]
    assert (jan["mom_change"], jan["mom_pct"], jan["yoy_change"]) == (200.0, None, 50.0)


def test_without_idle_keys_only_keys_bought_in_the_computed_months_get_rows(load):
    orders = load(
        "orders",
        [
            line("c1", "2024-12-10", 40, "s1", 1),  # before 2025-02, the first computed month
            line("c1", "2026-02-10", 60, "s2", 1),
            line("c1", "2026-03-01", 90, "s2", 1),
        ],
    )
    products = load("products", PRODUCTS)
    start = d("2026-03-01")  # computed from 13 months earlier: 2025-02
    full = rows(product_dynamics(orders, products, as_of=AS_OF, start=start))
    lean = rows(product_dynamics(orders, products, as_of=AS_OF, start=start, idle_keys=False))
    assert [(r["key"], r["revenue"]) for r in full] == [("s1", 0.0), ("s2", 90.0)]
    # s2 in 2026-03: mom 90 - 60 = 30 (50%); yoy 90 - 0 (2025-03, inside c1's series), pct null
    expected = {
        "customer_id": "c1",
        "key": "s2",
        "name": None,  # PRODUCTS has no names
        "month": "2026-03",
        "revenue": 90.0,
        "quantity": 1.0,
        "mom_change": 30.0,
        "mom_pct": 0.5,
        "yoy_change": 90.0,
        "yoy_pct": None,
    }
    assert lean == [expected]
    assert full[1] == expected


def test_latest_rows_rank_the_last_months_by_revenue(data):
    orders, products = data
    top = rows(latest_rows(orders, products, as_of=AS_OF, months=2, limit=3))
    # 2026-03 first: c1's s2 (50), then the zero rows by customer and key
    assert [(r["customer_id"], r["key"], r["month"], r["revenue"]) for r in top] == [
        ("c1", "s2", "2026-03", 50.0),
        ("c1", "s1", "2026-03", 0.0),
        ("c2", "(no sku)", "2026-03", 0.0),
    ]
    # s2: nothing in 2026-02 (mom 50, pct null); 2025-03 netted 80 - 30 = 50 (yoy 0, 0%)
    assert (top[0]["mom_change"], top[0]["mom_pct"]) == (50.0, None)
    assert (top[0]["yoy_change"], top[0]["yoy_pct"]) == (0.0, 0.0)
    full = series(product_dynamics(orders, products, as_of=AS_OF))
    for r in top:
        assert r == full[r["customer_id"], r["key"]][r["month"]]


def test_bad_arguments(data):
    orders, products = data
    with pytest.raises(ValueError, match="by"):
        product_dynamics(orders, products, as_of=AS_OF, by="brand")
    with pytest.raises(ValueError, match="start"):
        product_dynamics(orders, products, as_of=AS_OF, start=d("2026-04-01"))
    with pytest.raises(TypeError, match="as_of"):
        product_dynamics(orders, products, as_of="2026-03-15")


# ---------------------------------------------------------------------------------------------
# line_trends


def trends(result) -> dict[str, dict[str, dict]]:
    out: dict = {}
    for r in rows(result):
        out.setdefault(r["product_line"], {})[r["month"]] = r
    return out


def test_line_trends_three_months(data):
    orders, products = data
    result = line_trends(orders, products, as_of=AS_OF, months=3)
    assert result.columns == (
        "product_line", "month", "revenue", "mom_change", "mom_pct", "yoy_change", "yoy_pct",
    )  # fmt: skip
    t = trends(result)
    # only lines with revenue in 2026-01..2026-03 (c2's lines are all in 2025)
    assert set(t) == {"L-A", "L-B"}
    assert list(t["L-A"]) == ["2026-01", "2026-02", "2026-03"]
    a = t["L-A"]
    # 2026-01: 200; mom vs 2025-12 (0): +200, pct null; yoy vs 2025-01 (150): +50, 1/3
    assert (a["2026-01"]["revenue"], a["2026-01"]["mom_change"], a["2026-01"]["mom_pct"]) == (
        200.0,
        200.0,
        None,
    )
    assert a["2026-01"]["yoy_change"] == 50.0
    assert a["2026-01"]["yoy_pct"] == pytest.approx(1 / 3)
    # 2026-02: 100; mom -100, -0.5; yoy vs 2025-02 (0): +100, pct null
    assert a["2026-02"]["mom_pct"] == pytest.approx(-0.5)
    assert (a["2026-02"]["yoy_change"], a["2026-02"]["yoy_pct"]) == (100.0, None)
    # 2026-03: 0 (the 999 is after as_of); mom -100, -1.0
    assert (a["2026-03"]["revenue"], a["2026-03"]["mom_change"]) == (0.0, -100.0)
    assert a["2026-03"]["mom_pct"] == pytest.approx(-1.0)
    # L-B 2026-03: 50; mom vs 0: +50, null; yoy vs 2025-03 (80 - 30 = 50): 0, 0.0
    b = t["L-B"]["2026-03"]
    assert (b["revenue"], b["mom_change"], b["mom_pct"], b["yoy_change"], b["yoy_pct"]) == (
        50.0,
        50.0,
        None,
        0.0,
        0.0,
    )


def test_line_trends_twelve_months_with_fallback_keys(data):
    orders, products = data
    t = trends(line_trends(orders, products, as_of=AS_OF, months=12))
    # range 2025-04..2026-03
    assert set(t) == {"L-A", "L-B", "(no sku)", "(unknown)"}
    assert all(list(m) == months("2025-04", "2026-03") for m in t.values())
    assert t["(unknown)"]["2025-08"]["revenue"] == 10.0  # 7 + 3
    # L-A 2025-06: c2's 10; the year before (2024-06) had nothing: +10, pct null
    assert (t["L-A"]["2025-06"]["yoy_change"], t["L-A"]["2025-06"]["yoy_pct"]) == (10.0, None)
    # L-A 2025-04 mom vs 2025-03 (before the range, 0): 0, null
    assert (t["L-A"]["2025-04"]["mom_change"], t["L-A"]["2025-04"]["mom_pct"]) == (0.0, None)
    with pytest.raises(ValueError, match="months"):
        line_trends(orders, products, as_of=AS_OF, months=0)
