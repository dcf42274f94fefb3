"""Client-base structure: the known / reachable / active / regular / key funnel, Pareto and ABC-XYZ.

Every function takes Ibis tables with the canonical schema (see :mod:`cxray.ingest.schema`) and an
explicit ``as_of`` date. Nothing after ``as_of`` is counted: orders and interactions dated after it
are ignored, and so are customers whose ``first_contact_date`` is after it.

Definitions, with ``as_of`` the analysis date (windows are half-open, ``(start, as_of]``):

- **known**: every customer in the workspace: the distinct ``customer_id`` values of customers,
  contacts, interactions and orders (a customer that appears only in orders is still a customer).
- **reachable**: has at least one current contact person (``is_current`` true or null) and at least
  one interaction dated within the last ``contact_window`` days.
- **active**: at least one **purchase day** (a day whose lines net to more than zero, see
  :mod:`cxray.analytics.purchases`) within the last ``active_window`` months. A customer with
  returns only in the window is not active; it is counted as *returned only*.
- **regular**: active, and in each 12-month period of the active window (counted back from
  ``as_of``; the oldest period is the shorter remainder when the window is not a whole number of
  years) purchase days on at least ``min_orders_per_year`` distinct dates.
- **key**: the smallest set of customers, ranked by revenue in the active window (descending; ties
  broken by ``customer_id`` ascending), whose cumulative revenue reaches ``key_share`` of the
  *ranked revenue*: only customers with positive net revenue in the window are ranked, and the
  shares (key, Pareto) are of their total, so they run from 0 to 1.
- **window revenue** (the headline): the net revenue of the window, every line of every customer
  summed, returns included, customers whose returns exceed their purchases too. It is the ranked
  revenue minus what the customers with a net of zero or less took away.
- **returns**: ``sold`` is the amount of the positive lines, ``returned`` the amount of the
  negative lines (as a positive number); the **return rate** is ``returned / sold`` (by amount).

:func:`customer_status` is the single source of these definitions; :func:`funnel` counts its rows.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from cxray.analytics.purchases import days_in, order_days
from cxray.analytics.windows import (
    Window,
    check_as_of,
    day_window,
    month_period_index,
    trailing_window,
    yearly_periods,
)

__all__ = [
    "Funnel",
    "StructureParams",
    "abc_xyz",
    "abc_xyz_matrix",
    "customer_status",
    "funnel",
    "funnel_by",
    "pareto",
    "window_figures",
]

# Relative tolerance for "reaches a share" comparisons: floating-point sums differ in their last
# bits between engines and summation orders, and a share that is exactly reached must count as
# reached on every backend.
_TOL = 1e-9


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_window_months(window_months: object) -> None:
    if not _is_int(window_months) or window_months <= 0:
        raise ValueError(
            f"window_months must be a whole number greater than 0, got {window_months!r}"
        )


@dataclass(frozen=True)
class StructureParams:
    """Parameters of the client-base structure definitions.

    - ``contact_window``: days back from ``as_of`` in which an interaction makes a customer with a
      current contact *reachable* (default 365).
    - ``active_window``: months back from ``as_of`` in which an order makes a customer *active*;
      also the window for revenue, *regular* and *key* (default 24).
    - ``min_orders_per_year``: distinct order dates needed in each 12-month period of the active
      window to be *regular* (default 2).
    - ``key_share``: share of the window's revenue the *key* customers must reach (default 0.70).

    Invalid values raise ``ValueError`` naming the parameter.
    """

    contact_window: int = 365
    active_window: int = 24
    min_orders_per_year: int = 2
    key_share: float = 0.70

    def __post_init__(self) -> None:
        # at most a century: longer windows overflow dates and nest one expression per year
        for name, most in (("contact_window", 36525), ("active_window", 1200)):
            value = getattr(self, name)
            if not _is_int(value) or not 0 < value <= most:
                raise ValueError(f"{name} must be a whole number from 1 to {most}, got {value!r}")
        if not _is_int(self.min_orders_per_year) or self.min_orders_per_year < 1:
            raise ValueError(
                f"min_orders_per_year must be a whole number of at least 1, "
                f"got {self.min_orders_per_year!r}"
            )
        if not _is_number(self.key_share) or not 0 < self.key_share <= 1:
            raise ValueError(
                f"key_share must be a number with 0 < key_share <= 1, got {self.key_share!r}"
            )


@dataclass(frozen=True)
class Funnel:
    """The client-base funnel at ``as_of``: how many customers are known, reachable, active,
    regular and key, how many key customers are regular, and the key customers' revenue share.

    ``window_revenue`` is the active window's net revenue, every customer's lines summed
    (returns and customers with a negative net included); ``ranked_revenue`` is the total of the
    customers with positive net revenue, the base of ``key_revenue_share`` (at least
    ``params.key_share`` whenever there is revenue, 0.0 when there is none) and of the Pareto
    shares. ``sold`` and ``returned`` are the window's positive lines and returns (as a positive
    amount), ``return_rate`` is ``returned / sold`` (None without sales), and ``returned_only``
    counts the customers with order lines in the window but no purchase day.
    """

    as_of: dt.date
    known: int
    reachable: int
    active: int
    regular: int
    key: int
    key_regular: int
    key_revenue_share: float
    window_revenue: float
    params: StructureParams
    ranked_revenue: float = 0.0
    sold: float = 0.0
    returned: float = 0.0
    returned_only: int = 0

    @property
    def return_rate(self) -> float | None:
        """Returned amount / sold amount in the active window (None without sales)."""
        return self.returned / self.sold if self.sold > 0 else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``as_of`` as an ISO date string, counts as ints, shares and revenue
        as floats, and ``params`` as a nested dict."""
        return {
            "as_of": self.as_of.isoformat(),
            "known": int(self.known),
            "reachable": int(self.reachable),
            "active": int(self.active),
            "regular": int(self.regular),
            "key": int(self.key),
            "key_regular": int(self.key_regular),
            "key_revenue_share": float(self.key_revenue_share),
            "window_revenue": float(self.window_revenue),
            "ranked_revenue": float(self.ranked_revenue),
            "sold": float(self.sold),
            "returned": float(self.returned),
            "return_rate": self.return_rate,
            "returned_only": int(self.returned_only),
            "params": asdict(self.params),
        }


