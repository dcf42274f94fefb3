"""A loyalty programme's reach and cost: penetration, rewards, and whether rewards grow.

What the programme adds (members against matched non-members) is
:mod:`cxray.analytics.loyalty_effect`.

Definitions
-----------

With the **year** = the 12 months up to and including ``as_of`` (``(as_of - 12 months, as_of]``):

- **Members** at ``as_of``: rows of ``loyalty_members`` joined on or before ``as_of`` and not
  left by then (``left_at`` empty or after ``as_of``).
- **Active customers**: customers with a purchase day (:mod:`cxray.analytics.purchases`) in the
  year. **Penetration** = active members / active customers.
- **Revenue**: net amount of the year's order lines (returns count against it); the **members'
  share of revenue** = the members' revenue / every customer's revenue.
- **Rewards** of the year: points and value accrued and redeemed (a reward's value is its points
  when ``value`` is empty), over every row of ``loyalty_rewards`` dated in the year.
- **Reward cost share** = redeemed value / members' revenue: the share of the members' turnover
  paid out as rewards. The **accrual share** = accrued value / members' revenue is the promise
  made, whether or not it is spent yet.
- **Redemption rate** = redeemed points / accrued points of the year; **breakage** = 1 -
  redemption rate. Points accrued near ``as_of`` may still be redeemed, and points redeemed in
  the year may have been accrued before it, so breakage is an estimate of the year's flow, not
  of the points that will never be spent.
- **Do rewards grow with loyalty**: the **reward rate** = accrued value / revenue of the members
  by tier (empty tier is its own group) and by **spend band**: the members' quartiles of the
  year's revenue (members ranked by revenue, then customer id; band 1 the lowest), with member
  counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from cxray.analytics.purchases import days_in
from cxray.analytics.windows import check_as_of, trailing_window

__all__ = ["SPEND_BANDS", "YEAR_MONTHS", "by_group", "loyalty_figures", "member_rows",
           "penetration", "reward_totals"]  # fmt: skip

YEAR_MONTHS = 12
"""Penetration, revenue and rewards count the 12 months up to ``as_of``."""
SPEND_BANDS = 4
"""Members are split into this many spend bands (quartiles) by the year's revenue."""


def _current(members: ir.Table, as_of: dt.date) -> ir.Table:
    day = ibis.literal(as_of)
    members = members.filter(
        members.joined_at.notnull(),
        members.joined_at <= day,
        members.left_at.isnull() | (members.left_at > day),
    )
    return members.select("customer_id", tier=members.tier.cast("string")).distinct(
        on="customer_id", keep="first"
    )


def _year_customers(days: ir.Table, as_of: dt.date) -> ir.Table:
    days = days_in(days, window=trailing_window(as_of, YEAR_MONTHS))
    return days.group_by("customer_id").aggregate(
        revenue=days.net.sum(), purchase_days=days.purchase.cast("int64").sum()
    )


def penetration(days: ir.Table, members: ir.Table, *, as_of: dt.date) -> ir.Table:
    """One row: ``members`` (at ``as_of``), ``active`` customers, ``active_members``,
    ``revenue`` (every customer's, the year) and ``member_revenue``. ``days``:
    :func:`cxray.analytics.purchases.order_days`."""
    check_as_of(as_of)
    current = _current(members, as_of)
    year = _year_customers(days, as_of)
    flagged = year.left_join(current.select("customer_id", m=ibis.literal(1)), "customer_id")
    is_member = flagged.m.notnull()
    active = flagged.purchase_days > 0
    counts = flagged.aggregate(
        active=active.cast("int64").sum(),
        active_members=(active & is_member).cast("int64").sum(),
        revenue=flagged.revenue.sum(),
        member_revenue=flagged.revenue.sum(where=is_member),
    )
    count = current.aggregate(members=current.count())
    return count.cross_join(counts)


def _reward_value(rewards: ir.Table) -> ir.Value:
    return rewards.value.fill_null(rewards.points).cast("float64")


def reward_totals(rewards: ir.Table, *, as_of: dt.date) -> ir.Table:
    """One row of the year's rewards: ``rows``, ``accrued_points``, ``accrued_value``,
    ``redeemed_points``, ``redeemed_value``."""
    check_as_of(as_of)
    rewards = rewards.filter(trailing_window(as_of, YEAR_MONTHS).contains(rewards.date))
    accrual, redemption = rewards.kind == "accrual", rewards.kind == "redemption"
    points, value = rewards.points.cast("float64"), _reward_value(rewards)
    return rewards.aggregate(
        rows=rewards.count(),
        accrued_points=points.sum(where=accrual),
        accrued_value=value.sum(where=accrual),
        redeemed_points=points.sum(where=redemption),
        redeemed_value=value.sum(where=redemption),
    )


