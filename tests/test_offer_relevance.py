"""Offer relevance on a hand-made audience (DuckDB, SQLite, PySpark), the campaign's ``offer``
field, and the plan, check and CLI through a workspace."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from conftest import d
from typer.testing import CliRunner

import cxray
from cxray.cli import app
from cxray.comms.campaign import check_campaign
from cxray.comms.offer_relevance import offer_relevance
from cxray.errors import CxrayError

AS_OF = d("2026-06-30")  # the 365 days are 2025-06-30 (outside) .. 2026-06-30


def line(order: str, cid: str, date: str, sku: str, qty: float, price: float = 10.0) -> dict:
    return {"order_id": order, "customer_id": cid, "order_date": d(date), "sku": sku,
            "quantity": float(qty), "price": price, "amount": qty * price,
            "line_no": int(order[-1])}  # fmt: skip


ORDERS = [
    # a: MILK per order 20, 18, 4 -> median 18 >= 16: qualifies
    line("a1", "a", "2026-01-10", "MILK", 20),
    line("a2", "a", "2026-02-10", "MILK", 18),
    line("a3", "a", "2026-03-10", "MILK", 4),
    # b: 10 and 8 -> median 9: at least 0.5 x 16 = 8, within reach
    line("b1", "b", "2026-01-05", "MILK", 10),
    line("b2", "b", "2026-04-05", "MILK", 8),
    # c: 3, 3, 5 -> median 3: out of reach (an order of bread does not count)
    line("c1", "c", "2026-01-07", "MILK", 3),
    line("c2", "c", "2026-02-07", "MILK", 3),
    line("c3", "c", "2026-03-07", "MILK", 5),
    line("c4", "c", "2026-03-08", "BREAD", 50),
    # d: bread only: no order with the promoted items -> out of reach, without orders
    line("d1", "d", "2026-05-01", "BREAD", 40),
    # e: 30 units, but on 2025-06-30, exactly 365 days before: outside -> without orders
    line("e1", "e", "2025-06-30", "MILK", 30),
    # f: one order of two MILK lines (5 + 4 = 9) and one of 7 -> median 8: exactly half of 16,
    # within reach
    line("f1", "f", "2026-05-02", "MILK", 5),
    line("f2", "f", "2026-05-02", "MILK", 4) | {"order_id": "f1"},
    line("f3", "f", "2026-06-02", "MILK", 7),
    # g: outside the audience: ignored
    line("g1", "g", "2026-06-01", "MILK", 100),
    # a line after as_of: ignored (a's median would become 19)
    line("a4", "a", "2026-07-01", "MILK", 40),
]
PRODUCTS = [{"sku": "MILK", "product_line": "Dairy"}, {"sku": "BREAD", "product_line": "Bakery"}]
AUDIENCE = ("a", "b", "c", "d", "e", "f")


@pytest.fixture
def tables(load):
    return load("orders", ORDERS), load("products", PRODUCTS)


def test_three_groups_by_units_of_the_promoted_sku(tables):
    orders, products = tables
    found = offer_relevance(orders, products, AUDIENCE, as_of=AS_OF, threshold="min_quantity",
                            value=16, skus=("MILK",))  # fmt: skip
    # qualify: a; within reach: b (9), f (8); out: c (3), d and e (no order)
    assert found.counts == {"qualify": 1, "within_reach": 2, "out_of_reach": 3}
    assert found.without_orders == 2
    assert found.shares == {"qualify": 1 / 6, "within_reach": 2 / 6, "out_of_reach": 3 / 6}
    assert found.warnings == []
    # a stricter reach (0.6 x 16 = 9.6): b (9) and f (8) fall out of reach; 2/6 -> 0/6 within,
    # which is under 10%
    strict = offer_relevance(orders, products, AUDIENCE, as_of=AS_OF, threshold="min_quantity",
                             value=16, skus=("MILK",), reach=0.6)  # fmt: skip
    assert strict.counts == {"qualify": 1, "within_reach": 0, "out_of_reach": 5}
    assert strict.warnings == ["offer_few_within_reach"]


def test_a_promoted_line_and_an_amount_threshold(tables):
    orders, products = tables
    # the Dairy line's amount per order (10 a unit): a 200, 180, 40 -> 180; b 100, 80 -> 90;
    # c 30, 30, 50 -> 30; f 90, 70 -> 80. Threshold 100: a qualifies; within (>= 50): b, f;
    # out: c, d, e
    found = offer_relevance(orders, products, AUDIENCE, as_of=AS_OF, threshold="min_amount",
                            value=100, lines=("Dairy",))  # fmt: skip
    assert found.counts == {"qualify": 1, "within_reach": 2, "out_of_reach": 3}
    # without promotion, the whole order counts: c's bread order (500) joins its milk orders
    # (30, 30, 50, 500 -> median 40); d's bread (400) qualifies. Threshold 35: a (180), b (90),
    # c (40), d (400), f (80) qualify; e has none -> 5 of 6 qualify, none within reach
    whole = offer_relevance(orders, products, AUDIENCE, as_of=AS_OF, threshold="min_amount",
                            value=35)  # fmt: skip
    assert whole.counts == {"qualify": 5, "within_reach": 0, "out_of_reach": 1}
    assert whole.warnings == ["offer_few_within_reach", "offer_most_qualify"]
    assert whole.to_dict()["shares"]["qualify"] == pytest.approx(5 / 6)


def test_an_empty_audience(tables):
    orders, products = tables
    found = offer_relevance(orders, products, (), as_of=AS_OF, threshold="min_amount", value=1)
    assert found.counts == {"qualify": 0, "within_reach": 0, "out_of_reach": 0}
    assert found.shares == {"qualify": None, "within_reach": None, "out_of_reach": None}
    assert found.warnings == []


# --- the campaign's offer field -------------------------------------------------------------


def _campaign(**extra):
    return {
        "id": "milk-2026-07", "channel": "email", "holdout": 0.5,
        "brief": {"why": "w", "target": "t", "must_not_receive": "m", "expected_effect": "e",
                  "measure": {"metric": "conversion", "window_days": 30},
                  "client_benefit": "b"},
        **extra,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("offer", "code"),
    [
        ({"min_quantity": 16, "min_amount": 100}, "campaign_offer_one_threshold"),
        ({}, "campaign_offer_one_threshold"),
        ({"min_amount": 0}, "campaign_bad_offer"),
        ({"min_amount": "a lot"}, "campaign_bad_offer"),
        ({"min_quantity": 16}, "campaign_offer_quantity_without_promoted"),
        ({"min_units": 16}, "campaign_unknown_keys"),
        ("16 packs", "campaign_not_mapping_field"),
    ],
)
def test_bad_offers_are_refused(offer, code):
    with pytest.raises(CxrayError) as err:
        check_campaign(_campaign(offer=offer), "c.yaml")
    assert err.value.key == code


def test_a_good_offer_is_kept():
    checked = check_campaign(_campaign(offer={"min_quantity": 16}, promoted={"skus": ["MILK"]}))
    assert checked.offer == ("min_quantity", 16.0)
    assert checked.to_dict()["offer"] == {"min_quantity": 16.0}


# --- through a workspace: the plan, the check and the CLI ------------------------------------


@pytest.fixture
def workspace(tmp_path):
    from cxray.api.session import Session
    from cxray.workspace import Workspace

    folder = tmp_path / "ws"
    session = Session(Workspace(folder, create=True))
    ws = session.workspace
    ws.write("customers", pd.DataFrame({"customer_id": list("abcdefg")}))
    ws.write("orders", pd.DataFrame(ORDERS))
    ws.write("products", pd.DataFrame(PRODUCTS))
    consents = {"customer_id": list(AUDIENCE), "channel": "email", "status": "opt_in",
                "date": dt.date(2025, 1, 1)}  # fmt: skip
    ws.write("consents", pd.DataFrame(consents))
    ws.set_setting("global_control_share", "0")
    session.close()
    campaign = tmp_path / "milk.yaml"
    body = _campaign(offer={"min_quantity": 16}, promoted={"skus": ["MILK"]},
                     audience=['customer_id in ["a", "b", "c", "d", "e", "f"]'])  # fmt: skip
    campaign.write_text(json.dumps(body), encoding="utf-8")  # JSON is YAML
    return str(folder), str(campaign)


def test_plan_and_check_show_the_groups(workspace):
    folder, campaign = workspace
    with cxray.open(folder) as ws:
        planned = ws.campaign(campaign).plan(AS_OF)
        assert planned.final == 6  # the audience: the six opted-in customers
        relevance = planned.offer_relevance
        assert relevance["counts"] == {"qualify": 1, "within_reach": 2, "out_of_reach": 3}
        checked = ws.campaign(campaign).check(reach=0.6)
        assert checked.offer_relevance["counts"]["within_reach"] == 0
        assert [w.code for w in checked.warnings] == ["offer_few_within_reach"]
    out = CliRunner().invoke(app, ["-w", folder, "campaign", "plan", campaign, "--as-of",
                                   "2026-06-30"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "already qualify (margin given away)" in out.output
    assert "33.3%" in out.output  # 2 of 6 within reach
    shown = CliRunner().invoke(app, ["-w", folder, "campaign", "check", campaign, "--reach",
                                     "0.6", "--json"])  # fmt: skip
    payload = json.loads(shown.output)
    assert payload["offer_relevance"]["counts"]["qualify"] == 1
    assert [w["code"] for w in payload["warnings"]] == ["offer_few_within_reach"]
