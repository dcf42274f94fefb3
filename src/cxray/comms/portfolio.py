"""What the measured campaigns added together, against what their own attribution claims: the
"146% of sales came from marketing" check.

For measured campaigns ``i`` (:class:`cxray.comms.measure.Measurement`):

- **incremental revenue** ``I = sum(I_i)``, each ``I_i = n_t,i x (m_t,i - m_c,i)`` (revenue per
  customer, target against control); its standard error
  ``se_i = n_t,i x sqrt(s_t,i^2 / n_t,i + s_c,i^2 / n_c,i)`` (the Welch standard error of the
  difference, times the target's size). The campaigns' controls are drawn independently, so
  ``se(I) = sqrt(sum(se_i^2))`` and the 95% interval is ``I +- 1.959964 x se(I)`` (normal).
- **attributed revenue** ``A = sum(R_t,i)``: the revenue of the target group in each campaign's
  window and scope -- what "every converter in the target bought because of the mailing" claims.
- **sales** ``S``: every order line's amount from the day after the earliest send to the latest
  observed day of any window. ``A / S`` above 1 is the impossible claim; ``I / S`` is the share
  the campaigns can defend.

A campaign whose revenue figures are undefined (a group of one customer) is listed and left out
of the sums (``included`` false).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from cxray.comms.measure import CONFIDENCE, Measurement

__all__ = ["Portfolio", "portfolio"]

_Z = 1.959963984540054  # the 97.5% normal quantile (CONFIDENCE = 0.95)


@dataclass(frozen=True)
class Portfolio:
    """The sums over ``campaigns`` (one dict per measurement, see :func:`portfolio`)."""

    campaigns: tuple[dict[str, Any], ...]
    incremental_revenue: float
    incremental_ci_low: float | None
    incremental_ci_high: float | None
    attributed_revenue: float
    sales: float | None
    first_day: dt.date | None
    last_day: dt.date | None

    @property
    def attributed_share(self) -> float | None:
        return self.attributed_revenue / self.sales if self.sales else None

    @property
    def incremental_share(self) -> float | None:
        return self.incremental_revenue / self.sales if self.sales else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "campaigns": [dict(c) for c in self.campaigns],
            "measured": sum(1 for c in self.campaigns if c["included"]),
            "incremental_revenue": self.incremental_revenue,
            "incremental_ci_low": self.incremental_ci_low,
            "incremental_ci_high": self.incremental_ci_high,
            "confidence": CONFIDENCE,
            "attributed_revenue": self.attributed_revenue,
            "sales": self.sales,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "attributed_share": self.attributed_share,
            "incremental_share": self.incremental_share,
        }


def _se(m: Measurement) -> float | None:
    t, c = m.target, m.control
    if t.revenue_sd is None or c.revenue_sd is None or not t.n or not c.n:
        return None
    return t.n * math.sqrt(t.revenue_sd**2 / t.n + c.revenue_sd**2 / c.n)


def portfolio(measurements: Sequence[tuple[str, Measurement]], orders: ir.Table) -> Portfolio:
    """The portfolio line of ``measurements`` (``(name, measurement)`` pairs) over ``orders``
    (see the module notes). **Executes** one aggregate query for the sales."""
    rows: list[dict[str, Any]] = []
    total = attributed = 0.0
    variance = 0.0
    first: dt.date | None = None
    last: dt.date | None = None
    for name, m in measurements:
        se = _se(m)
        included = m.incremental_revenue is not None and se is not None
        rows.append({"name": name, "campaign_id": m.campaign_id, "verdict": m.verdict,
                     "metric": m.metric, "incremental_revenue": m.incremental_revenue,
                     "incremental_ci_low": m.incremental_revenue_ci_low,
                     "incremental_ci_high": m.incremental_revenue_ci_high,
                     "attributed_revenue": m.target.revenue, "included": included})  # fmt: skip
        if not included:
            continue
        total += float(m.incremental_revenue)  # type: ignore[arg-type]
        variance += float(se) ** 2  # type: ignore[arg-type]
        attributed += float(m.target.revenue)
        first = m.start if first is None else min(first, m.start)
        last = m.observed_end if last is None else max(last, m.observed_end)
    sales = None
    if first is not None and last is not None:
        day = orders.order_date.cast("date")
        window = orders.filter(day > ibis.literal(first), day <= ibis.literal(last))
        sales = float(window.amount.sum().fill_null(0).to_pyarrow().as_py())
    half = _Z * math.sqrt(variance) if first is not None else None
    return Portfolio(
        campaigns=tuple(rows),
        incremental_revenue=total,
        incremental_ci_low=None if half is None else total - half,
        incremental_ci_high=None if half is None else total + half,
        attributed_revenue=attributed,
        sales=sales,
        first_day=first,
        last_day=last,
    )