# --------------------------------------------------------------------------------------------
# building blocks


def _ids(col: ir.Column) -> ir.Table:
    """A one-column table ``customer_id`` of the non-null values of ``col``."""
    table = col.name("customer_id").as_table()
    return table.filter(table.customer_id.notnull())


def active_customers(orders: ir.Table, *, as_of: dt.date, active_window: int = 24) -> ir.Table:
    """``customer_id`` of the *active* customers at ``as_of`` (a purchase day within the last
    ``active_window`` months): the ``active`` of :func:`customer_status`, without the rest."""
    check_as_of(as_of)
    days = order_days(orders, window=trailing_window(as_of, active_window))
    return days.filter(days.purchase).select("customer_id").distinct()


def window_figures(
    orders: ir.Table,
    *,
    as_of: dt.date,
    params: StructureParams = StructureParams(),  # noqa: B008 (frozen, immutable default)
    days: ir.Table | None = None,
) -> ir.Table:
    """Per customer with order lines in the active window: ``revenue`` (net), ``sold``,
    ``returned``, ``purchase_days`` and ``regular`` (see :func:`customer_status`), from the
    window's order days (:func:`cxray.analytics.purchases.order_days`; ``days``: that table of
    ``orders`` when already computed)."""
    window = trailing_window(as_of, params.active_window)
    days = order_days(orders, window=window) if days is None else days_in(days, window=window)
    purchase = days.purchase
    periods = yearly_periods(as_of, params.active_window)
    counts = {
        f"_p{i}": (purchase & period.contains(days.order_date)).cast("int64").sum()
        for i, period in enumerate(periods)
    }
    per = days.group_by("customer_id").aggregate(
        revenue=days.net.sum(),
        sold=days.sold.sum(),
        returned=days.returned.sum(),
        purchase_days=purchase.cast("int64").sum(),
        **counts,
    )
    regular = ibis.and_(*[per[name] >= params.min_orders_per_year for name in counts])
    return per.select(
        "customer_id",
        "revenue",
        sold=per.sold.fill_null(0.0),
        returned=per.returned.fill_null(0.0),
        purchase_days="purchase_days",
        regular=regular,
    )


