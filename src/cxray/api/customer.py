"""One customer at a time: the customer card and the customer search (for the web workspace).

The card filters what the session computes once for the whole base (customer status, RFM
scores, the CLV fit, the alerts: :class:`cxray.api.base.SessionBase`), so opening many cards
in one session runs those once per date and then small per-customer queries.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import ibis

from cxray.api.base import rows_of
from cxray.api.results import Notice
from cxray.errors import CxrayError

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

Session = Any
"""A :class:`cxray.api.session.Session` (not imported: the session imports this module)."""

STAGES = ("reachable", "active", "regular", "key")
"""The funnel flags of the card's ``status`` after ``known`` (a row of the customer status)."""
ANSWER_COLUMNS = ("date", "metric", "score", "survey", "touchpoint", "comment")
CONTACT_COLUMNS = ("contact_id", "contact_name", "role", "email", "phone", "is_current")
CLV_COLUMNS = ("p_alive", "expected_purchases", "clv")
SEARCH_COLUMNS = ("customer_id", "name", "segment", "region", "account_manager")
SENDS_SHOWN = 50
WINDOW = 24
"""The months of RFM and white space on the card (their questions' default) and of the
coverage notice on both."""


def _of(table: ir.Table, customer_id: str) -> ir.Table:
    return table.filter(table.customer_id == customer_id)


def _customer_row(session: Session, customer_id: str) -> dict[str, Any]:
    """The customers row of ``customer_id``; ``{"customer_id": ...}`` when it is only in other
    tables; CxrayError ``customer_unknown`` when it is in none."""
    tb = session.tables()
    found = rows_of(_of(tb["customers"], customer_id).limit(1))
    if found:
        return found[0]
    for name, table in tb.items():
        if name != "customers" and "customer_id" in table.columns:
            if rows_of(_of(table, customer_id).select("customer_id").limit(1)):
                return {"customer_id": customer_id}
    raise CxrayError("customer_unknown", customer_id=customer_id)


def _status(session: Session, day: dt.date, customer_id: str) -> dict[str, bool]:
    rows = rows_of(_of(session.customer_status(day), customer_id).select(*STAGES))
    flags = {stage: bool(rows and rows[0][stage]) for stage in STAGES}
    return {"known": bool(rows), **flags}


def _clv(session: Session, day: dt.date, customer_id: str) -> tuple[dict | None, list[Notice]]:
    from cxray.analytics.coverage import fit_trusted

    fit = session.clv_fit(day)
    checks = session.clv_checks(day, fit)  # clv_not_fitted_reason without a fit
    if fit is None:
        return None, checks
    rows = fit.customers[fit.customers["customer_id"] == customer_id]
    if rows.empty:
        return None, checks
    row = rows.iloc[0]
    values = {c: float(row[c]) for c in CLV_COLUMNS}
    return {**values, "fit_trusted": fit_trusted([w.code for w in checks])}, checks


def _sends(sends: ir.Table, customer_id: str) -> list[dict[str, Any]]:
    mine = _of(sends, customer_id).order_by([ibis.desc("sent_at"), "campaign_id"])
    picked = mine.select(
        "campaign_id", "channel", "sent_at",
        opened=mine.opened_at.notnull(), clicked=mine.clicked_at.notnull(),
        unsubscribed=mine.unsubscribed_at.notnull(),
    )  # fmt: skip
    return rows_of(picked.limit(SENDS_SHOWN))


def _followups(session: Session, as_of: Any, day: dt.date, customer_id: str) -> list[dict]:
    """The customer's follow-up tasks, read without opening new ones: as of the card's date
    when one was given, else as of the latest answer (as the follow-up list dates them)."""
    from cxray.comms.followups import followups

    if session.workspace is None:
        return []
    if as_of is None:
        day = session.resolve_as_of(None, reads=("responses",), otherwise=("orders",))
    return followups(session.workspace, as_of=day, customer=customer_id)


def _unique(notices: list[Notice]) -> list[Notice]:
    seen: list[Notice] = []
    for notice in notices:
        if notice not in seen:
            seen.append(notice)
    return seen


def customer_card(
    session: Session, customer_id: str, as_of: Any = None, *, months: int = 13
) -> tuple[dict[str, Any], dt.date, list[Notice]]:
    """The payload of :meth:`cxray.api.session.Session.customer`, its date and warnings."""
    tb = session.tables()
    row = _customer_row(session, customer_id)
    day = session.resolve_as_of(as_of)
    products = session._product_rows(day, customer_id, "line", months, None)
    whitespace = _of(session.opportunities(day), customer_id)
    scores = rows_of(_of(session.rfm_scores(day, WINDOW), customer_id))
    clv, clv_checks = _clv(session, day, customer_id)
    alerts = [a.to_dict() for a in session.found_alerts(day) if a.customer_id == customer_id]
    answers = _of(tb["responses"], customer_id).order_by([ibis.desc("date"), "metric"])
    contacts = _of(tb["contacts"], customer_id)
    contacts = contacts.order_by([ibis.desc(contacts.is_current.fill_null(True)), "contact_id"])
    consents = _of(tb["consents"], customer_id).order_by(["channel", "date"])
    payload = {
        "customer_id": customer_id,
        "customer": row,
        "status": _status(session, day, customer_id),
        "products": rows_of(products),
        "whitespace": rows_of(whitespace),
        "rfm": scores[0] if scores else None,
        "clv": clv,
        "alerts": alerts,
        "answers": rows_of(answers.select(*ANSWER_COLUMNS)),
        "followups": _followups(session, as_of, day, customer_id),
        "contacts": rows_of(contacts.select(*CONTACT_COLUMNS)),
        "consents": rows_of(consents),
        "sends": _sends(tb["sends"], customer_id),
    }
    warnings = [
        *session.coverage(day, yoy=0), *session._whitespace_notices(day, WINDOW), *clv_checks,
    ]  # fmt: skip
    return payload, day, _unique(warnings)


def _backend_name(*tables: ir.Table) -> str | None:
    """The name of the backend that runs a query over ``tables`` (None: in-memory tables of no
    backend, which DuckDB runs)."""
    for table in tables:
        try:
            return table._find_backend().name
        except Exception:  # an in-memory stand-in of a missing table
            continue
    return None


def search(session: Session, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """The customers whose id starts with ``query`` or whose name contains it, in any case
    (the exact id first, then by name); customers known only from their orders match by id.
    One query in the backend."""
    from cxray.analytics.text import lower_case

    text = (query or "").strip().lower()
    if not text or limit < 1:
        return []
    tb = session.tables()
    customers, orders = tb["customers"], tb["orders"]
    backend = _backend_name(customers, orders)
    columns = [c for c in SEARCH_COLUMNS if c in customers.columns]

    def folded(value: Any) -> Any:
        return lower_case(value.cast("string"), backend)

    by_id = folded(customers.customer_id).startswith(text)
    by_name = folded(customers.name).contains(text).fill_null(False)
    found = customers.filter(by_id | by_name).select(*columns)
    ordered = orders.filter(folded(orders.customer_id).startswith(text))
    only_orders = ordered.select("customer_id").distinct()
    only_orders = only_orders.filter(~only_orders.customer_id.isin(customers.customer_id))
    blanks = {c: ibis.null(customers[c].type()) for c in columns if c != "customer_id"}
    found = found.union(only_orders.mutate(**blanks).select(*columns))
    exact = folded(found.customer_id) == text
    ranked = found.order_by([ibis.desc(exact), found.name.isnull(), "name", "customer_id"])
    return rows_of(ranked.limit(limit))
