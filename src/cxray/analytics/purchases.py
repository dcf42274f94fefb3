"""Order days and purchase days: the one definition of a purchase that every analytic counts with.

Every function takes the canonical ``orders`` table (one row per order line, see
:mod:`cxray.ingest.schema`) and returns a lazy Ibis expression. Lines without a customer, a date
or an amount are ignored.

Definitions (DESIGN.md, "Definitions"):

- an **order day** of a customer is a date on which it has at least one order line, of any
  amount (a sale, a zero-value line or a return);
- its ``net`` is the sum of the day's amounts (returns are negative lines);
- a **purchase day** is an order day whose ``net`` is above :data:`PURCHASE_EPS` (``1e-9``, which
  absorbs the floating-point residue of a sale and its full return on one day). A day of returns
  only, a day whose returns exceed its sales and a day of zero-value lines only are never
  purchase days;
- **acquisition** is a customer's first order day of any amount, so a zero-value first order (or
  a return) still sets it, and no later purchase moves it.

RFM (frequency, recency), cohort cells, activation, structure (active, regular) and CLV (repeat
purchases) all count purchase days built here; cohorts and CLV start a customer at its
acquisition.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from cxray.analytics.windows import Window

__all__ = [
    "PURCHASE_EPS",
    "acquisitions",
    "days_in",
    "is_purchase",
    "order_days",
    "order_lines",
    "purchase_lines",
]

PURCHASE_EPS = 1e-9
"""A day's net amount must exceed this to be a purchase day."""


def is_purchase(net: ir.NumericValue) -> ir.BooleanValue:
    """The purchase-day condition on a day's net amount: ``net > PURCHASE_EPS``."""
    return net > PURCHASE_EPS


def order_lines(
    orders: ir.Table, *, as_of: dt.date | None = None, window: Window | None = None
) -> ir.Table:
    """Order lines with a customer, a date and an amount, dated on or before ``as_of`` (when
    given) and within ``window`` (when given)."""
    conditions = [
        orders.customer_id.notnull(),
        orders.order_date.notnull(),
        orders.amount.notnull(),
    ]
    if as_of is not None:
        conditions.append(orders.order_date <= ibis.literal(as_of))
    if window is not None:
        conditions.append(window.contains(orders.order_date))
    return orders.filter(*conditions)


def order_days(
    orders: ir.Table,
    *,
    as_of: dt.date | None = None,
    window: Window | None = None,
    returns: bool = True,
) -> ir.Table:
    """One row per customer and order day (see the module notes) of :func:`order_lines`.

    Columns: ``customer_id``, ``order_date``, ``net`` (float: the day's amounts summed),
    ``sold`` (float: its positive lines), ``returned`` (float: its negative lines, as a positive
    amount) and ``purchase`` (bool: ``net > PURCHASE_EPS``); ``returns=False`` leaves out
    ``sold`` and ``returned`` (each sum costs as much as ``net`` again).

    The analytics that count purchases take this table as ``days=`` when a caller (the API's
    session) has it computed once already; they then filter it to their own window.

    Example::

        days = order_days(orders, as_of=date(2026, 6, 30))
        days.filter(days.purchase).count()  # purchase days up to as_of
    """
    lines = order_lines(orders, as_of=as_of, window=window)
    amount = lines.amount.cast("float64")
    figures = {"net": amount.sum()}
    if returns:
        figures["sold"] = amount.sum(where=amount > 0).fill_null(0.0)
        figures["returned"] = (-amount.sum(where=amount < 0)).fill_null(0.0)
    days = lines.group_by(["customer_id", "order_date"]).aggregate(**figures)
    return days.mutate(purchase=is_purchase(days.net))


def days_in(
    days: ir.Table, *, as_of: dt.date | None = None, window: Window | None = None
) -> ir.Table:
    """The rows of an :func:`order_days` table on or before ``as_of`` and within ``window``."""
    if as_of is not None:
        days = days.filter(days.order_date <= ibis.literal(as_of))
    if window is not None:
        days = days.filter(window.contains(days.order_date))
    return days


def purchase_lines(
    orders: ir.Table, *, as_of: dt.date | None = None, window: Window | None = None
) -> ir.Table:
    """What a customer bought: the :func:`order_lines` with a positive amount (and no negative
    quantity) dated on one of its purchase days. A return (a negative line) is never bought,
    and neither is a sale on a day that its returns cancel (a day whose lines do not net above
    zero). The columns of ``orders``."""
    lines = order_lines(orders, as_of=as_of, window=window)
    days = order_days(orders, as_of=as_of, window=window)
    buying = days.filter(days.purchase).select("customer_id", "order_date")
    sold = lines.filter(lines.amount > 0)
    if "quantity" in sold.columns:
        sold = sold.filter(sold.quantity.isnull() | (sold.quantity >= 0))
    return sold.semi_join(buying, ["customer_id", "order_date"])


def acquisitions(orders: ir.Table, *, as_of: dt.date | None = None) -> ir.Table:
    """``customer_id`` and ``first_date``: each customer's acquisition, its first order day of
    any amount on or before ``as_of`` (see the module notes)."""
    lines = order_lines(orders, as_of=as_of)
    return lines.group_by("customer_id").aggregate(first_date=lines.order_date.min())
