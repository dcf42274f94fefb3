"""The per-customer summary (frequency, recency, T, monetary), computed in the backend.

:func:`rfm_summary` (one row per customer) and :func:`summary_counts` (identical rows grouped with
a ``weight`` count, so the models are fitted on distinct summaries) are lazy Ibis expressions;
:func:`_first_order_date` asks the backend for the date of the first order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from cxray.analytics.clv.base import _check_date, _unit_days
from cxray.analytics.purchases import is_purchase

_SUMMARY_KEY = ("frequency", "recency", "T")


def rfm_summary(
    orders: ir.Table,
    *,
    calibration_end: dt.date,
    unit: str = "week",
    holdout_end: dt.date | None = None,
) -> ir.Table:
    """Per-customer ``frequency, recency, T, monetary`` at ``calibration_end`` (a lazy expression).

    One row per customer acquired (first order day of any amount) on or before
    ``calibration_end``, with the
    columns ``customer_id, frequency, recency, T, monetary`` and, when ``holdout_end`` is given,
    ``holdout_purchases`` (purchase days in ``(calibration_end, holdout_end]``) and
    ``holdout_revenue`` (their revenue). See :mod:`cxray.analytics.clv` for the definitions;
    ``recency`` and ``T`` are day differences divided by the unit's length in days (:data:`UNITS`).

    Everything is computed by the backend with portable expressions (date differences in days,
    no SQL intervals), so it runs the same on DuckDB, SQLite and the distributed engines.
    """
    _check_date(calibration_end, "calibration_end")
    unit_days = _unit_days(unit)
    if holdout_end is not None:
        _check_date(holdout_end, "holdout_end")
        if holdout_end <= calibration_end:
            raise ValueError(
                f"holdout_end ({holdout_end.isoformat()}) must be after calibration_end "
                f"({calibration_end.isoformat()})"
            )
    last = holdout_end if holdout_end is not None else calibration_end
    cal_end = ibis.literal(calibration_end)

    day = orders.order_date
    if day.type().is_timestamp():
        day = day.date()
    lines = orders.select(customer_id=orders.customer_id, day=day, amount=orders.amount)
    lines = lines.filter(
        lines.customer_id.notnull(),
        lines.day.notnull(),
        lines.amount.notnull(),
        lines.day <= ibis.literal(last),
    )
    days = lines.group_by(["customer_id", "day"]).aggregate(revenue=lines.amount.sum())
    days = days.mutate(purchase=is_purchase(days.revenue))

    cal_days = days.filter(days.day <= cal_end)
    # the acquisition: the first order day of any amount (a zero-value first order counts)
    firsts = cal_days.group_by("customer_id").aggregate(first_day=cal_days.day.min())
    j = days.join(firsts, "customer_id")  # only customers acquired by calibration_end
    j = j.mutate(offset=j.day.delta(j.first_day, unit="day").cast("int64"), in_cal=j.day <= cal_end)
    repeat = j.in_cal & j.purchase & (j.offset > 0)
    aggregates: dict[str, ir.Value] = {
        "first_day": j.first_day.min(),
        "n_repeat": repeat.cast("int64").sum(),
        "last_offset": j.offset.max(where=repeat),
        "repeat_revenue": j.revenue.sum(where=repeat),
    }
    if holdout_end is not None:
        holdout = ~j.in_cal & j.purchase
        aggregates["ho_days"] = holdout.cast("int64").sum()
        aggregates["ho_revenue"] = j.revenue.sum(where=holdout)
    per = j.group_by("customer_id").aggregate(**aggregates)

    frequency = per.n_repeat.fill_null(0).cast("int64")
    columns: dict[str, ir.Value] = {
        "customer_id": per.customer_id,
        "frequency": frequency,
        "recency": per.last_offset.fill_null(0).cast("float64") / unit_days,
        "T": cal_end.delta(per.first_day, unit="day").cast("float64") / unit_days,
        "monetary": ibis.ifelse(
            frequency > 0,
            per.repeat_revenue.fill_null(0).cast("float64") / frequency.cast("float64"),
            ibis.literal(0.0),
        ),
    }
    if holdout_end is not None:
        columns["holdout_purchases"] = per.ho_days.cast("int64")
        columns["holdout_revenue"] = per.ho_revenue.fill_null(0).cast("float64")
    return per.select(**columns)


def summary_counts(summary: ir.Table, *, by: Sequence[str] = _SUMMARY_KEY) -> ir.Table:
    """Identical summaries grouped with a ``weight`` count (a lazy expression, run by the backend).

    ``by`` defaults to ``("frequency", "recency", "T")``, the BG/NBD sufficient statistics; the
    Gamma-Gamma fit uses ``by=("frequency", "monetary")`` on the rows with ``frequency > 0``.
    Rows are ordered by ``by`` so the result does not depend on the backend.
    """
    by = list(by)
    return summary.group_by(by).aggregate(weight=summary.count()).order_by(by)


def _first_order_date(orders: ir.Table) -> dt.date | None:
    day = orders.order_date
    first = orders.filter(day.notnull()).order_date.min().to_pyarrow().as_py()
    if isinstance(first, dt.datetime):
        first = first.date()
    return first
