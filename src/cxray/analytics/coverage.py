"""Whether the data can carry a figure: the span of the orders against the window each figure
needs, and whether a CLV fit is worth reading.

A figure computed over a window longer than the data silently reads as zero (no "regular"
client in 8 weeks), as a jump (a year-on-year change against months before the first order) or
as certainty (a BG/NBD fit with no drop-out gives everyone P(alive) 100%). These checks say so,
as :class:`Shortfall` codes with parameters; the API turns them into notices and the shells into
sentences.

The rules, one line each (:data:`RULES`): a figure needs the orders to cover its window, counted
back from the last order date up to ``as_of``. A window of N months is covered when the first
order date falls on or before the day after ``add_months(last, -N)`` (the window
``(last - N months, last]`` holds no day before the data starts).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir

from cxray.analytics.windows import add_months

# --- the rules ------------------------------------------------------------------------------

RULES: dict[str, int | None] = {
    "regular": 12,  # regular clients: orders in a whole 12-month period
    "yoy": 13,  # year-on-year change: a month and the same month a year earlier
    "active": None,  # the active window (24 months by default, or the window asked for)
    "xyz": None,  # XYZ classes: the months whose revenue variation is measured
}
"""Figure -> months of orders it needs (None: the window the caller passes)."""

MIN_CALIBRATION_WEEKS = 26
"""A CLV calibration shorter than this (first order to calibration end) cannot tell customers
who stopped buying from customers who buy rarely."""
MIN_REPEAT_BUYERS = 30
"""Fewer customers with a repeat purchase than this cannot pin down BG/NBD's drop-out or the
Gamma-Gamma spend distribution."""
PARAM_RANGE = (1e-4, 1e4)
"""A BG/NBD shape parameter (r, a, b) outside this range is degenerate: e.g. a = 1.7e-07 with
b = 12,627 means no customer ever drops out, so P(alive) is 100% for everyone."""
LOG_BOUND = 29.0
"""The optimiser searches log-parameters within +-30: a fitted |log parameter| above this sits
at the bound, so the likelihood has no interior maximum."""
MAX_HOLDOUT_ERROR = 0.25
"""A holdout whose predicted purchases miss the actual total by more than this share."""
SPEND_ONLY = ("clv_spend_unbounded",)
"""Fit checks about spend alone: they leave P(alive) (and the alerts built on it) intact."""
UNTRUSTED = ("coverage_clv", "clv_few_repeaters", "clv_degenerate", "clv_holdout_error")
"""Checks after which a fit's per-customer figures (P(alive), expected purchases, CLV) are not
to be read: a short calibration, few repeat buyers, a degenerate fit, a large holdout error."""


def fit_trusted(codes: list[str]) -> bool:
    """Whether a CLV fit whose checks gave ``codes`` (:func:`calibration_shortfalls`,
    :func:`fit_shortfalls`) may be read per customer: none of them is in :data:`UNTRUSTED`.

    >>> fit_trusted(["clv_spend_unbounded"]), fit_trusted(["clv_degenerate"])
    (True, False)
    """
    return not any(code in UNTRUSTED for code in codes)


@dataclass(frozen=True)
class Shortfall:
    """Something that makes a figure unreliable: a text code and its parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Span:
    """The first and last order date on or before ``as_of`` (None without orders)."""

    first: dt.date | None
    last: dt.date | None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1 if self.first and self.last else 0

    @property
    def months(self) -> int:
        """Whole months the span covers (see :func:`covers`)."""
        if self.first is None or self.last is None:
            return 0
        n = 0
        while covers(self, n + 1):
            n += 1
        return n

    def to_params(self) -> dict[str, Any]:
        """The span as notice parameters: first, last, days, weeks (rounded down), months."""
        return {
            "first": self.first,
            "last": self.last,
            "days": self.days,
            "weeks": self.days // 7,
            "months": self.months,
        }


def order_span(orders: ir.Table, as_of: dt.date) -> Span:
    """The span of the orders up to ``as_of``, computed in the backend."""
    lines = orders.filter(orders.order_date <= as_of)
    row = lines.aggregate(first=lines.order_date.min(), last=lines.order_date.max())
    values = row.to_pyarrow().to_pylist()[0]
    return Span(_day(values["first"]), _day(values["last"]))


