"""Web interest: what customers look at on the site, read against what they buy.

The functions take the canonical ``web_events`` table (see :mod:`cxray.ingest.schema`), with
the customer of each event as :func:`cxray.analytics.web_events.identified` finds it (the
events a visitor made before signing in belong to the customer too), and return lazy Ibis
expressions.

- **A view of a product line** is a page view whose URL matches one of the line's URL patterns
  (the workspace setting ``web_line_pages``; patterns as in :mod:`cxray.analytics.web_actions`:
  one starting with ``/`` is matched against the URL's path). A page of two lines counts for
  both.
- **Viewed but does not buy**: a line a customer viewed at least ``min_views`` times in the
  last ``days`` days and did not buy in the white-space window (net revenue on the line above
  zero, :func:`cxray.analytics.whitespace.bought_lines`).
- **Portal activity fell**: a regular or key customer whose web sessions
  (:func:`cxray.analytics.web_events.sessions`, counted by the day they start) in the last
  ``recent_days`` days are at most ``max_ratio`` of its mean per ``recent_days`` days over the
  ``base_days`` days before, when that mean is at least ``min_mean``.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator

import ibis
import ibis.expr.types as ir

from cxray.analytics import web_events as we
from cxray.analytics.web_actions import Action
from cxray.analytics.whitespace import bought_lines

DEFAULT_DAYS = 90
MIN_VIEWS = 2
RECENT_DAYS = 30
BASE_DAYS = 180
MAX_RATIO = 0.5
MIN_MEAN = 2.0
_TOL = 1e-9  # a ratio or mean exactly at its threshold counts on every backend


def _is_line_page(events: ir.Table, patterns: list[str]) -> ir.BooleanValue:
    """Whether each of the identified ``events`` is a page view of one of ``patterns``."""
    hits = [we.matches(events, Action("page", url=p, event="pageview")) for p in patterns]
    return functools.reduce(operator.or_, hits)


def line_views(
    events: ir.Table,
    line_pages: dict[str, list[str]],
    *,
    as_of: dt.date,
    days: int = DEFAULT_DAYS,
) -> ir.Table:
    """Per customer and product line of ``line_pages`` (line -> URL patterns), the views of the
    line's pages in the ``days`` days up to ``as_of``: ``customer_id``, ``product_line``,
    ``views`` (int) and ``last_view`` (timestamp). Only identified customers; only pairs with a
    view. ``events`` is the raw ``web_events`` table."""
    if days < 1:
        raise ValueError(f"days must be 1 or more, got {days!r}")
    known = we.identified(events)  # identify events of any time name the visitor
    seen = we.window(known, as_of=as_of, days=days)
    seen = seen.filter(seen.customer.notnull(), seen.type == "pageview")
    parts = [
        seen.filter(_is_line_page(seen, patterns)).select(
            customer_id=seen.customer, product_line=ibis.literal(line, "string"), ts=seen.ts
        )
        for line, patterns in line_pages.items()
        if patterns
    ]
    if not parts:
        empty = seen.select(customer_id=seen.customer, product_line=seen.type, ts=seen.ts)
        parts = [empty.limit(0)]
    hits = ibis.union(*parts) if len(parts) > 1 else parts[0]
    return hits.group_by(["customer_id", "product_line"]).aggregate(
        views=hits.count().cast("int64"), last_view=hits.ts.max()
    )


def viewed_not_bought(
    views: ir.Table,
    orders: ir.Table,
    products: ir.Table,
    *,
    as_of: dt.date,
    window_months: int = 24,
    min_views: int = MIN_VIEWS,
) -> ir.Table:
    """The rows of :func:`line_views` with at least ``min_views`` views whose line the customer
    did not buy in the trailing ``window_months`` months (white space's window and definition
    of bought), the most viewed first (then ``customer_id``, ``product_line``)."""
    if isinstance(min_views, bool) or not isinstance(min_views, int) or min_views < 1:
        raise ValueError(f"min_views must be a whole number of at least 1, got {min_views!r}")
    bought = bought_lines(orders, products, as_of=as_of, window_months=window_months)
    viewed = views.filter(views.views >= min_views)
    kept = viewed.anti_join(bought, ["customer_id", "product_line"])
    return kept.select("customer_id", "product_line", "views", "last_view").order_by(
        [ibis.desc("views"), "customer_id", "product_line"]
    )


def session_counts(events: ir.Table, *, as_of: dt.date, recent_days: int = RECENT_DAYS) -> ir.Table:
    """Per identified customer, its web sessions that start in the last ``recent_days`` days up
    to ``as_of`` (``sessions_recent``) and before them (``sessions_before``). ``events``: the
    sessioned events (:func:`cxray.analytics.web_events.sessions` of the identified events) of
    the ``recent_days + base_days`` days up to ``as_of`` (:func:`cxray.analytics.web_events.
    window`), kept in the backend: SQLite cannot parse the whole query nested."""
    if recent_days < 1:
        raise ValueError(f"recent_days must be 1 or more, got {recent_days!r}")
    per = events.group_by("session").aggregate(
        customer_id=events.customer.max(), start=events.ts.min()
    )
    per = per.filter(per.customer_id.notnull())
    cut = ibis.literal(dt.datetime.combine(as_of - dt.timedelta(days=recent_days - 1), dt.time()))
    recent = per.start >= cut
    return per.group_by("customer_id").aggregate(
        sessions_recent=recent.cast("int64").sum(),
        sessions_before=(~recent).cast("int64").sum(),
    )


def portal_activity_fell(
    counts: ir.Table,
    status: ir.Table,
    *,
    recent_days: int = RECENT_DAYS,
    base_days: int = BASE_DAYS,
    max_ratio: float = MAX_RATIO,
    min_mean: float = MIN_MEAN,
) -> ir.Table:
    """The regular and key customers of ``status`` (the customer status at the date of
    ``counts``, :func:`session_counts` with the same days) whose recent sessions are at most
    ``max_ratio`` of ``sessions_mean`` (their sessions before per ``recent_days`` days), that
    mean being at least ``min_mean``. Columns: ``customer_id, key, regular, sessions_recent,
    sessions_before, sessions_mean, ratio`` (recent / mean), the largest fall first."""
    if not 0 < max_ratio < 1:
        raise ValueError(f"max_ratio must be between 0 and 1, got {max_ratio!r}")
    if not min_mean > 0:
        raise ValueError(f"min_mean must be above 0, got {min_mean!r}")
    watched = status.filter(status.key | status.regular).select("customer_id", "key", "regular")
    joined = watched.inner_join(counts, "customer_id")
    mean = joined.sessions_before.cast("float64") * recent_days / base_days
    rows = joined.mutate(sessions_mean=mean, ratio=joined.sessions_recent.cast("float64") / mean)
    rows = rows.filter(
        rows.sessions_mean >= min_mean * (1 - _TOL),
        rows.sessions_recent <= rows.sessions_mean * max_ratio * (1 + _TOL),
    )
    return rows.select(
        "customer_id", "key", "regular", "sessions_recent", "sessions_before", "sessions_mean",
        "ratio",
    ).order_by(["ratio", ibis.desc("sessions_mean"), "customer_id"])  # fmt: skip
