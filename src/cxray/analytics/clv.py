"""Customer lifetime value: BG/NBD purchase counts, Gamma-Gamma spend and discounted CLV.

The flow, with ``calibration_end`` the analysis date:

1. :func:`rfm_summary` computes, in the backend, one row per customer whose first purchase is on or
   before ``calibration_end``: ``frequency``, ``recency``, ``T`` and ``monetary`` (and, with a
   ``holdout_end``, the purchases actually made after ``calibration_end``).
2. :func:`summary_counts` groups identical summaries with a ``weight`` count, also in the backend,
   so a fit costs by distinct summaries, not by customers.
3. :class:`BetaGeoModel` (BG/NBD, Fader, Hardie & Lee 2005, "Counting your customers the easy way")
   and :class:`GammaGammaModel` (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value")
   are fitted by maximum likelihood in NumPy/SciPy. Both follow scikit-learn: parameters in the
   constructor, ``fit`` returns the estimator, fitted values end with an underscore.
4. :func:`customer_lifetime_value` discounts the expected purchases month by month; :func:`fit_clv`
   runs the whole chain and returns a :class:`ClvResult`.

Definitions (all from calendar days; ``unit`` is ``day`` = 1 day, ``week`` = 7 days or
``month`` = 365.25 / 12 days):

- a **purchase day** of a customer is a date whose order lines sum to a positive amount, or whose
  lines are all zero-value (a free order, as some CDNOW first purchases are). Several lines or
  orders on one day are one purchase. A day whose lines net to zero or less because of a return
  (a negative line) is not a purchase, and its amount is not counted anywhere;
- ``frequency`` x: the number of purchase days after the first purchase day, up to and including
  ``calibration_end`` (the repeat purchases);
- ``recency`` t_x: days from the first to the last purchase day (0 when x = 0), in units;
- ``T``: days from the first purchase day to ``calibration_end``, in units;
- ``monetary``: the mean revenue of the repeat purchase days (the first day's revenue is left out,
  as in the literature), 0 when x = 0;
- ``holdout_purchases`` / ``holdout_revenue``: purchase days in ``(calibration_end, holdout_end]``
  and their revenue.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from scipy import optimize, special

__all__ = [
    "UNITS",
    "BetaGeoModel",
    "ClvResult",
    "GammaGammaModel",
    "customer_lifetime_value",
    "fit_clv",
    "rfm_summary",
    "summary_counts",
]

DAYS_PER_YEAR = 365.25
UNITS: dict[str, float] = {"day": 1.0, "week": 7.0, "month": DAYS_PER_YEAR / 12}
"""Length of each time unit in days."""

FREQUENCY_BUCKETS: tuple[str, ...] = ("0", "1", "2", "3", "4", "5", "6", "7+")
"""Calibration-frequency buckets of the holdout validation."""

_SUMMARY_KEY = ("frequency", "recency", "T")
# tanh-sinh quadrature of the fallback for E[purchases | alive]: step, range and rows per chunk
_DE_STEP, _DE_TMAX, _DE_CHUNK = 1.0 / 32, 5.5, 4096


# --------------------------------------------------------------------------------------------
# parameter checks


def _check_date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a datetime.date, got {value!r}")
    return value


def _unit_days(unit: object) -> float:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}; got {unit!r}")
    return UNITS[unit]  # type: ignore[index]


def _check_number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return value


def _check_horizon(horizon: object) -> float:
    value = _check_number(horizon, "horizon")
    if value <= 0:
        raise ValueError(
            f"horizon must be greater than 0 (a number of time units), got {horizon!r}"
        )
    return value


def _check_discount_rate(rate: object) -> float:
    value = _check_number(rate, "discount_rate")
    if value < 0:
        raise ValueError(
            "discount_rate is an annual rate and must be 0 or more (0.1 = 10% a year), "
            f"got {rate!r}"
        )
    return value


def _check_margin(margin: object) -> float:
    value = _check_number(margin, "margin")
    if not 0 < value <= 1:
        raise ValueError(
            "margin is the fraction of revenue kept as profit and must be in (0, 1] "
            f"(0.3 = 30% of revenue; 1 = CLV in revenue), got {margin!r}"
        )
    return value


# --------------------------------------------------------------------------------------------
# summaries in the backend


def rfm_summary(
    orders: ir.Table,
    *,
    calibration_end: dt.date,
    unit: str = "week",
    holdout_end: dt.date | None = None,
) -> ir.Table:
    """Per-customer ``frequency, recency, T, monetary`` at ``calibration_end`` (a lazy expression).

    One row per customer whose first purchase day is on or before ``calibration_end``, with the
    columns ``customer_id, frequency, recency, T, monetary`` and, when ``holdout_end`` is given,
    ``holdout_purchases`` (purchase days in ``(calibration_end, holdout_end]``) and
    ``holdout_revenue`` (their revenue). See the module docstring for the definitions; ``recency``
    and ``T`` are day differences divided by the unit's length in days (:data:`UNITS`).

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
    days = lines.group_by(["customer_id", "day"]).aggregate(
        revenue=lines.amount.sum(), min_amount=lines.amount.min()
    )
    # a purchase day has a positive total, or only zero-value lines (a free order, not a return)
    days = days.filter((days.revenue > 0) | (days.min_amount >= 0)).drop("min_amount")

    cal_days = days.filter(days.day <= cal_end)
    firsts = cal_days.group_by("customer_id").aggregate(first_day=cal_days.day.min())
    j = days.join(firsts, "customer_id")  # only customers with a first purchase by calibration_end
    j = j.mutate(offset=j.day.delta(j.first_day, unit="day").cast("int64"), in_cal=j.day <= cal_end)
    aggregates: dict[str, ir.Value] = {
        "first_day": j.first_day.min(),
        "n_days": j.day.count(where=j.in_cal),
        "last_offset": j.offset.max(where=j.in_cal),
        "repeat_revenue": j.revenue.sum(where=j.in_cal & (j.offset > 0)),
    }
    if holdout_end is not None:
        aggregates["ho_days"] = j.day.count(where=~j.in_cal)
        aggregates["ho_revenue"] = j.revenue.sum(where=~j.in_cal)
    per = j.group_by("customer_id").aggregate(**aggregates)

    frequency = (per.n_days - 1).cast("int64")
    columns: dict[str, ir.Value] = {
        "customer_id": per.customer_id,
        "frequency": frequency,
        "recency": per.last_offset.cast("float64") / unit_days,
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


# --------------------------------------------------------------------------------------------
# numerical helpers


def _arrays(*values: Any) -> tuple[list[np.ndarray], bool]:
    """Inputs as float arrays broadcast to one shape; also whether they were all scalars."""
    scalar = all(np.ndim(v) == 0 for v in values)
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in values))
    return [np.array(a, dtype=float) for a in arrays], scalar


