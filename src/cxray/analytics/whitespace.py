"""White space: the product lines a customer does not buy while its peers do.

Every function takes Ibis tables with the canonical schema (see :mod:`cxray.ingest.schema`) and an
explicit ``as_of`` date. The window is the trailing ``(as_of - window_months months, as_of]``
(see :func:`cxray.analytics.windows.trailing_window`).

Definitions:

- **active customers**: :func:`cxray.analytics.structure.active_customers` with
  ``active_window = window_months`` (at least one purchase day in the window).
- **product lines**: the non-null ``product_line`` values of the products whose SKUs have order
  lines in the window. Revenue of lines without a SKU, or whose SKU has no product row or no
  line, belongs to no product line and is left out here.
- a customer **bought** a line when its net window revenue on the line is positive (above 1e-9,
  which absorbs the floating-point residue of sums that net out); otherwise the line is
  **white space** for it (a line bought and fully returned is white space).
- **segment**: the customer's value of the ``segment_by`` column of ``customers`` (default
  ``segment``; any customer column, e.g. ``region`` or ``country``): null when it has no row, no
  value, or (for ``segment`` only) the table has no such column.
- product lines are listed by their total window revenue over all active customers, largest
  first (ties by name), so a matrix reads from the biggest line.
"""

from __future__ import annotations

import datetime as dt
import math

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir

from cxray.analytics.groups import customer_groups
from cxray.analytics.products import NO_SKU, UNKNOWN_LINE, with_product_line
from cxray.analytics.structure import active_customers
from cxray.analytics.windows import check_as_of, trailing_window

__all__ = ["bought_lines", "line_matrix", "line_revenue", "opportunities"]

# Revenue above this counts as bought.
_EPS = 1e-9
# Relative tolerance for "peer_share >= min_peer_share": a share that exactly reaches the
# threshold must count on every backend.
_TOL = 1e-9


def _active(
    orders: ir.Table, customers: ir.Table, as_of: dt.date, window_months: int, segment_by: str
) -> ir.Table:
    """``customer_id`` and ``segment`` of the active customers (see the module notes)."""
    active = active_customers(orders, as_of=as_of, active_window=window_months)
    if segment_by == "segment" and "segment" not in customers.columns:
        segments = (
            customers.select("customer_id").distinct().mutate(segment=ibis.null().cast("string"))
        )
    else:
        groups = customer_groups(customers, segment_by)
        segments = groups.select("customer_id", segment=groups.group)
    joined = active.left_join(segments, "customer_id")
    return joined.select(customer_id=joined.customer_id, segment=joined.segment.cast("string"))


def line_matrix(
    orders: ir.Table,
    products: ir.Table,
    customers: ir.Table,
    *,
    as_of: dt.date,
    window_months: int = 24,
    segment_by: str = "segment",
) -> ir.Table:
    """Customer x product line revenue in the trailing window, in long format.

    One row for every active customer and every product line (see the module notes), 0.0 where
    the customer had no line of it in the window (white space). Columns, ordered by
    ``customer_id`` then by the product line's total revenue (largest first, ties by name):

    - ``customer_id``
    - ``segment`` (string): the customer's ``segment_by`` value, null when it has none
    - ``product_line``
    - ``revenue`` (float): the customer's net revenue on the line in the window (returns are
      negative lines), 0.0 when none

    An active customer whose window lines all lack a product line still appears, with 0.0 in
    every line. Raises ``ValueError`` unless ``window_months`` is a positive whole number, or
    when ``customers`` has no ``segment_by`` column (other than ``segment``).

    Example::

        m = line_matrix(orders, products, customers, as_of=date(2026, 6, 30))
        m.pivot_wider(names_from="product_line", values_from="revenue").to_pandas()
    """
    matrix = _matrix(orders, products, customers, as_of, window_months, segment_by)
    line_total = matrix.revenue.sum().over(group_by="product_line")
    matrix = matrix.mutate(_total=line_total)
    return matrix.order_by(["customer_id", ibis.desc("_total"), "product_line"]).drop("_total")


