"""Issue 13's "Why" list on a short, messy export written out here: 8 weeks of orders with
returns, a net-negative customer, a customer who only returned, a zero-value first order and
answers dated after the last order. Each figure that misled on real data is checked by hand.

    A  2010-12-01 +100, 2010-12-15 +50, 2011-01-20 +80; 2011-01-25 -30 (a return-only day)
    N  2010-12-05 +20; 2010-12-20 -60                  (net -40: one purchase day)
    R  2010-12-10 -40                                  (returns only: no purchase day)
    Z  2010-12-03 0.00 (a zero-value first order); 2011-01-10 +30
    answers: 4 NPS promoters on 2011-02-01, after the last order (2011-01-25)
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import d

import cxray
from cxray.workspace import Workspace

LINES = [
    ("A", "2010-12-01", 100.0), ("A", "2010-12-15", 50.0), ("A", "2011-01-20", 80.0),
    ("A", "2011-01-25", -30.0), ("N", "2010-12-05", 20.0), ("N", "2010-12-20", -60.0),
    ("R", "2010-12-10", -40.0), ("Z", "2010-12-03", 0.0), ("Z", "2011-01-10", 30.0),
]  # fmt: skip


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("messy") / "ws"
    orders = [
        {"order_id": f"o{i}", "customer_id": c, "order_date": d(day), "sku": "s1", "amount": a}
        for i, (c, day, a) in enumerate(LINES)
    ]
    answers = [
        {"customer_id": c, "date": d("2011-02-01"), "metric": "nps", "score": 10.0, "survey": "x"}
        for c in ("A", "N", "R", "Z")
    ]
    customers = [{"customer_id": c, "country": "DE"} for c in "ANRZ"]
    with Workspace(folder, create=True) as ws:
        ws.write("orders", pd.DataFrame(orders))
        ws.write("responses", pd.DataFrame(answers))
        ws.write("customers", pd.DataFrame(customers))
        ws.write("products", pd.DataFrame([{"sku": "s1", "name": "Gouda", "product_line": "C"}]))
    with cxray.open(folder) as session:
        yield session


def codes(result) -> list[str]:
    return [w.code for w in result.warnings]


def test_short_data_warns_instead_of_misleading(messy):
    shape = messy.structure()
    assert shape.as_of == d("2011-01-25")
    assert codes(shape) == ["coverage_regular", "coverage_active", "coverage_xyz"]
    products = messy.products()
    assert codes(products) == ["coverage_yoy"]
    assert all(r["yoy_change"] is None for r in products.to_dict()["products"])  # no +423,513
    clv = messy.clv()
    assert clv.to_dict()["fit_trusted"] is False
    alerts = messy.alerts()
    assert alerts.to_dict()["alerts"] == []
    assert any(c.startswith("alerts_empty_") for c in codes(alerts))  # not just "No alerts"


def test_returns_are_never_purchases_and_revenue_is_net_of_everybody(messy):
    scores = {c["customer_id"]: c for c in messy.rfm().to_dict()["customers"]}
    assert sorted(scores) == ["A", "N", "Z"]  # R has no purchase day: not scored
    assert scores["A"]["frequency"] == 3  # the return-only 2011-01-25 is no purchase
    assert scores["A"]["recency"] == 5  # the last purchase is 2011-01-20, 5 days before
    f = messy.structure().to_dict()
    assert (f["active"], f["returned_only"]) == (3, 1)
    # A 200, N -40, R -40, Z 30: the headline keeps the negative nets
    assert f["window_revenue"] == pytest.approx(150.0)
    assert (f["sold"], f["returned"]) == (pytest.approx(280.0), pytest.approx(130.0))
    assert f["return_rate"] == pytest.approx(130 / 280)


def test_cohorts_count_purchase_days_and_acquire_on_any_first_order(messy):
    cells = {(r["cohort"], r["period_index"]): r for r in messy.cohorts().to_dict()["cohorts"]}
    # everybody's first order day is in December, Z's zero-value one included
    assert {r["cohort"] for r in cells.values()} == {"2010-12"}
    assert cells[("2010-12", 0)]["cohort_size"] == 4
    assert cells[("2010-12", 0)]["customers"] == 2  # A and N bought in December
    assert cells[("2010-12", 1)]["customers"] == 2  # A and Z in January


def test_feedback_defaults_to_the_answers_and_four_answers_keep_an_interval(messy):
    scored = messy.feedback.scores()
    assert scored.as_of == d("2011-02-01")
    nps = next(r for r in scored.to_dict()["scores"] if r["metric"] == "nps")
    assert nps["value"] == 100.0 and nps["ci_low"] < 100.0 and nps["ci_high"] == 100.0
    assert messy.resolve_as_of() + dt.timedelta(days=7) == scored.as_of
