"""The customer card and the customer search (Session.customer / Session.search), the account
additions the web workspace needs (record, set_role, enable_user, user, has_admin) and
reassigning follow-up tasks. Every expected figure is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from argon2 import PasswordHasher
from conftest import d, one_line_error
from typer.testing import CliRunner

from cxray import accounts as acc
from cxray.analytics.alerts import Alert
from cxray.api.session import Session
from cxray.cli import app
from cxray.errors import CxrayError
from cxray.workspace import Workspace

AS_OF = d("2026-12-31")
runner = CliRunner()


def order(order_id: str, customer: str, day: str, amount: float, sku: str, line: int = 1):
    return {"order_id": order_id, "customer_id": customer, "order_date": d(day),
            "amount": amount, "sku": sku, "line_no": line}  # fmt: skip


ORDERS = [
    # C1: purchase days 2025-06-15, 2025-12-05, 2026-11-10, 2026-12-10 (two in each year of the
    # 24-month window: regular); 480 in the window
    order("1", "C1", "2025-06-15", 60.0, "m1"),
    order("2", "C1", "2025-12-05", 100.0, "m1"),
    order("3", "C1", "2026-11-10", 150.0, "m1", 1),
    order("3", "C1", "2026-11-10", 50.0, "c1", 2),
    order("4", "C1", "2026-12-10", 120.0, "m1"),
    order("5", "C2", "2026-06-01", 80.0, "m1"),  # C2: one day, 80
    order("6", "C10", "2026-10-01", 100.0, "c1"),  # C10: two days, 600
    order("7", "C10", "2026-12-20", 500.0, "c1"),
    order("8", "X9", "2025-03-01", 30.0, "m1"),  # X9: only in orders, one day, 30
]
CUSTOMERS = [
    {"customer_id": "C1", "name": "ООО Ромашка", "segment": "retail", "region": "North",
     "account_manager": "anna"},
    {"customer_id": "C2", "name": "ИП Иванов", "segment": "retail", "region": "South",
     "account_manager": "boris"},
    {"customer_id": "C10", "name": "Acme Trading", "segment": "horeca", "region": "North",
     "account_manager": None},
    {"customer_id": "D1", "name": "Dairy Ромашка", "segment": "horeca", "region": "East",
     "account_manager": "anna"},
]  # fmt: skip
PRODUCTS = [
    {"sku": "m1", "name": "Milk", "product_line": "milk"},
    {"sku": "c1", "name": "Cheese", "product_line": "cheese"},
]
CONTACTS = [
    {"customer_id": "C1", "contact_id": "p2", "contact_name": "Old", "is_current": False},
    {"customer_id": "C1", "contact_id": "p1", "contact_name": "Olga", "email": "o@x.ru",
     "phone": "+7 900", "role": "buyer", "is_current": True},
]  # fmt: skip
INTERACTIONS = [{"customer_id": "C1", "date": d("2026-10-01"), "channel": "call"}]
RESPONSES = [
    {"customer_id": "C1", "date": d("2026-05-01"), "metric": "csi", "score": 5.0,
     "survey": "delivery5"},
    {"customer_id": "C1", "date": d("2026-11-15"), "metric": "nps", "score": 3.0,
     "survey": "rnps", "touchpoint": "delivery", "comment": "Долго везут"},
    {"customer_id": "C2", "date": d("2026-11-16"), "metric": "nps", "score": 10.0,
     "survey": "rnps"},
]  # fmt: skip
CONSENTS = [{"customer_id": "C1", "channel": "email", "status": "opt_in", "date": d("2026-01-01")}]
SENDS = [  # 52 sends to C1, one a day from 2026-01-01; every fifth opened
    {"campaign_id": f"K{i:02d}", "customer_id": "C1", "channel": "email",
     "sent_at": dt.datetime(2026, 1, 1, 10) + dt.timedelta(days=i),
     "opened_at": dt.datetime(2026, 1, 1, 12) + dt.timedelta(days=i) if i % 5 == 0 else None}
    for i in range(52)
]  # fmt: skip
TABLE_ROWS = {
    "orders": ORDERS, "customers": CUSTOMERS, "products": PRODUCTS, "contacts": CONTACTS,
    "interactions": INTERACTIONS, "responses": RESPONSES, "consents": CONSENTS, "sends": SENDS,
}  # fmt: skip


@pytest.fixture
def session(load):
    """A session over the tables, closed (its cached tables dropped) before the connection."""
    with Session.from_tables({n: load(n, rows) for n, rows in TABLE_ROWS.items()}) as held:
        yield held


# --- the card ---------------------------------------------------------------------------------


def test_card_of_a_customer_by_hand(session):
    card = session.customer("C1", AS_OF).to_dict()
    assert card["as_of"] == AS_OF
    assert card["customer"] == {
        "customer_id": "C1", "name": "ООО Ромашка", "segment": "retail", "region": "North",
        "first_contact_date": None, "source_channel": None, "account_manager": "anna",
    }  # fmt: skip
    # reachable: a current contact and a call on 2026-10-01 (within 365 days); key: ranked
    # revenue C10 600, C1 480, C2 80, X9 30 = 1190; 600 / 1190 < 0.7, 1080 / 1190 >= 0.7
    assert card["status"] == {"known": True, "reachable": True, "active": True,
                              "regular": True, "key": True}  # fmt: skip
    rows = {(r["key"], r["month"]): r for r in card["products"]}
    months = {m for _, m in rows}
    assert months == {"2025-12"} | {f"2026-{m:02d}" for m in range(1, 13)}  # 13 months
    dec = rows[("milk", "2026-12")]
    # milk: 120 in Dec 2026, 150 in Nov 2026, 100 in Dec 2025
    assert dec["revenue"] == pytest.approx(120.0)
    assert dec["mom_change"] == pytest.approx(-30.0) and dec["mom_pct"] == pytest.approx(-0.2)
    assert dec["yoy_change"] == pytest.approx(20.0) and dec["yoy_pct"] == pytest.approx(0.2)
    assert rows[("cheese", "2026-11")]["revenue"] == pytest.approx(50.0)
    assert rows[("milk", "2025-12")]["revenue"] == pytest.approx(100.0)
    # June 2025 (60) is before the 13 months shown
    assert sum(r["revenue"] for r in card["products"]) == pytest.approx(420.0)
    # one peer in its segment (C2), fewer than 5: no white space
    assert card["whitespace"] == []
    # RFM of the 4 customers scored (n = 4), score = 1 + floor(5 * rank0 / 4):
    # recency X9 670, C2 213, C1 21, C10 11 days -> C1 rank0 2 -> 3;
    # frequency C2 1, X9 1, C10 2, C1 4 -> C1 rank0 3 -> 4; monetary X9 30, C2 80, C1 480,
    # C10 600 -> C1 rank0 2 -> 3; fm = floor((4 + 3 + 1) / 2) = 4; r 3, fm 4: loyal
    assert card["rfm"] == {"customer_id": "C1", "recency": 21, "frequency": 4,
                           "monetary": pytest.approx(480.0), "r_score": 3, "f_score": 4,
                           "m_score": 3, "fm": 4, "segment": "loyal"}  # fmt: skip
    assert set(card["clv"]) == {"p_alive", "expected_purchases", "clv", "fit_trusted"}
    assert 0.0 <= card["clv"]["p_alive"] <= 1.0
    assert card["clv"]["fit_trusted"] is False  # 2 repeat buyers of the 30 a fit needs
    assert [(a["date"], a["metric"], a["score"]) for a in card["answers"]] == [
        (d("2026-11-15"), "nps", 3.0), (d("2026-05-01"), "csi", 5.0)
    ]  # fmt: skip
    assert card["answers"][0]["comment"] == "Долго везут"
    assert set(card["answers"][0]) == {"date", "metric", "score", "survey", "touchpoint",
                                       "comment"}  # fmt: skip
    assert [c["contact_id"] for c in card["contacts"]] == ["p1", "p2"]  # current first
    assert card["contacts"][0] == {
        "contact_id": "p1", "contact_name": "Olga", "role": "buyer", "email": "o@x.ru",
        "phone": "+7 900", "is_current": True,
    }  # fmt: skip
    assert [(c["channel"], c["status"]) for c in card["consents"]] == [("email", "opt_in")]
    sends = card["sends"]
    assert len(sends) == 50  # the latest 50 of 52, newest first: K51 .. K02
    assert [s["campaign_id"] for s in sends[:2]] == ["K51", "K50"]
    assert sends[-1]["campaign_id"] == "K02"
    assert [s["opened"] for s in sends[:2]] == [False, True]  # 50 % 5 == 0
    assert not any(s["clicked"] or s["unsubscribed"] for s in sends)
    assert card["followups"] == []  # a session over tables has no task store
    codes = [w["code"] for w in card["warnings"]]
    assert "clv_few_repeaters" in codes and len(codes) == len(set(codes))


def test_card_flags_and_empty_parts_of_another_customer(session):
    card = session.customer("C2", AS_OF).to_dict()
    # one purchase day, no contact: active only; 80 is not among the key customers
    assert card["status"] == {"known": True, "reachable": False, "active": True,
                              "regular": False, "key": False}  # fmt: skip
    assert card["contacts"] == [] and card["consents"] == [] and card["sends"] == []
    assert [a["score"] for a in card["answers"]] == [10.0]


def test_a_customer_only_in_orders_has_a_card(session):
    card = session.customer("X9", AS_OF).to_dict()
    assert card["customer"] == {"customer_id": "X9"}
    assert card["status"]["known"] is True and card["status"]["key"] is False
    assert card["rfm"]["frequency"] == 1 and card["rfm"]["r_score"] == 1
    # X9's only month (March 2025) is before the 13 months shown
    assert sum(r["revenue"] for r in card["products"]) == 0.0


def test_an_unknown_customer_is_a_clear_error(session):
    with pytest.raises(CxrayError) as err:
        session.customer("NOPE", AS_OF)
    assert err.value.key == "customer_unknown" and "NOPE" in str(err.value)


def test_missing_optional_tables_give_empty_lists(load):
    with Session.from_tables({"orders": load("orders", ORDERS)}) as only:
        card = only.customer("C1", AS_OF).to_dict()
    for key in ("answers", "contacts", "consents", "sends", "followups", "whitespace"):
        assert card[key] == [], key
    assert card["customer"] == {"customer_id": "C1"}


def test_cards_reuse_what_the_whole_base_computes(session, monkeypatch):
    from cxray.analytics import alerts as al
    from cxray.analytics import clv as cl
    from cxray.analytics import rfm as rf
    from cxray.analytics import structure as st
    from cxray.analytics import whitespace as wsp

    calls = {"rfm": 0, "alerts": 0, "fit": 0, "status": 0, "whitespace": 0}

    def counted(module, name, key, extra=None):
        real = getattr(module, name)

        def run(*args, **kwargs):
            calls[key] += 1
            found = real(*args, **kwargs)
            return found + extra if extra is not None else found

        monkeypatch.setattr(module, name, run)

    # an alert about C2 that only C2's card shows
    fake = [Alert("drift", "C2", False, False, {"revenue_recent": 0.0})]
    counted(al, "alerts", "alerts", fake)
    counted(rf, "rfm", "rfm")
    counted(cl, "fit_clv", "fit")
    counted(st, "customer_status", "status")
    counted(wsp, "opportunities", "whitespace")
    first = session.customer("C1", AS_OF).to_dict()
    second = session.customer("C2", AS_OF).to_dict()
    session.customer("C1", AS_OF)
    # the status at as_of and a year earlier (for the alerts): two, once each
    assert calls == {"rfm": 1, "alerts": 1, "fit": 1, "status": 2, "whitespace": 1}
    assert first["alerts"] == []
    assert [a["customer_id"] for a in second["alerts"]] == ["C2"]
    # the RFM question reuses the scores too
    assert len(session.rfm(AS_OF).customers) == 4 and calls["rfm"] == 1


# --- search -----------------------------------------------------------------------------------


def ids(result) -> list[str]:
    return [c["customer_id"] for c in result.to_dict()["customers"]]


def test_search_by_id_prefix_and_name(session):
    # C1 is the exact id, then C10 (Acme Trading) by name
    assert ids(session.search("c1")) == ["C1", "C10"]
    found = session.search("C1").to_dict()
    assert found["query"] == "C1"
    assert found["customers"][0] == {"customer_id": "C1", "name": "ООО Ромашка",
                                     "segment": "retail", "region": "North",
                                     "account_manager": "anna"}  # fmt: skip
    assert ids(session.search("trad")) == ["C10"]
    # Cyrillic in another case; by name: "Dairy Ромашка" before "ООО Ромашка"
    assert ids(session.search("ооо")) == ["C1"]
    assert ids(session.search("РОМАШ")) == ["D1", "C1"]
    assert ids(session.search("ромаш", limit=1)) == ["D1"]
    assert ids(session.search("x9")) == ["X9"]  # only in orders
    assert ids(session.search("")) == [] and ids(session.search("   ")) == []
    assert ids(session.search("zzz")) == []


def test_search_without_an_account_manager_column(load):
    plain = [{k: v for k, v in c.items() if k != "account_manager"} for c in CUSTOMERS]
    only = Session.from_tables({"customers": load("customers", plain),
                                "orders": load("orders", ORDERS)})  # fmt: skip
    assert set(only.search("c1").to_dict()["customers"][0]) == {
        "customer_id", "name", "segment", "region"
    }  # fmt: skip


# --- a workspace: follow-up tasks on the card, reassigning them ---------------------------------


@pytest.fixture
def writable(tmp_path):
    """A writable session over a workspace of the orders, customers, products and answers."""
    w = Workspace(tmp_path / "ws", create=True)
    for name in ("orders", "customers", "products", "responses"):
        w.write(name, pd.DataFrame(TABLE_ROWS[name]))
    with Session(w) as session:
        yield session


def test_card_followups_and_reassign(writable):
    session = writable
    # the NPS 3 of C1 on 2026-11-15 opens a task owned by C1's account manager
    listed = session.followups(as_of=AS_OF).to_dict()
    assert [(t["customer_id"], t["owner"]) for t in listed["tasks"]] == [("C1", "anna")]
    task = listed["tasks"][0]["task_id"]
    card = session.customer("C1", AS_OF).to_dict()
    assert [t["task_id"] for t in card["followups"]] == [task]
    assert session.customer("C2", AS_OF).to_dict()["followups"] == []
    moved = session.reassign_followup(task, owner=" boris ").to_dict()
    assert moved == {"task_id": task, "owner": "boris", "previous_owner": "anna"}
    assert session.followups(AS_OF, sync=False, owner="anna").to_dict()["tasks"] == []
    mine = session.followups(AS_OF, sync=False, owner="boris").to_dict()
    assert [t["task_id"] for t in mine["tasks"]] == [task] and mine["summary"]["total"] == 1
    assert session.followups(AS_OF, sync=False, customer="C2").to_dict()["tasks"] == []
    with pytest.raises(CxrayError) as err:
        session.reassign_followup("FU-nope", owner="x")
    assert err.value.key == "followup_unknown"
    session.close_followup(task, resolution="called", date=AS_OF)
    with pytest.raises(CxrayError) as err:
        session.reassign_followup(task, owner="anna")
    assert err.value.key == "followup_already_closed"


def test_reassign_on_the_command_line(tmp_path, monkeypatch):
    folder = tmp_path / "ws"
    with Workspace(folder, create=True) as w:
        for name in ("orders", "customers", "responses"):
            w.write(name, pd.DataFrame(TABLE_ROWS[name]))
    monkeypatch.setenv("CXRAY_WORKSPACE", str(folder))
    listed = runner.invoke(app, ["followups", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    with Workspace(folder) as w:
        task = Session(w).followups(sync=False).to_dict()["tasks"][0]["task_id"]
    done = runner.invoke(app, ["followups", "reassign", task, "--owner", "boris"])
    assert done.exit_code == 0, done.output
    assert task in done.stdout and "boris" in done.stdout
    bad = runner.invoke(app, ["followups", "reassign", "FU-nope", "--owner", "boris"])
    assert "FU-nope" in one_line_error(bad)


# --- accounts ---------------------------------------------------------------------------------

PASSWORD = "correct-horse-7"


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    monkeypatch.setattr(acc, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    w = Workspace(tmp_path / "acc", create=True)
    yield Session(w).accounts
    w.close()


def audit_actions(accounts) -> list[tuple]:
    entries = accounts.audit(limit=100).to_dict()["entries"]
    return [(e["actor"], e["action"], e["target"], e["details"]) for e in reversed(entries)]


def test_record_appends_and_refuses_secrets(accounts):
    accounts.record("pii_viewed", actor="anna", target="C1", details={"fields": "phone"})
    accounts.record("signed_out", actor="anna")
    for key in ("password", "new_Password", "api_token", "client_secret"):
        with pytest.raises(CxrayError) as err:
            accounts.record("export_downloaded", actor="anna", details={key: "x"})
        assert err.value.key == "bad_parameter" and key in str(err.value)
    with pytest.raises(CxrayError):
        accounts.record("Not a code", actor="anna")
    assert audit_actions(accounts) == [
        ("anna", "pii_viewed", "C1", {"fields": "phone"}), ("anna", "signed_out", None, {}),
    ]  # fmt: skip


def test_roles_enable_one_user_and_an_admin(accounts):
    assert accounts.has_admin() is False
    accounts.add_user("anna", role="viewer", password=PASSWORD, actor="root")
    assert accounts.has_admin() is False
    row = accounts.set_role("Anna", "admin", actor="root").to_dict()["user"]
    assert row["role"] == "admin" and accounts.has_admin() is True
    assert accounts.user("anna").to_dict()["user"] == accounts.users().to_dict()["users"][0]
    accounts.disable_user("anna", actor="root")
    assert accounts.has_admin() is False  # a disabled admin does not count
    assert accounts.enable_user("anna", actor="root").to_dict()["user"]["disabled"] is False
    assert accounts.has_admin() is True
    with pytest.raises(CxrayError) as err:
        accounts.enable_user("anna", actor="root")
    assert err.value.key == "user_not_disabled"
    with pytest.raises(CxrayError) as err:
        accounts.set_role("anna", "boss", actor="root")
    assert err.value.key == "bad_role"
    for call in (lambda: accounts.user("nobody"), lambda: accounts.set_role("nobody", "viewer")):
        with pytest.raises(CxrayError) as err:
            call()
        assert err.value.key == "user_unknown"
    assert audit_actions(accounts)[1:] == [
        ("root", "user_role_changed", "anna", {"role": "admin", "previous_role": "viewer"}),
        ("root", "user_disabled", "anna", {}),
        ("root", "user_enabled", "anna", {}),
    ]


def test_role_and_enable_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setattr(acc, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    folder = tmp_path / "ws"
    with Workspace(folder, create=True) as w:
        acc.add_user(w, "anna", role="viewer", password=PASSWORD, actor="t")
        acc.disable_user(w, "anna", actor="t")
    monkeypatch.setenv("CXRAY_WORKSPACE", str(folder))
    done = runner.invoke(app, ["users", "role", "anna", "analyst"])
    assert done.exit_code == 0, done.output
    assert "analyst" in done.stdout
    assert runner.invoke(app, ["users", "enable", "anna"]).exit_code == 0
    assert "is not disabled" in one_line_error(runner.invoke(app, ["users", "enable", "anna"]))
    with Workspace(folder) as w:
        assert acc.user(w, "anna")["role"] == "analyst" and not acc.user(w, "anna")["disabled"]


def test_search_without_customers_finds_order_ids_in_any_case(load):
    orders = [order("1", "Фирма-1", "2026-01-10", 10.0, "m1"), *ORDERS]
    with Session.from_tables({"orders": load("orders", orders)}) as only:
        assert ids(only.search("фир")) == ["Фирма-1"]
        assert ids(only.search("c1")) == ["C1", "C10"]  # the exact id first
