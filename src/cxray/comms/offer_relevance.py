"""Offer relevance: does an offer's threshold ("7% off from 16 packs") fit what the audience buys?

A campaign's optional ``offer`` names one threshold (see docs/campaign-format.md):

- ``min_quantity``: units of the promoted SKUs or lines in one order (the campaign must promote);
- ``min_amount``: the amount of one order: of its promoted SKUs or lines when the campaign
  promotes, of the whole order otherwise.

Each customer of the audience (the plan's target and control) gets a **typical order**: the
median, over their orders (``order_id``) in the 365 days up to ``as_of``, of the order's units or
amount counted as above, from purchase lines (:func:`cxray.analytics.purchases.purchase_lines`:
positive lines of purchase days). An order without the promoted items does not count; a
customer without any such order has a typical order of 0. The audience falls in three groups:

- ``qualify``: the typical order already reaches the threshold: the offer rewards what they buy
  anyway and gives margin away;
- ``within_reach``: a typical order of at least ``reach`` (default 0.5) times the threshold;
- ``out_of_reach``: the rest, among them ``without_orders`` (no such order in the 365 days).

Warnings (codes): ``offer_few_within_reach`` when under :data:`FEW_WITHIN_REACH` (10%) of the
audience is within reach, ``offer_most_qualify`` when over :data:`MOST_QUALIFY` (50%) already
qualifies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from cxray.analytics.products import with_product_line
from cxray.analytics.purchases import purchase_lines
from cxray.analytics.windows import day_window

__all__ = ["FEW_WITHIN_REACH", "MOST_QUALIFY", "OfferRelevance", "offer_relevance"]

DAYS = 365
REACH = 0.5
FEW_WITHIN_REACH = 0.10
MOST_QUALIFY = 0.50
GROUPS = ("qualify", "within_reach", "out_of_reach")


@dataclass(frozen=True)
class OfferRelevance:
    """The audience's three groups for the threshold (see the module notes)."""

    threshold: str  # "min_quantity" or "min_amount"
    value: float
    reach: float
    audience: int
    counts: dict[str, int]
    without_orders: int

    @property
    def shares(self) -> dict[str, float | None]:
        return {g: (self.counts[g] / self.audience if self.audience else None) for g in GROUPS}

    @property
    def warnings(self) -> list[str]:
        shares = self.shares
        found = []
        if self.audience and shares["within_reach"] < FEW_WITHIN_REACH:
            found.append("offer_few_within_reach")
        if self.audience and shares["qualify"] > MOST_QUALIFY:
            found.append("offer_most_qualify")
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "value": self.value,
            "reach": self.reach,
            "audience": self.audience,
            "counts": dict(self.counts),
            "shares": self.shares,
            "without_orders": self.without_orders,
            "warnings": self.warnings,
        }


def _order_values(
    orders: ir.Table, products: ir.Table, ids: ir.Table, *, as_of: dt.date, quantity: bool,
    skus: tuple[str, ...], lines: tuple[str, ...],
) -> ir.Table:  # fmt: skip
    """Per customer of ``ids`` and order: the units or amount counted (see the module notes)."""
    rows = purchase_lines(orders, as_of=as_of, window=day_window(as_of, DAYS))
    rows = rows.filter(rows.customer_id.isin(ids.customer_id))
    if skus or lines:
        rows = with_product_line(rows, products)
        keep = ibis.literal(False)
        if skus:
            keep = keep | rows.sku.isin(list(skus))
        if lines:
            keep = keep | rows.product_line.isin(list(lines))
        rows = rows.filter(keep)
    measure = rows.quantity if quantity else rows.amount
    return rows.group_by(["customer_id", "order_id"]).aggregate(value=measure.sum())


def offer_relevance(
    orders: ir.Table, products: ir.Table, audience: tuple[str, ...] | list[str], *,
    as_of: dt.date, threshold: str, value: float, skus: tuple[str, ...] = (),
    lines: tuple[str, ...] = (), reach: float = REACH,
) -> OfferRelevance:  # fmt: skip
    """The three groups of ``audience`` (customer ids) for ``threshold`` (``min_quantity`` or
    ``min_amount``) = ``value``, on their orders of the 365 days up to ``as_of``."""
    if not 0 < reach < 1:
        raise ValueError(f"reach must be between 0 and 1, got {reach!r}")
    ids = ibis.memtable(pd.DataFrame({"customer_id": pd.Series(list(audience), dtype=str)}))
    per_order = _order_values(orders, products, ids, as_of=as_of,
                              quantity=threshold == "min_quantity", skus=skus,
                              lines=lines).to_pandas()  # fmt: skip
    per_order = per_order.dropna(subset=["value"])
    typical = per_order.groupby("customer_id")["value"].median()
    typical = typical.reindex(pd.Index(list(audience), name="customer_id")).fillna(0.0)
    qualify = int((typical >= value).sum())
    within = int(((typical >= reach * value) & (typical < value)).sum())
    counts = {"qualify": qualify, "within_reach": within,
              "out_of_reach": len(typical) - qualify - within}  # fmt: skip
    without = len(audience) - int(per_order["customer_id"].nunique())
    return OfferRelevance(threshold, float(value), reach, len(audience), counts, without)