def member_rows(
    days: ir.Table, members: ir.Table, rewards: ir.Table, *, as_of: dt.date
) -> ir.Table:
    """One row per member at ``as_of``: ``customer_id``, ``tier``, ``revenue`` (the year's, 0
    without orders) and ``accrued_value`` (the year's accruals, 0 without)."""
    check_as_of(as_of)
    current = _current(members, as_of)
    year = _year_customers(days, as_of)
    rewards = rewards.filter(
        trailing_window(as_of, YEAR_MONTHS).contains(rewards.date), rewards.kind == "accrual"
    )
    accrued = rewards.group_by("customer_id").aggregate(accrued_value=_reward_value(rewards).sum())
    rows = current.left_join(year, "customer_id").drop("customer_id_right")
    rows = rows.left_join(accrued, "customer_id").drop("customer_id_right")
    return rows.select(
        "customer_id",
        "tier",
        revenue=rows.revenue.fill_null(0.0).cast("float64"),
        accrued_value=rows.accrued_value.fill_null(0.0).cast("float64"),
    )


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def by_group(rows: pd.DataFrame) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The reward rate by tier and by spend band of the :func:`member_rows`: rows of ``tier``
    (from the lowest tier to the highest, by the mean revenue of their members), or of ``band``
    (1 the lowest, with its ``min_revenue`` and ``max_revenue``), ``members``,
    ``revenue``, ``accrued_value`` and ``reward_rate`` (None without revenue)."""
    if rows.empty:
        return [], []
    rows = rows.sort_values(["revenue", "customer_id"], kind="stable").reset_index(drop=True)
    rows["band"] = np.arange(len(rows)) * SPEND_BANDS // len(rows) + 1
    rows["tier"] = rows["tier"].astype(object).where(rows["tier"].notna(), "").astype(str)
    rows["tier"] = rows["tier"].str.strip()

    def summarize(key: str) -> list[dict[str, Any]]:
        out = []
        for value, part in rows.groupby(key, sort=True):
            revenue, accrued = float(part["revenue"].sum()), float(part["accrued_value"].sum())
            row = {key: value or None}
            if key == "band":
                row = {"band": int(value), "min_revenue": float(part["revenue"].min()),
                       "max_revenue": float(part["revenue"].max())}  # fmt: skip
            row.update({"members": len(part), "revenue": revenue, "accrued_value": accrued,
                        "reward_rate": _ratio(accrued, revenue)})  # fmt: skip
            out.append(row)
        return out

    # tiers from the lowest to the highest: by their members' mean revenue (names do not sort)
    tiers = sorted(summarize("tier"), key=lambda r: (r["revenue"] / r["members"], r["tier"] or ""))
    return tiers, summarize("band")


def loyalty_figures(counts: dict[str, Any], totals: dict[str, Any]) -> dict[str, Any]:
    """The penetration and reward figures (see the module notes) from the one row of
    :func:`penetration` and of :func:`reward_totals`."""
    member_revenue = counts["member_revenue"] or 0.0
    accrued_points = totals["accrued_points"] or 0.0
    redeemed_points = totals["redeemed_points"] or 0.0
    redemption = _ratio(redeemed_points, accrued_points)
    return {
        "members": int(counts["members"] or 0),
        "active_customers": int(counts["active"] or 0),
        "active_members": int(counts["active_members"] or 0),
        "penetration": _ratio(counts["active_members"] or 0, counts["active"]),
        "revenue": counts["revenue"] or 0.0,
        "member_revenue": member_revenue,
        "member_revenue_share": _ratio(member_revenue, counts["revenue"]),
        "reward_rows": int(totals["rows"] or 0),
        "accrued_points": accrued_points,
        "accrued_value": totals["accrued_value"] or 0.0,
        "redeemed_points": redeemed_points,
        "redeemed_value": totals["redeemed_value"] or 0.0,
        "reward_cost_share": _ratio(totals["redeemed_value"] or 0.0, member_revenue),
        "accrual_share": _ratio(totals["accrued_value"] or 0.0, member_revenue),
        "redemption_rate": redemption,
        "breakage": None if redemption is None else 1.0 - redemption,
    }
