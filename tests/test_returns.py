"""Return rates by amount per SKU, product line and customer, and product names beside SKUs, on
hand-computed data (DuckDB and SQLite)."""

from __future__ import annotations

import pytest
from conftest import d

from cxray.analytics.products import product_dynamics
from cxray.analytics.returns import return_rates
from cxray.analytics.windows import trailing_window

AS_OF = d("2026-03-31")
_order_no = iter(range(1, 10_000))


def line(cid: str, date: str, amount: float, sku: str | None) -> dict:
    return {
        "order_id": f"o{next(_order_no)}",
        "customer_id": cid,
        "order_date": d(date),
        "amount": float(amount),
        "sku": sku,
        "line_no": 1,
    }


PRODUCTS = [
    {"sku": "s1", "name": "Gouda 1 kg", "product_line": "Cheese"},
    {"sku": "s2", "name": "Brie 200 g", "product_line": "Cheese"},
    {"sku": "s3", "name": None, "product_line": "Bread"},
]

ORDERS = [
    line("a", "2026-01-05", 200, "s1"),
    line("a", "2026-01-20", -50, "s1"),  # a return of s1
    line("a", "2026-02-01", 100, "s2"),
    line("b", "2026-02-10", 300, "s1"),
    line("b", "2026-02-10", -30, "s2"),  # same day as a sale: the day nets +270
    line("b", "2026-03-01", 40, "s3"),
    line("c", "2026-03-05", -20, "s3"),  # returns only
    line("c", "2026-03-06", 10, "s9"),  # a SKU without a product row
    line("a", "2025-01-10", -500, "s1"),  # before the window of the windowed test
    line("a", "2026-04-02", -999, "s1"),  # after as_of: ignored
]


@pytest.fixture
def data(load):
    return load("orders", ORDERS), load("products", PRODUCTS)


def by_key(table) -> dict[str, dict]:
    return {r["key"]: r for r in table.to_pyarrow().to_pylist()}


def test_return_rates_by_sku_with_names(data):
    orders, products = data
    rates = return_rates(orders, products, as_of=AS_OF, by="sku")
    assert rates.columns == ("key", "name", "sold", "returned", "net", "return_rate")
    got = by_key(rates)
    # s1: sold 200 + 300 = 500, returned 50 + 500 (2025) = 550: rate 1.1
    assert (got["s1"]["name"], got["s1"]["sold"], got["s1"]["returned"]) == (
        "Gouda 1 kg",
        500.0,
        550.0,
    )
    assert got["s1"]["return_rate"] == pytest.approx(550 / 500)
    assert got["s1"]["net"] == pytest.approx(-50.0)
    # s2: sold 100, returned 30: 0.3
    assert got["s2"]["name"] == "Brie 200 g"
    assert got["s2"]["return_rate"] == pytest.approx(0.3)
    # s3: sold 40, returned 20: 0.5 (no name in products)
    assert got["s3"]["name"] is None and got["s3"]["return_rate"] == pytest.approx(0.5)
    # s9: sold 10, nothing returned; no product row
    assert (got["s9"]["name"], got["s9"]["return_rate"]) == (None, 0.0)
    # ordered by returned amount, largest first
    assert list(got) == ["s1", "s2", "s3", "s9"]


def test_return_rates_by_line_and_customer_in_a_window(data):
    orders, products = data
    window = trailing_window(AS_OF, 12)  # (2025-03-31, 2026-03-31]: the 2025-01 return is out
    lines = by_key(return_rates(orders, products, as_of=AS_OF, by="line", window=window))
    # Cheese (s1, s2): sold 200 + 100 + 300 = 600, returned 50 + 30 = 80
    assert (lines["Cheese"]["sold"], lines["Cheese"]["returned"]) == (600.0, 80.0)
    assert lines["Cheese"]["return_rate"] == pytest.approx(80 / 600)
    # Bread (s3): sold 40, returned 20; s9 has no product row: "(unknown)"
    assert lines["Bread"]["return_rate"] == pytest.approx(0.5)
    assert lines["(unknown)"]["sold"] == 10.0
    customers = by_key(return_rates(orders, products, as_of=AS_OF, by="customer", window=window))
    # a: sold 300, returned 50; b: sold 340, returned 30; c: sold 10, returned 20
    assert customers["a"]["return_rate"] == pytest.approx(50 / 300)
    assert customers["b"]["return_rate"] == pytest.approx(30 / 340)
    assert customers["c"]["return_rate"] == pytest.approx(2.0)
    assert list(customers) == ["a", "b", "c"]  # returned 50, 30, 20
    with pytest.raises(ValueError, match="by must be"):
        return_rates(orders, products, as_of=AS_OF, by="brand")


def test_product_dynamics_names_beside_skus(data):
    orders, products = data
    got = product_dynamics(orders, products, as_of=AS_OF, customer_id="b").to_pyarrow()
    names = {r["key"]: r["name"] for r in got.to_pylist()}
    assert names == {"s1": "Gouda 1 kg", "s2": "Brie 200 g", "s3": None}
    by_line = product_dynamics(orders, products, as_of=AS_OF, by="line", customer_id="b")
    assert "name" not in by_line.columns  # the key is the product line's own name