def _out(value: np.ndarray, scalar: bool) -> np.ndarray | float:
    return float(value) if scalar else value


def _weights(weights: Any, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=float).reshape(-1)
    if w.shape[0] != n:
        raise ValueError(f"weights has {w.shape[0]} values for {n} rows")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and non-negative")
    return w


def _penalized(
    ll: float, grad: np.ndarray, params: np.ndarray, total: float, penalizer: float
) -> tuple[float, np.ndarray]:
    """The minimised objective on log-parameters: minus the mean log-likelihood plus an L2
    penalty, and its gradient with respect to the log-parameters (inf where not finite)."""
    value = -ll / total + penalizer * float(params @ params)
    g = -grad / total * params + 2.0 * penalizer * params * params
    if not (np.isfinite(value) and np.all(np.isfinite(g))):
        return np.inf, np.zeros_like(params)
    return value, g


def _maximize(neg_objective: Any, theta0: np.ndarray) -> tuple[np.ndarray, bool, str]:
    """Minimise ``neg_objective(theta) -> (value, gradient)`` over log-parameters ``theta``.

    L-BFGS-B with the analytic gradient; if it stops away from a stationary point, Nelder-Mead
    from the start point and L-BFGS-B again from there (the "polish"). Converged means L-BFGS-B
    reported success or stopped with every gradient component (of the mean log-likelihood per
    customer, in log-parameters) below 1e-5. Returns (theta, converged, message).
    """
    bounds = [(-30.0, 30.0)] * len(theta0)
    options = {"maxiter": 10_000, "ftol": 1e-15, "gtol": 1e-10, "maxcor": 20}

    def good(res: optimize.OptimizeResult) -> bool:
        if not np.all(np.isfinite(res.x)) or not np.isfinite(res.fun):
            return False
        return bool(res.success) or float(np.max(np.abs(res.jac))) < 1e-5

    res = optimize.minimize(
        neg_objective, theta0, jac=True, method="L-BFGS-B", bounds=bounds, options=options
    )
    if not good(res):
        nm = optimize.minimize(
            lambda th: neg_objective(th)[0],
            theta0,
            method="Nelder-Mead",
            options={"maxiter": 2_000 * len(theta0), "xatol": 1e-10, "fatol": 1e-14},
        )
        res = optimize.minimize(
            neg_objective, nm.x, jac=True, method="L-BFGS-B", bounds=bounds, options=options
        )
    return res.x, good(res), str(res.message)


