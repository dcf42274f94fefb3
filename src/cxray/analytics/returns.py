"""Returns as a figure: the return rate by amount per SKU, product line or customer.

Every function takes Ibis tables with the canonical schema (see :mod:`cxray.ingest.schema`) and an
explicit ``as_of``; lines after ``as_of`` are ignored. A return is a negative order line.

- ``sold``: the amount of the positive lines;
- ``returned``: the amount of the negative lines, as a positive number;
- ``return_rate`` = ``returned / sold`` (by amount), null when nothing was sold (a key with
  returns only);
- ``net`` = ``sold - returned``, the revenue of every other report.

Keys are those of :mod:`cxray.analytics.products` (``"(no sku)"``, ``"(unknown)"`` for lines
without a SKU or a known product line); SKUs come with their product ``name``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import ibis
import ibis.expr.types as ir

from cxray.analytics.products import NO_SKU, with_product_line, with_product_name
from cxray.analytics.purchases import order_lines
from cxray.analytics.windows import Window, check_as_of

__all__ = ["return_rates"]


def return_rates(
    orders: ir.Table,
    products: ir.Table,
    *,
    as_of: dt.date,
    by: Literal["sku", "line", "customer"] = "sku",
    window: Window | None = None,
    customer_id: str | None = None,
) -> ir.Table:
    """Sold, returned, net and the return rate per SKU, product line or customer.

    Lines on or before ``as_of`` (and within ``window`` when given; ``customer_id``: only that
    customer's). One row per key with a line, ordered by ``returned`` (largest first), then
    ``key``. Columns: ``key``, ``name`` (the product name for ``by="sku"``, null otherwise or
    without a product row), ``sold``, ``returned``, ``net`` (floats) and ``return_rate`` (float,
    null without sales).

    Example::

        rates = return_rates(orders, products, as_of=date(2026, 6, 30), by="line")
        rates.filter(rates.return_rate > 0.05).to_pandas()
    """
    check_as_of(as_of)
    if by not in ("sku", "line", "customer"):
        raise ValueError(f'by must be "sku", "line" or "customer", got {by!r}')
    lines = order_lines(orders, as_of=as_of, window=window)
    if customer_id is not None:
        lines = lines.filter(lines.customer_id == customer_id)
    if by == "line":
        lines = with_product_line(lines, products)
        key = lines.product_line
    elif by == "sku":
        key = lines.sku.fill_null(NO_SKU)
    else:
        key = lines.customer_id
    amount = lines.amount.cast("float64")
    per = lines.group_by(key=key).aggregate(
        sold=amount.sum(where=amount > 0).fill_null(0.0),
        returned=(-amount.sum(where=amount < 0)).fill_null(0.0),
    )
    per = per.mutate(
        net=per.sold - per.returned,
        return_rate=ibis.cases((per.sold > 0, per.returned / per.sold), else_=None).cast("float64"),
    )
    if by == "sku":
        per = with_product_name(per, products, "key")
    else:
        per = per.mutate(name=ibis.null().cast("string"))
    return per.select("key", "name", "sold", "returned", "net", "return_rate").order_by(
        [ibis.desc("returned"), "key"]
    )
