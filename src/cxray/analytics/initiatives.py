"""CX initiatives judged as a portfolio: each initiative's measured effect from its start, its
money, and the programme's totals (the files: :mod:`cxray.comms.initiative`).

Periods
-------

With ``start`` the initiative's start and ``as_of`` the analysis date:

- **pre** = the 12 calendar months before the start, ``[start - 12 months, start)``;
- **post** = ``[start, stop)`` with ``stop`` = the day after ``min(end, as_of)``;
- **months observed** = the calendar months of the post period: the whole months ``k`` with
  ``start + k months <= stop``, plus the share of the next month that has passed (days passed /
  days of that month-long step). The pre period is 12.0 months.
- An initiative is **young** when fewer than 12 months are observed (``stop < start + 12
  months``): it is measured, and warned about (``initiative_young``), but too young to judge.
  One that starts after ``as_of`` is **not started** and is not measured.

The metric of each type, for the **affected** group against the **unaffected** one
--------------------------------------------------------------------------------

Both groups are drawn from **the base at the start**: the customers with an order line in
the pre period (:func:`buyers`), so that customers who never bought (leads) do not dilute the
rates. Affected customers are those of the base the file's rules match on the start date;
unaffected are the rest of the base. A satisfaction initiative on a touchpoint compares the
answers given at that touchpoint with the answers of the same metric at every other touchpoint
(whoever gave them); its customers (for the money) are those of the base who answered at the
touchpoint in the pre period. Limitation: an initiative aimed at leads or at customers who did
not buy in the 12 months before its start has no affected customers in the base, and is not
measured.

- **satisfaction**: the answers of the metric (``nps``: whole scores 0-10; ``csi`` and ``ces``:
  the mean score, as given) dated in the period. NPS = 100 x (promoters - detractors) / answers;
  the variance of one cell's NPS is ``100^2 x (p + d - (p - d)^2) / n`` (the multinomial
  variance of promoter share p minus detractor share d). A mean's variance is ``s^2 / n``
  (sample variance s^2).
- **cost** and **conversion**: a rate per customer-month: the units of each customer of the
  group in the period (``contacts``: inbound interactions, or those with no direction, of the
  file's ``kind`` when given; ``complaints``: interactions of kind ``complaint``; ``returns``:
  order lines with a negative amount; ``purchase_days``: purchase days; ``revenue``: the net
  amount of the order lines), summed over the group's customers (those without any count 0)
  and divided by customers x months of the period. Its variance is ``s^2 / N / months^2`` with
  ``s^2`` the sample variance of the customers' units in the period (a normal approximation,
  Welch-style: each cell keeps its own variance).
- **Difference in differences** (DiD) = (affected post - affected pre) - (unaffected post -
  unaffected pre); its variance is the sum of the four cells' variances (independent samples)
  and its 95% interval DiD +- 1.96 x sqrt(variance). None when a cell has no answer or no
  customer.
- **enabling**: the unlocked metric before and after, with no control group (the whole base is
  affected) and no interval: ``linked_revenue_share`` = the net revenue of order lines whose
  customer is in the customers table / the net revenue of every line, in pre and in post;
  change = post - pre.

Money
-----

- **incremental margin**: satisfaction and conversion: the DiD of net revenue per
  customer-month (measured as above, whatever the metric) x affected customers x months
  observed x ``margin``; cost: the units avoided (-DiD x affected customers x months observed)
  x the file's ``value_per_unit``; enabling: none (its worth shows in the initiatives it
  enables); none either when the initiative's own metric has no DiD (a cell without data).
  Its 95% interval is the DiD's interval carried through the same product.
- **cost** = one-off + monthly x months observed. **ROI** = (incremental margin - cost) / cost
  (None at zero cost).
- **payback month**: the first whole month ``k`` (1, 2, ...) at which the cumulative margin
  ``k x m`` covers the cumulative cost ``one-off + k x monthly``, with ``m`` = incremental
  margin / months observed (the effect taken as even over the months); None (not yet) when
  that month is beyond the months observed or the margin never covers the monthly cost.

Portfolio
---------

- **total cost** and **total effect**: sums over the measured initiatives; the effect's 95%
  interval assumes the initiatives' estimates independent (their variances, from each
  interval's half-width / 1.96, add up).
- **portfolio ROI over the last 12 months**: over the window ``[as_of - 12 months + 1 day,
  as_of]``, each initiative contributes ``m`` x its months of post period inside the window
  as margin, and its monthly cost x those months, plus its one-off cost when it started in the
  window, as cost; ROI = (margin - cost) / cost.
- **young**: the ids of the initiatives observed for fewer than 12 months.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from cxray.analytics.intervals import Z95
from cxray.analytics.purchases import order_days
from cxray.analytics.windows import add_months

__all__ = [
    "JUDGE_MONTHS",
    "buyers",
    "did",
    "enabling_change",
    "feedback_cells",
    "money",
    "months_between",
    "periods",
    "portfolio",
    "rate_cells",
]

JUDGE_MONTHS = 12
"""An initiative is judged over at least this many months; the pre period has as many."""
PERIODS = ("pre", "post")


def months_between(start: dt.date, stop: dt.date) -> float:
    """The calendar months of ``[start, stop)`` (see the module notes); 0.0 when ``stop <=
    start``."""
    if stop <= start:
        return 0.0
    k = 0
    while add_months(start, k + 1) <= stop:
        k += 1
    here, there = add_months(start, k), add_months(start, k + 1)
    return k + (stop - here).days / (there - here).days


def periods(start: dt.date, end: dt.date | None, as_of: dt.date) -> dict[str, Any]:
    """The pre and post periods as half-open date ranges, the months observed and whether the
    initiative is young or not started yet."""
    last = min(end, as_of) if end is not None else as_of
    stop = last + dt.timedelta(days=1)
    return {
        "pre": (add_months(start, -JUDGE_MONTHS), start),
        "post": (start, stop),
        "months": months_between(start, stop),
        "started": start <= as_of,
        "young": stop < add_months(start, JUDGE_MONTHS),
    }


def _period(date: ir.Value, ranges: Mapping[str, tuple[dt.date, dt.date]]) -> ir.StringValue:
    day = date.cast("date")
    cases = [
        ((day >= ibis.literal(a)) & (day < ibis.literal(b)), name)
        for name, (a, b) in ranges.items()
    ]
    return ibis.cases(*cases, else_=None)


def buyers(orders: ir.Table, pre: tuple[dt.date, dt.date]) -> ir.Table:
    """The base at the start: the customers (``customer_id``) with an order line in the pre
    period ``[a, b)``."""
    day = orders.order_date.cast("date")
    inside = orders.filter(
        orders.customer_id.notnull(), day >= ibis.literal(pre[0]), day < ibis.literal(pre[1])
    )
    return inside.select("customer_id").distinct()


def did(cells: Mapping[tuple[bool, str], tuple[float, float] | None]) -> dict[str, Any]:
    """The difference in differences of four cells ``(affected, period) -> (value,
    variance)`` (None for an empty cell), with its 95% interval."""
    keys = [(a, p) for a in (True, False) for p in PERIODS]
    if any(cells.get(k) is None for k in keys):
        return {"did": None, "did_low": None, "did_high": None, "se": None}
    v = {k: cells[k] for k in keys}
    estimate = (v[True, "post"][0] - v[True, "pre"][0]) - (v[False, "post"][0] - v[False, "pre"][0])
    se = math.sqrt(sum(x[1] for x in v.values()))
    return {"did": estimate, "did_low": estimate - Z95 * se, "did_high": estimate + Z95 * se,
            "se": se}  # fmt: skip


def feedback_cells(
    responses: ir.Table,
    *,
    metric: str,
    ranges: Mapping[str, tuple[dt.date, dt.date]],
    affected: ir.Table | None = None,
    touchpoint: str | None = None,
) -> dict[tuple[bool, str], dict[str, Any]]:
    """The four cells of a satisfaction metric: ``(affected, period)`` -> ``n``, ``value`` (NPS
    in points, or the mean score), ``variance`` (None without answers). The affected answers
    are those of the customers of ``affected`` (``customer_id``, ``affected``) or those given at
    ``touchpoint`` (the others: answers at any other touchpoint)."""
    low, high = (0, 10) if metric == "nps" else (1, 10)
    t = responses.filter(
        responses.metric.lower() == metric,
        responses.score.notnull(),
        responses.score >= low,
        responses.score <= high,
    )
    if metric == "nps":
        t = t.filter(t.score == t.score.round(0))
    t = t.mutate(period=_period(t.date, ranges))
    t = t.filter(t.period.notnull())
    if touchpoint is not None:
        t = t.filter(t.touchpoint.notnull())
        t = t.mutate(affected=t.touchpoint == touchpoint)
    else:
        assert affected is not None
        t = t.join(affected, "customer_id").select("period", "score", "affected")
    score = t.score.cast("float64")
    agg = t.group_by(["affected", "period"]).aggregate(
        n=t.count(),
        promoters=(score >= 9).cast("int64").sum(),
        detractors=(score <= 6).cast("int64").sum(),
        total=score.sum(),
        squares=(score * score).sum(),
    )
    found = {(bool(r["affected"]), r["period"]): r for r in agg.to_pyarrow().to_pylist()}
    out: dict[tuple[bool, str], dict[str, Any]] = {}
    for key in [(a, p) for a in (True, False) for p in PERIODS]:
        r = found.get(key)
        n = int(r["n"]) if r else 0
        value = variance = None
        if n and metric == "nps":
            p, d = r["promoters"] / n, r["detractors"] / n
            value, variance = 100 * (p - d), 100**2 * (p + d - (p - d) ** 2) / n
        elif n:
            value = r["total"] / n
            s2 = (r["squares"] - n * value**2) / (n - 1) if n > 1 else 0.0
            variance = max(s2, 0.0) / n
        out[key] = {"n": n, "value": value, "variance": variance}
    return out


def units(tables: Mapping[str, ir.Table], metric: str, *, kind: str | None = None) -> ir.Table:
    """The units a cost or conversion metric counts: ``customer_id``, ``date``, ``units``
    (see the module notes)."""
    if metric in ("contacts", "complaints"):
        i = tables["interactions"]
        if metric == "complaints":
            i = i.filter(i.kind.lower() == "complaint")
        else:
            i = i.filter(i.direction.isnull() | (i.direction.lower() == "inbound"))
            if kind is not None:
                i = i.filter(i.kind == kind)
        return i.select("customer_id", date=i.date.cast("date"), units=ibis.literal(1.0))
    orders = tables["orders"]
    if metric == "returns":
        o = orders.filter(orders.amount < 0)
        return o.select("customer_id", date=o.order_date.cast("date"), units=ibis.literal(1.0))
    if metric == "revenue":
        o = orders.filter(orders.amount.notnull())
        return o.select("customer_id", date=o.order_date.cast("date"),
                        units=o.amount.cast("float64"))  # fmt: skip
    if metric == "purchase_days":
        days = order_days(orders, returns=False)
        days = days.filter(days.purchase)
        return days.select("customer_id", date=days.order_date.cast("date"),
                           units=ibis.literal(1.0))  # fmt: skip
    raise ValueError(f"not a rate metric: {metric!r}")


def rate_cells(
    events: ir.Table,
    groups: ir.Table,
    *,
    ranges: Mapping[str, tuple[dt.date, dt.date]],
) -> dict[tuple[bool, str], dict[str, Any]]:
    """The four cells of a rate per customer-month: ``(affected, period)`` -> ``customers``,
    ``value`` (units per customer-month), ``variance`` (None for a group without customers).
    ``events``: :func:`units`; ``groups``: ``customer_id``, ``affected`` (one row per
    customer)."""
    e = events.mutate(period=_period(events.date, ranges))
    e = e.filter(e.period.notnull())
    per = e.group_by(["customer_id", "period"]).aggregate(x=e.units.sum())
    per = per.join(groups, "customer_id")
    agg = per.group_by(["affected", "period"]).aggregate(
        total=per.x.sum(), squares=(per.x * per.x).sum()
    )
    found = {(bool(r["affected"]), r["period"]): r for r in agg.to_pyarrow().to_pylist()}
    sizes = groups.group_by("affected").aggregate(n=groups.count()).to_pyarrow().to_pylist()
    size = {bool(r["affected"]): int(r["n"]) for r in sizes}
    out: dict[tuple[bool, str], dict[str, Any]] = {}
    for a in (True, False):
        n = size.get(a, 0)
        for p in PERIODS:
            months = months_between(*ranges[p])
            r = found.get((a, p)) or {"total": 0.0, "squares": 0.0}
            value = variance = None
            if n and months > 0:
                mean = r["total"] / n
                s2 = (r["squares"] - n * mean**2) / (n - 1) if n > 1 else 0.0
                value = mean / months
                variance = max(s2, 0.0) / n / months**2
            out[(a, p)] = {"customers": n, "value": value, "variance": variance}
    return out


def as_did(cells: Mapping[tuple[bool, str], Mapping[str, Any]]) -> dict[str, Any]:
    """:func:`did` of cells from :func:`feedback_cells` or :func:`rate_cells`."""
    return did(
        {k: None if c["value"] is None else (c["value"], c["variance"]) for k, c in cells.items()}
    )


def enabling_change(
    orders: ir.Table, customers: ir.Table, *, ranges: Mapping[str, tuple[dt.date, dt.date]]
) -> dict[str, Any]:
    """``linked_revenue_share`` in pre and post (``before``, ``after``; None without revenue)
    and ``change`` = after - before."""
    known = customers.select("customer_id").distinct().mutate(_linked=ibis.literal(True))
    o = orders.filter(orders.amount.notnull(), orders.customer_id.notnull())
    o = o.mutate(period=_period(o.order_date, ranges))
    o = o.filter(o.period.notnull())
    o = o.left_join(known, "customer_id")
    amount = o.amount.cast("float64")
    agg = o.group_by("period").aggregate(
        total=amount.sum(), linked=amount.sum(where=o._linked.fill_null(False))
    )
    found = {r["period"]: r for r in agg.to_pyarrow().to_pylist()}
    share = {}
    for p in PERIODS:
        r = found.get(p)
        share[p] = (r["linked"] or 0.0) / r["total"] if r and r["total"] else None
    before, after = share["pre"], share["post"]
    change = None if before is None or after is None else after - before
    return {"before": before, "after": after, "change": change}


def money(
    *,
    kind: str,
    effect: Mapping[str, Any] | None,
    customers: int,
    months: float,
    one_off: float,
    monthly: float,
    margin: float,
    value_per_unit: float | None = None,
) -> dict[str, Any]:
    """The money of one initiative (see the module notes): ``margin`` (the incremental margin,
    None without a measured effect), ``margin_low``, ``margin_high``, ``cost``, ``roi``,
    ``payback_month``. ``effect``: the :func:`did` that carries the money (net revenue per
    customer-month for satisfaction and conversion, the units for cost)."""
    cost = one_off + monthly * months
    out: dict[str, Any] = {"margin": None, "margin_low": None, "margin_high": None,
                           "cost": cost, "roi": None, "payback_month": None}  # fmt: skip
    if kind == "enabling" or effect is None or effect["did"] is None or months <= 0:
        return out
    if kind == "cost":
        scale = -customers * months * float(value_per_unit or 0.0)
    else:
        scale = customers * months * margin
    ends = sorted([effect["did_low"] * scale, effect["did_high"] * scale])
    gained = effect["did"] * scale
    out.update(margin=gained, margin_low=ends[0], margin_high=ends[1])
    if cost > 0:
        out["roi"] = (gained - cost) / cost
    per_month = gained / months
    if per_month > monthly:
        k = max(1, math.ceil(one_off / (per_month - monthly) - 1e-9))
        out["payback_month"] = k if k <= months + 1e-9 else None
    return out


def portfolio(rows: Sequence[Mapping[str, Any]], *, as_of: dt.date) -> dict[str, Any]:
    """The portfolio line from the initiatives' rows (each with ``id``, ``start``, ``stop``
    (the day after the post period), ``months``, ``one_off``, ``monthly``, ``cost``,
    ``margin``, ``margin_low``, ``margin_high``, ``young``, ``started``): ``initiatives``,
    ``total_cost``, ``total_effect`` with ``total_effect_low`` / ``_high`` (None when no
    initiative has a money effect), ``roi_12m`` with ``margin_12m`` and ``cost_12m``, and
    ``young`` (ids)."""
    started = [r for r in rows if r["started"]]
    measured = [r for r in started if r["margin"] is not None]
    total_cost = sum(r["cost"] for r in started)
    effect = low = high = None
    if measured:
        effect = sum(r["margin"] for r in measured)
        variance = sum(((r["margin_high"] - r["margin_low"]) / (2 * Z95)) ** 2 for r in measured)
        low, high = effect - Z95 * math.sqrt(variance), effect + Z95 * math.sqrt(variance)
    window = (add_months(as_of, -JUDGE_MONTHS) + dt.timedelta(days=1), as_of + dt.timedelta(days=1))
    margin12 = cost12 = 0.0
    for r in started:
        inside = months_between(max(r["start"], window[0]), min(r["stop"], window[1]))
        cost12 += r["monthly"] * inside + (r["one_off"] if r["start"] >= window[0] else 0.0)
        if r["margin"] is not None and r["months"] > 0:
            margin12 += r["margin"] / r["months"] * inside
    return {
        "initiatives": len(rows),
        "total_cost": total_cost,
        "total_effect": effect,
        "total_effect_low": low,
        "total_effect_high": high,
        "margin_12m": margin12,
        "cost_12m": cost12,
        "roi_12m": (margin12 - cost12) / cost12 if cost12 > 0 else None,
        "young": [r["id"] for r in started if r["young"]],
    }