def _day(value: object) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[return-value]


def covers(span: Span, months: int) -> bool:
    """Whether the span holds the whole window of ``months`` months ending at its last date."""
    if span.first is None or span.last is None:
        return False
    return add_months(span.last, -months) >= span.first - dt.timedelta(days=1)


def window_shortfalls(span: Span, **windows: int) -> list[Shortfall]:
    """``coverage_<figure>`` for every figure named in ``windows`` (figure -> months; a figure
    of :data:`RULES` with a fixed number takes it when given as 0) that the span cannot hold.

    >>> s = Span(dt.date(2010, 12, 1), dt.date(2011, 1, 25))
    >>> [x.code for x in window_shortfalls(s, regular=0, active=24)]
    ['coverage_regular', 'coverage_active']
    """
    if span.first is None:
        return []
    found = []
    for figure, months in windows.items():
        need = months or RULES[figure]
        if need is not None and not covers(span, need):
            found.append(Shortfall(f"coverage_{figure}", {"need": need, **span.to_params()}))
    return found


# --- the CLV fit ----------------------------------------------------------------------------


def calibration_shortfalls(span: Span) -> list[Shortfall]:
    """``coverage_clv``: a calibration (first order to calibration end) under
    :data:`MIN_CALIBRATION_WEEKS` weeks."""
    if span.first is None or span.days >= MIN_CALIBRATION_WEEKS * 7:
        return []
    return [Shortfall("coverage_clv", {"need": MIN_CALIBRATION_WEEKS, **span.to_params()})]


def fit_shortfalls(params: dict[str, dict[str, Any]], holdout: dict | None) -> list[Shortfall]:
    """What makes a fitted CLV unreliable (``params`` and ``holdout_totals`` of a
    :class:`cxray.analytics.clv.ClvResult`):

    - ``clv_few_repeaters``: fewer than :data:`MIN_REPEAT_BUYERS` repeat buyers;
    - ``clv_degenerate``: a BG/NBD parameter (r, alpha, a, b) at the optimiser's bound, a
      shape parameter (r, a, b) outside :data:`PARAM_RANGE`, or a fit that did not converge;
    - ``clv_spend_unbounded``: a Gamma-Gamma ``q <= 1`` (or no convergence): the spend model has
      no finite mean, so a customer without a repeat purchase gets no expected value;
    - ``clv_holdout_error``: predicted holdout purchases off the actual ones by more than
      :data:`MAX_HOLDOUT_ERROR`.
    """
    found = []
    bg, gg = params["bg_nbd"], params["gamma_gamma"]
    repeaters = int(gg.get("repeat_customers") or 0)
    if repeaters < MIN_REPEAT_BUYERS:
        found.append(
            Shortfall("clv_few_repeaters", {"repeaters": repeaters, "need": MIN_REPEAT_BUYERS})
        )
    odd = [
        name
        for name in ("r", "alpha", "a", "b")
        if not _finite(bg[name]) or abs(math.log(bg[name])) > LOG_BOUND
    ]
    odd += [
        name
        for name in ("r", "a", "b")
        if name not in odd and not PARAM_RANGE[0] <= bg[name] <= PARAM_RANGE[1]
    ]
    if odd or not bg["converged"]:
        values = {k: bg[k] for k in ("r", "alpha", "a", "b")}
        found.append(
            Shortfall(
                "clv_degenerate",
                {"parameters": odd, "converged": bool(bg["converged"]), **values},
            )
        )
    if not _finite(gg["q"]) or gg["q"] <= 1 or not gg["converged"]:
        found.append(Shortfall("clv_spend_unbounded", {"q": gg["q"], "p": gg["p"], "v": gg["v"]}))
    if holdout and holdout.get("actual"):
        error = (holdout["predicted"] - holdout["actual"]) / holdout["actual"]
        if abs(error) > MAX_HOLDOUT_ERROR:
            found.append(
                Shortfall(
                    "clv_holdout_error",
                    {"error": error, "limit": MAX_HOLDOUT_ERROR,
                     "actual": holdout["actual"], "predicted": holdout["predicted"]},
                )
            )  # fmt: skip
    return found


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0
