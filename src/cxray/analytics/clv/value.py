"""Discounted customer lifetime value from a fitted BG/NBD and Gamma-Gamma pair.

:func:`customer_lifetime_value`, and the month-by-month purchase predictions
(:func:`_purchase_predictions`) that :func:`cxray.analytics.clv.fit_clv` also uses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxray.analytics.clv.base import (
    DAYS_PER_YEAR,
    _check_discount_rate,
    _check_horizon,
    _check_margin,
    _unit_days,
)
from cxray.analytics.clv.beta_geo import BetaGeoModel, _alive_expected
from cxray.analytics.clv.gamma_gamma import GammaGammaModel


def _step_edges(horizon: float, unit_days: float) -> np.ndarray:
    """Ends of the CLV steps in units: one month (365.25/12 days) each, the last one partial."""
    step = (DAYS_PER_YEAR / 12) / unit_days
    n = max(1, math.ceil(horizon / step - 1e-9))
    edges = np.minimum(np.arange(1, n + 1) * step, horizon)
    edges[-1] = horizon
    return edges


def _purchase_predictions(
    bg: BetaGeoModel,
    x: np.ndarray,
    tx: np.ndarray,
    big_t: np.ndarray,
    *,
    horizon: float,
    unit_days: float,
    discount_rate: float,
    extra_t: Sequence[float] = (),
) -> dict[str, np.ndarray]:
    """P(alive), expected and discounted expected purchases over the horizon, per row.

    E[Y(t) | x, t_x, T] = P(alive | x, t_x, T) * A(t; x, T): only P(alive) depends on t_x, so the
    hypergeometric part A is computed once per distinct (x, T) pair and for every step end.
    ``extra_t`` adds ``expected_<i>`` = E[Y(extra_t[i])] columns (e.g. the holdout length).
    """
    r, alpha, a, b = bg._fitted()
    alive = np.asarray(bg.p_alive(x, tx, big_t), dtype=float)
    pairs, codes = np.unique(np.stack([x, big_t], axis=1), axis=0, return_inverse=True)
    codes = codes.reshape(-1)
    ux, ut = pairs[:, 0], pairs[:, 1]

    edges = _step_edges(horizon, unit_days)
    years = edges * unit_days / DAYS_PER_YEAR
    discount = (1.0 + discount_rate) ** -years
    grid = np.concatenate([edges, np.asarray(extra_t, dtype=float)])
    cum = _alive_expected(
        grid[None, :], (r + ux)[:, None], (alpha + ut)[:, None], a, (b + ux)[:, None]
    )
    steps = np.diff(cum[:, : len(edges)], axis=1, prepend=0.0)
    discounted = steps @ discount
    out = {
        "p_alive": alive,
        "expected_purchases": alive * cum[codes, len(edges) - 1],
        "discounted_purchases": alive * discounted[codes],
    }
    for i in range(len(extra_t)):
        out[f"expected_{i}"] = alive * cum[codes, len(edges) + i]
    return out


def customer_lifetime_value(
    bg: BetaGeoModel,
    gg: GammaGammaModel,
    summary_rows: pd.DataFrame | Mapping[str, Any],
    *,
    horizon: float,
    unit: str = "week",
    discount_rate: float = 0.1,
    margin: float = 1.0,
) -> np.ndarray:
    """Discounted CLV of each row of ``summary_rows`` (columns frequency, recency, T, monetary).

    The horizon (in ``unit``) is cut into steps of one month (365.25 / 12 days; the last step is
    shorter when the horizon is not a whole number of months), with step ends t_1 < ... < t_K =
    horizon, and::

        CLV = margin * E[M | x, m] * sum_k (E[Y(t_k)] - E[Y(t_{k-1})]) / (1 + d)^(t_k in years)

    where E[Y(t)] = :meth:`BetaGeoModel.conditional_expected_purchases`, t_0 = 0, E[M | x, m] =
    :meth:`GammaGammaModel.conditional_expected_average_profit`, ``d`` the annual
    ``discount_rate`` and each step's purchases are discounted from the step's end (years are
    365.25 days). ``margin`` is the fraction of revenue kept as profit (1 = CLV in revenue).
    """
    horizon = _check_horizon(horizon)
    unit_days = _unit_days(unit)
    discount_rate = _check_discount_rate(discount_rate)
    margin = _check_margin(margin)
    x, tx, big_t = BetaGeoModel._check_summary(
        summary_rows["frequency"], summary_rows["recency"], summary_rows["T"]
    )
    monetary = np.asarray(summary_rows["monetary"], dtype=float).reshape(-1)
    pred = _purchase_predictions(
        bg, x, tx, big_t, horizon=horizon, unit_days=unit_days, discount_rate=discount_rate
    )
    value = np.asarray(gg.conditional_expected_average_profit(x, monetary), dtype=float)
    return margin * value * pred["discounted_purchases"]