def _alive_expected_closed(
    t: np.ndarray, r1: np.ndarray, alpha1: np.ndarray, a: float, b1: np.ndarray
) -> np.ndarray:
    """E[(1 - exp(-lambda p t)) / p] by the 2F1 closed form (NaN where it is not trustworthy).

    With p ~ Beta(a, b1) and lambda ~ Gamma(r1, alpha1), FHL (2005) eq. 9-10::

        (a + b1 - 1) / (a - 1) * [1 - (alpha1 / (alpha1 + t))^r1
                                      * 2F1(r1, b1; a + b1 - 1; t / (alpha1 + t))]
    """
    c = a + b1 - 1.0
    with np.errstate(all="ignore"):
        z = t / (alpha1 + t)
        hyp = special.hyp2f1(r1, b1, c, z)
        log_term = r1 * np.log1p(-z) + np.log(hyp)
        value = c / (a - 1.0) * -np.expm1(log_term)
        upper = t * r1 / alpha1  # E[lambda t]: an alive customer who never drops out
        ok = (
            np.isfinite(value)
            & (hyp > 0)
            & (c > 0.05)
            & (abs(a - 1.0) > 1e-3)  # (a+b1-1)/(a-1) amplifies rounding near 1
            & (value >= -1e-12 * upper)
            & (value <= upper * (1 + 1e-9))
        )
    return np.where(ok, np.maximum(value, 0.0), np.nan)


def _de_nodes() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tanh-sinh (double exponential) nodes on (0, 1): log p, log(1 - p), p and log(h dp/dtau)."""
    tau = np.arange(-_DE_TMAX, _DE_TMAX + _DE_STEP / 2, _DE_STEP)
    u = np.pi * np.sinh(tau)
    log_p = special.log_expit(u)
    log_q = special.log_expit(-u)
    log_jac = np.log(_DE_STEP * np.pi * np.cosh(tau)) + log_p + log_q
    return log_p, log_q, np.exp(log_p), log_jac


def _alive_expected_quad(
    t: np.ndarray, r1: np.ndarray, alpha1: np.ndarray, a: float, b1: np.ndarray
) -> np.ndarray:
    """The same expectation by quadrature over p (the fallback of the closed form).

    The expectation over lambda is exact: E[exp(-lambda p t)] = (alpha1 / (alpha1 + p t))^r1, so
    what is left is the integral over p of (1 - (1 + p t / alpha1)^-r1) / p against the
    Beta(a, b1) density. Tanh-sinh quadrature (nodes dense towards both ends, p and 1 - p computed
    without cancellation) handles the density's end-point singularities and the integrand's fast
    change near p = 0 when t r1 / alpha1 is large; relative error about 1e-8 or better.
    """
    log_p, log_q, p, log_jac = _de_nodes()
    out = np.empty(t.shape)
    for start in range(0, t.shape[0], _DE_CHUNK):
        rows = slice(start, start + _DE_CHUNK)
        s = (t[rows] / alpha1[rows])[:, None]
        bb = b1[rows][:, None]
        log_w = (a - 1.0) * log_p + (bb - 1.0) * log_q + log_jac - special.betaln(a, bb)
        g = -np.expm1(-r1[rows][:, None] * np.log1p(p * s)) / p
        out[rows] = np.sum(g * np.exp(log_w), axis=1)
    return out


def _alive_expected(
    t: np.ndarray, r1: np.ndarray, alpha1: np.ndarray, a: float, b1: np.ndarray
) -> np.ndarray:
    """Expected purchases in (0, t] of a customer known to be alive at 0 with posterior params.

    The closed form (scipy.special.hyp2f1) where it is finite and within its bounds
    ``0 <= value <= t r1 / alpha1``, and the quadrature elsewhere (``|a - 1| <= 1e-3``,
    ``a + b1 - 1 <= 0.05``, or a hypergeometric value scipy cannot give).
    """
    t, r1, alpha1, b1 = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (t, r1, alpha1, b1))
    )
    out = np.zeros(t.shape)
    pos = t > 0
    if not np.any(pos):
        return out
    value = _alive_expected_closed(t[pos], r1[pos], alpha1[pos], a, b1[pos])
    bad = np.isnan(value)
    if np.any(bad):
        value[bad] = _alive_expected_quad(
            t[pos][bad], r1[pos][bad], alpha1[pos][bad], a, b1[pos][bad]
        )
    out[pos] = value
    return out


# --------------------------------------------------------------------------------------------
# BG/NBD


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


class _Estimator:
    """Constructor parameters shared by the CLV models (scikit-learn conventions)."""

    def __init__(
        self, penalizer: float = 0.0, initial_params: Mapping[str, float] | None = None
    ) -> None:
        self.penalizer = penalizer
        self.initial_params = initial_params

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters (scikit-learn convention)."""
        return {"penalizer": self.penalizer, "initial_params": self.initial_params}


