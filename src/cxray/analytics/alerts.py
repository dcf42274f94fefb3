"""Alerts on the customers that matter most: regular and key clients that fade or drift away.

Two kinds, each with the numbers that explain it:

- **p_alive**: a customer that is regular or key (at ``as_of``, or a year before it) and whose
  probability of still being a customer, P(alive) from the BG/NBD model
  (:mod:`cxray.analytics.clv`), is below ``p_alive_threshold``.
- **drift**: a regular or key customer whose revenue in the last ``months`` months fell against
  the same months a year earlier by more than ``drift_threshold`` (a share: 0.3 = a fall of more
  than 30%), with the product lines whose revenue fell most.
- **portal_activity_fell**: a regular or key customer whose web sessions fell
  (:func:`cxray.analytics.web_interest.portal_activity_fell`: the last 30 days at most half of
  its mean per 30 days over the 180 days before, that mean at least 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from cxray.analytics import web_interest as wi
from cxray.analytics.clv import ClvResult
from cxray.analytics.products import with_product_line
from cxray.analytics.structure import StructureParams, customer_status
from cxray.analytics.windows import Window, add_months, trailing_window


def _check(months: int, threshold: float) -> None:
    if not isinstance(months, int) or months <= 0 or months > 12:
        raise ValueError(f"months must be a whole number from 1 to 12, got {months!r}")
    if not 0 < threshold < 1:
        raise ValueError(f"drift_threshold must be between 0 and 1 (a share), got {threshold!r}")


def drift_windows(as_of: dt.date, months: int) -> tuple[Window, Window]:
    """The recent window (as_of - months, as_of] and the same months a year earlier."""
    recent = trailing_window(as_of, months)
    earlier = Window(add_months(as_of, -12 - months), add_months(as_of, -12))
    return recent, earlier


def _recent_vs_year_ago(lines: ir.Table, as_of: dt.date, months: int, by: list[str]) -> ir.Table:
    recent, earlier = drift_windows(as_of, months)
    return lines.group_by(by).aggregate(
        revenue_recent=lines.amount.sum(where=recent.contains(lines.order_date)).fill_null(0.0),
        revenue_year_ago=lines.amount.sum(where=earlier.contains(lines.order_date)).fill_null(0.0),
    )


def drift(
    orders: ir.Table,
    status: ir.Table,
    *,
    as_of: dt.date,
    months: int = 3,
    drift_threshold: float = 0.30,
) -> ir.Table:
    """Regular and key customers whose revenue fell by more than ``drift_threshold``.

    ``status`` is :func:`cxray.analytics.structure.customer_status` at ``as_of``. Columns:
    ``customer_id, key, regular, revenue_recent, revenue_year_ago, change, change_pct`` (change
    = recent - year ago, change_pct = change / year ago; only customers with positive revenue a
    year ago), sorted by change (largest fall first).
    """
    _check(months, drift_threshold)
    watched = status.filter(status.key | status.regular).select("customer_id", "key", "regular")
    _, earlier = drift_windows(as_of, months)
    lines = orders.filter((orders.order_date > earlier.start) & (orders.order_date <= as_of))
    totals = _recent_vs_year_ago(lines, as_of, months, ["customer_id"])
    joined = watched.inner_join(totals, "customer_id")
    change = joined.revenue_recent - joined.revenue_year_ago
    result = joined.mutate(change=change, change_pct=change / joined.revenue_year_ago)
    result = result.filter((result.revenue_year_ago > 0) & (result.change_pct < -drift_threshold))
    return result.order_by([result.change, result.customer_id])


def drift_lines(
    orders: ir.Table,
    products: ir.Table,
    customers: ir.Table,
    *,
    as_of: dt.date,
    months: int = 3,
    top: int = 3,
) -> ir.Table:
    """For the customers in ``customers`` (a table with ``customer_id``), the ``top`` product
    lines whose revenue fell most: ``customer_id, product_line, revenue_recent,
    revenue_year_ago, change`` (only lines that fell), largest fall first."""
    _check(months, 0.5)
    _, earlier = drift_windows(as_of, months)
    ids = customers.select("customer_id").distinct()
    lines = orders.filter((orders.order_date > earlier.start) & (orders.order_date <= as_of))
    lines = lines.semi_join(ids, "customer_id")
    per_line = _recent_vs_year_ago(
        with_product_line(lines, products), as_of, months, ["customer_id", "product_line"]
    )
    per_line = per_line.mutate(change=per_line.revenue_recent - per_line.revenue_year_ago)
    fell = per_line.filter(per_line.change < 0)
    ranked = fell.mutate(
        _n=ibis.row_number().over(group_by="customer_id", order_by=[fell.change, fell.product_line])
    )
    ranked = ranked.filter(ranked._n < top).drop("_n")
    return ranked.order_by([ranked.customer_id, ranked.change])


def watched(
    customers: ir.Table,
    contacts: ir.Table,
    interactions: ir.Table,
    orders: ir.Table,
    *,
    as_of: dt.date,
    params: StructureParams | None = None,
    status: ir.Table | None = None,
    status_year_ago: ir.Table | None = None,
) -> ir.Table:
    """Customers that are regular or key at ``as_of`` or were a year before it.

    Columns: ``customer_id, key, regular`` (at ``as_of``), ``key_year_ago, regular_year_ago``.
    ``status`` / ``status_year_ago``: the customer status at ``as_of`` / 12 months earlier,
    when already computed.
    """
    params = params or StructureParams()
    now = status
    if now is None:
        now = customer_status(customers, contacts, interactions, orders, as_of=as_of, params=params)
    before = status_year_ago
    if before is None:
        before = customer_status(
            customers, contacts, interactions, orders, as_of=add_months(as_of, -12), params=params
        )
    before = before.select(
        _b_id=before.customer_id, key_year_ago=before.key, regular_year_ago=before.regular
    )
    j = now.left_join(before, now.customer_id == before._b_id)
    j = j.select(
        "customer_id",
        "key",
        "regular",
        key_year_ago=j.key_year_ago.fill_null(False),
        regular_year_ago=j.regular_year_ago.fill_null(False),
    )
    return j.filter(j.key | j.regular | j.key_year_ago | j.regular_year_ago)


def watched_count(status: ir.Table, status_year_ago: ir.Table) -> int:
    """How many customers :func:`watched` would return: regular or key at ``as_of`` or a year
    before (``status`` / ``status_year_ago``: the customer status at those dates)."""
    now = status.filter(status.key | status.regular).select("customer_id")
    then = status_year_ago.filter(status_year_ago.key | status_year_ago.regular)
    both = now.union(then.select("customer_id"), distinct=True)
    return int(both.count().to_pyarrow().as_py())


def fading(
    watched_rows: pd.DataFrame, clv_customers: pd.DataFrame, *, p_alive_threshold: float = 0.5
) -> pd.DataFrame:
    """Watched customers (see :func:`watched`, executed) whose P(alive) is below the threshold.

    ``clv_customers`` is :attr:`cxray.analytics.clv.ClvResult.customers`. Columns: the watched
    columns plus ``p_alive, frequency, recency, T, clv``, lowest P(alive) first.
    """
    if not 0 < p_alive_threshold < 1:
        raise ValueError(f"p_alive_threshold must be between 0 and 1, got {p_alive_threshold!r}")
    cols = ["customer_id", "p_alive", "frequency", "recency", "T", "clv"]
    merged = watched_rows.merge(clv_customers[cols], on="customer_id", how="inner")
    flagged = merged[merged["p_alive"] < p_alive_threshold]
    return flagged.sort_values(["p_alive", "customer_id"]).reset_index(drop=True)


@dataclass(frozen=True)
class Alert:
    """One alert with the numbers that explain it (``kind`` is ``p_alive``, ``drift`` or
    ``portal_activity_fell``)."""

    kind: str
    customer_id: str
    key: bool
    regular: bool
    numbers: dict[str, Any]
    lines: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "customer_id": self.customer_id,
            "key": self.key,
            "regular": self.regular,
            **self.numbers,
            "lines": list(self.lines),
        }


def alerts(
    tables: dict[str, ir.Table],
    *,
    as_of: dt.date,
    p_alive_threshold: float = 0.5,
    drift_threshold: float = 0.30,
    months: int = 3,
    params: StructureParams | None = None,
    clv: ClvResult | None = None,
    status: ir.Table | None = None,
    status_year_ago: ir.Table | None = None,
) -> list[Alert]:
    """Every alert as of ``as_of``: fading customers first, then drift, each list worst first
    (the portal activity alerts, :func:`portal_alerts`, read the web events apart).

    ``tables`` maps canonical table names to Ibis tables. ``clv``: the CLV models fitted on the
    orders up to ``as_of`` (:func:`cxray.analytics.clv.fit_clv`, in weeks), which give P(alive);
    without it (too little history to fit them) only the drift alerts are returned.
    ``status`` / ``status_year_ago``: the customer status at ``as_of`` / 12 months earlier,
    when already computed.
    """
    _check(months, drift_threshold)
    params = params or StructureParams()
    c, o = tables["customers"], tables["orders"]
    if status is None:
        status = customer_status(
            c, tables["contacts"], tables["interactions"], o, as_of=as_of, params=params
        )
    seen = watched(
        c, tables["contacts"], tables["interactions"], o, as_of=as_of, params=params,
        status=status, status_year_ago=status_year_ago,
    ).to_pandas()  # fmt: skip
    result: list[Alert] = []
    if clv is not None and len(seen):
        for r in fading(seen, clv.customers, p_alive_threshold=p_alive_threshold).itertuples():
            result.append(
                Alert(
                    "p_alive",
                    r.customer_id,
                    bool(r.key),
                    bool(r.regular),
                    {
                        "key_year_ago": bool(r.key_year_ago),
                        "regular_year_ago": bool(r.regular_year_ago),
                        "p_alive": float(r.p_alive),
                        "weeks_since_last": float(r.T - r.recency),
                        "repeat_purchases": int(r.frequency),
                    },
                )
            )
    flagged = drift(o, status, as_of=as_of, months=months, drift_threshold=drift_threshold)
    rows = flagged.to_pyarrow().to_pylist()
    by_customer: dict[str, list[dict]] = {}
    if rows:
        for line in (
            drift_lines(o, tables["products"], flagged, as_of=as_of, months=months)
            .to_pyarrow()
            .to_pylist()
        ):
            by_customer.setdefault(line.pop("customer_id"), []).append(line)
    for r in rows:
        result.append(
            Alert(
                "drift",
                r["customer_id"],
                bool(r["key"]),
                bool(r["regular"]),
                {
                    "months": months,
                    "revenue_recent": r["revenue_recent"],
                    "revenue_year_ago": r["revenue_year_ago"],
                    "change": r["change"],
                    "change_pct": r["change_pct"],
                },
                tuple(by_customer.get(r["customer_id"], [])),
            )
        )
    return result


def portal_alerts(
    events: ir.Table,
    status: ir.Table,
    *,
    as_of: dt.date,
    recent_days: int = wi.RECENT_DAYS,
    base_days: int = wi.BASE_DAYS,
    max_ratio: float = wi.MAX_RATIO,
    min_mean: float = wi.MIN_MEAN,
) -> list[Alert]:
    """The ``portal_activity_fell`` alerts, with their figures and parameters, of the customer
    status at ``as_of`` and ``events``: the sessioned web events of the ``recent_days +
    base_days`` days up to ``as_of`` (see :func:`cxray.analytics.web_interest.session_counts`)."""
    counts = wi.session_counts(events, as_of=as_of, recent_days=recent_days)
    fell = wi.portal_activity_fell(
        counts, status, recent_days=recent_days, base_days=base_days, max_ratio=max_ratio,
        min_mean=min_mean,
    )  # fmt: skip
    params = {"recent_days": recent_days, "base_days": base_days, "max_ratio": max_ratio,
              "min_mean": min_mean}  # fmt: skip
    return [
        Alert(
            "portal_activity_fell",
            r["customer_id"],
            bool(r["key"]),
            bool(r["regular"]),
            {
                "sessions_recent": int(r["sessions_recent"]),
                "sessions_before": int(r["sessions_before"]),
                "sessions_mean": float(r["sessions_mean"]),
                "ratio": float(r["ratio"]),
                **params,
            },
        )
        for r in fell.to_pyarrow().to_pylist()
    ]
