"""Acquisition cohorts and the activation view.

Every function takes the canonical ``orders`` table (one row per order line, see
:mod:`cxray.ingest.schema`) and an explicit ``as_of`` date; order lines dated after ``as_of``, and
lines without a customer, are ignored. Results are lazy Ibis expressions.

Definitions
-----------

- **Periods** are calendar months (``period="month"``, labelled ``'YYYY-MM'``) or calendar quarters
  (``period="quarter"``, labelled ``'YYYY-Qn'``). A period is handled as an integer index: the
  month index ``year * 12 + month - 1`` or the quarter index ``year * 4 + (month - 1) // 3``
  (portable integer arithmetic, no SQL intervals).
- **Purchase occasion** (an "order" in the activation view): a **purchase day** of
  :mod:`cxray.analytics.purchases`, a distinct order *date* of a customer whose lines that day
  net to a positive amount (``> 1e-9``). Several lines or order ids on one date are one occasion;
  a day of returns only (or of returns exceeding sales, or of zero-value lines only) is not an
  occasion.
- **Acquisition**: a customer's acquisition date is its first order day of *any* amount (see
  :mod:`cxray.analytics.purchases`), so a zero-value first order still sets it; its **cohort** is
  the period of that date. Both views use this one definition, so a customer is in the same
  cohort in both, and no later purchase moves it.
- **Buying in a period** (cohort table): the customer has at least one purchase day in that
  period, the same rule as the activation view's orders. A customer whose acquisition day is
  not a purchase day (a zero-value order, a return) and who buys nothing else in its
  acquisition period does not count as buying there, so ``retention`` at ``period_index`` 0 can
  be below 1.0.
- **Revenue** (cohort table) sums *all* lines of the cohort's customers in the period, returns
  (negative lines) included.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir

from cxray.analytics.products import (
    _month_index,
    _month_index_expr,
    _month_label,
    _months_from_data,
)
from cxray.analytics.purchases import days_in, order_days
from cxray.analytics.windows import check_as_of

__all__ = [
    "ALL_COHORTS",
    "METRICS",
    "PERIODS",
    "activation",
    "check_metric",
    "check_period",
    "cohort_table",
    "numbered_orders",
]

PERIODS = ("month", "quarter")
"""Accepted values of the ``period`` parameter."""

METRICS = ("customers", "retention", "revenue", "revenue_per_customer")
"""The value columns of :func:`cohort_table` a caller can pivot into a cohort matrix."""

ALL_COHORTS = "all"
"""The ``cohort`` label of the activation view's total rows (all cohorts together)."""


# --------------------------------------------------------------------------------------------
# validation


def check_period(period: object) -> str:
    """Return ``period`` when it is ``"month"`` or ``"quarter"``; raise ``ValueError`` otherwise."""
    if not isinstance(period, str) or period not in PERIODS:
        raise ValueError(f'period must be "month" or "quarter", got {period!r}')
    return period


def check_metric(metric: object) -> str:
    """Return ``metric`` when it is one of :data:`METRICS`; raise ``ValueError`` otherwise."""
    if not isinstance(metric, str) or metric not in METRICS:
        names = ", ".join(METRICS)
        raise ValueError(f"metric must be one of {names}; got {metric!r}")
    return metric


def _check_max_order(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"max_order must be a whole number greater than 0, got {value!r}")


# --------------------------------------------------------------------------------------------
# period helpers


