"""One customer at a time: the customer card and the customer search (for the web workspace).

The card looks its parts up in the cards' index (:mod:`cxray.api.cardindex`): what every card
shows, computed once per session (and date) for the whole base and grouped by customer, so a
card after the first of its date runs no query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cxray.api import cardindex as ci
from cxray.api.results import Notice
from cxray.errors import CxrayError

Session = Any
"""A :class:`cxray.api.session.Session` (not imported: the session imports this module)."""


def customer_card(
    session: Session, customer_id: str, as_of: Any = None, *, months: int = 13
) -> tuple[dict[str, Any], dt.date, list[Notice]]:
    """The payload of :meth:`cxray.api.session.Session.customer`, its date and warnings: look-ups
    in the cards' index (:mod:`cxray.api.cardindex`), built by the first card of a date."""
    base = ci.base_index(session)
    row = base.customers.first(customer_id)
    if row is None:
        if customer_id not in base.known:
            raise CxrayError("customer_unknown", customer_id=customer_id)
        row = {"customer_id": customer_id}
    day = session.resolve_as_of(as_of)
    index = ci.day_index(session, day, months)
    flags = index.status.get(customer_id)
    clv = index.clv.get(customer_id)
    payload = {
        "customer_id": customer_id,
        "customer": row,
        "status": {"known": flags is not None,
                   **dict(zip(ci.STAGES, flags or (False,) * len(ci.STAGES), strict=True))},
        "products": index.products.rows(customer_id),
        "whitespace": index.whitespace.rows(customer_id),
        "viewed_not_bought": index.viewed_not_bought.rows(customer_id),
        "rfm": index.rfm.first(customer_id),
        "clv": None if clv is None else {**clv, "fit_trusted": index.clv_trusted},
        "alerts": [a.to_dict() for a in index.alerts.get(customer_id, [])],
        "answers": base.answers.rows(customer_id),
        "followups": _followups(session, as_of, day, customer_id),
        "contacts": base.contacts.rows(customer_id),
        "consents": base.consents.rows(customer_id),
        "sends": base.sends.rows(customer_id),
    }  # fmt: skip
    return payload, day, list(index.warnings)


def warm(session: Session, as_of: Any = None, *, months: int = 13) -> None:
    """Build the cards' index of ``as_of`` as the first card of that date would."""
    day = session.resolve_as_of(as_of)
    ci.base_index(session)
    ci.day_index(session, day, months)
    if session.workspace is not None:
        ci.task_index(session, _tasks_day(session, as_of, day))


def _followups(session: Session, as_of: Any, day: dt.date, customer_id: str) -> list[dict]:
    """The customer's follow-up tasks, read without opening new ones."""
    if session.workspace is None:
        return []
    tasks = ci.task_index(session, _tasks_day(session, as_of, day))
    return [dict(task) for task in tasks.get(customer_id, [])]


def _tasks_day(session: Session, as_of: Any, day: dt.date) -> dt.date:
    """The day a card shows the tasks as of: the card's date when one was given, else the
    latest answer's (as the follow-up list dates them)."""
    if as_of is None:
        return session.resolve_as_of(None, reads=("responses",), otherwise=("orders",))
    return day


def search(session: Session, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """The customers whose id starts with ``query`` or whose name contains it, in any case
    (the exact id first, then by name); customers known only from their orders match by id.
    Read from the cards' index (:func:`cxray.api.cardindex.base_index`), without a query."""
    text = (query or "").strip().lower()
    if not text or limit < 1:
        return []
    base = ci.base_index(session)
    exact, others = [], []
    for folded_id, folded_name, row in base.searched:  # by name, then id
        if folded_id == text:
            exact.append(row)
        elif len(others) < limit and (
            folded_id.startswith(text) or (folded_name and text in folded_name)
        ):
            others.append(row)
    return [dict(zip(base.search_columns, row, strict=True)) for row in (exact + others)[:limit]]
