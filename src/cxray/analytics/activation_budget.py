"""The activation budget: what a new customer's second order is worth spending on.

A customer's buying pattern forms in its first few orders. This module measures how new
customers move from order 1 to orders 2 and 3 and turns one first order's margin into a budget.

Definitions
-----------

- **Orders** are purchase days (:mod:`cxray.analytics.purchases`), numbered per customer as in
  the activation view of :mod:`cxray.analytics.cohorts` (:func:`cohorts.numbered_orders`), on or
  before ``as_of``.
- **New customers**: customers whose **acquisition** (first order day of any amount) is after
  ``as_of`` minus ``months`` calendar months, and whose order 1 (first purchase day) is on or
  before ``as_of - window_days``, so that every one of them had a full ``window_days`` to make
  order 2 and order 3. A customer acquired by a day that was no purchase counts from its first
  purchase day; one with no purchase day is no new customer.
- **Order 2 rate**: the share of new customers whose order 2 falls within ``window_days`` days of
  their order 1. **Order 3 rate**: the share of new customers whose order 3 falls within
  ``window_days`` days of their order 1.
- **Median days 1 -> 2**: the median of the days from order 1 to order 2 among the customers
  counted in the order 2 rate; **median days 2 -> 3** likewise among those counted in the order 3
  rate (the mean of the two middle values for an even count).
- **First-order value**: the *mean* net amount of the new customers' order 1 (the mean, so that
  the budget times the new customers equals the first orders' total margin). **Second-order
  value**: the mean net amount of order 2 among the customers counted in the order 2 rate.
- **Budget per new customer** = first-order margin = first-order value x ``margin`` (a share,
  default 0.3). It is suggested as :data:`SUGGESTED_MESSAGES` messages, after order 1 and after
  order 2, so the **budget per message** is the budget / 2. With a ``message_cost``, **messages**
  = the budget / ``message_cost`` rounded down: how many messages one new customer's budget buys.
- **Break-even rise** = budget / (second-order value x ``margin``): the rise in the order 2 rate
  (a share; x 100 for percentage points) at which the margin of the extra second orders pays the
  budget spent on every new customer. The **break-even rate** = order 2 rate + that rise; above
  1.0 it cannot be reached.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import ibis
import ibis.expr.types as ir

from cxray.analytics.cohorts import _step_stats, numbered_orders
from cxray.analytics.purchases import days_in, order_days
from cxray.analytics.windows import add_months, check_as_of

__all__ = ["SUGGESTED_MESSAGES", "activation_budget", "activation_steps", "check_options"]

SUGGESTED_MESSAGES = 2
"""The budget is suggested as this many messages: one after order 1, one after order 2."""


def check_options(
    margin: object, message_cost: object, months: object, window_days: object
) -> None:
    """Raise ``ValueError`` for a ``margin`` outside (0, 1], a ``message_cost`` that is not a
    positive number (None is allowed), or ``months`` / ``window_days`` that are not whole
    numbers above 0."""
    if isinstance(margin, bool) or not isinstance(margin, int | float) or not 0 < margin <= 1:
        raise ValueError(f"margin must be a share above 0 and at most 1, got {margin!r}")
    if message_cost is not None and (
        isinstance(message_cost, bool)
        or not isinstance(message_cost, int | float)
        or not message_cost > 0
        or not math.isfinite(message_cost)
    ):
        raise ValueError(f"message_cost must be a positive number, got {message_cost!r}")
    for name, value in (("months", months), ("window_days", window_days)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a whole number greater than 0, got {value!r}")


def activation_steps(
    orders: ir.Table,
    *,
    as_of: dt.date,
    months: int = 24,
    window_days: int = 90,
    days: ir.Table | None = None,
) -> ir.Table:
    """The new customers' steps from order 1 to 2 and from order 2 to 3 (see the module notes):
    two rows, ``k`` = 1 and 2, zero-filled, with

    - ``customers_k`` (int64): ``k`` = 1: the new customers; ``k`` = 2: those with order 2
      within the window
    - ``customers_next`` (int64): those with order ``k + 1`` within the window
    - ``median_days`` (float64): median days from order ``k`` to ``k + 1`` among them (null
      when there are none)
    - ``mean_value`` (float64): the mean net amount of order ``k`` of the ``customers_k``
      customers (null when there are none)

    ``days``: :func:`cxray.analytics.purchases.order_days` of ``orders``, when computed already.
    """
    check_as_of(as_of)
    check_options(0.3, None, months, window_days)
    days = order_days(orders, as_of=as_of) if days is None else days_in(days, as_of=as_of)
    start = add_months(as_of, -months)
    last_first = as_of - dt.timedelta(days=window_days)

    acquired = days.group_by("customer_id").aggregate(acquired=days.order_date.min())
    numbered = numbered_orders(days)
    numbered = numbered.filter(numbered.k <= 3)
    per = numbered.group_by("customer_id").aggregate(
        d1=numbered.order_date.min(where=numbered.k == 1),
        d2=numbered.order_date.min(where=numbered.k == 2),
        d3=numbered.order_date.min(where=numbered.k == 3),
        net1=numbered.net.max(where=numbered.k == 1),
        net2=numbered.net.max(where=numbered.k == 2),
    )
    per = per.join(acquired, "customer_id")
    per = per.filter(per.acquired > ibis.literal(start), per.d1 <= ibis.literal(last_first))
    d12 = per.d2.delta(per.d1, unit="day").cast("int64")
    d13 = per.d3.delta(per.d1, unit="day").cast("int64")
    d23 = per.d3.delta(per.d2, unit="day").cast("int64")
    made2 = d12.notnull() & (d12 <= window_days)
    made3 = d13.notnull() & (d13 <= window_days)
    per = per.select(
        "customer_id",
        "net1",
        "net2",
        made2=made2,
        days12=ibis.cases((made2, d12), else_=None).cast("int64"),
        days23=ibis.cases((made3, d23), else_=None).cast("int64"),
    )
    first = per.select("customer_id", k=ibis.literal(1, "int64"), days=per.days12, net=per.net1)
    seconds = per.filter(per.made2)
    second = seconds.select(
        "customer_id", k=ibis.literal(2, "int64"), days=seconds.days23, net=seconds.net2
    )
    steps = first.union(second)
    stats = _step_stats(steps, ["k"])
    values = steps.group_by("k").aggregate(mean_value=steps.net.cast("float64").mean())
    ks = ibis.memtable({"k": [1, 2]}, schema={"k": "int64"})
    table = ks.left_join(stats, "k").left_join(values, "k")
    table = table.select(
        k=table.k.cast("int64"),
        customers_k=table.customers_k.fill_null(0).cast("int64"),
        customers_next=table.customers_next.fill_null(0).cast("int64"),
        median_days=table.median_days.cast("float64"),
        mean_value=table.mean_value.cast("float64"),
    )
    return table.order_by("k")


def activation_budget(
    steps: list[dict[str, Any]], *, margin: float = 0.3, message_cost: float | None = None
) -> dict[str, Any]:
    """The budget figures (see the module notes) from the two rows of :func:`activation_steps`.

    Keys: ``new_customers``, ``order2_customers``, ``order3_customers``, ``order2_rate``,
    ``order3_rate``, ``median_days_1_2``, ``median_days_2_3``, ``first_order_value``,
    ``first_order_margin``, ``budget_per_customer``, ``budget_per_message``, ``messages`` (None
    without a ``message_cost``), ``second_order_value``, ``second_order_margin``,
    ``breakeven_rise`` and ``breakeven_rate`` (None without a second order), ``breakeven_reachable``
    (``breakeven_rate`` at most 1.0; None without one). Rates and values are None without new
    customers.
    """
    check_options(margin, message_cost, 1, 1)
    one, two = (next(r for r in steps if r["k"] == k) for k in (1, 2))
    new = int(one["customers_k"])
    made2, made3 = int(one["customers_next"]), int(two["customers_next"])
    value1, value2 = one["mean_value"], two["mean_value"] if made2 else None
    budget = None if value1 is None else value1 * margin
    margin2 = None if value2 is None else value2 * margin
    rate2 = made2 / new if new else None
    rise = budget / margin2 if budget is not None and margin2 and margin2 > 0 else None
    rate = None if rise is None or rate2 is None else rate2 + rise
    messages = None
    if budget is not None and message_cost is not None:
        messages = math.floor(budget / message_cost + 1e-9)
    return {
        "new_customers": new,
        "order2_customers": made2,
        "order3_customers": made3,
        "order2_rate": rate2,
        "order3_rate": made3 / new if new else None,
        "median_days_1_2": one["median_days"],
        "median_days_2_3": two["median_days"],
        "first_order_value": value1,
        "first_order_margin": budget,
        "budget_per_customer": budget,
        "budget_per_message": None if budget is None else budget / SUGGESTED_MESSAGES,
        "messages": messages,
        "second_order_value": value2,
        "second_order_margin": margin2,
        "breakeven_rise": rise,
        "breakeven_rate": rate,
        "breakeven_reachable": None if rate is None else rate <= 1.0,
    }
