"""Leads: the lead-to-deal funnel, the speed of the first contact, and what a customer costs.

The backend computes per-lead flags and the counts per group (lazy Ibis); the rates, intervals,
quantiles, cost ratios and payback are finished in Python on those few rows.

Definitions
-----------

- **Leads in scope**: leads created on or before ``as_of`` (``created_at`` before the day after
  ``as_of``); later leads are ignored. ``owner`` and ``lost_reason`` are read without
  surrounding spaces; an empty value is null.
- **Funnel steps** (a lead counts at every step its fields prove): *contacted* when
  ``first_contact_at`` is set or the status is contacted, qualified or won (a won lead without
  ``first_contact_at`` counts as contacted); *qualified* when the status is qualified or won;
  *won* when the status is won; *lost* when the status is lost (a lost lead still counts at the
  steps before, e.g. contacted when it has ``first_contact_at``).
- **Conversion per step** = leads that reached the step / leads that reached the step before:
  contact rate = contacted / leads, qualification rate = qualified / contacted, win rate = won /
  qualified; and **lead to won** = won / leads. Each with its 95% Wilson score interval
  (:func:`cxray.analytics.intervals.wilson`); None when the denominator is 0.
- **Hours to first contact**: ``first_contact_at - created_at`` in hours, over the leads whose
  ``first_contact_at`` is set and not before ``created_at``. The **median** is the middle value
  (the mean of the two middle ones for an even count); **p90** is the 90th percentile with
  linear interpolation between the ordered values (NumPy's default: position ``0.9 (n - 1)``).
- **Unowned**: a lead whose ``owner`` is null or empty.
- **SLA breach** (``sla_hours``, default 24): a lead whose ``first_contact_at`` is more than
  ``sla_hours`` after ``created_at``; or a lead with no ``first_contact_at`` and a status of
  new, lost or none (never contacted) that was created more than ``sla_hours`` before the end of
  ``as_of`` (midnight after it). A never-contacted lead created less than ``sla_hours`` before
  that is **not yet due**: open, not a breach. A lead whose status proves a contact without
  its time (contacted, qualified or won, no ``first_contact_at``) is no breach.
- **Lost reasons**: the lost leads per ``lost_reason`` (null or empty -> ``"unknown"``), with
  their share of all lost leads.
- **Groups** (``by``): ``channel``; ``owner`` (the unowned leads form one group, ``None``);
  ``month``: the calendar month of ``created_at`` as ``YYYY-MM``.
- **Won customers**: the distinct ``customer_id`` of won leads, plus every won lead without
  one (each is a customer too).
- **Costs**: ``channel_costs`` of months up to the month of ``as_of``, per channel and month
  (the month of the ``month`` column's day); rows with a campaign are summed into their channel.
  A channel with costs but no leads (an offline channel) is listed with 0 leads; one with leads
  but no costs has cost 0. **CPL** = cost / leads; **CAC** = cost / won customers; None when the
  denominator is 0. Per channel x month, the leads and won customers are those of leads
  *created* in that month.
- **Payback** (per channel): each won customer with a ``customer_id`` belongs to the channel of
  its earliest won lead (ties: the first channel name). Its margin starts with its first order
  (acquisition: the first order day of any amount); month 0 is the calendar month of that order,
  month ``k`` the ``k``-th calendar month after it. Orders up to ``as_of`` count, net amounts
  times ``margin`` (a share, default 0.3). Per month ``k``, the channel's margin per customer
  is the margin of month ``k`` / the customers observed in month ``k`` (those whose month ``k``
  is not after the month of ``as_of``); the cumulative sum over ``k`` is the margin per customer
  so far, and **payback months** = ``k + 1`` for the first ``k`` where it reaches the channel's
  CAC (None: not yet, or no CAC). **Margin so far per customer** = all their margin / the
  customers with an order. Won customers without an order up to ``as_of`` do not enter the
  payback (``customers_with_orders`` tells how many do).
- **CLV per customer** (when the caller passes a trusted CLV per customer): the mean CLV of the
  channel's won customers found in it, and **CLV / CAC**.
- **Owned versus unowned**: the lead to won rate of owned and of unowned leads, and the
  difference owned - unowned with Newcombe's 95% hybrid score interval
  (:func:`cxray.analytics.intervals.newcombe_difference`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

import ibis
import ibis.expr.types as ir

from cxray.analytics.intervals import newcombe_difference, wilson
from cxray.analytics.text import strip_spaces
from cxray.analytics.windows import check_as_of

__all__ = [
    "BY",
    "UNKNOWN_REASON",
    "channel_costs",
    "FEW_LEADS",
    "check_options",
    "contact_hours",
    "cost_rows",
    "funnel_counts",
    "funnel_rows",
    "lead_facts",
    "lost_reasons",
    "owner_gap",
    "payback_orders",
    "payback_rows",
    "quantile",
    "total_row",
    "won_customers",
]

BY = ("channel", "owner", "month")
UNKNOWN_REASON = "unknown"
CONTACTED = ("contacted", "qualified", "won")
NEVER_CONTACTED = ("new", "lost")
COUNTS = ("leads", "contacted", "qualified", "won", "lost", "unowned", "breaches", "not_due",
          "won_customers")  # fmt: skip
FEW_LEADS = 30
"""A group with fewer leads than this gets the ``leads_few`` warning: its intervals are wide."""


def check_options(by: object, sla_hours: object, margin: object) -> None:
    """Raise ``ValueError`` for a ``by`` outside :data:`BY`, ``sla_hours`` that is not a
    positive number, or a ``margin`` outside (0, 1]."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, got {by!r}")
    for name, value, top in (("sla_hours", sla_hours, math.inf), ("margin", margin, 1)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not 0 < value <= top
            or not math.isfinite(value)
        ):
            raise ValueError(f"{name} must be a number above 0 (at most {top}), got {value!r}")