def _window_lines(orders: ir.Table, window: Window) -> ir.Table:
    """Order lines dated within ``window`` and belonging to a customer."""
    return orders.filter(window.contains(orders.order_date), orders.customer_id.notnull())


def _ranked(revenue: ir.Table, key: str) -> ir.Table:
    """Entities with positive ``revenue``, ranked by revenue descending then ``key`` ascending.

    Adds ``rank`` (1-based), ``cum_revenue`` (running total including this entity) and
    ``total_revenue`` (the sum over all ranked entities).
    """
    positive = revenue.filter(revenue.revenue > 0)
    order = [ibis.desc("revenue"), ibis.asc(key)]
    return positive.mutate(
        rank=(ibis.row_number().over(order_by=order) + 1).cast("int64"),
        cum_revenue=positive.revenue.cumsum(order_by=order),
        total_revenue=positive.revenue.sum(),
    )


def _known(
    customers: ir.Table,
    contacts: ir.Table,
    interactions: ir.Table,
    orders: ir.Table,
    as_of: dt.date,
) -> ir.Table:
    """Distinct ids of every customer known at ``as_of``."""
    end = ibis.literal(as_of)
    if "first_contact_date" in customers.columns:
        first = customers.first_contact_date
        customers = customers.filter(first.isnull() | (first <= end))
    sources = [
        _ids(customers.customer_id),
        # contacts hold the current state, not a history: every contact's customer is known
        _ids(contacts.customer_id),
        _ids(interactions.filter(interactions.date <= end).customer_id),
        _ids(orders.filter(orders.order_date <= end).customer_id),
    ]
    return ibis.union(*sources, distinct=True)


# --------------------------------------------------------------------------------------------
# public API


