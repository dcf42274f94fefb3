"""The customer cards' index: what every card shows, computed once for the whole base and
grouped by customer, so that a card is a handful of look-ups and no query.

Three parts, each kept in the session (:meth:`cxray.api.base.SessionBase._once`) until the
data changes:

- :func:`base_index` (any date): the customers rows, the ids the other tables know, contacts,
  consents, answers and the latest :data:`SENDS_SHOWN` sends of every customer;
- :func:`day_index` (one date and number of months): product lines x months, status flags,
  RFM rows, white space (and the lines viewed on the site but not bought), CLV figures, alerts
  and the card's warnings;
- :func:`task_index` (one date): the follow-up tasks, dropped whenever a task is written
  (:meth:`cxray.api.base.SessionBase._forget`).

Every part runs the query the card ran for one customer, once for all of them, in the same
order; :class:`Grouped` keeps that order within a customer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from cxray.api.results import Notice, distinct

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

Session = Any
"""A :class:`cxray.api.session.Session` (not imported: the session imports the card)."""

STAGES = ("reachable", "active", "regular", "key")
"""The funnel flags of the card's ``status`` after ``known`` (a row of the customer status)."""
ANSWER_COLUMNS = ("date", "metric", "score", "survey", "touchpoint", "comment")
CONTACT_COLUMNS = ("contact_id", "contact_name", "role", "email", "phone", "is_current")
CLV_COLUMNS = ("p_alive", "expected_purchases", "clv")
SEARCH_COLUMNS = ("customer_id", "name", "segment", "region", "account_manager")
SENDS_SHOWN = 50
DAYS_KEPT = 3
"""The dates (and numbers of months) whose card parts a session keeps at most: a date's
products of every customer weigh ~100 MB on a million order lines."""
WINDOW = 24
"""The months of RFM and white space on the card (their questions' default) and of the
coverage notice on both."""


