"""What the CLV models share: argument checks, array helpers, the penalised fit, the base class.

Nothing here knows a model; every other module of :mod:`cxray.analytics.clv` builds on this one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import optimize

DAYS_PER_YEAR = 365.25
UNITS: dict[str, float] = {"day": 1.0, "week": 7.0, "month": DAYS_PER_YEAR / 12}
"""Length of each time unit in days."""


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


# --------------------------------------------------------------------------------------------
# the models' base class


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