def customer_status(
    customers: ir.Table,
    contacts: ir.Table,
    interactions: ir.Table,
    orders: ir.Table,
    *,
    as_of: dt.date,
    params: StructureParams = StructureParams(),  # noqa: B008 (frozen, immutable default)
    days: ir.Table | None = None,
) -> ir.Table:
    """One row per known customer with its place in the client-base structure at ``as_of``.

    Columns:

    - ``customer_id`` (string)
    - ``reachable`` (bool): a current contact (``is_current`` true or null) and an interaction
      within ``(as_of - contact_window days, as_of]``
    - ``active`` (bool): a purchase day (lines netting to more than zero) within
      ``(as_of - active_window months, as_of]``; a return-only day does not count
    - ``regular`` (bool): active, with purchase days on at least ``min_orders_per_year``
      distinct dates in each 12-month period of the active window (see
      :func:`cxray.analytics.windows.yearly_periods`); several lines or orders on one date count
      as one date
    - ``key`` (bool): among the fewest top-revenue customers whose cumulative revenue reaches
      ``key_share`` of the ranked revenue (see the module notes)
    - ``window_revenue`` (float): net revenue (sum of ``amount``, returns negative) in the active
      window, 0.0 when none
    - ``revenue_rank`` (int): 1-based rank by window revenue (descending, ties by ``customer_id``);
      null for customers without positive window revenue
    - ``sold``, ``returned`` (float): the window's positive lines and returns (negative lines, as
      a positive amount), 0.0 when none
    - ``returned_only`` (bool): returns in the window but no purchase day there

    Known customers are the distinct ids of ``customers`` (unless their ``first_contact_date`` is
    after ``as_of``), ``contacts`` (taken as they stand: the table holds the current state, not a
    history), and ``interactions`` and ``orders`` dated on or before ``as_of``.

    This is the single source of the definitions: :func:`funnel` and audience rules build on it.
    ``days``: :func:`cxray.analytics.purchases.order_days` of ``orders``, when already computed.
    The result is a lazy Ibis table ordered by ``customer_id``.

    Example::

        status = customer_status(customers, contacts, interactions, orders,
                                 as_of=date(2026, 6, 30))
        status.filter(status.key & ~status.reachable).to_pandas()  # key clients we cannot reach
    """
    check_as_of(as_of)
    known = _known(customers, contacts, interactions, orders, as_of)

    # reachable: a current contact and a recent interaction
    current = contacts.filter(contacts.is_current.fill_null(True))
    contact_window = day_window(as_of, params.contact_window)
    touched = interactions.filter(contact_window.contains(interactions.date))
    current_ids = _ids(current.customer_id)
    touched_ids = _ids(touched.customer_id)
    reachable_ids = current_ids.filter(current_ids.customer_id.isin(touched_ids.customer_id))

    # one pass over the active window's lines: per customer and day, then per customer
    per = window_figures(orders, as_of=as_of, params=params, days=days)
    ranked = _ranked(per.select("customer_id", "revenue"), "customer_id")
    before = ranked.cum_revenue - ranked.revenue
    ranked = ranked.select(
        customer_id="customer_id",
        revenue_rank="rank",
        key=before < ranked.total_revenue * (params.key_share - _TOL),
    )

    joined = known.left_join(per, "customer_id").left_join(ranked, "customer_id")
    days = joined.purchase_days.fill_null(0)
    returned = joined.returned.fill_null(0.0).cast("float64")
    return joined.select(
        customer_id=joined.customer_id,
        reachable=joined.customer_id.isin(reachable_ids.customer_id),
        active=days > 0,
        regular=joined.regular.fill_null(False),
        key=joined.key.fill_null(False),
        window_revenue=joined.revenue.fill_null(0.0).cast("float64"),
        revenue_rank=joined.revenue_rank,
        sold=joined.sold.fill_null(0.0).cast("float64"),
        returned=returned,
        returned_only=(days == 0) & (returned > 0),
    ).order_by("customer_id")


def funnel(
    customers: ir.Table,
    contacts: ir.Table,
    interactions: ir.Table,
    orders: ir.Table,
    *,
    as_of: dt.date,
    params: StructureParams = StructureParams(),  # noqa: B008 (frozen, immutable default)
    status: ir.Table | None = None,
) -> Funnel:
    """Count the client-base funnel at ``as_of``: known -> reachable -> active -> regular, and key.

    Executes one small aggregate over :func:`customer_status` and returns a :class:`Funnel`
    (use ``.to_dict()`` for JSON). ``status``: that customer status, when already computed.

    Example::

        f = funnel(customers, contacts, interactions, orders, as_of=date(2026, 6, 30))
        print(f"{f.key} key clients give {f.key_revenue_share:.0%} of turnover")
    """
    if status is None:
        status = customer_status(
            customers, contacts, interactions, orders, as_of=as_of, params=params
        )

    def count(flag: ir.BooleanValue) -> ir.IntegerScalar:
        return flag.cast("int64").sum().fill_null(0)

    counts = status.aggregate(
        known=status.customer_id.count(),
        reachable=count(status.reachable),
        active=count(status.active),
        regular=count(status.regular),
        key=count(status.key),
        key_regular=count(status.key & status.regular),
        key_revenue=status.window_revenue.sum(where=status.key).fill_null(0.0),
        ranked_revenue=status.window_revenue.sum(where=status.revenue_rank.notnull()).fill_null(
            0.0
        ),
        window_revenue=status.window_revenue.sum().fill_null(0.0),
        sold=status.sold.sum().fill_null(0.0),
        returned=status.returned.sum().fill_null(0.0),
        returned_only=count(status.returned_only),
    )
    row = counts.to_pyarrow().to_pylist()[0]
    total = float(row["ranked_revenue"] or 0.0)
    key_revenue = float(row["key_revenue"] or 0.0)
    return Funnel(
        as_of=as_of,
        known=int(row["known"] or 0),
        reachable=int(row["reachable"] or 0),
        active=int(row["active"] or 0),
        regular=int(row["regular"] or 0),
        key=int(row["key"] or 0),
        key_regular=int(row["key_regular"] or 0),
        key_revenue_share=key_revenue / total if total > 0 else 0.0,
        window_revenue=float(row["window_revenue"] or 0.0),
        params=params,
        ranked_revenue=total,
        sold=float(row["sold"] or 0.0),
        returned=float(row["returned"] or 0.0),
        returned_only=int(row["returned_only"] or 0),
    )


