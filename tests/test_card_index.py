"""The customer cards' index (cxray.api.cardindex): every card it answers equals the card
computed the way it was before the index, one customer at a time with its own queries
(:func:`reference_card` below, the independent reference), for every customer of a small
fixture and a sample of the b2b-food demo's; a card after the first of its date runs no query;
follow-up writes and imports are seen on the next card."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import random
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pytest
from conftest import d
from test_customer_card import AS_OF, TABLE_ROWS, writable  # noqa: F401 (a fixture)

from cxray.api.base import rows_of
from cxray.api.results import Result, json_default
from cxray.api.session import Session
from cxray.errors import CxrayError
from cxray.workspace import Workspace

# --- the reference: the card one customer at a time, as it was computed before the index -------

STAGES = ("reachable", "active", "regular", "key")
ANSWER_COLUMNS = ("date", "metric", "score", "survey", "touchpoint", "comment")
CONTACT_COLUMNS = ("contact_id", "contact_name", "role", "email", "phone", "is_current")
CLV_COLUMNS = ("p_alive", "expected_purchases", "clv")


def _of(table: ir.Table, customer_id: str) -> ir.Table:
    return table.filter(table.customer_id == customer_id)


def _customer_row(session: Session, customer_id: str) -> dict[str, Any]:
    tb = session.tables()
    found = rows_of(_of(tb["customers"], customer_id).limit(1))
    if found:
        return found[0]
    for name, table in tb.items():
        if name != "customers" and "customer_id" in table.columns:
            if rows_of(_of(table, customer_id).select("customer_id").limit(1)):
                return {"customer_id": customer_id}
    raise CxrayError("customer_unknown", customer_id=customer_id)


def _clv(session: Session, day: dt.date, customer_id: str) -> tuple[dict | None, list]:
    from cxray.analytics.coverage import fit_trusted

    fit = session.clv_fit(day)
    checks = session.clv_checks(day, fit)
    if fit is None:
        return None, checks
    rows = fit.customers[fit.customers["customer_id"] == customer_id]
    if rows.empty:
        return None, checks
    values = {c: float(rows.iloc[0][c]) for c in CLV_COLUMNS}
    return {**values, "fit_trusted": fit_trusted([w.code for w in checks])}, checks


def reference_card(session: Session, customer_id: str, as_of: Any = None, months: int = 13):
    """The card's to_dict(), every part read with its own per-customer query."""
    from cxray.comms.followups import followups

    tb = session.tables()
    row = _customer_row(session, customer_id)
    day = session.resolve_as_of(as_of)
    scores = rows_of(_of(session.rfm_scores(day, 24), customer_id))
    clv, clv_checks = _clv(session, day, customer_id)
    status = rows_of(_of(session.customer_status(day), customer_id).select(*STAGES))
    answers = _of(tb["responses"], customer_id).order_by([ibis.desc("date"), "metric"])
    contacts = _of(tb["contacts"], customer_id)
    contacts = contacts.order_by([ibis.desc(contacts.is_current.fill_null(True)), "contact_id"])
    sends = _of(tb["sends"], customer_id).order_by([ibis.desc("sent_at"), "campaign_id"])
    sends = sends.select(
        "campaign_id", "channel", "sent_at", opened=sends.opened_at.notnull(),
        clicked=sends.clicked_at.notnull(), unsubscribed=sends.unsubscribed_at.notnull(),
    ).limit(50)  # fmt: skip
    tasks: list[dict] = []
    if session.workspace is not None:
        tasks_day = day if as_of is not None else session.resolve_as_of(
            None, reads=("responses",), otherwise=("orders",))  # fmt: skip
        tasks = followups(session.workspace, as_of=tasks_day, customer=customer_id)
    payload = {
        "customer_id": customer_id,
        "customer": row,
        "status": {"known": bool(status),
                   **{s: bool(status and status[0][s]) for s in STAGES}},
        "products": rows_of(session._product_rows(day, customer_id, "line", months, None)),
        "whitespace": rows_of(_of(session.opportunities(day), customer_id)),
        "viewed_not_bought": rows_of(_of(session.viewed_not_bought(day), customer_id)),
        "rfm": scores[0] if scores else None,
        "clv": clv,
        "alerts": [a.to_dict() for a in session.found_alerts(day) if a.customer_id == customer_id],
        "answers": rows_of(answers.select(*ANSWER_COLUMNS)),
        "followups": tasks,
        "contacts": rows_of(contacts.select(*CONTACT_COLUMNS)),
        "consents": rows_of(_of(tb["consents"], customer_id).order_by(["channel", "date"])),
        "sends": rows_of(sends),
    }  # fmt: skip
    warnings = [*session.coverage(day, yoy=0), *session._whitespace_notices(day, 24), *clv_checks]
    unique = [w for i, w in enumerate(warnings) if w not in warnings[:i]]
    return Result("customer", payload, as_of=day, warnings=unique).to_dict()