def _period_index_expr(date: ir.DateValue, period: str) -> ir.IntegerValue:
    """The month or quarter index of a date column."""
    month_idx = _month_index_expr(date)
    if period == "month":
        return month_idx
    return (month_idx // 3).cast("int64")


def _period_label(index: ir.IntegerValue, period: str) -> ir.StringValue:
    """``'YYYY-MM'`` (month) or ``'YYYY-Qn'`` (quarter) for an integer period index column."""
    if period == "month":
        return _month_label(index)
    # no %: the Ibis SQLite backend computes it with MOD(), which returns a float ('1.0')
    year = (index // 4).cast("int64")
    quarter = (index - year * 4 + 1).cast("int64").cast("string")
    return year.cast("string").concat("-Q", quarter)


def _periods_from_data(first_month: ir.IntegerScalar, last_month: int, period: str) -> ir.Table:
    """A lazy one-column table ``idx`` of the period indexes from month ``first_month`` on.

    The months ``first_month..last_month`` are generated portably in the backend (see
    :func:`cxray.analytics.products._months_from_data`); for quarters each month index ``m`` maps
    to the quarter index ``m // 3``.
    """
    months = _months_from_data(first_month, last_month)
    if period == "month":
        return months
    return months.select(idx=(months.idx // 3).cast("int64")).distinct()


# --------------------------------------------------------------------------------------------
# public API


def cohort_table(
    orders: ir.Table,
    *,
    as_of: dt.date,
    period: Literal["month", "quarter"] = "month",
    days: ir.Table | None = None,
) -> ir.Table:
    """Acquisition cohorts x periods since acquisition, in long format (one row per cell).

    A cohort is the set of customers acquired (first purchase occasion, see the module notes) in
    one calendar period on or before ``as_of``. Every cohort gets one row for every period from
    its acquisition period (``period_index`` 0) to ``as_of``'s period, including periods in which
    none of its customers bought (zero rows, so that a heat map has no holes). Columns:

    - ``cohort`` (string): ``'YYYY-MM'`` or ``'YYYY-Qn'``, the acquisition period
    - ``period_index`` (int64): 0 = the acquisition period, 1 = the next calendar period, ...
    - ``customers`` (int64): customers of the cohort with a purchase day in the period
    - ``cohort_size`` (int64): customers acquired in the cohort
    - ``retention`` (float64): ``customers / cohort_size`` (below 1.0 at ``period_index`` 0 only
      for customers acquired by a day that was no purchase, see the module notes)
    - ``revenue`` (float64): sum of ``amount`` over all the cohort's lines in the period, returns
      included (0.0 where there are none)
    - ``revenue_per_customer`` (float64): ``revenue / cohort_size``, i.e. per **acquired**
      customer, not per customer buying in the period, so it reads as the cohort's average
      revenue per head and its cumulative sum as revenue per acquired customer to date

    Rows are ordered by ``cohort`` then ``period_index``. The last (``as_of``'s) period counts
    only up to ``as_of``. ``days``: :func:`cxray.analytics.purchases.order_days` of ``orders``,
    when already computed. Raises ``ValueError`` for an unknown ``period``; :data:`METRICS` lists
    the value columns a caller may pivot (validate a user's choice with :func:`check_metric`).

    Example::

        t = cohort_table(orders, as_of=date(2026, 6, 30), period="quarter")
        t.pivot_wider(id_cols="cohort", names_from="period_index",
                      values_from="retention").to_pandas()
    """
    check_as_of(as_of)
    check_period(period)

    days = order_days(orders, as_of=as_of) if days is None else days_in(days, as_of=as_of)
    # per customer and period: revenue and whether it had a purchase day
    pidx = _period_index_expr(days.order_date, period).name("pidx")
    per = days.group_by(["customer_id", pidx]).aggregate(
        revenue=days.net.sum(), bought=days.purchase.cast("int64").max()
    )
    # the acquisition period: that of the first order day, the customer's first period here
    firsts = per.group_by("customer_id").aggregate(cidx=per.pidx.min())
    per = per.join(firsts, "customer_id")
    cells = per.group_by(["cidx", "pidx"]).aggregate(
        customers=per.bought.sum(),
        revenue=per.revenue.sum(),
        # every customer has a row in its acquisition period (its first order day is there)
        acquired=(per.pidx == per.cidx).cast("int64").sum(),
    )
    sizes = cells.filter(cells.acquired > 0).select("cidx", cohort_size=cells.acquired)

    # the grid: every cohort x every period from the cohort's period to as_of's period
    first_month = sizes.cidx.min() if period == "month" else sizes.cidx.min() * 3
    periods = _periods_from_data(first_month, _month_index(as_of), period)
    grid = sizes.join(periods, sizes.cidx <= periods.idx).select(
        "cidx", "cohort_size", pidx=periods.idx
    )
    table = grid.left_join(cells, ["cidx", "pidx"])
    customers = table.customers.fill_null(0).cast("int64")
    size = table.cohort_size.cast("int64")
    revenue = table.revenue.fill_null(0.0).cast("float64")
    table = table.select(
        cohort=_period_label(table.cidx, period),
        period_index=(table.pidx - table.cidx).cast("int64"),
        customers=customers,
        cohort_size=size,
        retention=(customers / size).cast("float64"),
        revenue=revenue,
        revenue_per_customer=(revenue / size).cast("float64"),
    )
    return table.order_by(["cohort", "period_index"])


def _step_stats(steps: ir.Table, keys: list[str]) -> ir.Table:
    """Per ``keys``: ``customers_k``, ``customers_next`` and ``median_days`` of the steps.

    ``steps`` holds one row per customer and order number ``k`` with ``days`` to the next order
    (null when there is none). The median of ``n`` sorted values is the mean of the values at the
    1-based positions ``p`` with ``n <= 2 * p <= n + 2`` (the middle one, or the two middle ones);
    computed with window functions where the backend has no median (SQLite).
    """
    if ibis.get_backend(steps).has_operation(ops.Median):  # an exact median, as below
        return steps.group_by(keys).aggregate(
            customers_k=steps.customer_id.count(),
            customers_next=steps.days.notnull().cast("int64").sum(),
            median_days=steps.days.cast("float64").median(),
        )
    counts = steps.group_by(keys).aggregate(
        customers_k=steps.customer_id.count(),
        customers_next=steps.days.notnull().cast("int64").sum(),
    )
    made = steps.filter(steps.days.notnull())
    made = made.mutate(
        _pos=ibis.row_number().over(
            ibis.window(group_by=keys, order_by=[made.days, made.customer_id])
        )
        + 1,
        _n=made.customer_id.count().over(ibis.window(group_by=keys)),
    )
    middle = made.filter(made._n <= 2 * made._pos, 2 * made._pos <= made._n + 2)
    medians = middle.group_by(keys).aggregate(median_days=middle.days.cast("float64").mean())
    return counts.left_join(medians, keys).select(
        *keys, "customers_k", "customers_next", "median_days"
    )


def numbered_orders(days: ir.Table) -> ir.Table:
    """The purchase days of an :func:`cxray.analytics.purchases.order_days` table numbered per
    customer: ``customer_id``, ``order_date``, ``net``, ``k`` (int64: 1 for the customer's first
    purchase day, 2 for the next, ...) and ``next_date`` (the date of order ``k + 1``, null for
    the last one). The orders of :func:`activation`."""
    occasions = days.filter(days.purchase)
    by_customer = ibis.window(group_by="customer_id", order_by="order_date")
    return occasions.select(
        "customer_id",
        "order_date",
        "net",
        k=(ibis.row_number().over(by_customer) + 1).cast("int64"),
        next_date=occasions.order_date.lead().over(by_customer),
    )


def activation(
    orders: ir.Table,
    *,
    as_of: dt.date,
    period: Literal["month", "quarter"] = "month",
    max_order: int = 5,
    days: ir.Table | None = None,
) -> ir.Table:
    """How each acquisition cohort moves from order ``k`` to order ``k + 1``.

    Orders here are **purchase occasions**: distinct order dates of a customer with a positive
    total amount that day (see the module notes), numbered 1, 2, ... per customer in date order,
    counting only dates on or before ``as_of``. Cohorts are those of :func:`cohort_table` (the
    period of the acquisition, the first order day of any amount); a customer without a
    purchase day has no order 1 and is counted nowhere here. For every cohort and every ``k`` in
    ``1..max_order``, zero-filled, plus a total row per ``k`` over all cohorts with
    ``cohort = "all"`` (:data:`ALL_COHORTS`):

    - ``cohort`` (string): ``'YYYY-MM'``, ``'YYYY-Qn'`` or ``"all"``
    - ``k`` (int64): the order number
    - ``customers_k`` (int64): customers of the cohort with at least ``k`` orders
    - ``customers_next`` (int64): those with at least ``k + 1`` orders
    - ``share_next`` (float64): ``customers_next / customers_k``; null when ``customers_k`` is 0
    - ``median_days`` (float64): median number of days from order ``k`` to order ``k + 1`` among
      the ``customers_next`` customers (the mean of the two middle values for an even count);
      null when ``customers_next`` is 0

    Rows are ordered by ``cohort`` (``"all"`` last) then ``k``; ``days`` as in
    :func:`cohort_table`. Raises ``ValueError`` for an unknown ``period`` or a ``max_order``
    that is not a whole number greater than 0.

    Example::

        activation(orders, as_of=date(2026, 6, 30), max_order=3).to_pandas()
    """
    check_as_of(as_of)
    check_period(period)
    _check_max_order(max_order)

    days = order_days(orders, as_of=as_of) if days is None else days_in(days, as_of=as_of)
    # the cohort (acquisition period index) per customer: one small aggregate, labelled only
    # once the steps are counted (a label per row would cost a string per purchase day)
    firsts = days.group_by("customer_id").aggregate(
        cidx=_period_index_expr(days.order_date.min(), period)
    )
    occasions = numbered_orders(days)
    steps = occasions.filter(occasions.k <= max_order)
    steps = steps.join(firsts, "customer_id").select(
        customer_id=steps.customer_id,
        cidx=firsts.cidx,
        k=steps.k,
        days=steps.next_date.delta(steps.order_date, unit="day").cast("int64"),
    )

    ks = ibis.memtable({"k": list(range(1, max_order + 1))}, schema={"k": "int64"})

    cohorts = steps.select("cidx").distinct()
    grid = cohorts.cross_join(ks)
    per_cohort = grid.left_join(_step_stats(steps, ["cidx", "k"]), ["cidx", "k"])
    per_cohort = per_cohort.select(
        cohort=_period_label(per_cohort.cidx, period),
        k=per_cohort.k,
        customers_k=per_cohort.customers_k,
        customers_next=per_cohort.customers_next,
        median_days=per_cohort.median_days,
    )

    total = ks.left_join(_step_stats(steps, ["k"]), "k")
    total = total.select(
        cohort=ibis.literal(ALL_COHORTS, type="string"),
        k=total.k,
        customers_k=total.customers_k,
        customers_next=total.customers_next,
        median_days=total.median_days,
    )

    table = per_cohort.union(total)
    customers_k = table.customers_k.fill_null(0).cast("int64")
    customers_next = table.customers_next.fill_null(0).cast("int64")
    table = table.select(
        cohort=table.cohort,
        k=table.k.cast("int64"),
        customers_k=customers_k,
        customers_next=customers_next,
        share_next=ibis.cases((customers_k > 0, customers_next / customers_k), else_=None).cast(
            "float64"
        ),
        median_days=table.median_days.cast("float64"),
    )
    return table.order_by([(table.cohort == ALL_COHORTS).cast("int64"), table.cohort, table.k])
