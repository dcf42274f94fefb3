"""Holdout assignment, the global control group and the balance check."""

from __future__ import annotations

import ast
import math
import random

import pytest
from conftest import d

import cxray.comms.holdout
from cxray.comms.holdout import assign, balance, groups_table, in_global_control, unit_hash

IDS = [f"C{i:05d}" for i in range(20_000)]


def test_unit_hash_is_the_sha256_prefix():
    # sha256("abc") = ba7816bf8f01cfea 414140de5dae2223 ...
    assert unit_hash("abc") == int("ba7816bf8f01cfea", 16) / 2**64
    assert 0 <= unit_hash("") < 1
    assert unit_hash("Сыры") == unit_hash("Сыры")


def test_assignment_is_deterministic_and_independent_of_order():
    first = assign("promo-1", IDS, 0.2)
    shuffled = IDS[:]
    random.Random(7).shuffle(shuffled)
    assert assign("promo-1", shuffled, 0.2) == first
    assert assign("promo-1", IDS, 0.2) == first
    # a customer's group does not depend on who else is in the audience
    assert assign("promo-1", IDS[:100], 0.2) == {c: first[c] for c in IDS[:100]}
    # each campaign draws its own control group
    assert assign("promo-2", IDS, 0.2) != first
    # hand-checkable: control exactly when unit_hash("promo-1:<id>") < 0.2
    assert all((g == "control") == (unit_hash(f"promo-1:{c}") < 0.2) for c, g in first.items())


def test_share_is_close_to_the_configured_one():
    groups = assign("promo-1", IDS, 0.2)
    share = sum(g == "control" for g in groups.values()) / len(IDS)
    assert abs(share - 0.2) <= 0.02
    assert set(assign("x", IDS[:50], 0).values()) == {"target"}
    assert set(assign("x", IDS[:50], 1).values()) == {"control"}


@pytest.mark.parametrize("share", [-0.1, 1.5, "0.2", True])
def test_bad_share(share):
    with pytest.raises(ValueError):
        assign("x", ["a"], share)


def test_global_control_group():
    members = {c for c in IDS if in_global_control(c, 0.05)}
    assert abs(len(members) / len(IDS) - 0.05) <= 0.01
    # raising the share only adds customers
    assert members <= {c for c in IDS if in_global_control(c, 0.1)}
    assert not any(in_global_control(c, 0) for c in IDS[:100])
    # independent of any campaign's control group: about 5% of a campaign's control too
    control = [c for c, g in assign("promo-1", IDS, 0.2).items() if g == "control"]
    assert abs(sum(c in members for c in control) / len(control) - 0.05) <= 0.015
    assert in_global_control("C00001", 0.5) == (unit_hash("global-control:C00001") < 0.5)


AS_OF = d("2026-06-30")  # window (2025-06-30, 2026-06-30]


def order(oid, cid, date, amount):
    return {
        "order_id": oid,
        "customer_id": cid,
        "order_date": d(date),
        "amount": amount,
        "line_no": 1,
    }


ORDERS = [
    # T1: 300 over 2 dates (two lines on 2026-01-10 count as one date)
    order("o1", "T1", "2026-01-10", 100.0),
    order("o2", "T1", "2026-01-10", 50.0),
    order("o3", "T1", "2026-03-01", 150.0),
    # T2: 2025-06-30 is the window start (out); 100 over 1 date
    order("o4", "T2", "2025-06-30", 500.0),
    order("o5", "T2", "2026-06-30", 100.0),
    # T3: only after as_of -> 0, 0
    order("o6", "T3", "2026-07-01", 1000.0),
    # C1: 200, 1 date; C2: 250 - 50 (return) = 200, 1 date
    order("o7", "C1", "2026-02-01", 200.0),
    order("o8", "C2", "2026-05-01", 250.0),
    order("o9", "C2", "2026-05-01", -50.0),
]


def test_balance_by_hand(load):
    orders = load("orders", ORDERS)
    result = balance(orders, ["T1", "T2", "T3"], ["C1", "C2"], as_of=AS_OF)
    assert result["target"] == 3 and result["control"] == 2
    revenue = result["metrics"]["revenue"]
    # target [300, 100, 0]: mean 133.33, sample variance 23333.33; control [200, 200]: 200, 0
    assert revenue["target_mean"] == pytest.approx(400 / 3)
    assert revenue["control_mean"] == pytest.approx(200.0)
    smd = (400 / 3 - 200) / math.sqrt((70000 / 3 + 0) / 2)
    assert revenue["smd"] == pytest.approx(smd) and smd == pytest.approx(-0.6172, abs=1e-4)
    assert revenue["imbalanced"]
    frequency = result["metrics"]["frequency"]
    # target [2, 1, 0]: mean 1, variance 1; control [1, 1]: mean 1 -> smd 0
    assert frequency["target_mean"] == pytest.approx(1.0)
    assert frequency["control_mean"] == pytest.approx(1.0)
    assert frequency["smd"] == pytest.approx(0.0) and not frequency["imbalanced"]
    assert result["balanced"] is False
    assert result["days"] == 365 and result["threshold"] == 0.1


def test_balance_edge_cases(load):
    orders = load("orders", ORDERS)
    same = balance(orders, ["C1"], ["C2"], as_of=AS_OF)
    assert same["metrics"]["revenue"]["smd"] == 0.0 and same["balanced"]
    no_control = balance(orders, ["T1"], [], as_of=AS_OF)
    assert no_control["metrics"]["revenue"]["control_mean"] is None
    assert no_control["metrics"]["revenue"]["smd"] is None and no_control["balanced"]
    # both constant but different: no smd, flagged
    apart = balance(orders, ["T3"], ["C1"], as_of=AS_OF)
    assert apart["metrics"]["revenue"]["smd"] is None
    assert apart["metrics"]["revenue"]["imbalanced"]
    # a shorter window: T1's 2026-01-10 lines drop out
    short = balance(orders, ["T1"], ["C1"], as_of=AS_OF, days=150)
    assert short["metrics"]["revenue"]["target_mean"] == pytest.approx(150.0)


def test_groups_table():
    rows = groups_table(["T1", "T2"], ["C1"]).to_pyarrow().to_pylist()
    assert rows == [
        {"customer_id": "T1", "grp": "target"},
        {"customer_id": "T2", "grp": "target"},
        {"customer_id": "C1", "grp": "control"},
    ]


def test_holdout_does_not_import_the_plan():
    # plan.py imports the split from holdout.py; the export (which needs the Plan) lives in
    # export.py, so holdout.py never imports plan.py back
    with open(cxray.comms.holdout.__file__, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not {"cxray.comms.plan", "cxray.comms.export"} & imported