def reference_search(session: Session, query: str, limit: int = 20) -> list[dict]:
    """The customer search as one query in the backend, as it was before the index."""
    from cxray.analytics.text import lower_case

    text = query.strip().lower()
    tb = session.tables()
    customers, orders = tb["customers"], tb["orders"]
    backend = customers._find_backend().name
    columns = [c for c in ("customer_id", "name", "segment", "region", "account_manager")
               if c in customers.columns]  # fmt: skip

    def folded(value: Any) -> Any:
        return lower_case(value.cast("string"), backend)

    by_id = folded(customers.customer_id).startswith(text)
    by_name = folded(customers.name).contains(text).fill_null(False)
    found = customers.filter(by_id | by_name).select(*columns)
    only_orders = orders.filter(folded(orders.customer_id).startswith(text))
    only_orders = only_orders.select("customer_id").distinct()
    only_orders = only_orders.filter(~only_orders.customer_id.isin(customers.customer_id))
    blanks = {c: ibis.null(customers[c].type()) for c in columns if c != "customer_id"}
    found = found.union(only_orders.mutate(**blanks).select(*columns))
    exact = folded(found.customer_id) == text
    ranked = found.order_by([ibis.desc(exact), found.name.isnull(), "name", "customer_id"])
    return rows_of(ranked.limit(limit))


def same(indexed: dict, reference: dict) -> None:
    """Equal as JSON text: keys in the same order, rows in the same order, the same values."""
    assert json.dumps(indexed, default=json_default) == json.dumps(reference, default=json_default)


# --- a small fixture: every customer ------------------------------------------------------------


@pytest.fixture
def session(load):
    with Session.from_tables({n: load(n, rows) for n, rows in TABLE_ROWS.items()}) as held:
        yield held


@pytest.mark.parametrize("as_of, months", [(AS_OF, 13), (None, 13), (d("2026-06-30"), 3)])
def test_every_card_of_the_fixture_equals_the_reference(session, as_of, months):
    every = ["C1", "C2", "C10", "D1", "X9"]  # the customers rows, and X9 only in orders
    for customer_id in every:
        indexed = session.customer(customer_id, as_of, months=months).to_dict()
        same(indexed, reference_card(session, customer_id, as_of, months))
    with pytest.raises(CxrayError) as err:
        session.customer("NOPE", as_of)
    assert err.value.key == "customer_unknown"


def _queries(monkeypatch) -> list[str]:
    """Every execution of an Ibis expression from now on, by the method that ran it."""
    ran: list[str] = []
    for cls in {ir.Expr, *inspect.getmro(ir.Table), ir.Column, ir.Scalar}:
        for name in ("to_pyarrow", "execute", "to_pandas"):
            if name in vars(cls):
                real = vars(cls)[name]

                def run(*args, _real=real, _name=name, **kwargs):
                    ran.append(_name)
                    return _real(*args, **kwargs)

                monkeypatch.setattr(cls, name, run)
    return ran


def test_after_the_first_card_a_card_runs_no_query(session, monkeypatch):
    session.warm_cards(AS_OF)
    ran = _queries(monkeypatch)
    cards = [session.customer(c, AS_OF).to_dict() for c in ("C1", "C2", "X9")]
    assert ran == []
    assert [len(c["sends"]) for c in cards] == [50, 0, 0]
    session.customer("C1", d("2026-11-30"))  # another date: its own index, with queries
    assert ran != []


def test_a_session_keeps_the_cards_of_three_dates_at_most(session):
    days = [d("2026-09-30"), d("2026-10-31"), d("2026-11-30"), AS_OF]
    for day in days:
        session.warm_cards(day)
    kept = [key[1] for key in session._cache if key[0] == "card" and key[1] != "base"]
    assert kept == days[1:]  # the earliest built went
    same(session.customer("C1", days[0]).to_dict(), reference_card(session, "C1", days[0]))


# --- a workspace: follow-up writes and imports reach the next card ------------------------------