def pareto(
    orders: ir.Table,
    *,
    as_of: dt.date,
    window_months: int = 24,
    status: ir.Table | None = None,
) -> ir.Table:
    """Customers ranked by revenue in the trailing window, with cumulative shares (a Pareto curve).

    Only customers with positive net revenue in ``(as_of - window_months months, as_of]`` appear.
    Columns, ordered by ``rank``:

    - ``rank`` (int, 1-based; revenue descending, ties by ``customer_id`` ascending)
    - ``customer_id``
    - ``revenue``: the customer's net revenue in the window
    - ``revenue_share``: revenue / total revenue of the ranked customers
    - ``cum_revenue_share``: running share up to and including this customer (1.0 at the end)
    - ``cum_customer_share``: rank / number of ranked customers

    ``status``: the :func:`customer_status` at ``as_of`` with ``active_window = window_months``,
    when already computed (its window revenue is the same).

    Example: the customers giving 80% of revenue are those whose previous ``cum_revenue_share``
    is below 0.8.
    """
    check_as_of(as_of)
    _check_window_months(window_months)
    if status is not None:
        revenue = status.select("customer_id", revenue=status.window_revenue)
    else:
        lines = _window_lines(orders, trailing_window(as_of, window_months))
        revenue = lines.group_by("customer_id").aggregate(revenue=lines.amount.sum())
    ranked = _ranked(revenue, "customer_id")
    ranked = ranked.mutate(n=ranked.customer_id.count())
    return ranked.select(
        rank=ranked["rank"],
        customer_id=ranked.customer_id,
        revenue=ranked.revenue,
        revenue_share=ranked.revenue / ranked.total_revenue,
        cum_revenue_share=ranked.cum_revenue / ranked.total_revenue,
        cum_customer_share=ranked["rank"].cast("float64") / ranked.n.cast("float64"),
    ).order_by("rank")