def _epoch(moment: dt.datetime) -> int:
    return calendar.timegm(moment.timetuple())


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_label(index: int) -> str:
    """``YYYY-MM`` of a month index ``year * 12 + month - 1``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _blank_null(value: ir.StringValue) -> ir.StringValue:
    return strip_spaces(value).nullif("")


def lead_facts(leads: ir.Table, *, as_of: dt.date, sla_hours: float = 24) -> ir.Table:
    """One row per lead in scope (see the module notes) with ``lead_id``, ``channel``,
    ``owner`` (null when unowned), ``ym`` (month index of ``created_at``: year x 12 + month -
    1), ``created`` (``created_at`` in epoch seconds), ``customer_id``, ``lost_reason`` and
    the flags ``contacted``, ``qualified``, ``won``, ``lost``, ``unowned``, ``breach``,
    ``not_due`` and ``hours`` (to first contact, or null)."""
    check_as_of(as_of)
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    due = _epoch(end) - sla_hours * 3600  # created before this: more than sla_hours before end
    created = leads.created_at.epoch_seconds()
    t = leads.filter(created < _epoch(end))
    created = t.created_at.epoch_seconds()
    first = t.first_contact_at.epoch_seconds()
    seconds = first - created
    hours = ibis.cases((seconds >= 0, seconds / 3600.0), else_=None).cast("float64")
    status = t.status
    contacted = t.first_contact_at.notnull() | status.isin(CONTACTED).fill_null(False)
    never = t.first_contact_at.isnull() & (status.isnull() | status.isin(NEVER_CONTACTED))
    owner = _blank_null(t.owner)
    breach = ibis.cases(
        (t.first_contact_at.notnull(), seconds.fill_null(0) > sla_hours * 3600),
        (never, created < due),
        else_=False,
    )
    return t.select(
        "lead_id",
        "channel",
        owner=owner,
        ym=(t.created_at.year() * 12 + t.created_at.month() - 1).cast("int64"),
        created=created.cast("int64"),
        customer_id=_blank_null(t.customer_id),
        lost_reason=_blank_null(t.lost_reason).fill_null(UNKNOWN_REASON),
        contacted=contacted,
        qualified=status.isin(("qualified", "won")).fill_null(False),
        won=(status == "won").fill_null(False),
        lost=(status == "lost").fill_null(False),
        unowned=owner.isnull(),
        breach=breach,
        not_due=never & (created >= due),
        hours=hours,
    )


def _group(facts: ir.Table, by: str | None) -> ir.Value:
    if by is None:
        return ibis.literal(None, "string")
    return {"channel": facts.channel, "owner": facts.owner, "month": facts.ym}[by]


def _won_customers(t: ir.Table) -> ir.IntegerScalar:
    with_id = t.customer_id.nunique(where=t.won & t.customer_id.notnull())
    return with_id + t.won.sum(where=t.customer_id.isnull()).fill_null(0)


def funnel_counts(facts: ir.Table, by: str | None) -> ir.Table:
    """Counts per group (``by``; None: one row for all leads): ``group``, ``leads``,
    ``contacted``, ``qualified``, ``won``, ``lost``, ``unowned``, ``breaches``, ``not_due``,
    ``won_customers``."""
    t = facts.mutate(group=_group(facts, by))

    def count(flag: ir.BooleanColumn) -> ir.IntegerScalar:
        return flag.cast("int64").sum().fill_null(0)

    return t.group_by("group").aggregate(
        leads=t.count(),
        contacted=count(t.contacted),
        qualified=count(t.qualified),
        won=count(t.won),
        lost=count(t.lost),
        unowned=count(t.unowned),
        breaches=count(t.breach),
        not_due=count(t.not_due),
        won_customers=_won_customers(t),
    )


def contact_hours(facts: ir.Table, by: str | None) -> ir.Table:
    """``group`` and ``hours`` of every lead with hours to first contact."""
    t = facts.filter(facts.hours.notnull())
    return t.select(group=_group(t, by), hours=t.hours)


def quantile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile of ``values`` with linear interpolation (NumPy's default); None
    without values. ``q = 0.5`` is the median (the mean of the two middle values for an even
    count)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _rate(k: int, n: int) -> dict[str, float | None]:
    low, high = wilson(k, n)
    return {"rate": k / n if n else None, "low": low, "high": high}


STEPS = (
    ("contact", "contacted", "leads"),
    ("qualify", "qualified", "contacted"),
    ("win", "won", "qualified"),
    ("lead_to_won", "won", "leads"),
)


def funnel_rows(
    counts: list[dict[str, Any]], hours: list[dict[str, Any]], by: str | None
) -> list[dict[str, Any]]:
    """The funnel per group from :func:`funnel_counts` and :func:`contact_hours` rows: the
    counts, each step's rate with its interval (``contact_rate``, ``contact_low``,
    ``contact_high``, ``qualify_*``, ``win_*``, ``lead_to_won_*``), ``median_hours`` and
    ``p90_hours``; groups in order (months by date, others by leads, most first)."""
    per: dict[Any, list[float]] = {}
    for row in hours:
        per.setdefault(row["group"], []).append(float(row["hours"]))
    rows = []
    for c in counts:
        row = {k: (int(v) if k != "group" else v) for k, v in c.items()}
        for name, top, bottom in STEPS:
            rate = _rate(row[top], row[bottom])
            row.update({f"{name}_{key}": value for key, value in rate.items()})
        found = per.get(c["group"], [])
        row["median_hours"] = quantile(found, 0.5)
        row["p90_hours"] = quantile(found, 0.9)
        if by == "month":
            row["group"] = month_label(int(c["group"]))
        rows.append(row)
    if by == "month":
        return sorted(rows, key=lambda r: r["group"])
    return sorted(rows, key=lambda r: (-r["leads"], r["group"] is None, r["group"] or ""))


def total_row(counts: list[dict[str, Any]], hours: list[dict[str, Any]]) -> dict[str, Any]:
    """The funnel of all leads (:func:`funnel_rows` of ``funnel_counts(facts, None)``), without
    a group; zeros without leads."""
    counts = counts or [{"group": None, **dict.fromkeys(COUNTS, 0)}]
    row = funnel_rows(counts, hours, None)[0]
    row.pop("group")
    return row


def lost_reasons(facts: ir.Table) -> ir.Table:
    """``reason`` and ``leads`` of the lost leads, the most frequent first."""
    t = facts.filter(facts.lost)
    counted = t.group_by(reason=t.lost_reason).aggregate(leads=t.count())
    return counted.order_by([ibis.desc("leads"), "reason"])


def owner_gap(total: dict[str, int], unowned: dict[str, int]) -> dict[str, Any]:
    """Owned versus unowned leads: ``owned_leads``, ``owned_won``, ``owned_rate``,
    ``unowned_leads``, ``unowned_won``, ``unowned_rate`` and the difference owned - unowned
    (``gap``, ``gap_low``, ``gap_high``; None when a side has no leads). ``total`` and
    ``unowned``: ``leads`` and ``won`` of all leads and of the unowned ones."""
    n2, k2 = int(unowned.get("leads", 0)), int(unowned.get("won", 0))
    n1, k1 = int(total["leads"]) - n2, int(total["won"]) - k2
    gap, low, high = newcombe_difference(k1, n1, k2, n2)
    return {
        "owned_leads": n1, "owned_won": k1, "owned_rate": k1 / n1 if n1 else None,
        "unowned_leads": n2, "unowned_won": k2, "unowned_rate": k2 / n2 if n2 else None,
        "gap": gap, "gap_low": low, "gap_high": high,
    }  # fmt: skip


def channel_costs(facts: ir.Table, costs: ir.Table, *, as_of: dt.date) -> ir.Table:
    """Per channel and month (``ym``): ``cost``, ``leads`` and ``won_customers`` (see the
    module notes); channels with costs only or leads only included, zeros filled."""
    check_as_of(as_of)
    c = costs.mutate(ym=(costs.month.year() * 12 + costs.month.month() - 1).cast("int64"))
    c = c.filter(c.ym <= _month_index(as_of))
    spent = c.group_by(channel=strip_spaces(c.channel), ym=c.ym).aggregate(
        cost=c.cost.cast("float64").sum()
    )
    made = facts.group_by(["channel", "ym"]).aggregate(
        leads=facts.count(), won_customers=_won_customers(facts)
    )
    both = spent.select(
        "channel", "ym", "cost", leads=ibis.literal(0, "int64"),
        won_customers=ibis.literal(0, "int64"),
    ).union(made.select("channel", "ym", cost=ibis.literal(0.0, "float64"),
                        leads=made.leads.cast("int64"),
                        won_customers=made.won_customers.cast("int64")))  # fmt: skip
    return both.group_by(["channel", "ym"]).aggregate(
        cost=both.cost.sum(), leads=both.leads.sum(), won_customers=both.won_customers.sum()
    )


def won_customers(facts: ir.Table) -> ir.Table:
    """``customer_id`` and ``channel`` of every won customer with an id: the channel of its
    earliest won lead (ties: the first channel name)."""
    won = facts.filter(facts.won & facts.customer_id.notnull())
    first = won.group_by("customer_id").aggregate(first=won.created.min())
    joined = won.join(first, "customer_id")
    joined = joined.filter(joined.created == joined.first)
    return joined.group_by("customer_id").aggregate(channel=joined.channel.min())


def payback_orders(won: ir.Table, orders: ir.Table, *, as_of: dt.date) -> ir.Table:
    """Per channel, customer and month ``k`` since the customer's first order: ``net`` (the
    net amount of its orders up to ``as_of`` in that month) and ``start`` (the month index of
    its first order); ``won`` as :func:`won_customers`."""
    check_as_of(as_of)
    o = orders.filter(orders.order_date <= ibis.literal(as_of))
    o = o.select("customer_id", "order_date", "amount").join(won, "customer_id")
    o = o.mutate(ym=(o.order_date.year() * 12 + o.order_date.month() - 1).cast("int64"))
    starts = o.group_by("customer_id").aggregate(start=o.ym.min())
    o = o.join(starts, "customer_id")
    o = o.mutate(k=(o.ym - o.start).cast("int64"))
    return o.group_by(["channel", "customer_id", "start", "k"]).aggregate(
        net=o.amount.cast("float64").sum()
    )


def _ratio(top: float, bottom: float) -> float | None:
    return top / bottom if bottom else None


def cost_rows(rows: Iterable[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows of ``keys`` + cost, leads and won customers summed per ``keys``, with ``cpl`` and
    ``cac`` (None when the denominator is 0); months as ``YYYY-MM``; the costliest first, or by
    channel and month."""
    summed: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        key = tuple(r[k] for k in keys)
        row = summed.setdefault(key, {**dict(zip(keys, key, strict=True)), "cost": 0.0,
                                      "leads": 0, "won_customers": 0})  # fmt: skip
        row["cost"] += float(r["cost"] or 0)
        row["leads"] += int(r["leads"] or 0)
        row["won_customers"] += int(r["won_customers"] or 0)
    out = []
    for row in summed.values():
        row["cpl"] = _ratio(row["cost"], row["leads"])
        row["cac"] = _ratio(row["cost"], row["won_customers"])
        if "ym" in row:
            row["month"] = month_label(int(row.pop("ym")))
        out.append(row)
    if "ym" in keys:
        return sorted(out, key=lambda r: (r["channel"], r["month"]))
    return sorted(out, key=lambda r: (-r["cost"], r["channel"]))


