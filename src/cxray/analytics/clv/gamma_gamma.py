"""The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013): GammaGammaModel."""

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