def abc_xyz(
    orders: ir.Table,
    *,
    as_of: dt.date,
    by: Literal["customer", "sku"] = "customer",
    window_months: int = 12,
    a_share: float = 0.80,
    b_share: float = 0.95,
    x_cv: float = 0.10,
    y_cv: float = 0.25,
    days: ir.Table | None = None,
) -> ir.Table:
    """ABC (revenue contribution) and XYZ (month-to-month stability) classes per customer or SKU.

    Entities (``customer_id`` for ``by="customer"``, ``sku`` for ``by="sku"``; lines without a
    SKU are ignored for ``by="sku"``) with positive net revenue in the trailing ``window_months``
    months are ranked by revenue (descending, ties by id ascending).

    - **ABC**: ``'A'`` while the cumulative revenue share *before* adding the entity is below
      ``a_share`` (so the entity that crosses the threshold is still A), ``'B'`` likewise for
      ``b_share``, otherwise ``'C'``.
    - **XYZ**: ``cv`` is the coefficient of variation (population standard deviation / mean) of
      the entity's revenue over the ``window_months`` one-month periods counted back from
      ``as_of`` (see :func:`cxray.analytics.windows.month_periods`), months without revenue counted
      as zero. ``'X'`` if ``cv <= x_cv``, ``'Y'`` if ``cv <= y_cv``, otherwise ``'Z'``.

    Columns, ordered by ``rank``: ``rank``, ``key`` (the customer id or SKU), ``revenue``,
    ``cum_share`` (cumulative revenue share including the entity), ``abc``, ``cv``, ``xyz`` and
    ``abc_xyz`` (e.g. ``'AX'``).

    ``days`` (``by="customer"`` only): :func:`cxray.analytics.purchases.order_days` of
    ``orders``, when already computed.

    Raises ``ValueError`` unless ``0 < a_share < b_share <= 1``, ``0 <= x_cv < y_cv``, ``by`` is
    ``"customer"`` or ``"sku"`` and ``window_months`` is a positive whole number.
    """
    check_as_of(as_of)
    if by not in ("customer", "sku"):
        raise ValueError(f'by must be "customer" or "sku", got {by!r}')
    if not (_is_number(a_share) and _is_number(b_share) and 0 < a_share < b_share <= 1):
        raise ValueError(
            f"a_share and b_share must satisfy 0 < a_share < b_share <= 1, "
            f"got a_share={a_share!r}, b_share={b_share!r}"
        )
    if not (_is_number(x_cv) and _is_number(y_cv) and 0 <= x_cv < y_cv):
        raise ValueError(
            f"x_cv and y_cv must satisfy 0 <= x_cv < y_cv, got x_cv={x_cv!r}, y_cv={y_cv!r}"
        )
    _check_window_months(window_months)

    column = "customer_id" if by == "customer" else "sku"
    window = trailing_window(as_of, window_months)
    if by == "customer" and days is not None:  # the order days hold each day's net already
        lines = days_in(days, window=window)
        lines = lines.select(
            key=lines.customer_id,
            amount=lines.net,
            month=month_period_index(lines.order_date, as_of),
        )
    else:
        lines = orders.filter(window.contains(orders.order_date), orders[column].notnull())
        lines = lines.select(
            key=lines[column],
            amount=lines.amount,
            month=month_period_index(lines.order_date, as_of),
        )

    # revenue per (entity, month with lines); zero months are not materialised
    monthly = lines.group_by(["key", "month"]).aggregate(m=lines.amount.sum())
    n = float(window_months)
    # one pass: the population variance over the n months (months without lines are zeros and
    # add nothing to either sum) is (sum of squares - sum^2 / n) / n; rounding can leave a tiny
    # negative number for a constant series, hence the floor at 0
    stats = monthly.group_by("key").aggregate(
        revenue=monthly.m.sum(), squares=(monthly.m * monthly.m).sum()
    )
    ranked = _ranked(stats, "key")
    before = (ranked.cum_revenue - ranked.revenue) / ranked.total_revenue
    mean = ranked.revenue / n
    variance = (ranked.squares - ranked.revenue * mean) / n
    variance = ibis.cases((variance > 0, variance), else_=0.0)
    cv = variance.sqrt() / mean
    classes = ranked.select(
        rank=ranked["rank"],
        key=ranked.key,
        revenue=ranked.revenue,
        cum_share=ranked.cum_revenue / ranked.total_revenue,
        abc=ibis.cases(
            (before < a_share - _TOL, "A"),
            (before < b_share - _TOL, "B"),
            else_="C",
        ),
        cv=cv,
    )
    classes = classes.mutate(
        xyz=ibis.cases(
            (classes.cv <= x_cv + _TOL, "X"),
            (classes.cv <= y_cv + _TOL, "Y"),
            else_="Z",
        )
    )
    return classes.mutate(abc_xyz=classes.abc.concat(classes.xyz)).order_by("rank")