def payback_rows(
    channels: list[dict[str, Any]],
    months: list[dict[str, Any]],
    *,
    as_of: dt.date,
    margin: float = 0.3,
    clv: dict[str, float] | None = None,
) -> list[dict[str, Any]]:
    """Payback per channel (see the module notes) from the per-channel :func:`cost_rows`
    (``cac``, ``won_customers``) and :func:`payback_orders` rows. Keys: ``channel``,
    ``won_customers``, ``cac``, ``customers_with_orders``, ``margin_per_customer`` (so far),
    ``payback_months`` (None: not yet reached, or no CAC), ``months_observed`` (of the channel's
    earliest customer), ``clv_per_customer`` and ``clv_to_cac`` (None without a ``clv``)."""
    last = _month_index(as_of)
    starts: dict[str, dict[str, int]] = {}
    net: dict[str, dict[int, float]] = {}
    for r in months:
        starts.setdefault(r["channel"], {})[r["customer_id"]] = int(r["start"])
        per = net.setdefault(r["channel"], {})
        per[int(r["k"])] = per.get(int(r["k"]), 0.0) + float(r["net"] or 0) * margin
    out = []
    for ch in channels:
        name, cac = ch["channel"], ch["cac"]
        begun = starts.get(name, {})
        horizon = max((last - s for s in begun.values()), default=-1)
        cumulative, paid = 0.0, None
        for k in range(horizon + 1):
            observed = sum(1 for s in begun.values() if s + k <= last)
            cumulative += net.get(name, {}).get(k, 0.0) / observed
            if paid is None and cac is not None and cumulative >= cac:
                paid = k + 1
        total = sum(net.get(name, {}).values())
        values = [clv[c] for c in begun if clv is not None and c in clv]
        per_clv = sum(values) / len(values) if values else None
        out.append({
            "channel": name,
            "won_customers": ch["won_customers"],
            "cac": cac,
            "customers_with_orders": len(begun),
            "margin_per_customer": _ratio(total, len(begun)),
            "payback_months": paid,
            "months_observed": horizon + 1 if begun else 0,
            "clv_per_customer": per_clv,
            "clv_to_cac": None if per_clv is None or not cac else per_clv / cac,
        })  # fmt: skip
    return out