class Grouped:
    """The rows of an Arrow table by ``customer_id`` (rows without one left out), in the
    table's order within each customer; text columns dictionary-encoded to hold less."""

    def __init__(self, table: pa.Table, columns: Iterable[str] | None = None) -> None:
        table = table.filter(pc.is_valid(table["customer_id"]))
        # a stable sort: each customer's rows keep the order the query gave them
        table = table.take(pc.sort_indices(table, sort_keys=[("customer_id", "ascending")]))
        ids = table["customer_id"].combine_chunks()
        self._at: dict[str, tuple[int, int]] = {}
        if len(ids):  # a customer's rows end where the next row's id differs
            ends = pc.indices_nonzero(pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1)))
            starts = [0, *(i + 1 for i in ends.to_pylist())]
            stops = [*starts[1:], len(ids)]
            keys = ids.take(pa.array(starts, pa.int64())).to_pylist()
            for key, start, stop in zip(keys, starts, stops, strict=True):
                self._at[key] = (start, stop - start)
        shown = table.select(list(columns)) if columns is not None else table
        self._table = pa.table(
            [_compact(shown[name].combine_chunks()) for name in shown.column_names],
            names=shown.column_names,
        )

    def __contains__(self, customer_id: object) -> bool:
        return customer_id in self._at

    def rows(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's rows (new dicts; none for a customer without rows)."""
        at = self._at.get(customer_id)
        return self._table.slice(*at).to_pylist() if at else []

    def first(self, customer_id: str) -> dict[str, Any] | None:
        at = self._at.get(customer_id)
        return self._table.slice(at[0], 1).to_pylist()[0] if at else None

    @property
    def nbytes(self) -> int:
        """The bytes the rows hold (the look-up dict not counted)."""
        return self._table.nbytes


def _compact(column: pa.Array) -> pa.Array:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pc.dictionary_encode(column)
    return column


def _grouped(expr: ir.Table, columns: Iterable[str] | None = None) -> Grouped:
    return Grouped(expr.to_pyarrow(), columns)


@dataclass
class BaseIndex:
    """The card parts of any date."""

    customers: Grouped
    known: frozenset[str]
    """The ids of the tables other than customers."""
    answers: Grouped
    contacts: Grouped
    consents: Grouped
    sends: Grouped
    search_columns: tuple[str, ...]
    searched: list[tuple[str, str | None, tuple]]
    """Every customer the search finds, by name (nulls last), then id: id and name in lower
    case, and its search columns."""

    @property
    def nbytes(self) -> int:
        parts = (self.customers, self.answers, self.contacts, self.consents, self.sends)
        return sum(p.nbytes for p in parts)


@dataclass
class DayIndex:
    """The card parts of one date."""

    products: Grouped
    status: dict[str, tuple]
    rfm: Grouped
    whitespace: Grouped
    viewed_not_bought: Grouped
    clv: dict[str, dict[str, float]]
    clv_trusted: bool
    alerts: dict[str, list[Any]]
    warnings: list[Notice]

    @property
    def nbytes(self) -> int:
        parts = (self.products, self.rfm, self.whitespace, self.viewed_not_bought)
        return sum(p.nbytes for p in parts)


def base_index(session: Session) -> BaseIndex:
    """The parts of every card that do not depend on the date, once per session."""
    return session._once(("card", "base"), lambda: _base(session))


def _base(session: Session) -> BaseIndex:
    tb = session.tables()
    known: set[str] = set()
    ordered: set[str] = set()  # the ids of the orders
    for name, table in tb.items():
        if name != "customers" and "customer_id" in table.columns:
            ids = table.select("customer_id").distinct().to_pyarrow()["customer_id"]
            found = {v for v in ids.to_pylist() if v is not None}
            known |= found
            ordered = found if name == "orders" else ordered
    customers = tb["customers"].to_pyarrow()
    answers = tb["responses"].order_by([ibis.desc("date"), "metric"])
    contacts = tb["contacts"]
    contacts = contacts.order_by([ibis.desc(contacts.is_current.fill_null(True)), "contact_id"])
    consents = tb["consents"]
    return BaseIndex(
        customers=Grouped(customers),
        known=frozenset(known),
        **_searched(customers, ordered),
        answers=_grouped(answers, ANSWER_COLUMNS),
        contacts=_grouped(contacts, CONTACT_COLUMNS),
        consents=_grouped(consents.order_by(["channel", "date"]), consents.columns),
        sends=_grouped(_latest_sends(tb["sends"]), _SEND_COLUMNS),
    )


def _searched(customers: pa.Table, ordered: set[str]) -> dict[str, Any]:
    """What the customer search reads: the search columns of every customers row, then of
    the ids only the orders know (their id, the rest null), each with its id and name in lower
    case; in the search's order after the exact id (by name, nulls last, then id)."""
    columns = tuple(c for c in SEARCH_COLUMNS if c in customers.column_names)
    rows = [tuple(row.values()) for row in customers.select(list(columns)).to_pylist()]
    named = {values[0] for values in rows}
    blank = (None,) * (len(columns) - 1)
    rows += [(customer_id, *blank) for customer_id in sorted(ordered - named)]
    at = columns.index("name")
    rows = sorted(
        (r for r in rows if r[0] is not None), key=lambda r: (r[at] is None, r[at] or "", r[0])
    )
    folded = [(str(r[0]).lower(), None if r[at] is None else str(r[at]).lower(), r) for r in rows]
    return {"search_columns": columns, "searched": folded}


_SEND_COLUMNS = ("campaign_id", "channel", "sent_at", "opened", "clicked", "unsubscribed")


def _latest_sends(sends: ir.Table) -> ir.Table:
    """The latest :data:`SENDS_SHOWN` sends of every customer, newest first (a window in the
    backend: only those are fetched)."""
    newest = [ibis.desc("sent_at"), "campaign_id"]
    rank = ibis.row_number().over(group_by="customer_id", order_by=newest)
    kept = sends.mutate(_n=rank)
    kept = kept.filter(kept._n < SENDS_SHOWN).order_by(newest)
    return kept.select(
        "customer_id", "campaign_id", "channel", "sent_at",
        opened=kept.opened_at.notnull(), clicked=kept.clicked_at.notnull(),
        unsubscribed=kept.unsubscribed_at.notnull(),
    )  # fmt: skip


def day_index(session: Session, day: dt.date, months: int | None) -> DayIndex:
    """The parts of every card of ``day`` (products over ``months``), once per session; at most
    :data:`DAYS_KEPT` dates are kept, the earliest built goes first."""
    key = ("card", day, months)
    if key not in session._cache:
        kept = [k for k in session._cache if k[0] == "card" and k[1] != "base"]
        for old in kept[: max(len(kept) - DAYS_KEPT + 1, 0)]:
            del session._cache[old]
    return session._once(key, lambda: _day(session, day, months))


def _day(session: Session, day: dt.date, months: int | None) -> DayIndex:
    from cxray.analytics.coverage import fit_trusted

    status = session.customer_status(day).select("customer_id", *STAGES).to_pyarrow()
    flags: dict[str, tuple] = {}
    for row in status.to_pylist():
        flags.setdefault(row["customer_id"], tuple(bool(row[s]) for s in STAGES))
    fit = session.clv_fit(day)
    checks = session.clv_checks(day, fit)  # clv_not_fitted_reason without a fit
    clv: dict[str, dict[str, float]] = {}
    if fit is not None:
        frame = fit.customers
        columns = [frame[c] for c in ("customer_id", *CLV_COLUMNS)]
        for customer_id, *values in zip(*columns, strict=True):
            clv.setdefault(
                customer_id, {c: float(v) for c, v in zip(CLV_COLUMNS, values, strict=True)}
            )
    alerts: dict[str, list[Any]] = {}
    for alert in session.found_alerts(day):
        alerts.setdefault(alert.customer_id, []).append(alert)
    warnings = [
        *session.coverage(day, yoy=0), *session._whitespace_notices(day, WINDOW), *checks,
    ]  # fmt: skip
    return DayIndex(
        products=_grouped(session._product_rows(day, None, "line", months, None)),
        status=flags,
        rfm=_grouped(session.rfm_scores(day, WINDOW)),
        whitespace=_grouped(session.opportunities(day)),
        viewed_not_bought=_grouped(session.viewed_not_bought(day, WINDOW)),
        clv=clv,
        clv_trusted=fit_trusted([w.code for w in checks]),
        alerts=alerts,
        warnings=distinct(warnings),
    )


def task_index(session: Session, day: dt.date) -> dict[str, list[dict]]:
    """The follow-up tasks as of ``day`` by customer, oldest first (none without a
    workspace), once per session until a task is written."""
    from cxray.comms.followups import followups

    def make() -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        if session.workspace is not None:
            for row in followups(session.workspace, as_of=day):
                found.setdefault(row["customer_id"], []).append(row)
        return found

    return session._once(("card_tasks", day), make)