def _matrix(
    orders: ir.Table,
    products: ir.Table,
    customers: ir.Table,
    as_of: dt.date,
    window_months: int,
    segment_by: str = "segment",
) -> ir.Table:
    """:func:`line_matrix` in no particular order (what the other computations start from)."""
    revenue = line_revenue(orders, products, as_of=as_of, window_months=window_months)
    product_lines = revenue.select("product_line").distinct()
    grid = _active(orders, customers, as_of, window_months, segment_by).cross_join(product_lines)
    joined = grid.left_join(revenue, ["customer_id", "product_line"])
    return joined.select(
        customer_id=joined.customer_id,
        segment=joined.segment,
        product_line=joined.product_line,
        revenue=joined.revenue.fill_null(0.0).cast("float64"),
    )


def line_revenue(
    orders: ir.Table, products: ir.Table, *, as_of: dt.date, window_months: int = 24
) -> ir.Table:
    """Each customer's net revenue on each product line in the trailing window (see the module
    notes): ``customer_id``, ``product_line``, ``revenue``; only the pairs with lines."""
    check_as_of(as_of)
    window = trailing_window(as_of, window_months)
    lines = orders.filter(window.contains(orders.order_date), orders.customer_id.notnull())
    lines = with_product_line(lines, products)
    lines = lines.filter(~lines.product_line.isin([NO_SKU, UNKNOWN_LINE]))
    return lines.group_by(["customer_id", "product_line"]).aggregate(revenue=lines.amount.sum())


def bought_lines(
    orders: ir.Table, products: ir.Table, *, as_of: dt.date, window_months: int = 24
) -> ir.Table:
    """The (``customer_id``, ``product_line``) pairs a customer **bought** in the trailing
    window (net revenue above zero, see the module notes)."""
    revenue = line_revenue(orders, products, as_of=as_of, window_months=window_months)
    return revenue.filter(revenue.revenue > _EPS).select("customer_id", "product_line")


def _buyer_stats(matrix: ir.Table, group: list[str]) -> ir.Table:
    """Per ``group`` and product line: customers, buyers and the buyers' median revenue.

    Columns: the ``group`` columns, ``product_line``, ``n`` (customers in the group), ``buyers``
    and ``median`` (null when there are no buyers). The median of ``k`` sorted values is the mean
    of the values at 1-based positions ``floor((k + 1) / 2)`` and ``ceil((k + 1) / 2)``, i.e. the
    positions ``p`` with ``k <= 2 * p <= k + 2``; computed with window functions, because SQLite
    has no median.
    """
    keys = [*group, "product_line"]
    counts = matrix.group_by(keys).aggregate(
        n=matrix.customer_id.count(),
        buyers=(matrix.revenue > _EPS).cast("int64").sum(),
    )
    bought = matrix.filter(matrix.revenue > _EPS)
    if ibis.get_backend(matrix).has_operation(ops.Median):  # an exact median, as below
        medians = bought.group_by(keys).aggregate(median=bought.revenue.median())
    else:
        medians = _median_by_rank(bought, keys)
    joined = counts.left_join(medians, keys)
    return joined.select(
        *[joined[c] for c in keys],
        n=joined.n.cast("int64"),
        buyers=joined.buyers.fill_null(0).cast("int64"),
        median=joined.median.cast("float64"),
    )


def _median_by_rank(bought: ir.Table, keys: list[str]) -> ir.Table:
    """Median revenue per ``keys`` with window functions, for backends without a median."""
    window = ibis.window(group_by=keys, order_by=[bought.revenue, bought.customer_id])
    bought = bought.mutate(
        pos=ibis.row_number().over(window) + 1,
        k=bought.customer_id.count().over(ibis.window(group_by=keys)),
    )
    middle = bought.filter(bought.k <= 2 * bought.pos, 2 * bought.pos <= bought.k + 2)
    return middle.group_by(keys).aggregate(median=middle.revenue.mean())


