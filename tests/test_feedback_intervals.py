"""Score intervals that respect the scale: NPS by the trinomial score test, CSI / CES on the scale.

Expected values are derived by hand or by an independent computation written here (the
constrained likelihood maximised numerically by scipy, weighted moments by numpy).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize

from cxray.analytics.feedback import mean_interval, nps_interval

Z = 1.96  # the module's 95% critical value


def score_statistic(p: int, m: int, d: int, delta: float) -> float:
    """n (NPS/100 - delta)² / (q_P + q_D - delta²) with q maximising the trinomial likelihood
    under q_P - q_D = delta, found by a bounded scalar search over q_D."""
    n = p + m + d
    observed = (p - d) / n
    lo, hi = max(0.0, -delta), (1 - delta) / 2

    def neg_loglik(x: float) -> float:
        shares = (x + delta, 1 - 2 * x - delta, x)
        return -sum(
            c * math.log(max(s, 1e-300)) for c, s in zip((p, m, d), shares, strict=True) if c
        )

    x = optimize.minimize_scalar(neg_loglik, bounds=(lo, hi), method="bounded",
                                 options={"xatol": 1e-13}).x  # fmt: skip
    return n * (observed - delta) ** 2 / (2 * x + delta - delta**2)


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The Wilson score interval of a proportion, from its textbook formula."""
    phat = successes / n
    centre = (phat + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(phat * (1 - phat) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def test_four_promoters_of_four_is_not_100_to_100():
    # q_D = (1 - d) / 2 at the constrained optimum, so S(d) = 4 (1 - d) / (1 + d) <= 1.96² gives
    # d >= (4 - 1.96²) / (4 + 1.96²) = 0.1584 / 7.8416 = 0.0202
    value, low, high = nps_interval(4, 0, 0)
    assert value == 100.0 and high == 100.0
    assert low == pytest.approx(100 * (4 - Z * Z) / (4 + Z * Z), abs=1e-6)
    assert low == pytest.approx(2.02, abs=0.01)


def test_all_detractors_mirror_all_promoters():
    value, low, high = nps_interval(0, 0, 4)
    assert (value, low) == (-100.0, -100.0)
    assert high == pytest.approx(-100 * (4 - Z * Z) / (4 + Z * Z), abs=1e-6)


def test_without_passives_it_is_wilson_of_the_promoter_share():
    # NPS = 2 * (promoter share) - 1 when nobody is passive
    for p, d in ((3, 1), (7, 2), (1, 5)):
        w_low, w_high = wilson(p, p + d)
        _, low, high = nps_interval(p, 0, d)
        assert low == pytest.approx(100 * (2 * w_low - 1), abs=1e-6)
        assert high == pytest.approx(100 * (2 * w_high - 1), abs=1e-6)


@pytest.mark.parametrize("counts", [(5, 2, 3), (3, 1, 3), (0, 4, 0), (1, 0, 0), (40, 35, 25)])
def test_bounds_are_where_the_score_test_rejects(counts):
    value, low, high = nps_interval(*counts)
    assert -100 <= low <= value <= high <= 100
    for bound in (low, high):
        if abs(bound) < 100:
            assert score_statistic(*counts, bound / 100) == pytest.approx(Z * Z, rel=1e-4)
    for v in ((low + value) / 2, (value + high) / 2):  # halfway to each bound: not rejected
        if v != value:
            assert score_statistic(*counts, v / 100) < Z * Z


def test_many_answers_agree_with_the_normal_interval():
    # 1000 answers (500 / 300 / 200): the Wald half width 1.96 * 100 * sqrt((0.7 - 0.09) / 1000)
    # = 4.84 and the score interval differ by less than 0.2 points
    _, low, high = nps_interval(500, 300, 200)
    half = Z * 100 * math.sqrt((0.7 - 0.3**2) / 1000)
    assert low == pytest.approx(30 - half, abs=0.2)
    assert high == pytest.approx(30 + half, abs=0.2)


def adjusted(scores: list[float], low: float, high: float) -> tuple[float, float]:
    """The Agresti-Coull-adjusted interval: 1.96² / 2 answers of weight added at each end of the
    scale, weighted mean and (population) variance by numpy, cut to the scale."""
    values = np.array([*scores, low, high], dtype=float)
    weights = np.array([1.0] * len(scores) + [Z * Z / 2] * 2)
    mean = np.average(values, weights=weights)
    var = np.average((values - mean) ** 2, weights=weights)
    half = Z * math.sqrt(var / weights.sum())
    return max(low, mean - half), min(high, mean + half)


@pytest.mark.parametrize(
    ("scores", "low", "high"),
    [([1.0, 5.0], 1, 5), ([5.0] * 4, 1, 5), ([4.0, 5.0, 3.0, 4.0], 1, 5), ([2.0, 6.0], 1, 7)],
)
def test_csi_ces_interval_stays_on_the_scale(scores, low, high):
    n = len(scores)
    mean, ci_low, ci_high = mean_interval(n, sum(scores), sum(s * s for s in scores), low, high)
    assert mean == pytest.approx(sum(scores) / n)
    assert (ci_low, ci_high) == pytest.approx(adjusted(scores, low, high), abs=1e-9)
    assert low <= ci_low < ci_high <= high


def test_csi_of_one_and_five_is_not_minus_22_to_28():
    # two answers 1 and 5 on 1-5: the t interval was 3 ± 12.706 * 2 = [-22.4; 28.4]; now the
    # answers sit at both ends of the scale, so it is the Wilson interval of a share 1/2 on n = 2
    # mapped to 1 + 4 p
    w_low, w_high = wilson(1, 2)
    _, low, high = mean_interval(2, 6.0, 26.0, 1, 5)
    assert (low, high) == pytest.approx((1 + 4 * w_low, 1 + 4 * w_high), abs=1e-9)
    assert (low, high) == pytest.approx((1.378, 4.622), abs=1e-3)


def test_four_answers_of_five_keep_an_interval():
    # all four at the top: the t interval was [5; 5]
    _, low, high = mean_interval(4, 20.0, 100.0, 1, 5)
    assert high == 5 and low < 3.0
