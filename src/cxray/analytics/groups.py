"""Customer groups: the values of one customer column (segment, region, country, ...).

``--segment-by COLUMN`` breaks white space peers, RFM segments and the structure funnel down by
any column of the ``customers`` table; this module reads that column once for all of them.
"""

from __future__ import annotations

import ibis.expr.types as ir

__all__ = ["customer_groups"]


def customer_groups(customers: ir.Table, column: str) -> ir.Table:
    """``customer_id`` and ``group``: each customer's value of ``column`` as text.

    One row per customer id of ``customers`` (should the table hold an id twice, its largest
    value); ``group`` is null where the value is missing. Raises ``ValueError`` naming the column
    when ``customers`` has no such column (``customer_id`` itself is no grouping).
    """
    if column not in customers.columns or column == "customer_id":
        choices = ", ".join(c for c in customers.columns if c != "customer_id")
        raise ValueError(f"customers has no column {column!r} to group by (columns: {choices})")
    rows = customers.filter(customers.customer_id.notnull())
    return rows.group_by("customer_id").aggregate(group=rows[column].cast("string").max())