def opportunities(
    orders: ir.Table,
    products: ir.Table,
    customers: ir.Table,
    *,
    as_of: dt.date,
    window_months: int = 24,
    min_peer_share: float = 0.3,
    customer_id: str | None = None,
    segment_by: str = "segment",
    min_peers: int = 5,
) -> ir.Table:
    """Product lines a customer does not buy while many of its peers do, with a revenue potential.

    For each active customer and each product line that is white space for it in the window
    (see the module notes and :func:`line_matrix`):

    - **peers**: the other active customers of its segment; for a customer without a segment, all
      other active customers. (Customers without a segment are not peers of segmented ones; when
      the customers table has no segment values at all, everybody's peers are all the others.)
    - ``peer_share`` = peers who bought the line / peers
    - ``potential`` = median window revenue on the line among the peers who bought it (the mean of
      the two middle values for an even number of buyers)

    Rows with ``peer_share >= min_peer_share`` are kept (a share exactly equal to the threshold is
    kept), and only where the customer has at least ``min_peers`` peers (default 5): a share of
    a smaller group says little, and a customer alone in its segment gets no rows. The segment is
    the customer's value of the ``segment_by`` column (any customer column, default
    ``segment``). Columns, ordered by
    ``potential`` descending, then ``customer_id``, ``product_line``:

    ``customer_id``, ``segment``, ``product_line``, ``peers`` (int), ``peer_buyers`` (int),
    ``peer_share`` (float), ``potential`` (float).

    ``customer_id`` restricts the rows to one customer (its peers are still all the others).
    Raises ``ValueError`` unless ``0 < min_peer_share <= 1``, ``min_peers`` is a whole number of
    at least 1 and ``window_months`` is a positive whole number, or when ``customers`` has no
    ``segment_by`` column (other than ``segment``).

    Example::

        opportunities(orders, products, customers, as_of=date(2026, 6, 30),
                      customer_id="C042").to_pandas()
    """
    check_as_of(as_of)
    if (
        isinstance(min_peer_share, bool)
        or not isinstance(min_peer_share, (int, float))
        or not math.isfinite(min_peer_share)
        or not 0 < min_peer_share <= 1
    ):
        raise ValueError(
            f"min_peer_share must be a number with 0 < min_peer_share <= 1, got {min_peer_share!r}"
        )
    if isinstance(min_peers, bool) or not isinstance(min_peers, int) or min_peers < 1:
        raise ValueError(f"min_peers must be a whole number of at least 1, got {min_peers!r}")
    matrix = _matrix(orders, products, customers, as_of, window_months, segment_by)

    in_segment = _buyer_stats(matrix.filter(matrix.segment.notnull()), ["segment"])
    overall = _buyer_stats(matrix, [])

    gaps = matrix.filter(matrix.revenue <= _EPS)
    if customer_id is not None:
        gaps = gaps.filter(gaps.customer_id == customer_id)
    gaps = gaps.left_join(
        in_segment.rename(s_n="n", s_buyers="buyers", s_median="median"),
        ["segment", "product_line"],
    ).select("customer_id", "segment", "product_line", "s_n", "s_buyers", "s_median")
    gaps = gaps.left_join(
        overall.rename(a_n="n", a_buyers="buyers", a_median="median"), "product_line"
    ).select(
        "customer_id", "segment", "product_line", "s_n", "s_buyers", "s_median",
        "a_n", "a_buyers", "a_median",
    )  # fmt: skip

    segmented = gaps.segment.notnull()
    # the customer itself is in its group but is no buyer (the line is white space for it), so
    # only the group size changes when it is left out
    peers = ibis.ifelse(segmented, gaps.s_n, gaps.a_n) - 1
    buyers = ibis.ifelse(segmented, gaps.s_buyers, gaps.a_buyers)
    potential = ibis.ifelse(segmented, gaps.s_median, gaps.a_median)
    rows = gaps.select(
        customer_id=gaps.customer_id,
        segment=gaps.segment,
        product_line=gaps.product_line,
        peers=peers.cast("int64"),
        peer_buyers=buyers.fill_null(0).cast("int64"),
        potential=potential.cast("float64"),
    )
    rows = rows.filter(rows.peers >= min_peers)
    rows = rows.mutate(peer_share=rows.peer_buyers.cast("float64") / rows.peers.cast("float64"))
    rows = rows.filter(rows.peer_share >= min_peer_share * (1 - _TOL))
    return rows.select(
        "customer_id",
        "segment",
        "product_line",
        "peers",
        "peer_buyers",
        "peer_share",
        "potential",
    ).order_by([ibis.desc("potential"), "customer_id", "product_line"])
