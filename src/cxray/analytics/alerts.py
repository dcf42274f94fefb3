"""Alerts on the customers that matter most: regular and key clients that fade or drift away.

Two kinds, each with the numbers that explain it:

- **p_alive**: a customer that is regular or key (at ``as_of``, or a year before it) and whose
  probability of still being a customer, P(alive) from the BG/NBD model
  (:mod:`cxray.analytics.clv`), is below ``p_alive_threshold``.
- **drift**: a regular or key customer whose revenue in the last ``months`` months fell against
  the same months a year earlier by more than ``drift_threshold`` (a share: 0.3 = a fall of more
  than 30%), with the product lines whose revenue fell most.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from cxray.analytics.products import with_product_line
from cxray.analytics.windows import Window, add_months, trailing_window


def _check(months: int, threshold: float) -> None:
    if not isinstance(months, int) or months <= 0 or months > 12:
        raise ValueError(f"months must be a whole number from 1 to 12, got {months!r}")
    if not 0 < threshold < 1:
        raise ValueError(f"drift_threshold must be between 0 and 1 (a share), got {threshold!r}")


def drift_windows(as_of: dt.date, months: int) -> tuple[Window, Window]:
    """The recent window (as_of - months, as_of] and the same months a year earlier."""
    recent = trailing_window(as_of, months)
    earlier = Window(add_months(as_of, -12 - months), add_months(as_of, -12))
    return recent, earlier


def _recent_vs_year_ago(lines: ir.Table, as_of: dt.date, months: int, by: list[str]) -> ir.Table:
    recent, earlier = drift_windows(as_of, months)
    return lines.group_by(by).aggregate(
        revenue_recent=lines.amount.sum(where=recent.contains(lines.order_date)).fill_null(0.0),
        revenue_year_ago=lines.amount.sum(where=earlier.contains(lines.order_date)).fill_null(0.0),
    )


def drift(
    orders: ir.Table,
    status: ir.Table,
    *,
    as_of: dt.date,
    months: int = 3,
    drift_threshold: float = 0.30,
) -> ir.Table:
    """Regular and key customers whose revenue fell by more than ``drift_threshold``.

    ``status`` is :func:`cxray.analytics.structure.customer_status` at ``as_of``. Columns:
    ``customer_id, key, regular, revenue_recent, revenue_year_ago, change, change_pct`` (change
    = recent - year ago, change_pct = change / year ago; only customers with positive revenue a
    year ago), sorted by change (largest fall first).
    """
    _check(months, drift_threshold)
    watched = status.filter(status.key | status.regular).select("customer_id", "key", "regular")
    _, earlier = drift_windows(as_of, months)
    lines = orders.filter((orders.order_date > earlier.start) & (orders.order_date <= as_of))
    totals = _recent_vs_year_ago(lines, as_of, months, ["customer_id"])
    joined = watched.inner_join(totals, "customer_id")
    change = joined.revenue_recent - joined.revenue_year_ago
    result = joined.mutate(change=change, change_pct=change / joined.revenue_year_ago)
    result = result.filter((result.revenue_year_ago > 0) & (result.change_pct < -drift_threshold))
    return result.order_by([result.change, result.customer_id])


def drift_lines(
    orders: ir.Table,
    products: ir.Table,
    customers: ir.Table,
    *,
    as_of: dt.date,
    months: int = 3,
    top: int = 3,
) -> ir.Table:
    """For the customers in ``customers`` (a table with ``customer_id``), the ``top`` product
    lines whose revenue fell most: ``customer_id, product_line, revenue_recent,
    revenue_year_ago, change`` (only lines that fell), largest fall first."""
    _check(months, 0.5)
    _, earlier = drift_windows(as_of, months)
    ids = customers.select("customer_id").distinct()
    lines = orders.filter((orders.order_date > earlier.start) & (orders.order_date <= as_of))
    lines = lines.semi_join(ids, "customer_id")
    per_line = _recent_vs_year_ago(
        with_product_line(lines, products), as_of, months, ["customer_id", "product_line"]
    )
    per_line = per_line.mutate(change=per_line.revenue_recent - per_line.revenue_year_ago)
    fell = per_line.filter(per_line.change < 0)
    ranked = fell.mutate(
        _n=ibis.row_number().over(group_by="customer_id", order_by=[fell.change, fell.product_line])
    )
    ranked = ranked.filter(ranked._n < top).drop("_n")
    return ranked.order_by([ranked.customer_id, ranked.change])
