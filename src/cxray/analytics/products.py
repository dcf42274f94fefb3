"""Product dynamics: what a customer buys, by SKU or product line, month on month and year on year.

Every function takes Ibis tables with the canonical schema (see :mod:`cxray.ingest.schema`) and an
explicit ``as_of`` date; order lines dated after ``as_of`` are ignored.

Months here are **calendar** months (January, February, ...), not the trailing month periods of
:func:`cxray.analytics.windows.month_periods`. A month is handled as an integer *month index*
``year * 12 + month - 1`` (portable integer arithmetic, no SQL intervals) and shown as a
``'YYYY-MM'`` string. Month lists are generated in Python and joined as literals.

Keys: ``by="sku"`` keys a line by its ``sku``; ``by="line"`` by the ``product_line`` of its SKU in
``products``. Lines without a SKU get the key ``"(no sku)"``; for ``by="line"``, lines whose SKU
has no product row, or whose product has no line, get ``"(unknown)"``.

Changes:

- ``mom_change`` = revenue - previous month's revenue; ``mom_pct`` = ``mom_change`` / previous
  month's revenue.
- ``yoy_change`` = revenue - revenue of the same month a year earlier; ``yoy_pct`` =
  ``yoy_change`` / that revenue.
- A change is null when its base month is not in the series; a pct is null when the change is null
  or the base revenue is zero (``|base| < 1e-9``, which absorbs the floating-point residue of sums
  that net out). A negative base (returns exceeding sales) still gives a pct, with the sign of
  ``change / base``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import ibis
import ibis.expr.types as ir

from cxray.analytics.windows import add_months, check_as_of

__all__ = [
    "NO_SKU",
    "UNKNOWN_LINE",
    "first_order_month",
    "latest_rows",
    "line_trends",
    "product_dynamics",
    "with_product_line",
    "with_product_name",
]

NO_SKU = "(no sku)"
"""Key of order lines without a SKU."""

UNKNOWN_LINE = "(unknown)"
"""Product-line key of order lines whose SKU has no product row or whose product has no line."""

# Revenue whose absolute value is below this is treated as zero when used as a pct base.
_EPS = 1e-9


# --------------------------------------------------------------------------------------------
# helpers (also used by cxray.analytics.whitespace)


def _check_months(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number greater than 0, got {value!r}")


def _month_index(date: dt.date) -> int:
    """The month index ``year * 12 + month - 1`` of a Python date."""
    return date.year * 12 + date.month - 1


def _month_start(index: int) -> dt.date:
    """The first day of the month with index ``index``."""
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def _month_index_expr(date: ir.DateValue) -> ir.IntegerValue:
    """The month index ``year * 12 + month - 1`` of a date column."""
    return (date.year() * 12 + date.month() - 1).cast("int64")


def _month_label(index: ir.IntegerValue) -> ir.StringValue:
    """``'YYYY-MM'`` for an integer month index column."""
    # no %: the Ibis SQLite backend computes it with MOD(), which returns a float ('1.0')
    year = index // 12
    month = (index - year * 12 + 1).cast("string").lpad(2, "0")
    year = year.cast("string")
    return year.concat("-", month)


def _months_table(first: int, last: int) -> ir.Table:
    """A literal one-column table ``idx`` of the month indexes ``first..last`` (inclusive)."""
    return ibis.memtable({"idx": list(range(first, last + 1))}, schema={"idx": "int64"})


def _months_from_data(first: ir.IntegerScalar, last: int) -> ir.Table:
    """A lazy one-column table ``idx`` of the month indexes ``first..last`` (inclusive).

    ``first`` is a scalar expression over the data (it is not known in Python): candidate years
    are generated from a small literal table of digits (``as_of``'s year back to year 0, at most
    10,000 rows) and crossed with the twelve months, then cut to ``first..last``.
    """
    last_year = last // 12
    digits = ibis.memtable({"d": list(range(10))}, schema={"d": "int64"})
    back = digits.select(n=digits.d)
    for power in range(1, len(str(last_year))):
        more = digits.select(**{f"d{power}": digits.d})
        back = back.cross_join(more)
        back = back.select(n=back.n + back[f"d{power}"] * 10**power)
    years = back.select(year=last_year - back.n)
    years = years.filter(years.year >= first // 12)
    calendar = ibis.memtable({"m": list(range(12))}, schema={"m": "int64"})
    months = years.cross_join(calendar)
    months = months.select(idx=(months.year * 12 + months.m).cast("int64"))
    # distinct: the rows are already unique, but SQLite would otherwise flatten this subquery into
    # the join that uses it and regenerate the candidates for every customer; an aggregate
    # subquery is materialised once
    return months.filter(months.idx >= first, months.idx <= last).distinct()


def with_product_line(lines: ir.Table, products: ir.Table) -> ir.Table:
    """``lines`` with a ``product_line`` column: the line of its SKU, or the fallback keys."""
    # one line per SKU, even should the products table hold a SKU twice
    lines_of = products.group_by(_p_sku=products.sku).aggregate(_p_line=products.product_line.max())
    joined = lines.left_join(lines_of, lines.sku == lines_of._p_sku)
    key = ibis.cases(
        (joined.sku.isnull(), NO_SKU),
        (joined._p_line.isnull(), UNKNOWN_LINE),
        else_=joined._p_line,
    )
    return joined.mutate(product_line=key).drop("_p_sku", "_p_line")


def with_product_name(table: ir.Table, products: ir.Table, column: str) -> ir.Table:
    """``table`` with a ``name`` column: the product name of the SKU in ``column`` (null when the
    SKU has no product row or no name; one name per SKU, should products hold a SKU twice)."""
    if "name" not in products.columns:
        return table.mutate(name=ibis.null().cast("string"))
    names = products.group_by(_n_sku=products.sku).aggregate(_n_name=products.name.max())
    joined = table.left_join(names, table[column] == names._n_sku)
    return joined.mutate(name=joined._n_name.cast("string")).drop("_n_sku", "_n_name")


def _with_changes(series: ir.Table, monthly: ir.Table, keys: list[str], first: str) -> ir.Table:
    """Add MoM and YoY changes to ``series``: one row per ``keys`` and month index ``idx``.

    The previous month's and the year-earlier month's revenue are looked up in ``monthly`` (the
    months with lines: ``keys``, ``idx``, ``revenue``; 0 for a month without lines), so only the
    months shown need rows. A base month before the series' first month (column ``first`` of
    ``series``) has no revenue: the change is null there.
    """
    on = [*keys, "idx"]
    prev = monthly.select(*keys, idx=monthly.idx + 1, _prev=monthly.revenue)
    base = monthly.select(*keys, idx=monthly.idx + 12, _base=monthly.revenue)
    joined = series.left_join(prev, on).left_join(base, on)
    series = joined.select(
        *series.columns,
        _prev=ibis.cases((joined.idx - 1 >= joined[first], joined._prev.fill_null(0.0))),
        _base=ibis.cases((joined.idx - 12 >= joined[first], joined._base.fill_null(0.0))),
    )

    def pct(change: ir.FloatingValue, base: ir.FloatingValue) -> ir.FloatingValue:
        return ibis.cases((base.abs() >= _EPS, change / base), else_=None).cast("float64")

    mom = (series.revenue - series._prev).cast("float64")
    yoy = (series.revenue - series._base).cast("float64")
    return series.mutate(
        mom_change=mom,
        mom_pct=pct(mom, series._prev),
        yoy_change=yoy,
        yoy_pct=pct(yoy, series._base),
    ).drop("_prev", "_base")


# --------------------------------------------------------------------------------------------
# public API


def first_order_month(
    orders: ir.Table, as_of: dt.date, *, customer_id: str | None = None
) -> dt.date:
    """The first day of the month of the earliest order line dated on or before ``as_of``.

    **Executes** one tiny aggregate query (``min(order_date)``) and returns a Python date, to be
    passed as ``start`` to :func:`product_dynamics` so that its month list is a literal. With
    ``customer_id`` only that customer's lines count. Returns the first day of ``as_of``'s month
    when there is no such order line (the series are empty then anyway).

    Example::

        start = first_order_month(orders, date(2026, 6, 30))
        product_dynamics(orders, products, as_of=date(2026, 6, 30), start=start)
    """
    check_as_of(as_of)
    lines = orders.filter(orders.order_date <= ibis.literal(as_of), orders.customer_id.notnull())
    if customer_id is not None:
        lines = lines.filter(lines.customer_id == customer_id)
    first = lines.order_date.min().to_pyarrow().as_py()
    if first is None:
        return as_of.replace(day=1)
    if isinstance(first, dt.datetime):  # some backends hand dates back as timestamps
        first = first.date()
    return first.replace(day=1)


def product_dynamics(
    orders: ir.Table,
    products: ir.Table,
    *,
    as_of: dt.date,
    by: Literal["sku", "line"] = "sku",
    customer_id: str | None = None,
    start: dt.date | None = None,
    idle_keys: bool = True,
) -> ir.Table:
    """Monthly revenue and quantity per customer and SKU (or product line), with MoM and YoY.

    For every customer and every key (SKU or product line, see the module notes) the customer
    bought on or before ``as_of``, one row per calendar month from the customer's first order
    month (its first order line overall, whatever the key) to ``as_of``'s month, zero-filled:

    - ``customer_id``, ``key``
    - ``name`` (string, ``by="sku"`` only): the SKU's product name, null without one
    - ``month`` (string ``'YYYY-MM'``)
    - ``revenue`` (float): sum of ``amount`` (returns are negative lines and reduce it), 0.0 in
      months without lines
    - ``quantity`` (float): sum of ``quantity``, a null quantity counting as 0
    - ``mom_change``, ``mom_pct``: against the previous month; null for the customer's first month
      (``mom_pct`` also where the previous month's revenue is zero)
    - ``yoy_change``, ``yoy_pct``: against the same month a year earlier; null when that month is
      before the customer's first month (``yoy_pct`` also where its revenue is zero)

    The function stays lazy (nothing is executed) either way ``start`` is given:

    - ``start=None`` (default): every customer's full series. The earliest first-order month is
      not known in Python, so the month list is generated in the backend from a small literal
      table of digits, cut to the data's range (portable, no SQL intervals).
    - ``start`` given: the month list is generated in Python from ``start``'s month (13 months
      earlier, for the changes) and passed as a literal. ``start=first_order_month(orders,
      as_of)`` (that helper executes one tiny ``min()`` query) gives the same rows as
      ``start=None`` with a simpler query. A later ``start`` shows only the months from
      ``start``'s month on; the changes are still computed against earlier months, so every row
      shown equals the corresponding row of the full series (keys bought only before ``start``
      show zero rows). ``idle_keys=False`` leaves those out: only keys with a line in the
      computed months (from 13 months before ``start``) get rows, which is what a ranking by
      revenue needs and far less work on a large base.

    ``customer_id`` restricts the result to one customer (the series are per customer anyway).
    Rows are ordered by ``customer_id``, ``key``, ``month``. Raises ``ValueError`` for an unknown
    ``by`` or a ``start`` after ``as_of``.

    Example::

        product_dynamics(orders, products, as_of=date(2026, 6, 30), by="line",
                         customer_id="C042").to_pandas()
    """
    check_as_of(as_of)
    if by not in ("sku", "line"):
        raise ValueError(f'by must be "sku" or "line", got {by!r}')
    if start is not None and (isinstance(start, dt.datetime) or not isinstance(start, dt.date)):
        raise TypeError(f"start must be a datetime.date or None, got {start!r}")
    if start is not None and start > as_of:
        raise ValueError(
            f"start {start.isoformat()} is after as_of {as_of.isoformat()}; "
            "use first_order_month(orders, as_of)"
        )

    lines = orders.filter(orders.order_date <= ibis.literal(as_of), orders.customer_id.notnull())
    if customer_id is not None:
        lines = lines.filter(lines.customer_id == customer_id)
    if by == "line":
        lines = with_product_line(lines, products)
        key = lines.product_line
    else:
        key = lines.sku.fill_null(NO_SKU)
    lines = lines.select(
        customer_id=lines.customer_id,
        key=key,
        idx=_month_index_expr(lines.order_date),
        amount=lines.amount.cast("float64"),
        quantity=lines.quantity.cast("float64").fill_null(0.0),
    )

    last = _month_index(as_of)
    if start is None:
        months = _months_from_data(lines.idx.min(), last)
        recent = lines
    else:
        first_shown = _month_index(start)
        # the months before the first shown one that its changes (and those of the next eleven)
        # look back to: one more than a year, as the pairs of idle_keys=False are counted
        months = _months_table(first_shown, last)
        recent = lines.filter(lines.idx >= first_shown - 13)

    first = lines.group_by("customer_id").aggregate(first_idx=lines.idx.min())
    pairs = (lines if idle_keys else recent).select("customer_id", "key").distinct()
    grid = pairs.join(first, "customer_id")
    grid = grid.join(months, grid.first_idx <= months.idx)
    grid = grid.select("customer_id", "key", "idx", "first_idx")

    monthly = recent.group_by(["customer_id", "key", "idx"]).aggregate(
        revenue=recent.amount.sum(), quantity=recent.quantity.sum()
    )
    series = grid.left_join(monthly, ["customer_id", "key", "idx"])
    series = series.select(
        customer_id=series.customer_id,
        key=series.key,
        idx=series.idx,
        first_idx=series.first_idx,
        revenue=series.revenue.fill_null(0.0).cast("float64"),
        quantity=series.quantity.fill_null(0.0).cast("float64"),
    )
    series = _with_changes(series, monthly, ["customer_id", "key"], "first_idx")
    named = by == "sku"
    if named:
        series = with_product_name(series, products, "key")
    return series.select(
        "customer_id",
        "key",
        *(["name"] if named else []),
        month=_month_label(series.idx),
        revenue=series.revenue,
        quantity=series.quantity,
        mom_change=series.mom_change,
        mom_pct=series.mom_pct,
        yoy_change=series.yoy_change,
        yoy_pct=series.yoy_pct,
    ).order_by(["customer_id", "key", "month"])


def latest_rows(
    orders: ir.Table,
    products: ir.Table,
    *,
    as_of: dt.date,
    by: Literal["sku", "line"] = "sku",
    months: int = 1,
    limit: int = 40,
    customer_id: str | None = None,
) -> ir.Table:
    """The top rows of :func:`product_dynamics` in the last ``months`` calendar months up to
    ``as_of``: latest month first, then by revenue (descending), ``customer_id``, ``key``; at
    most ``limit`` rows. Only those months are computed (with the 13 before them, for the
    changes), and only keys bought in them, so this stays quick on a large base.
    """
    _check_months(months, "months")
    start = add_months(as_of.replace(day=1), -(months - 1))
    expr = product_dynamics(
        orders,
        products,
        as_of=as_of,
        by=by,
        customer_id=customer_id,
        start=start,
        idle_keys=False,
    )
    return expr.order_by(
        [expr.month.desc(), expr.revenue.desc(), expr.customer_id, expr.key]
    ).limit(limit)


def line_trends(
    orders: ir.Table, products: ir.Table, *, as_of: dt.date, months: int = 24
) -> ir.Table:
    """Total revenue per product line per calendar month over the last ``months`` calendar months.

    The range is ``as_of``'s month and the ``months - 1`` calendar months before it; ``as_of``'s
    month counts only up to ``as_of`` (later lines are ignored). Every product line with an
    order line in the range gets a row for every month of the range, zero-filled; lines without a
    known product line appear as ``"(no sku)"`` and ``"(unknown)"`` (see the module notes) so that
    the lines add up to the total.

    Columns, ordered by ``product_line`` then ``month``: ``product_line``, ``month``
    (``'YYYY-MM'``), ``revenue``, ``mom_change``, ``mom_pct``, ``yoy_change``, ``yoy_pct``. The
    changes are computed against the months before the range too (its first month's previous
    month and the twelve months before the range), so they are never null for lack of data;
    the pcts are null where the base revenue is zero.
    """
    check_as_of(as_of)
    _check_months(months, "months")
    last = _month_index(as_of)
    first_shown = last - months + 1
    first_computed = first_shown - 12
    lines = orders.filter(
        orders.order_date >= ibis.literal(_month_start(first_computed)),
        orders.order_date <= ibis.literal(as_of),
        orders.customer_id.notnull(),
    )
    lines = with_product_line(lines, products)
    lines = lines.select(
        product_line=lines.product_line,
        idx=_month_index_expr(lines.order_date),
        amount=lines.amount.cast("float64"),
    )
    monthly = lines.group_by(["product_line", "idx"]).aggregate(revenue=lines.amount.sum())
    shown_lines = monthly.filter(monthly.idx >= first_shown).select("product_line").distinct()
    grid = shown_lines.cross_join(_months_table(first_shown, last))
    series = grid.left_join(monthly, ["product_line", "idx"])
    series = series.select(
        product_line=series.product_line,
        idx=series.idx,
        first=ibis.literal(first_computed),
        revenue=series.revenue.fill_null(0.0).cast("float64"),
    )
    series = _with_changes(series, monthly, ["product_line"], "first")
    return series.select(
        "product_line",
        month=_month_label(series.idx),
        revenue=series.revenue,
        mom_change=series.mom_change,
        mom_pct=series.mom_pct,
        yoy_change=series.yoy_change,
        yoy_pct=series.yoy_pct,
    ).order_by(["product_line", "month"])
