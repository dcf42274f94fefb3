"""Customer lifetime value: BG/NBD purchase counts, Gamma-Gamma spend and discounted CLV.

The flow, with ``calibration_end`` the analysis date:

1. :func:`rfm_summary` computes, in the backend, one row per customer acquired on or
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

- a **purchase day** of a customer is a date whose order lines net to a positive amount (the
  one definition of :mod:`cxray.analytics.purchases`). Several lines or orders on one day are one
  purchase. A day of returns only, a day whose returns exceed its sales and a day of zero-value
  lines only are not purchases;
- the customer's **birth** (time 0 of the models) is its acquisition, its first order day of
  any amount, so a zero-value first order (as eight CDNOW customers have) starts a customer with
  no repeat purchase yet;
- ``frequency`` x: the number of purchase days after the birth, up to and including
  ``calibration_end`` (the repeat purchases);
- ``recency`` t_x: days from the birth to the last repeat purchase day (0 when x = 0), in units;
- ``T``: days from the birth to ``calibration_end``, in units;
- ``monetary``: the mean net revenue of the repeat purchase days (the first day's revenue is left
  out, as in the literature), 0 when x = 0;
- ``holdout_purchases`` / ``holdout_revenue``: purchase days in ``(calibration_end, holdout_end]``
  and their revenue.

One model per module: ``summary`` (the backend summaries), ``beta_geo`` (BG/NBD), ``gamma_gamma``
(spend), ``value`` (discounted CLV), ``validation`` (holdout comparison) and ``fit`` (the whole
chain), on the shared checks and optimiser of ``base``. Import the names from here.
"""

from cxray.analytics.clv.base import DAYS_PER_YEAR, UNITS
from cxray.analytics.clv.beta_geo import BetaGeoModel

# private: tests/test_clv.py compares the closed form with the quadrature
from cxray.analytics.clv.beta_geo import _alive_expected_closed as _alive_expected_closed
from cxray.analytics.clv.beta_geo import _alive_expected_quad as _alive_expected_quad
from cxray.analytics.clv.fit import CUSTOMER_COLUMNS, ClvResult, fit_clv
from cxray.analytics.clv.gamma_gamma import GammaGammaModel
from cxray.analytics.clv.summary import rfm_summary, summary_counts
from cxray.analytics.clv.validation import FREQUENCY_BUCKETS
from cxray.analytics.clv.value import customer_lifetime_value

__all__ = [
    "CUSTOMER_COLUMNS",
    "DAYS_PER_YEAR",
    "FREQUENCY_BUCKETS",
    "UNITS",
    "BetaGeoModel",
    "ClvResult",
    "GammaGammaModel",
    "customer_lifetime_value",
    "fit_clv",
    "rfm_summary",
    "summary_counts",
]
