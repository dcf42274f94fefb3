"""RFM: recency, frequency and monetary value per customer, 1-5 scores and named segments.

Every function takes Ibis tables with the canonical schema (see :mod:`cxray.ingest.schema`) and an
explicit ``as_of`` date. The window is the trailing ``(as_of - window_months months, as_of]``
(see :func:`cxray.analytics.windows.trailing_window`); the customers scored are those with at
least one **purchase day** in it (a day whose lines net to more than zero, see
:mod:`cxray.analytics.purchases`), i.e. the *active* customers of
:func:`cxray.analytics.structure.customer_status` with ``active_window = window_months``.
Return-only days never raise the frequency nor set the recency, and a customer with returns
only is not scored.

Scores (1 = worst, 5 = best). The customers are ranked in ascending order of "goodness" (recency:
most days first; frequency and monetary: smallest first). Customers with equal values form a tied
group and all get the group's minimum rank ``rank_min`` (1-based). With ``n`` customers scored::

    score = 1 + floor(5 * (rank_min - 1) / n)

so each score holds about a fifth of the customers, ties always share a score, and the result does
not depend on row order or backend. (With ``n = 10`` distinct values the scores are
1, 1, 2, 2, 3, 3, 4, 4, 5, 5; a tie of the three worst values at ``n = 10`` gives all three 1, and
the fourth gets ``1 + floor(15 / 10) = 2``.)

Segments: ``fm = round_half_up((f_score + m_score) / 2)`` (1..5), and the segment is the first
rule of :data:`SEGMENT_RULES` whose ``r_score`` and ``fm`` ranges (inclusive) hold the customer.
The rules are exhaustive and do not overlap, so exactly one matches every (r, fm) pair::

    r \\ fm   1               2                   3                   4            5
    5        new             potential_loyalist  potential_loyalist  champions    champions
    4        promising       potential_loyalist  potential_loyalist  champions    champions
    3        about_to_sleep  about_to_sleep      need_attention      loyal        loyal
    2        hibernating     hibernating         at_risk             at_risk      cant_lose
    1        lost            lost                at_risk             at_risk      cant_lose

Segment names are stable snake_case keys; translations for display live elsewhere.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from cxray.analytics.purchases import days_in, order_days
from cxray.analytics.windows import check_as_of, trailing_window

__all__ = ["SEGMENTS", "SEGMENT_RULES", "rfm", "rfm_segments", "segment_of"]

SEGMENT_RULES: tuple[tuple[str, tuple[int, int], tuple[int, int]], ...] = (
    # (segment, (r_score from, to), (fm from, to)), bounds inclusive; first match wins
    ("champions", (4, 5), (4, 5)),
    ("loyal", (3, 3), (4, 5)),
    ("potential_loyalist", (4, 5), (2, 3)),
    ("new", (5, 5), (1, 1)),
    ("promising", (4, 4), (1, 1)),
    ("need_attention", (3, 3), (3, 3)),
    ("about_to_sleep", (3, 3), (1, 2)),
    ("cant_lose", (1, 2), (5, 5)),
    ("at_risk", (1, 2), (3, 4)),
    ("hibernating", (2, 2), (1, 2)),
    ("lost", (1, 1), (1, 2)),
)
"""The RFM segment map: ``(segment, r_score range, fm range)``, ranges inclusive."""

SEGMENTS: tuple[str, ...] = tuple(rule[0] for rule in SEGMENT_RULES)
"""Segment keys in the order of :data:`SEGMENT_RULES` (best first, roughly)."""

_EPOCH = dt.date(1970, 1, 1)


def segment_of(r_score: int, fm: int) -> str:
    """The segment of an ``(r_score, fm)`` pair by :data:`SEGMENT_RULES` (first match wins).

    Raises ``ValueError`` for scores outside 1..5.
    """
    for name, (r_lo, r_hi), (fm_lo, fm_hi) in SEGMENT_RULES:
        if r_lo <= r_score <= r_hi and fm_lo <= fm <= fm_hi:
            return name
    raise ValueError(f"no RFM segment for r_score={r_score!r}, fm={fm!r} (scores run 1..5)")


def _segment_expr(r_score: ir.IntegerValue, fm: ir.IntegerValue) -> ir.StringValue:
    """:func:`segment_of` as an Ibis expression."""
    return ibis.cases(
        *[
            (r_score.between(r_lo, r_hi) & fm.between(fm_lo, fm_hi), name)
            for name, (r_lo, r_hi), (fm_lo, fm_hi) in SEGMENT_RULES
        ],
        else_=None,
    )


def _score(value: ir.Value, n: ir.IntegerValue) -> ir.IntegerValue:
    """``1 + floor(5 * (rank_min - 1) / n)`` with ``value`` ascending in goodness."""
    rank0 = ibis.rank().over(order_by=value)  # Ibis ranks are 0-based: rank_min - 1
    return (1 + (5 * rank0) // n).cast("int64")


def rfm(
    orders: ir.Table,
    *,
    as_of: dt.date,
    window_months: int = 24,
    days: ir.Table | None = None,
) -> ir.Table:
    """Recency, frequency, monetary value, their 1-5 scores and the RFM segment per customer.

    One row per customer with at least one purchase day in ``(as_of - window_months months,
    as_of]``. Columns, ordered by ``customer_id``:

    - ``customer_id``
    - ``recency`` (int): days from the customer's last purchase day in the window to ``as_of``
      (0 for a purchase on ``as_of``)
    - ``frequency`` (int): purchase days in the window (several orders or lines on one date
      count once; a day of returns only does not count)
    - ``monetary`` (float): net revenue in the window (sum of ``amount`` of every line, returns
      negative, return-only days included)
    - ``r_score``, ``f_score``, ``m_score`` (int 1-5): see the module notes; fewer days of
      recency, more dates and more revenue score higher
    - ``fm`` (int 1-5): ``round_half_up((f_score + m_score) / 2)``
    - ``segment``: see :data:`SEGMENT_RULES`

    ``days``: :func:`cxray.analytics.purchases.order_days` of ``orders``, when already computed.
    Raises ``ValueError`` unless ``window_months`` is a positive whole number.

    Example::

        scores = rfm(orders, as_of=date(2026, 6, 30))
        scores.filter(scores.segment == "cant_lose").to_pandas()
    """
    check_as_of(as_of)
    window = trailing_window(as_of, window_months)
    if days is None:
        days = order_days(orders, window=window)
    else:
        days = days_in(days, window=window)
    per_customer = days.group_by("customer_id").aggregate(
        last=days.order_date.max(where=days.purchase),
        frequency=days.purchase.cast("int64").sum(),
        monetary=days.net.sum(),
    )
    per_customer = per_customer.filter(per_customer.frequency > 0)
    base = per_customer.select(
        customer_id=per_customer.customer_id,
        # day numbers since 1970-01-01: portable date difference, no SQL intervals
        recency=(ibis.literal((as_of - _EPOCH).days) - per_customer["last"].epoch_days()).cast(
            "int64"
        ),
        frequency=per_customer.frequency.cast("int64"),
        monetary=per_customer.monetary.cast("float64"),
    )
    n = base.customer_id.count().over(ibis.window())
    scored = base.mutate(
        r_score=_score(ibis.desc(base.recency), n),
        f_score=_score(base.frequency, n),
        m_score=_score(base.monetary, n),
    )
    # round half up of (f + m) / 2 for positive integers: floor((f + m + 1) / 2)
    scored = scored.mutate(fm=((scored.f_score + scored.m_score + 1) // 2).cast("int64"))
    return scored.mutate(segment=_segment_expr(scored.r_score, scored.fm)).order_by("customer_id")


def rfm_segments(rfm_table: ir.Table) -> ir.Table:
    """Summary of an :func:`rfm` result per segment, every segment listed (empty ones too).

    Columns, in the order of :data:`SEGMENT_RULES`:

    - ``segment``
    - ``customers`` (int, 0 when empty)
    - ``share`` (float): customers / all scored customers (0.0 when there are none)
    - ``revenue`` (float): the segment's total ``monetary`` (0.0 when empty)
    - ``mean_recency``, ``mean_frequency``, ``mean_monetary`` (float, null when empty)
    """
    order = ibis.memtable(
        {"segment": list(SEGMENTS), "_order": list(range(len(SEGMENTS)))},
        schema={"segment": "string", "_order": "int64"},
    )
    stats = rfm_table.group_by("segment").aggregate(
        customers=rfm_table.customer_id.count(),
        revenue=rfm_table.monetary.sum(),
        mean_recency=rfm_table.recency.mean(),
        mean_frequency=rfm_table.frequency.mean(),
        mean_monetary=rfm_table.monetary.mean(),
    )
    joined = order.left_join(stats, "segment")
    filled = joined.select(
        segment=joined.segment,
        _order=joined._order,
        customers=joined.customers.fill_null(0).cast("int64"),
        revenue=joined.revenue.fill_null(0.0).cast("float64"),
        mean_recency=joined.mean_recency.cast("float64"),
        mean_frequency=joined.mean_frequency.cast("float64"),
        mean_monetary=joined.mean_monetary.cast("float64"),
    )
    total = filled.customers.sum().over(ibis.window())
    return (
        filled.mutate(
            share=ibis.ifelse(
                total > 0, filled.customers.cast("float64") / total.cast("float64"), 0.0
            )
        )
        .order_by("_order")
        .select(
            "segment",
            "customers",
            "share",
            "revenue",
            "mean_recency",
            "mean_frequency",
            "mean_monetary",
        )
    )


def rfm_segments_by(rfm_table: ir.Table, groups: ir.Table) -> ir.Table:
    """The RFM segments of an :func:`rfm` result broken down by a customer attribute.

    ``groups`` holds ``customer_id`` and ``group`` (see
    :func:`cxray.analytics.groups.customer_groups`); a scored customer without a group value has
    ``group`` null. One row per group and non-empty segment, ordered by ``group`` (nulls last)
    then by the order of :data:`SEGMENT_RULES`. Columns: ``group``, ``segment``, ``customers``
    (int), ``share`` (float: of the group's scored customers) and ``revenue`` (float: the
    customers' total ``monetary``).
    """
    order = ibis.memtable(
        {"segment": list(SEGMENTS), "_order": list(range(len(SEGMENTS)))},
        schema={"segment": "string", "_order": "int64"},
    )
    joined = rfm_table.left_join(groups, "customer_id")
    joined = joined.select(group=joined.group, segment=joined.segment, monetary=joined.monetary)
    stats = joined.group_by(["group", "segment"]).aggregate(
        customers=joined.count(), revenue=joined.monetary.sum()
    )
    stats = stats.join(order, "segment")
    in_group = stats.customers.sum().over(group_by="group")
    return (
        stats.mutate(
            share=stats.customers.cast("float64") / in_group.cast("float64"),
            _null=stats.group.isnull().cast("int64"),
        )
        .order_by(["_null", "group", "_order"])
        .select(
            "group",
            "segment",
            customers=stats.customers.cast("int64"),
            share="share",
            revenue=stats.revenue.cast("float64"),
        )
    )
