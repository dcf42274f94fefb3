"""One purchase definition everywhere: order days, purchase days and acquisition, seen through
structure, RFM, cohorts and activation on one hand-made fixture (DuckDB and SQLite), and the
published CDNOW cohort sizes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest
from conftest import d

from cxray.analytics.cohorts import activation, cohort_table
from cxray.analytics.purchases import acquisitions, order_days
from cxray.analytics.rfm import rfm
from cxray.analytics.structure import customer_status, funnel

AS_OF = d("2026-06-30")
_order_no = iter(range(1, 10_000))


def line(cid: str, date: str, amount: float) -> dict:
    return {
        "order_id": f"o{next(_order_no)}",
        "customer_id": cid,
        "order_date": d(date),
        "amount": float(amount),
        "line_no": 1,
    }


ORDERS = [
    # p1: a purchase, then a return-only day (no purchase: frequency and recency ignore it)
    line("p1", "2026-01-10", 100),
    line("p1", "2026-03-01", -40),
    # p2: a zero-value first order (its acquisition, no purchase), then a purchase
    line("p2", "2026-02-01", 0),
    line("p2", "2026-04-15", 50),
    # p3: a purchase and a larger return later: net -50, still active (it has a purchase day)
    line("p3", "2026-05-05", 30),
    line("p3", "2026-05-20", -80),
    # p4: returns only: never a purchase, not active, not scored, but acquired (June)
    line("p4", "2026-06-01", -25),
    # p1 again, after as_of: ignored everywhere
    line("p1", "2026-07-02", 500),
]


@pytest.fixture
def tables(load):
    return (
        load("customers", [{"customer_id": c} for c in ("p1", "p2", "p3", "p4")]),
        load("contacts", []),
        load("interactions", []),
        load("orders", ORDERS),
    )


def test_order_days_and_acquisitions(tables):
    orders = tables[3]
    days = order_days(orders, as_of=AS_OF).to_pyarrow().to_pylist()
    got = {(r["customer_id"], r["order_date"].isoformat()): (r["net"], r["purchase"]) for r in days}
    assert got == {
        ("p1", "2026-01-10"): (100.0, True),
        ("p1", "2026-03-01"): (-40.0, False),
        ("p2", "2026-02-01"): (0.0, False),  # zero-value: not a purchase
        ("p2", "2026-04-15"): (50.0, True),
        ("p3", "2026-05-05"): (30.0, True),
        ("p3", "2026-05-20"): (-80.0, False),
        ("p4", "2026-06-01"): (-25.0, False),
    }
    lighter = order_days(orders, as_of=AS_OF, returns=False)
    assert lighter.columns == ("customer_id", "order_date", "net", "purchase")
    rows = lighter.to_pyarrow().to_pylist()
    assert {(r["customer_id"], r["order_date"].isoformat()): (r["net"], r["purchase"])
            for r in rows} == got  # fmt: skip
    first = {
        r["customer_id"]: r["first_date"].isoformat()
        for r in acquisitions(orders, as_of=AS_OF).to_pyarrow().to_pylist()
    }
    # the first order day of any amount: p2's zero-value order, p4's return
    assert first == {"p1": "2026-01-10", "p2": "2026-02-01", "p3": "2026-05-05", "p4": "2026-06-01"}


def test_structure_counts_purchase_days(tables):
    status = {
        r["customer_id"]: r for r in customer_status(*tables, as_of=AS_OF).to_pyarrow().to_pylist()
    }
    assert {c: r["active"] for c, r in status.items()} == {
        "p1": True,
        "p2": True,
        "p3": True,  # net -50 in the window, but it has a purchase day
        "p4": False,  # returns only
    }
    assert [c for c, r in status.items() if r["returned_only"]] == ["p4"]
    f = funnel(*tables, as_of=AS_OF)
    assert (f.known, f.active, f.returned_only) == (4, 3, 1)
    # headline, net of returns for everybody: p1 100 - 40 + p2 50 + p3 30 - 80 + p4 -25 = 35
    assert f.window_revenue == pytest.approx(35.0)
    # the key / Pareto base: customers with a positive net, p1 60 + p2 50 = 110
    assert f.ranked_revenue == pytest.approx(110.0)
    # sold 100 + 50 + 30 = 180 (the zero line adds nothing); returned 40 + 80 + 25 = 145
    assert f.sold == pytest.approx(180.0) and f.returned == pytest.approx(145.0)
    assert f.return_rate == pytest.approx(145 / 180)


def test_rfm_ignores_return_only_days(tables):
    scored = {r["customer_id"]: r for r in rfm(tables[3], as_of=AS_OF).to_pyarrow().to_pylist()}
    # p4 (returns only) is not scored
    assert sorted(scored) == ["p1", "p2", "p3"]
    got = {c: (r["recency"], r["frequency"], r["monetary"]) for c, r in scored.items()}
    assert got == {
        # last purchase 01-10 (the 03-01 return does not set recency): 21 + 28 + 31 + 30 + 31
        # + 30 = 171 days to 06-30; one purchase day; net 100 - 40
        "p1": (171, 1, 60.0),
        # one purchase day 04-15 (the zero-value 02-01 is none): 15 + 31 + 30 = 76 days
        "p2": (76, 1, 50.0),
        # purchase 05-05 (the 05-20 return does not set recency): 26 + 30 = 56 days
        "p3": (56, 1, -50.0),
    }


def test_cohorts_assign_by_acquisition_and_count_purchase_days(tables):
    cells = {
        (r["cohort"], r["period_index"]): r
        for r in cohort_table(tables[3], as_of=AS_OF).to_pyarrow().to_pylist()
    }
    sizes = {c: r["cohort_size"] for (c, i), r in cells.items() if i == 0}
    # p2's zero-value order sets its cohort (Feb, not Apr); p4 is acquired by its return
    assert sizes == {"2026-01": 1, "2026-02": 1, "2026-05": 1, "2026-06": 1}
    # Feb cohort: Feb no purchase day (customers 0, revenue 0); Apr p2 buys 50
    assert (cells["2026-02", 0]["customers"], cells["2026-02", 0]["revenue"]) == (0, 0.0)
    assert (cells["2026-02", 2]["customers"], cells["2026-02", 2]["revenue"]) == (1, 50.0)
    # Jan cohort, Mar: p1's return-only day is revenue (-40) but no buying customer
    assert (cells["2026-01", 2]["customers"], cells["2026-01", 2]["revenue"]) == (0, -40.0)
    # May cohort: p3 bought on 05-05 and returned 80 the same month
    assert (cells["2026-05", 0]["customers"], cells["2026-05", 0]["revenue"]) == (1, -50.0)
    assert (cells["2026-06", 0]["customers"], cells["2026-06", 0]["revenue"]) == (0, -25.0)

    steps = {
        (r["cohort"], r["k"]): r
        for r in activation(tables[3], as_of=AS_OF, max_order=2).to_pyarrow().to_pylist()
    }
    # order 1 is the first purchase day: p1, p2, p3 (not p4); nobody has a second one
    assert (steps["all", 1]["customers_k"], steps["all", 1]["customers_next"]) == (3, 0)
    # p2 is in its acquisition cohort (Feb), although its first purchase is in April
    assert steps["2026-02", 1]["customers_k"] == 1
    assert ("2026-04", 1) not in steps and ("2026-06", 1) not in steps


CDNOW = Path(importlib.util.find_spec("lifetimes").submodule_search_locations[0]) / "datasets"


def test_cdnow_published_cohort_sizes(load):
    """CDNOW_master (23,570 customers acquired in Q1 1997, 80 zero-value lines): the published
    first-purchase cohorts are 7,846 / 8,476 / 7,248 and nobody is in a later one."""
    frame = pd.read_csv(
        CDNOW / "CDNOW_master.txt",
        sep=r"\s+",
        skiprows=1,
        header=None,
        names=["id", "date", "cds", "value"],
        dtype={"id": str, "date": str},
    )
    assert (frame["value"] == 0).sum() == 80
    orders = load(
        "orders",
        [
            {
                "order_id": f"cd{i}",
                "customer_id": cid,
                "order_date": pd.Timestamp(day).date(),
                "amount": float(value),
                "line_no": 1,
            }
            for i, (cid, day, value) in enumerate(
                zip(frame["id"], frame["date"], frame["value"], strict=True)
            )
        ],
    )
    grid = cohort_table(orders, as_of=d("1998-06-30")).to_pyarrow().to_pylist()
    sizes = {r["cohort"]: r["cohort_size"] for r in grid if r["period_index"] == 0}
    assert sizes == {"1997-01": 7846, "1997-02": 8476, "1997-03": 7248}
