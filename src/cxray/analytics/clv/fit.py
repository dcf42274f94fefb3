"""The whole CLV chain on an orders table: :func:`fit_clv` and its :class:`ClvResult`."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from cxray.analytics.clv.base import (
    _check_date,
    _check_discount_rate,
    _check_horizon,
    _check_margin,
    _unit_days,
)
from cxray.analytics.clv.beta_geo import BetaGeoModel
from cxray.analytics.clv.gamma_gamma import GammaGammaModel
from cxray.analytics.clv.summary import _SUMMARY_KEY, _first_order_date, rfm_summary, summary_counts
from cxray.analytics.clv.validation import _validation
from cxray.analytics.clv.value import _purchase_predictions

CUSTOMER_COLUMNS = (
    "customer_id",
    "frequency",
    "recency",
    "T",
    "monetary",
    "p_alive",
    "expected_purchases",
    "expected_value",
    "clv",
)
"""The per-customer columns of :attr:`ClvResult.customers` (holdout columns follow them)."""

PARAMETERS = {
    "bg_nbd": ("BG/NBD", ("r", "alpha", "a", "b", "log_likelihood", "customers")),
    "gamma_gamma": ("Gamma-Gamma", ("p", "q", "v", "log_likelihood", "repeat_customers")),
}
"""The fitted parameters of each model, in the order they are shown (by :attr:`ClvResult.params`
key: the model's name and its parameters)."""


@dataclass
class ClvResult:
    """What :func:`fit_clv` returns.

    - ``params``: ``{"bg_nbd": {...}, "gamma_gamma": {...}}`` with the fitted parameters, the
      log-likelihood, the number of customers and of distinct summaries, and whether the optimiser
      converged;
    - ``customers``: one row per customer: customer_id, frequency, recency, T, monetary, p_alive,
      expected_purchases (over the horizon), expected_value (E[M], the expected value of one
      future purchase), clv (discounted, times margin); with a holdout also holdout_purchases,
      holdout_revenue and predicted_holdout_purchases;
    - ``validation`` (with a holdout): per calibration-frequency bucket 0..6 and "7+": customers,
      actual_mean / predicted_mean holdout purchases per customer and their totals;
    - ``holdout_totals`` (with a holdout): customers, holdout length, actual and predicted totals;
    - ``settings``: the parameters of the run.
    """

    params: dict[str, dict[str, Any]]
    customers: pd.DataFrame
    settings: dict[str, Any]
    validation: pd.DataFrame | None = None
    holdout_totals: dict[str, Any] | None = None
    bg: BetaGeoModel | None = field(default=None, repr=False)
    gg: GammaGammaModel | None = field(default=None, repr=False)

    def parameter_rows(self) -> list[dict[str, Any]]:
        """One row per fitted parameter of each model (``model``, ``parameter``, ``value``),
        at full precision: BG/NBD r, alpha, a, b, then Gamma-Gamma p, q, v, each model's
        log-likelihood and the customers it was fitted on."""
        return [
            {"model": model, "parameter": name, "value": self.params[key][name]}
            for key, (model, names) in PARAMETERS.items()
            if key in self.params
            for name in names
        ]

    def to_dict(self, *, customers: bool = True) -> dict[str, Any]:
        """JSON-ready dict (NaN and infinities become None); ``customers=False`` leaves them out."""
        out: dict[str, Any] = {
            "settings": _jsonable(self.settings),
            "params": _jsonable(self.params),
        }
        if self.validation is not None:
            out["validation"] = _jsonable(self.validation.to_dict(orient="records"))
            out["holdout_totals"] = _jsonable(self.holdout_totals)
        if customers:
            out["customers"] = _jsonable(self.customers.to_dict(orient="records"))
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


def _backend_results(
    summary: ir.Table, orders: ir.Table, calibration_end: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Grouped BG/NBD counts, grouped Gamma-Gamma counts and the per-customer rows of a summary.

    Raises ValueError when there are no customers or no repeat purchasers by calibration_end.
    """
    counts = summary_counts(summary).to_pandas()
    if counts.empty:
        first = _first_order_date(orders)
        if first is None:
            raise ValueError("no orders: the orders table has no dated order line")
        if first > calibration_end:
            raise ValueError(
                f"calibration_end {calibration_end.isoformat()} is before the first order "
                f"({first.isoformat()}): there are no customers to fit; choose a later date"
            )
        raise ValueError(
            f"no customer has a purchase (a day with a positive total) on or before "
            f"calibration_end {calibration_end.isoformat()}"
        )
    if not (counts["frequency"] > 0).any():
        raise ValueError(
            f"no customer made a repeat purchase on or before calibration_end "
            f"{calibration_end.isoformat()}: BG/NBD and the Gamma-Gamma spend model need repeat "
            "purchasers, so CLV cannot be computed; choose a later calibration_end"
        )
    repeaters = summary.filter(summary.frequency > 0, summary.monetary > 0)
    gg_counts = summary_counts(repeaters, by=("frequency", "monetary")).to_pandas()
    customers = summary.order_by("customer_id").to_pandas()
    return counts, gg_counts, customers


def fit_clv(
    orders: ir.Table,
    *,
    calibration_end: dt.date,
    holdout_end: dt.date | None = None,
    unit: str = "week",
    horizon: float = 52,
    discount_rate: float = 0.1,
    margin: float = 1.0,
    penalizer: float = 0.0,
) -> ClvResult:
    """Fit BG/NBD and Gamma-Gamma on ``orders`` up to ``calibration_end`` and value each customer.

    ``horizon`` is in ``unit`` (52 weeks by default); ``discount_rate`` is annual; ``margin`` is the
    fraction of revenue kept as profit. The per-customer summary and the grouped counts are computed
    by the backend; the models are fitted on the distinct summaries with counts as weights, and the
    predictions are computed on distinct summaries and joined back to the customers. With
    ``holdout_end`` the predictions over ``(calibration_end, holdout_end]`` are compared with the
    purchases actually made then (see :class:`ClvResult`).

    Raises ``ValueError`` for an unknown unit, ``horizon <= 0``, a negative discount rate, a margin
    outside (0, 1], ``holdout_end <= calibration_end``, a ``calibration_end`` before the first
    order, and data without any repeat purchase by ``calibration_end`` (neither model can be fitted
    then, so no CLV can be computed).
    """
    _check_date(calibration_end, "calibration_end")
    unit_days = _unit_days(unit)
    horizon = _check_horizon(horizon)
    discount_rate = _check_discount_rate(discount_rate)
    margin = _check_margin(margin)
    summary = rfm_summary(
        orders, calibration_end=calibration_end, unit=unit, holdout_end=holdout_end
    )
    # the summary is evaluated once, into a temporary backend table that the grouped counts and
    # the per-customer rows are then read from (Ibis cache; released before returning)
    cached = summary.cache()
    try:
        counts, gg_counts, customers = _backend_results(cached, orders, calibration_end)
    finally:
        cached.release()
    cx = counts["frequency"].to_numpy(dtype=float)
    ctx = counts["recency"].to_numpy(dtype=float)
    ct = counts["T"].to_numpy(dtype=float)
    cw = counts["weight"].to_numpy(dtype=float)
    bg = BetaGeoModel(penalizer=penalizer).fit(cx, ctx, ct, weights=cw)
    gg = GammaGammaModel(penalizer=penalizer).fit(
        gg_counts["frequency"], gg_counts["monetary"], weights=gg_counts["weight"]
    )

    holdout_t = None
    if holdout_end is not None:
        holdout_t = (holdout_end - calibration_end).days / unit_days
    pred = _purchase_predictions(
        bg,
        cx,
        ctx,
        ct,
        horizon=horizon,
        unit_days=unit_days,
        discount_rate=discount_rate,
        extra_t=(holdout_t,) if holdout_t is not None else (),
    )
    predictions = counts[list(_SUMMARY_KEY)].copy()
    predictions["p_alive"] = pred["p_alive"]
    predictions["expected_purchases"] = pred["expected_purchases"]
    predictions["_discounted"] = pred["discounted_purchases"]
    if holdout_t is not None:
        predictions["predicted_holdout_purchases"] = pred["expected_0"]

    n_customers = len(customers)
    customers = customers.merge(
        predictions, on=list(_SUMMARY_KEY), how="left", validate="many_to_one"
    )
    if len(customers) != n_customers or customers["p_alive"].isna().any():
        raise RuntimeError("internal error: customer summaries do not match their grouped counts")
    x = customers["frequency"].to_numpy(dtype=float)
    value = np.asarray(
        gg.conditional_expected_average_profit(x, customers["monetary"].to_numpy(dtype=float)),
        dtype=float,
    )
    customers["expected_value"] = value
    customers["clv"] = margin * value * customers.pop("_discounted").to_numpy()
    order = list(CUSTOMER_COLUMNS)
    if holdout_t is not None:
        order += ["holdout_purchases", "holdout_revenue", "predicted_holdout_purchases"]
    customers = customers[order]

    params = {
        "bg_nbd": {
            **bg.params_,
            "log_likelihood": bg.log_likelihood_,
            "customers": int(round(bg.n_customers_)),
            "distinct_summaries": bg.n_rows_,
            "converged": bg.converged_,
        },
        "gamma_gamma": {
            **gg.params_,
            "log_likelihood": gg.log_likelihood_,
            "repeat_customers": int(round(gg.n_customers_)),
            "distinct_summaries": gg.n_rows_,
            "converged": gg.converged_,
        },
    }
    settings = {
        "calibration_end": calibration_end,
        "holdout_end": holdout_end,
        "unit": unit,
        "horizon": horizon,
        "discount_rate": discount_rate,
        "margin": margin,
        "penalizer": penalizer,
    }
    validation = totals = None
    if holdout_t is not None:
        validation, totals = _validation(customers, holdout_t)
    return ClvResult(
        params=params,
        customers=customers,
        settings=settings,
        validation=validation,
        holdout_totals=totals,
        bg=bg,
        gg=gg,
    )
