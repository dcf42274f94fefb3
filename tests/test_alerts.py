"""Drift alerts: regular and key customers whose recent revenue fell against a year earlier."""

from __future__ import annotations

import ibis
import pytest
from conftest import d

from cxray.analytics.alerts import drift, drift_lines, drift_windows

AS_OF = d("2026-10-31")


@pytest.fixture
def tables(load):
    products = load(
        "products",
        [
            {"sku": "m", "product_line": "milk"},
            {"sku": "c", "product_line": "cheese"},
            {"sku": "b", "product_line": "bread"},
        ],
    )
    rows = [
        # K: a year ago 100 milk + 100 cheese + 50 bread = 250; recent 100 milk + 20 cheese
        #    + 10 bread = 130: change -120, -48%; cheese fell 80, bread 40, milk 0
        ("K", "m", "2025-08-10", 100.0),
        ("K", "c", "2025-09-10", 100.0),
        ("K", "b", "2025-10-31", 50.0),
        ("K", "m", "2026-08-10", 100.0),
        ("K", "c", "2026-09-10", 20.0),
        ("K", "b", "2026-10-01", 10.0),
        # R: 100 -> 75 is -25%: under the 30% threshold
        ("R", "m", "2025-09-01", 100.0),
        ("R", "m", "2026-09-01", 75.0),
        # G: nothing a year ago: no base, no alert
        ("G", "m", "2026-09-01", 75.0),
        # N fell to zero but is neither regular nor key
        ("N", "m", "2025-09-01", 100.0),
        # boundary: 2025-07-31 is outside the year-ago window, 2026-11-01 after as_of
        ("R", "c", "2025-07-31", 1000.0),
        ("R", "c", "2026-11-01", 1000.0),
    ]
    orders = load(
        "orders",
        [
            {"order_id": str(i), "customer_id": c, "sku": s, "order_date": d(day), "amount": a}
            for i, (c, s, day, a) in enumerate(rows)
        ],
    )
    status = ibis.memtable(
        {
            "customer_id": ["K", "R", "G", "N"],
            "key": [True, False, False, False],
            "regular": [True, True, True, False],
        }
    )
    return orders, products, status


def test_windows_are_the_same_months_a_year_apart():
    recent, earlier = drift_windows(AS_OF, 3)
    assert (recent.start, recent.end) == (d("2026-07-31"), d("2026-10-31"))
    assert (earlier.start, earlier.end) == (d("2025-07-31"), d("2025-10-31"))


def test_drift_flags_only_watched_customers_beyond_the_threshold(tables):
    orders, _, status = tables
    rows = drift(orders, status, as_of=AS_OF).to_pyarrow().to_pylist()
    assert [r["customer_id"] for r in rows] == ["K"]
    k = rows[0]
    assert (k["revenue_year_ago"], k["revenue_recent"], k["change"]) == (250.0, 130.0, -120.0)
    assert k["change_pct"] == pytest.approx(-0.48)
    assert k["key"] and k["regular"]


def test_a_lower_threshold_catches_smaller_falls(tables):
    orders, _, status = tables
    rows = drift(orders, status, as_of=AS_OF, drift_threshold=0.2).to_pyarrow().to_pylist()
    # K -120 first, then R: 100 -> 75 = -25
    assert [(r["customer_id"], r["change"]) for r in rows] == [("K", -120.0), ("R", -25.0)]


def test_lines_that_fell_most(tables):
    orders, products, status = tables
    flagged = drift(orders, status, as_of=AS_OF)
    rows = drift_lines(orders, products, flagged, as_of=AS_OF, top=2).to_pyarrow().to_pylist()
    assert [(r["customer_id"], r["product_line"], r["change"]) for r in rows] == [
        ("K", "cheese", -80.0),
        ("K", "bread", -40.0),
    ]


def test_parameters_are_checked(tables):
    orders, _, status = tables
    with pytest.raises(ValueError, match="drift_threshold"):
        drift(orders, status, as_of=AS_OF, drift_threshold=1.5)
    with pytest.raises(ValueError, match="months"):
        drift(orders, status, as_of=AS_OF, months=0)


def test_fading_flags_watched_customers_below_the_threshold():
    import pandas as pd

    from cxray.analytics.alerts import fading

    seen = pd.DataFrame(
        {
            "customer_id": ["K", "R", "Y"],
            "key": [True, False, False],
            "regular": [True, True, False],
            "key_year_ago": [True, False, False],
            "regular_year_ago": [True, True, True],
        }
    )
    clv = pd.DataFrame(
        {
            "customer_id": ["K", "R", "Y", "X"],
            "p_alive": [0.9, 0.49, 0.05, 0.01],  # X is not watched
            "frequency": [10, 5, 3, 1],
            "recency": [50.0, 20.0, 10.0, 1.0],
            "T": [52.0, 52.0, 52.0, 52.0],
            "clv": [1000.0, 100.0, 10.0, 1.0],
        }
    )
    rows = fading(seen, clv, p_alive_threshold=0.5)
    # lowest P(alive) first; K (0.9) is fine, X is not regular or key
    assert list(rows["customer_id"]) == ["Y", "R"]
    with pytest.raises(ValueError, match="p_alive_threshold"):
        fading(seen, clv, p_alive_threshold=1.0)


def test_watched_includes_customers_regular_a_year_ago(load):
    from cxray.analytics.alerts import watched

    # W bought on 2 dates in each of (2023-10-31, 2024-10-31] and (2024-10-31, 2025-10-31] and
    # nothing since: regular a year ago, not now. A bought on 2 dates in each of the two years
    # to 2026-10-31: regular now, but a year ago its older year (2023-10-31, 2024-10-31] is empty
    rows = [("W", day) for day in ("2024-01-10", "2024-06-10", "2025-01-10", "2025-06-10")]
    rows += [("A", day) for day in ("2025-01-10", "2025-06-10", "2026-01-10", "2026-06-10")]
    orders = load(
        "orders",
        [
            {"order_id": str(i), "customer_id": c, "order_date": d(day), "amount": 10.0}
            for i, (c, day) in enumerate(rows)
        ],
    )
    empty = {name: load(name, []) for name in ("customers", "contacts", "interactions")}
    out = (
        watched(empty["customers"], empty["contacts"], empty["interactions"], orders, as_of=AS_OF)
        .to_pyarrow()
        .to_pylist()
    )
    got = {
        r["customer_id"]: (r["regular"], r["regular_year_ago"])
        for r in sorted(out, key=lambda r: r["customer_id"])
    }
    assert got == {"A": (True, False), "W": (False, True)}