def abc_xyz_matrix(classes: ir.Table) -> ir.Table:
    """The 3 x 3 ABC-XYZ matrix of an :func:`abc_xyz` result: one row per cell, empty ones too.

    Columns, ordered by ``abc`` then ``xyz``: ``abc``, ``xyz``, ``abc_xyz``, ``n`` (number of
    entities in the cell, 0 when empty), ``revenue`` (their revenue, 0.0 when empty) and
    ``revenue_share`` (of the total revenue of all classified entities).
    """
    cells = ibis.memtable(
        {
            "abc": [a for a in "ABC" for _ in "XYZ"],
            "xyz": [x for _ in "ABC" for x in "XYZ"],
        },
        schema={"abc": "string", "xyz": "string"},
    )
    counts = classes.group_by(["abc", "xyz"]).aggregate(
        n=classes.count(), revenue=classes.revenue.sum()
    )
    joined = cells.left_join(counts, ["abc", "xyz"])
    filled = joined.select(
        abc=joined.abc,
        xyz=joined.xyz,
        abc_xyz=joined.abc.concat(joined.xyz),
        n=joined.n.fill_null(0).cast("int64"),
        revenue=joined.revenue.fill_null(0.0).cast("float64"),
    )
    total = filled.revenue.sum()
    return filled.mutate(
        revenue_share=ibis.ifelse(total > 0, filled.revenue / total, 0.0)
    ).order_by(["abc", "xyz"])


PARETO_SHARES = (0.5, 0.7, 0.8, 0.9, 1.0)


def pareto_points(curve: pa.Table, shares: tuple[float, ...] = PARETO_SHARES) -> list[dict]:
    """How many top customers it takes to reach each share of revenue, from the executed
    :func:`pareto` curve (Arrow, in rank order): ``revenue_share, customers, customer_share``
    per share reached."""
    # the cumulative share only rises along the ranks: the first row reaching a share is found
    # by bisection
    reached = curve.column("cum_revenue_share").to_numpy()
    points = []
    for share in shares:
        at = int(np.searchsorted(reached, share - 1e-12, side="left"))
        if at < len(reached):
            points.append(
                {
                    "revenue_share": share,
                    "customers": curve.column("rank")[at].as_py(),
                    "customer_share": curve.column("cum_customer_share")[at].as_py(),
                }
            )
    return points


def sample_curve(curve: pa.Table, points: int = 100) -> list[dict]:
    """At most ``points`` evenly spaced rows of the executed :func:`pareto` curve (Arrow, in
    rank order; always the first and the last row), with ``rank, cum_customer_share,
    cum_revenue_share``."""
    picked = curve.select(["rank", "cum_customer_share", "cum_revenue_share"])
    if len(curve) > points:
        step = (len(curve) - 1) / (points - 1)
        picked = picked.take([round(i * step) for i in range(points)])
    return picked.to_pylist()


def funnel_by(status: ir.Table, groups: ir.Table) -> ir.Table:
    """The funnel of a :func:`customer_status` broken down by a customer attribute.

    ``groups`` holds ``customer_id`` and ``group`` (see
    :func:`cxray.analytics.groups.customer_groups`); a known customer without a value is in the
    null group. One row per group, ordered by ``window_revenue`` (largest first), then ``group``
    (nulls last). Columns: ``group``, ``known``, ``reachable``, ``active``, ``regular``, ``key``,
    ``returned_only`` (ints) and ``window_revenue``, ``sold``, ``returned`` (floats).
    """
    joined = status.left_join(groups, "customer_id")

    def count(flag: ir.BooleanValue) -> ir.IntegerValue:
        return flag.cast("int64").sum().fill_null(0)

    per = joined.group_by("group").aggregate(
        known=joined.customer_id.count(),
        reachable=count(joined.reachable),
        active=count(joined.active),
        regular=count(joined.regular),
        key=count(joined.key),
        returned_only=count(joined.returned_only),
        window_revenue=joined.window_revenue.sum(),
        sold=joined.sold.sum(),
        returned=joined.returned.sum(),
    )
    return per.order_by([ibis.desc("window_revenue"), per.group.isnull().cast("int64"), "group"])
