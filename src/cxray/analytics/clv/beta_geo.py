"""The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005): :class:`BetaGeoModel`.

With its grouped log-likelihood (:class:`_BetaGeoObjective`) and the expected purchases of a
customer known to be alive (:func:`_alive_expected`: the 2F1 closed form, with a tanh-sinh
quadrature fallback).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import special

from cxray.analytics.clv.base import (
    _arrays,
    _check_number,
    _Estimator,
    _maximize,
    _out,
    _penalized,
    _weights,
)

# tanh-sinh quadrature of the fallback for E[purchases | alive]: step, range and rows per chunk
_DE_STEP, _DE_TMAX, _DE_CHUNK = 1.0 / 32, 5.5, 4096


# --------------------------------------------------------------------------------------------
# expected purchases of a customer known to be alive


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
