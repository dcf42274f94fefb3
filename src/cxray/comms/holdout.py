"""Holdout groups: deterministic target / control assignment, the persistent global control
group and the balance check.

Assignment is a hash, not a random draw, so it is the same on every run and every machine and
needs no stored state:

- :func:`unit_hash` maps a text key to a number in ``[0, 1)``: the first 8 bytes of the SHA-256
  of its UTF-8 encoding, read as a big-endian unsigned integer, divided by ``2**64``;
- in a campaign, a customer is **control** when ``unit_hash(f"{campaign_id}:{customer_id}") <
  holdout`` (:func:`assign`), otherwise **target**. Each campaign draws its own control group,
  independent of the others, and a customer's group does not depend on who else is in the
  audience;
- the **global control group** holds the customers with
  ``unit_hash(f"global-control:{customer_id}") < global_control_share``
  (:func:`in_global_control`); it is kept out of every campaign so the total effect of all
  communications can be measured. Raising the share only adds customers to it.

:func:`balance` compares target and control on prior revenue and purchase frequency.
:mod:`cxray.comms.export` writes both lists as CSV.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable
from typing import Any

import ibis
import ibis.expr.types as ir

from cxray.analytics.windows import day_window

__all__ = [
    "CONTROL",
    "SMD_THRESHOLD",
    "TARGET",
    "assign",
    "balance",
    "groups_table",
    "in_global_control",
    "unit_hash",
]

TARGET, CONTROL = "target", "control"
SMD_THRESHOLD = 0.1
"""Groups whose standardized mean difference exceeds this (in absolute value) are flagged."""


def unit_hash(key: str) -> float:
    """A number in ``[0, 1)`` from the SHA-256 of ``key`` (stable across runs and machines).

    >>> unit_hash("abc") == unit_hash("abc")
    True
    """
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def _check_share(share: object, name: str, high: float = 1.0) -> float:
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= high:
        raise ValueError(f"{name} must be a number from 0 to {high}, got {share!r}")
    return float(share)


def assign(campaign_id: str, customer_ids: Iterable[str], share: float) -> dict[str, str]:
    """Customer id -> ``"target"`` or ``"control"`` for a campaign's final audience.

    A customer is control when ``unit_hash(f"{campaign_id}:{customer_id}") < share``. The result
    depends only on the campaign id, the customer id and the share: not on the order of
    ``customer_ids``, nor on the other customers, nor on the run. About ``share`` of a large
    audience ends up in control. Raises ``ValueError`` unless ``0 <= share <= 1``.
    """
    share = _check_share(share, "share")
    return {
        str(cid): CONTROL if unit_hash(f"{campaign_id}:{cid}") < share else TARGET
        for cid in customer_ids
    }


def in_global_control(customer_id: str, share: float) -> bool:
    """True when the customer belongs to the persistent global control group of ``share``
    (``unit_hash(f"global-control:{customer_id}") < share``). Raises ``ValueError`` unless
    ``0 <= share <= 1``."""
    share = _check_share(share, "global control share")
    return unit_hash(f"global-control:{customer_id}") < share


def groups_table(target_ids: Iterable[str], control_ids: Iterable[str]) -> ir.Table:
    """An in-memory table ``customer_id, grp`` (``"target"`` / ``"control"``) of the two lists."""
    ids = [str(c) for c in target_ids]
    controls = [str(c) for c in control_ids]
    return ibis.memtable(
        {"customer_id": ids + controls, "grp": [TARGET] * len(ids) + [CONTROL] * len(controls)},
        schema={"customer_id": "string", "grp": "string"},
    )


def balance(
    orders: ir.Table,
    target_ids: Iterable[str],
    control_ids: Iterable[str],
    *,
    as_of: dt.date,
    days: int = 365,
) -> dict[str, Any]:
    """Compare target and control on what they did before the campaign.

    Over the ``days`` days up to ``as_of`` (``(as_of - days, as_of]``), per customer:
    ``revenue`` (net sum of ``amount``) and ``frequency`` (distinct order dates), both 0 for a
    customer without orders. For each metric and group: the mean; and the standardized mean
    difference ``smd = (mean_target - mean_control) / sqrt((var_target + var_control) / 2)``
    with sample variances (n - 1). A metric is ``imbalanced`` when ``|smd| > 0.1``; when both
    variances are 0, smd is None and the metric is imbalanced exactly when the means differ.
    With an empty group means and smd are None and nothing is flagged.

    Returns a JSON-ready dict::

        {"as_of": "2026-11-01", "days": 365, "threshold": 0.1,
         "target": 800, "control": 200,
         "metrics": {"revenue": {"target_mean": ..., "control_mean": ..., "smd": ...,
                                 "imbalanced": False},
                     "frequency": {...}},
         "balanced": True}

    The per-customer sums are computed by the backend; only one row per group comes back.
    """
    groups = groups_table(target_ids, control_ids)
    window = day_window(as_of, days)
    lines = orders.filter(window.contains(orders.order_date), orders.customer_id.notnull())
    per = lines.group_by("customer_id").aggregate(
        _revenue=lines.amount.sum(), _frequency=lines.order_date.nunique()
    )
    joined = groups.left_join(per, groups.customer_id == per.customer_id)
    values = joined.select(
        grp=joined.grp,
        revenue=joined._revenue.fill_null(0.0).cast("float64"),
        frequency=joined._frequency.fill_null(0).cast("float64"),
    )
    stats = values.group_by("grp").aggregate(
        n=values.count(),
        revenue_sum=values.revenue.sum(),
        revenue_sq=(values.revenue * values.revenue).sum(),
        frequency_sum=values.frequency.sum(),
        frequency_sq=(values.frequency * values.frequency).sum(),
    )
    rows = {r["grp"]: r for r in stats.to_pyarrow().to_pylist()}

    def moments(grp: str, metric: str) -> tuple[int, float | None, float]:
        row = rows.get(grp)
        n = int(row["n"]) if row else 0
        if n == 0:
            return 0, None, 0.0
        total = float(row[f"{metric}_sum"] or 0.0)
        sq = float(row[f"{metric}_sq"] or 0.0)
        mean = total / n
        var = max((sq - n * mean * mean) / (n - 1), 0.0) if n > 1 else 0.0
        return n, mean, var

    metrics: dict[str, dict[str, Any]] = {}
    n_target = n_control = 0
    for metric in ("revenue", "frequency"):
        n_target, mean_t, var_t = moments(TARGET, metric)
        n_control, mean_c, var_c = moments(CONTROL, metric)
        smd: float | None = None
        imbalanced = False
        if mean_t is not None and mean_c is not None:
            sd = math.sqrt((var_t + var_c) / 2)
            diff = mean_t - mean_c
            if sd > 1e-12:
                smd = diff / sd
                imbalanced = abs(smd) > SMD_THRESHOLD
            else:
                smd = 0.0 if abs(diff) <= 1e-12 else None
                imbalanced = smd is None
        metrics[metric] = {
            "target_mean": mean_t,
            "control_mean": mean_c,
            "smd": smd,
            "imbalanced": imbalanced,
        }
    return {
        "as_of": as_of.isoformat(),
        "days": days,
        "threshold": SMD_THRESHOLD,
        "target": n_target,
        "control": n_control,
        "metrics": metrics,
        "balanced": not any(m["imbalanced"] for m in metrics.values()),
    }
