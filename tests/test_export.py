"""The exported target and control lists of a plan (cxray.comms.export)."""

from __future__ import annotations

import csv

from conftest import d

from cxray.comms.export import address_column, export_lists
from cxray.comms.plan import Plan

AS_OF = d("2026-06-30")


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