def test_a_card_shows_a_task_closed_or_reassigned_since_the_last_card(writable, tmp_path):  # noqa: F811
    session = writable
    session.warm_cards(AS_OF)
    assert session.customer("C1", AS_OF).to_dict()["followups"] == []  # no task opened yet
    # the NPS 3 of C1 on 2026-11-15 opens a task for C1's account manager
    task = session.followups(AS_OF).to_dict()["tasks"][0]["task_id"]
    [shown] = session.customer("C1", AS_OF).to_dict()["followups"]
    assert (shown["task_id"], shown["status"], shown["owner"]) == (task, "open", "anna")
    session.reassign_followup(task, owner="boris")
    assert session.customer("C1", AS_OF).to_dict()["followups"][0]["owner"] == "boris"
    session.close_followup(task, resolution="called", date=AS_OF)
    [shown] = session.customer("C1", AS_OF).to_dict()["followups"]
    assert (shown["status"], shown["resolution"], shown["closed_at"]) == (
        "closed", "called", AS_OF,
    )  # fmt: skip
    # the default date: as of the latest answer (2026-11-16), where the task is open still
    assert session.customer("C1").to_dict()["followups"][0]["status"] == "open"
    # an import drops the whole index: C2's new order of 2026-12-05 is on its card
    extra = tmp_path / "more.csv"
    line = {"order_id": "9", "customer_id": "C2", "order_date": "2026-12-05", "amount": 70.0,
            "sku": "c1", "line_no": 1}  # fmt: skip
    pd.DataFrame([line]).to_csv(extra, index=False)
    assert not [r for r in session.customer("C2", AS_OF).to_dict()["products"]
                if r["key"] == "cheese"]  # fmt: skip
    session.import_file("orders", extra)
    cheese = {r["month"]: r["revenue"] for r in session.customer("C2", AS_OF).to_dict()["products"]
              if r["key"] == "cheese"}  # fmt: skip
    assert cheese["2026-12"] == pytest.approx(70.0) and cheese["2026-11"] == 0.0


# --- the b2b-food demo: a sample of its customers -----------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from cxray.demo import DEFAULT_AS_OF, close_demo_followups, generate

    w = Workspace(tmp_path_factory.mktemp("food") / "ws", create=True)
    for name, frame in generate("b2b-food", seed=42).items():
        w.write(name, frame)
    close_demo_followups(w, as_of=DEFAULT_AS_OF)
    with Session(w) as held:
        yield held


def test_a_sample_of_the_demo_cards_equals_the_reference(demo):
    from cxray.api import cardindex as ci

    tb = demo.tables()
    ids = sorted(tb["customers"].customer_id.to_pyarrow().to_pylist())
    day = demo.resolve_as_of()
    index = ci.day_index(demo, day, 13)
    tasks = ci.task_index(demo, demo.resolve_as_of(None, reads=("responses",)))
    sends = tb["sends"].group_by("customer_id").aggregate(n=tb["sends"].count())
    busiest = rows_of(sends.order_by([ibis.desc("n"), "customer_id"]).limit(1))[0]
    picked = random.Random(5).sample(ids, 8) + [
        next(iter(index.alerts)),  # a customer with alerts
        next(c for c in ids if index.whitespace.rows(c)),  # with white space
        next(c for c in ids if c not in index.clv),  # without CLV figures
        sorted(tasks)[0],  # with follow-up tasks
        busiest["customer_id"],  # the most sends (20; the fixture's C1 has more than 50)
    ]
    for customer_id in picked:
        same(demo.customer(customer_id).to_dict(), reference_card(demo, customer_id))


def test_the_demo_search_equals_the_query(demo):
    names = demo.tables()["customers"].name.to_pyarrow().to_pylist()
    words = sorted({w for name in names[::500] if name for w in name.split()})[:12]
    queries = ["C0", "c035", "C03596", "c1", "ооо", "ИП", "zzz", " Ип ", *words]
    for query in queries:
        for limit in (1, 20, 200):
            found = demo.search(query, limit=limit).to_dict()["customers"]
            assert found == reference_search(demo, query, limit), (query, limit)


def test_the_fixture_search_equals_the_query(session):
    for query in ("c1", "C1", "trad", "ооо", "РОМАШ", "x9", "d", "zzz", "o"):
        for limit in (1, 3, 20):
            found = session.search(query, limit=limit).to_dict()["customers"]
            assert found == reference_search(session, query, limit), (query, limit)
