"""Holdout assignment, the global control group, the balance check and the exported lists."""

from __future__ import annotations

import csv
import math
import random

import pytest
from conftest import d

from cxray.comms.holdout import (
    address_column,
    assign,
    balance,
    export_lists,
    in_global_control,
    unit_hash,
)
from cxray.comms.plan import Plan

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


CUSTOMERS = [
    {"customer_id": "T1", "name": "Alpha"},
    {"customer_id": "T2"},
    {"customer_id": "C1", "name": "Gamma"},
]
CONTACTS = [
    # T1: two current contacts with email: the first by contact_id (k1) is used
    {"customer_id": "T1", "contact_id": "k2", "contact_name": "Bob", "email": "bob@t1.example"},
    {
        "customer_id": "T1",
        "contact_id": "k1",
        "contact_name": "Ann",
        "email": "ann@t1.example",
        "phone": "+7 900 000-00-01",
    },
    # T2: the contact with an email is no longer current; the current one has only a phone
    {
        "customer_id": "T2",
        "contact_id": "k1",
        "contact_name": "Old",
        "email": "old@t2.example",
        "is_current": False,
    },
    {"customer_id": "T2", "contact_id": "k2", "contact_name": "New", "phone": "+7 900 000-00-02"},
    # T3: no contact at all
    # C1: an address with spaces around it; is_current empty counts as current
    {
        "customer_id": "C1",
        "contact_id": "k9",
        "contact_name": "Cy",
        "email": " cy@c1.example ",
        "is_current": None,
    },
]


def plan_for(channel="email"):
    return Plan(
        campaign_id="promo/1",
        channel=channel,
        as_of=AS_OF,
        candidates=4,
        steps=(),
        final_ids=("C1", "T1", "T2", "T3"),
        target_ids=("T1", "T2", "T3"),
        control_ids=("C1",),
        holdout=0.2,
        balance={},
    )


def read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


HEADER = ["customer_id", "name", "contact_id", "contact_name", "address", "group"]


def test_export_lists(load, tmp_path):
    tables = {"customers": load("customers", CUSTOMERS), "contacts": load("contacts", CONTACTS)}
    result = export_lists(plan_for("email"), tables, tmp_path / "out")
    target_path, control_path = result
    assert target_path == tmp_path / "out" / "promo_1-target.csv"
    assert control_path == tmp_path / "out" / "promo_1-control.csv"
    assert read(target_path) == [
        HEADER,
        ["T1", "Alpha", "k1", "Ann", "ann@t1.example", "target"],
        ["T2", "", "", "", "", "target"],
        ["T3", "", "", "", "", "target"],
    ]
    assert read(control_path) == [HEADER, ["C1", "Gamma", "k9", "Cy", "cy@c1.example", "control"]]
    assert result.missing_address == ("T2", "T3")
    assert result.target_rows == 3 and result.control_rows == 1
    assert result.address_column == "email"
    assert result.to_dict()["missing_address"] == 2


def test_export_lists_by_phone(load, tmp_path):
    tables = {"customers": load("customers", CUSTOMERS), "contacts": load("contacts", CONTACTS)}
    result = export_lists(plan_for("sms"), tables, tmp_path)
    assert read(result.target_path)[1:] == [
        ["T1", "Alpha", "k1", "Ann", "+7 900 000-00-01", "target"],
        ["T2", "", "k2", "New", "+7 900 000-00-02", "target"],
        ["T3", "", "", "", "", "target"],
    ]
    assert read(result.control_path)[1:] == [["C1", "Gamma", "", "", "", "control"]]
    assert result.missing_address == ("T3",)


def test_address_columns():
    assert address_column("email") == "email"
    assert address_column(" SMS ") == "phone"
    assert address_column("messenger") == "phone"
    assert address_column("post") is None