class _BetaGeoObjective:
    """The total weighted BG/NBD log-likelihood and its gradient, arranged for repeated evaluation.

    Mathematically the weighted sum of :meth:`BetaGeoModel._loglik`, but every term that depends on
    one statistic only is evaluated once per distinct value of it: the Gamma and Beta function
    terms per distinct x (a few hundred values at most), the logarithms per distinct T and t_x
    (one per calendar day), customers with x = 0 per distinct T. Only the logaddexp term of the
    repeat purchasers is evaluated per row, with cheap arithmetic, so an evaluation costs a few
    vector operations per distinct summary.
    """

    def __init__(self, x: np.ndarray, tx: np.ndarray, big_t: np.ndarray, w: np.ndarray) -> None:
        self.total = float(w.sum())
        self.ux, ix = np.unique(x, return_inverse=True)
        self.wx = np.bincount(ix.reshape(-1), weights=w, minlength=self.ux.size)
        zero = x == 0
        self.ut0, i0 = np.unique(big_t[zero], return_inverse=True)
        self.wt0 = np.bincount(i0.reshape(-1), weights=w[zero], minlength=self.ut0.size)
        pos = ~zero
        self.xp, self.wp = x[pos], w[pos]
        self.uxp, self.ixp = (v.reshape(-1) for v in np.unique(self.xp, return_inverse=True))
        self.utp, self.itp = (v.reshape(-1) for v in np.unique(big_t[pos], return_inverse=True))
        self.utx, self.itx = (v.reshape(-1) for v in np.unique(tx[pos], return_inverse=True))

    def __call__(self, params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = (float(v) for v in params)
        ux, wx = self.ux, self.wx
        # terms of x alone: ln G(r+x) - ln G(r) + r ln alpha + ln B(a, b+x) - ln B(a, b)
        ll = float(wx @ (special.gammaln(r + ux) + special.betaln(a, b + ux)))
        ll += self.total * (r * math.log(alpha) - special.gammaln(r) - special.betaln(a, b))
        dig_abx = special.digamma(a + b + ux)
        g_r = float(wx @ special.digamma(r + ux)) + self.total * (
            math.log(alpha) - special.digamma(r)
        )
        g_alpha = self.total * r / alpha
        g_a = self.total * special.digamma(a + b) - float(wx @ dig_abx)
        g_b = float(wx @ (special.digamma(b + ux) - dig_abx)) + self.total * (
            special.digamma(a + b) - special.digamma(b)
        )
        # customers with x = 0: the last term is -r ln(alpha + T)
        log_t0 = np.log(alpha + self.ut0)
        ll -= r * float(self.wt0 @ log_t0)
        g_r -= float(self.wt0 @ log_t0)
        g_alpha -= r * float(self.wt0 @ (1.0 / (alpha + self.ut0)))
        # repeat purchasers: ln[(alpha+T)^-(r+x) + a/(b+x-1) (alpha+t_x)^-(r+x)]
        if self.xp.size:
            log_t = np.log(alpha + self.utp)[self.itp]
            log_tx = np.log(alpha + self.utx)[self.itx]
            rx = r + self.xp
            c4 = (math.log(a) - np.log(b + self.uxp - 1.0))[self.ixp]
            a3 = -rx * log_t
            diff = c4 - rx * (log_tx - log_t)  # a4 - a3
            w4 = special.expit(diff)  # share of the "dropped out after t_x" term
            w3 = 1.0 - w4  # (absolute precision is what the sums below need)
            wp = self.wp
            ll += float(wp @ (a3 + np.logaddexp(0.0, diff)))
            g_r -= float(wp @ (w3 * log_t + w4 * log_tx))
            inv_t = (1.0 / (alpha + self.utp))[self.itp]
            inv_tx = (1.0 / (alpha + self.utx))[self.itx]
            g_alpha -= float((wp * rx) @ (w3 * inv_t + w4 * inv_tx))
            ww4 = wp * w4
            g_a += float(ww4.sum()) / a
            per_x = np.bincount(self.ixp, weights=ww4, minlength=self.uxp.size)
            g_b -= float(per_x @ (1.0 / (b + self.uxp - 1.0)))
        return ll, np.array([g_r, g_alpha, g_a, g_b])


class BetaGeoModel(_Estimator):
    """The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005), by maximum likelihood.

    While alive a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha); after each
    repeat purchase the customer drops out for good with probability p ~ Beta(a, b).

    Parameters
    ----------
    penalizer:
        L2 penalty on the parameters: the fit minimises ``-LL / n + penalizer * (r^2 + alpha^2 +
        a^2 + b^2)`` with ``n`` the (weighted) number of customers. 0 (the default) is the plain
        maximum-likelihood fit; a small value (e.g. 0.001) keeps degenerate data sets finite.
    initial_params:
        Start point ``{"r", "alpha", "a", "b"}``; by default r = a = b = 1 and alpha = the mean T.

    Fitted attributes: ``r_, alpha_, a_, b_``, ``params_`` (dict), ``log_likelihood_`` (the total
    weighted log-likelihood at the estimate, without the penalty), ``n_customers_`` (sum of the
    weights), ``n_rows_`` (rows given to ``fit``), ``converged_`` and ``message_``.
    """

    param_names: tuple[str, ...] = ("r", "alpha", "a", "b")

    # -- likelihood ---------------------------------------------------------------------------

    @staticmethod
    def _loglik(
        params: Sequence[float],
        x: np.ndarray,
        tx: np.ndarray,
        T: np.ndarray,
        gradient: bool = False,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Per-row log-likelihood (and its gradient in r, alpha, a, b when asked).

        LL = ln G(r+x) - ln G(r) + r ln alpha + ln B(a, b+x) - ln B(a, b)
             + ln[(alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x)]
        with the last logarithm taken by logaddexp.
        """
        r, alpha, a, b = params
        rx = r + x
        pos = x > 0
        a1 = special.gammaln(rx) - special.gammaln(r) + r * np.log(alpha)
        a2 = special.betaln(a, b + x) - special.betaln(a, b)
        a3 = -rx * np.log(alpha + T)
        bx1 = np.where(pos, b + x - 1.0, 1.0)
        a4 = np.where(pos, np.log(a) - np.log(bx1) - rx * np.log(alpha + tx), -np.inf)
        lse = np.logaddexp(a3, a4)
        ll = a1 + a2 + lse
        if not gradient:
            return ll, None
        w3 = np.exp(a3 - lse)
        w4 = np.where(pos, np.exp(a4 - lse), 0.0)
        dig_abx = special.digamma(a + b + x)
        d_r = (
            special.digamma(rx)
            - special.digamma(r)
            + np.log(alpha)
            - w3 * np.log(alpha + T)
            - w4 * np.log(alpha + tx)
        )
        d_alpha = r / alpha - w3 * rx / (alpha + T) - w4 * rx / (alpha + tx)
        d_a = special.digamma(a + b) - dig_abx + w4 / a
        d_b = (
            special.digamma(b + x)
            - dig_abx
            - special.digamma(b)
            + special.digamma(a + b)
            - w4 / bx1
        )
        return ll, np.stack([d_r, d_alpha, d_a, d_b])

    @staticmethod
    def _check_summary(
        frequency: Any, recency: Any, T: Any
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        (x, tx, big_t), _ = _arrays(frequency, recency, T)
        x, tx, big_t = x.reshape(-1), tx.reshape(-1), big_t.reshape(-1)
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(tx)) and np.all(np.isfinite(big_t))):
            raise ValueError("frequency, recency and T must be finite numbers")
        if np.any(x < 0) or np.any(x != np.round(x)):
            raise ValueError("frequency must be a whole number of repeat purchases, 0 or more")
        if np.any(tx < 0) or np.any(tx > big_t * (1 + 1e-12) + 1e-12):
            raise ValueError("recency must satisfy 0 <= recency <= T")
        if np.any((x == 0) & (tx != 0)):
            raise ValueError("recency must be 0 for customers with frequency 0")
        return x, tx, big_t

    # -- fit ------------------------------------------------------------------------------------

    def fit(self, frequency: Any, recency: Any, T: Any, weights: Any = None) -> BetaGeoModel:
        """Maximum-likelihood fit on per-customer (or grouped, with ``weights``) summaries."""
        x, tx, big_t = self._check_summary(frequency, recency, T)
        w = _weights(weights, x.shape[0])
        keep = w > 0
        x, tx, big_t, w = x[keep], tx[keep], big_t[keep], w[keep]
        total = float(w.sum())
        if total <= 0:
            raise ValueError("BetaGeoModel.fit needs at least one customer")
        if not np.any(x > 0):
            raise ValueError(
                "BetaGeoModel.fit needs at least one customer with a repeat purchase "
                "(every frequency is 0)"
            )
        penalizer = _check_number(self.penalizer, "penalizer")
        if penalizer < 0:
            raise ValueError(f"penalizer must be 0 or more, got {self.penalizer!r}")

        mean_t = float(np.average(big_t, weights=w))
        start = {"r": 1.0, "alpha": mean_t if mean_t > 0 else 1.0, "a": 1.0, "b": 1.0}
        start.update(self.initial_params or {})
        theta0 = np.log([start[name] for name in self.param_names])

        objective = _BetaGeoObjective(x, tx, big_t, w)

        def neg_objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
            params = np.exp(theta)
            with np.errstate(all="ignore"):
                ll, grad = objective(params)
            return _penalized(ll, grad, params, total, penalizer)

        theta, converged, message = _maximize(neg_objective, theta0)
        params = np.exp(theta)
        self.r_, self.alpha_, self.a_, self.b_ = (float(v) for v in params)
        self.params_ = dict(zip(self.param_names, (float(v) for v in params), strict=True))
        self.log_likelihood_ = float(w @ self._loglik(params, x, tx, big_t)[0])
        self.n_customers_ = total
        self.n_rows_ = int(x.shape[0])
        self.converged_ = converged
        self.message_ = message
        return self

    def _fitted(self) -> tuple[float, float, float, float]:
        if not hasattr(self, "params_"):
            raise RuntimeError("BetaGeoModel is not fitted yet: call fit() first")
        return self.r_, self.alpha_, self.a_, self.b_

    # -- predictions ----------------------------------------------------------------------------

    def log_likelihood(self, frequency: Any, recency: Any, T: Any) -> np.ndarray | float:
        """Log-likelihood of each customer's (frequency, recency, T) under the fitted parameters."""
        params = self._fitted()
        (x, tx, big_t), scalar = _arrays(frequency, recency, T)
        return _out(self._loglik(params, x, tx, big_t)[0], scalar)

    def expected_purchases(self, t: Any) -> np.ndarray | float:
        """E[X(t)]: expected repeat purchases in (0, t] of a customer whose first purchase is at 0.

        FHL (2005) eq. 9: (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))].
        """
        r, alpha, a, b = self._fitted()
        (tt,), scalar = _arrays(t)
        if np.any(tt < 0):
            raise ValueError("t must be 0 or more")
        value = _alive_expected(
            tt, np.full(tt.shape, r), np.full(tt.shape, alpha), a, np.full(tt.shape, b)
        )
        return _out(value, scalar)

    def p_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray | float:
        """P(alive at T | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))."""
        r, alpha, a, b = self._fitted()
        (x, tx, big_t), scalar = _arrays(frequency, recency, T)
        pos = x > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds_dead = (
                np.log(a)
                - np.log(np.where(pos, b + x - 1.0, 1.0))
                + (r + x) * (np.log(alpha + big_t) - np.log(alpha + tx))
            )
        value = np.where(pos, special.expit(-log_odds_dead), 1.0)
        return _out(value, scalar)

    def conditional_expected_purchases(
        self, t: Any, frequency: Any, recency: Any, T: Any
    ) -> np.ndarray | float:
        """E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] of a customer (FHL 2005 eq. 10).

        P(alive) times the expected purchases of an alive customer with the posterior parameters
        r + x, alpha + T, a, b + x; the latter by the hypergeometric closed form, with a quadrature
        fallback where the closed form is numerically unreliable (see :func:`_alive_expected`).
        """
        r, alpha, a, b = self._fitted()
        (tt, x, tx, big_t), scalar = _arrays(t, frequency, recency, T)
        if np.any(tt < 0):
            raise ValueError("t must be 0 or more")
        alive = self.p_alive(x, tx, big_t)
        value = alive * _alive_expected(tt, r + x, alpha + big_t, a, b + x)
        return _out(value, scalar)

    def predict(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray | float:
        """Alias of :meth:`conditional_expected_purchases` (scikit-learn style)."""
        return self.conditional_expected_purchases(t, frequency, recency, T)


# --------------------------------------------------------------------------------------------
# Gamma-Gamma


class GammaGammaModel(_Estimator):
    """The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013), maximum likelihood.

    A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, v) across customers; the
    model is fitted on each repeat purchaser's number of repeat purchases x and their mean value
    m (rows with x = 0 or m = 0 are ignored). The likelihood of one customer is::

        G(px+q) / (G(px) G(q)) * v^q * m^(px-1) * x^(px) / (v + x m)^(px+q)

    Parameters
    ----------
    penalizer:
        L2 penalty on (p, q, v) as in :class:`BetaGeoModel`; 0 is the plain ML fit.
    initial_params:
        Start point ``{"p", "q", "v"}``; by default p = 1, q = 2, v = the mean of m.

    Fitted attributes: ``p_, q_, v_``, ``params_``, ``log_likelihood_``, ``n_customers_``,
    ``n_rows_``, ``converged_``, ``message_``.
    """

    param_names: tuple[str, ...] = ("p", "q", "v")

    @staticmethod
    def _loglik(
        params: Sequence[float], x: np.ndarray, m: np.ndarray, gradient: bool = False
    ) -> tuple[np.ndarray, np.ndarray | None]:
        p, q, v = params
        px = p * x
        log_vxm = np.log(v + x * m)
        ll = (
            special.gammaln(px + q)
            - special.gammaln(px)
            - special.gammaln(q)
            + q * np.log(v)
            + (px - 1.0) * np.log(m)
            + px * np.log(x)
            - (px + q) * log_vxm
        )
        if not gradient:
            return ll, None
        dig = special.digamma(px + q)
        d_p = x * (dig - special.digamma(px) + np.log(m) + np.log(x) - log_vxm)
        d_q = dig - special.digamma(q) + np.log(v) - log_vxm
        d_v = q / v - (px + q) / (v + x * m)
        return ll, np.stack([d_p, d_q, d_v])

    def fit(self, frequency: Any, monetary: Any, weights: Any = None) -> GammaGammaModel:
        """Maximum-likelihood fit on the rows with ``frequency > 0`` and ``monetary > 0``.

        Other rows are ignored: customers without repeat purchases carry no spend information, and
        a zero mean (repeat purchases that were all free orders) has no Gamma density.
        """
        (x, m), _ = _arrays(frequency, monetary)
        x, m = x.reshape(-1), m.reshape(-1)
        if not np.all(np.isfinite(m)):
            raise ValueError("monetary must be a finite number")
        w = _weights(weights, x.shape[0])
        keep = (x > 0) & (m > 0) & (w > 0)
        x, m, w = x[keep], m[keep], w[keep]
        if x.shape[0] == 0:
            raise ValueError(
                "GammaGammaModel.fit needs customers with repeat purchases (frequency > 0) of "
                "positive value; there are none"
            )
        penalizer = _check_number(self.penalizer, "penalizer")
        if penalizer < 0:
            raise ValueError(f"penalizer must be 0 or more, got {self.penalizer!r}")
        total = float(w.sum())
        start = {"p": 1.0, "q": 2.0, "v": float(np.average(m, weights=w))}
        start.update(self.initial_params or {})
        theta0 = np.log([start[name] for name in self.param_names])

        # terms of x alone are evaluated per distinct x; the per-row constants once
        ux, ix = np.unique(x, return_inverse=True)
        wx = np.bincount(ix.reshape(-1), weights=w, minlength=ux.size)
        xm, wxs = x * m, w * x
        const_p = float(wxs @ (np.log(m) + np.log(x)))  # coefficient of p: sum w x (ln m + ln x)
        const = -float(w @ np.log(m))  # sum w (-ln m)

        def neg_objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
            params = np.exp(theta)
            p, q, v = (float(val) for val in params)
            with np.errstate(all="ignore"):
                pux = p * ux
                log_vxm = np.log(v + xm)
                ll = (
                    float(wx @ (special.gammaln(pux + q) - special.gammaln(pux)))
                    + total * (q * math.log(v) - special.gammaln(q))
                    + p * const_p
                    + const
                    - float((w * (p * x + q)) @ log_vxm)
                )
                dig = special.digamma(pux + q)
                g_p = (
                    float((wx * ux) @ (dig - special.digamma(pux))) + const_p - float(wxs @ log_vxm)
                )
                g_q = (
                    float(wx @ dig)
                    + total * (math.log(v) - special.digamma(q))
                    - float(w @ log_vxm)
                )
                g_v = total * q / v - float((w * (p * x + q)) @ (1.0 / (v + xm)))
            grad = np.array([g_p, g_q, g_v])
            return _penalized(ll, grad, params, total, penalizer)

        theta, converged, message = _maximize(neg_objective, theta0)
        params = np.exp(theta)
        self.p_, self.q_, self.v_ = (float(v) for v in params)
        self.params_ = dict(zip(self.param_names, (float(v) for v in params), strict=True))
        self.log_likelihood_ = float(w @ self._loglik(params, x, m)[0])
        self.n_customers_ = total
        self.n_rows_ = int(x.shape[0])
        self.converged_ = converged
        self.message_ = message
        return self

    def _fitted(self) -> tuple[float, float, float]:
        if not hasattr(self, "params_"):
            raise RuntimeError("GammaGammaModel is not fitted yet: call fit() first")
        return self.p_, self.q_, self.v_

    def log_likelihood(self, frequency: Any, monetary: Any) -> np.ndarray | float:
        """Log-likelihood of each (x > 0, m > 0) row under the fitted parameters."""
        params = self._fitted()
        (x, m), scalar = _arrays(frequency, monetary)
        return _out(self._loglik(params, x, m)[0], scalar)

    def conditional_expected_average_profit(
        self, frequency: Any, monetary: Any
    ) -> np.ndarray | float:
        """E[M | x, m]: the expected value of a customer's future transactions.

        = (q - 1) / (p x + q - 1) * v p / (q - 1) + p x / (p x + q - 1) * m
        = p (v + x m) / (p x + q - 1),
        a weighted mean of the population mean v p / (q - 1) and the customer's own mean m. For
        x = 0 it is the population mean, which is finite only when q > 1 (NaN otherwise).
        """
        p, q, v = self._fitted()
        (x, m), scalar = _arrays(frequency, monetary)
        m = np.where(x > 0, m, 0.0)
        denom = p * x + q - 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(denom > 0, p * (v + x * m) / denom, np.nan)
        return _out(value, scalar)

    def predict(self, frequency: Any, monetary: Any) -> np.ndarray | float:
        """Alias of :meth:`conditional_expected_average_profit` (scikit-learn style)."""
        return self.conditional_expected_average_profit(frequency, monetary)


# --------------------------------------------------------------------------------------------
# CLV


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


def _first_order_date(orders: ir.Table) -> dt.date | None:
    day = orders.order_date
    first = orders.filter(day.notnull()).order_date.min().to_pyarrow().as_py()
    if isinstance(first, dt.datetime):
        first = first.date()
    return first


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


def _validation(customers: pd.DataFrame, holdout_t: float) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Actual vs predicted holdout purchases by calibration frequency 0, 1, ..., 6, 7+."""
    bucket = np.minimum(customers["frequency"].to_numpy(), 7)
    frame = pd.DataFrame(
        {
            "bucket": bucket,
            "actual": customers["holdout_purchases"].to_numpy(dtype=float),
            "predicted": customers["predicted_holdout_purchases"].to_numpy(dtype=float),
        }
    )
    grouped = (
        frame.groupby("bucket")
        .agg(
            customers=("actual", "size"),
            actual_total=("actual", "sum"),
            predicted_total=("predicted", "sum"),
        )
        .reindex(range(8), fill_value=0)
    )
    rows = pd.DataFrame(
        {
            "bucket": list(FREQUENCY_BUCKETS),
            "customers": grouped["customers"].astype("int64").to_numpy(),
            "actual_mean": (
                grouped["actual_total"] / grouped["customers"].where(grouped["customers"] > 0)
            ).to_numpy(),
            "predicted_mean": (
                grouped["predicted_total"] / grouped["customers"].where(grouped["customers"] > 0)
            ).to_numpy(),
            "actual_total": grouped["actual_total"].to_numpy(),
            "predicted_total": grouped["predicted_total"].to_numpy(),
        }
    )
    totals = {
        "customers": int(len(frame)),
        "holdout_length": holdout_t,
        "actual": float(frame["actual"].sum()),
        "predicted": float(frame["predicted"].sum()),
    }
    return rows, totals
