"""Campaign measurement: uplift, intervals and MDE checked against numbers derived by hand.

Fixture (campaign c1, sent 2026-03-01; window 30 days = (2026-03-01, 2026-03-31]):

    customer group    order lines (date, sku, amount)                   in window (all scope)
    T1       target   2026-03-31 S-9 100 (S-9 is a promoted SKU)        100  (the end day counts)
    T2       target   2026-03-10 M-1 250, 2026-03-20 M-1 -50 (return)   200  (net of the return)
    T3       target   2026-03-01 M-1 500                                0    (the send day is out)
    T4       target   2026-04-01 M-1 700                                0    (after the window)
    T5       target   2026-03-05 SYR-1 100 + M-1 200                    300
    T6       target   2026-02-15 M-1 50                                 0    (before)
    C1       control  2026-03-12 SYR-1 100                              100
    C2..C4   control  C2: 2026-04-10 M-1 80                             0
    X1       (not in the campaign) 2026-03-10 M-1 1000                  --

Products: SYR-1 in line "Сыры"; M-1 and S-9 in line "Молоко".
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from scipy import stats

from cxray.comms.measure import mde_conversion, mde_mean, measure_campaign

AS_OF = dt.date(2026, 4, 30)
Z = 1.959964  # normal 97.5% quantile
K = 2.801585  # z(0.975) + z(0.8)

PRODUCTS = [
    {"sku": "SYR-1", "product_line": "Сыры"},
    {"sku": "M-1", "product_line": "Молоко"},
    {"sku": "S-9", "product_line": "Молоко"},
]


def line(order_id, customer, date, sku, amount, line_no=1):
    return {
        "order_id": order_id,
        "customer_id": customer,
        "order_date": date,
        "sku": sku,
        "amount": amount,
        "line_no": line_no,
    }


ORDERS = [
    line("O1", "T1", "2026-03-31", "S-9", 100.0),
    line("O2", "T2", "2026-03-10", "M-1", 250.0),
    line("O3", "T2", "2026-03-20", "M-1", -50.0),
    line("O4", "T3", "2026-03-01", "M-1", 500.0),
    line("O5", "T4", "2026-04-01", "M-1", 700.0),
    line("O6", "T5", "2026-03-05", "SYR-1", 100.0),
    line("O6", "T5", "2026-03-05", "M-1", 200.0, line_no=2),
    line("O7", "T6", "2026-02-15", "M-1", 50.0),
    line("O8", "C1", "2026-03-12", "SYR-1", 100.0),
    line("O9", "C2", "2026-04-10", "M-1", 80.0),
    line("O10", "X1", "2026-03-10", "M-1", 1000.0),
    # campaign c3 (attributed revenue larger than the target's total)
    line("O20", "T7", "2026-06-10", "M-1", 50.0),
    line("O21", "C5", "2026-06-10", "M-1", -300.0),
]


def send(campaign, customer, group, sent_at="2026-03-01 10:00:00", channel="email", **kw):
    return {
        "campaign_id": campaign,
        "customer_id": customer,
        "sent_at": sent_at,
        "channel": channel,
        "group": group,
        **kw,
    }


SENDS = (
    [send("c1", f"T{i}", "target", opened_at="2026-03-01 12:00:00") for i in (1, 2, 3)]
    + [send("c1", f"T{i}", "target") for i in (4, 5, 6)]
    # T1 also got the campaign by SMS: still one target customer
    + [send("c1", "T1", "target", sent_at="2026-03-01 15:00:00", channel="sms")]
    + [send("c1", f"C{i}", "control") for i in (1, 2, 3, 4)]
    + [send("c3", c, g, sent_at="2026-06-01 10:00:00") for c, g in
       (("T7", "target"), ("T8", "target"), ("C5", "control"), ("C6", "control"))]
    + [send("other", "X1", "target", sent_at="2026-03-01 10:00:00")]
)  # fmt: skip


@pytest.fixture
def tables(load):
    return load("orders", ORDERS), load("products", PRODUCTS), load("sends", SENDS)


def measure(tables, **kw):
    orders, products, sends = tables
    args = {"campaign_id": "c1", "as_of": AS_OF, "window_days": 30}
    args.update(kw)
    return measure_campaign(orders, products, sends, **args)


def test_groups_and_window(tables):
    m = measure(tables)
    assert (m.start, m.end, m.observed_end) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
        dt.date(2026, 3, 31),
    )
    assert m.days_observed == 30
    # target revenues 100, 200, 0, 0, 300, 0; control 100, 0, 0, 0
    assert (m.target.n, m.target.converters, m.target.revenue) == (6, 3, 600.0)
    assert (m.control.n, m.control.converters, m.control.revenue) == (4, 1, 100.0)
    assert m.target.conversion_rate == pytest.approx(0.5)
    assert m.control.conversion_rate == pytest.approx(0.25)
    # means 600/6 = 100 and 100/4 = 25 (zeros included)
    assert m.target.revenue_per_customer == pytest.approx(100.0)
    assert m.control.revenue_per_customer == pytest.approx(25.0)
    # target deviations 0, 100, -100, -100, 200, -100: squares 80,000 / 5 = 16,000
    assert m.target.revenue_sd == pytest.approx(math.sqrt(16_000))
    # control deviations 75, -25, -25, -25: squares 7,500 / 3 = 2,500
    assert m.control.revenue_sd == pytest.approx(50.0)
    # the total revenue of the target customers in the window
    assert m.target_total_revenue == pytest.approx(600.0)


def test_conversion_uplift_wald_and_delta_method(tables):
    u = measure(tables).conversion
    # d = 0.5 - 0.25 = 0.25
    assert u.absolute == pytest.approx(0.25)
    # se = sqrt(0.5*0.5/6 + 0.25*0.75/4) = sqrt(0.0416667 + 0.046875) = 0.2975595
    se = 0.2975595
    assert u.ci_low == pytest.approx(0.25 - Z * se, abs=1e-6)  # -0.333206
    assert u.ci_high == pytest.approx(0.25 + Z * se, abs=1e-6)  # 0.833206
    assert u.ci_low == pytest.approx(-0.333206, abs=1e-6)
    # p = 2 * (1 - Phi(0.25 / 0.2975595 = 0.840168)) = 0.400814
    assert u.p_value == pytest.approx(0.400814, abs=1e-6)
    # relative: 0.5 / 0.25 - 1 = 1; R = 2;
    # se = sqrt(0.0416667 + 2^2 * 0.046875) / 0.25 = sqrt(0.2291667) / 0.25 = 1.914854
    assert u.relative == pytest.approx(1.0)
    assert u.relative_ci_low == pytest.approx(1 - Z * 1.914854, abs=1e-5)  # -2.753045
    assert u.relative_ci_high == pytest.approx(4.753045, abs=1e-5)
    # MDE = 2.801585 * sqrt(0.25 * 0.75 * (1/6 + 1/4)) = 2.801585 * sqrt(0.078125) = 0.783067
    assert u.mde == pytest.approx(0.783067, abs=1e-5)
    assert u.mde_relative == pytest.approx(0.783067 / 0.25, abs=1e-4)  # 3.132267
    assert u.df is None


def test_revenue_uplift_welch_delta_method_and_incremental(tables):
    m = measure(tables, metric="revenue")
    u = m.revenue
    # d = 100 - 25 = 75
    assert u.absolute == pytest.approx(75.0)
    # v_t = 16,000 / 6 = 2,666.667; v_c = 2,500 / 4 = 625; se = sqrt(3,291.667) = 57.37305
    # df = 3,291.667^2 / (2,666.667^2 / 5 + 625^2 / 3)
    #    = 10,834,877 / (1,422,222 + 130,208.3) = 6.979423
    se, df = 57.37305, 6.979423
    assert u.df == pytest.approx(df, abs=1e-5)
    q = stats.t.ppf(0.975, df)  # 2.366038
    assert q == pytest.approx(2.366038, abs=1e-6)
    assert u.ci_low == pytest.approx(75 - q * se, abs=1e-3)  # -60.7468
    assert u.ci_high == pytest.approx(75 + q * se, abs=1e-3)  # 210.7468
    assert u.p_value == pytest.approx(2 * stats.t.sf(75 / se, df), abs=1e-6)  # 0.232550
    # relative: 100 / 25 - 1 = 3; R = 4;
    # se = sqrt(2,666.667 + 4^2 * 625) / 25 = sqrt(12,666.667) / 25 = 4.501851
    assert u.relative == pytest.approx(3.0)
    assert u.relative_ci_low == pytest.approx(3 - Z * 4.501851, abs=1e-5)  # -5.823467
    assert u.relative_ci_high == pytest.approx(11.823467, abs=1e-5)
    # pooled sd = sqrt((5 * 16,000 + 3 * 2,500) / 8) = sqrt(10,937.5) = 104.5825
    # MDE = 2.801585 * 104.5825 * sqrt(1/6 + 1/4) = 189.1286
    assert u.mde == pytest.approx(189.1286, abs=1e-3)
    assert u.mde_relative == pytest.approx(189.1286 / 25, abs=1e-4)
    # incremental revenue = 75 * 6 target customers = 450, interval x 6
    assert m.incremental_revenue == pytest.approx(450.0)
    assert m.incremental_revenue_ci_low == pytest.approx(6 * (75 - q * se), abs=1e-2)
    assert m.incremental_revenue_ci_high == pytest.approx(6 * (75 + q * se), abs=1e-2)


def test_control_too_small_makes_it_inconclusive(tables):
    m = measure(tables)
    assert m.verdict == "inconclusive"
    w = {w.code: w for w in m.warnings}
    assert set(w) == {"control_too_small"}
    assert w["control_too_small"].values["control_n"] == 4
    assert w["control_too_small"].values["reason"] == "size"
    assert w["control_too_small"].values["relative_mde"] == pytest.approx(3.132267, abs=1e-4)
    # with a lower bar the same data give a verdict: the interval (-0.33, 0.83) contains 0
    relaxed = measure(tables, min_control=4, max_relative_mde=5.0)
    assert relaxed.verdict == "no_effect_detected"
    assert relaxed.warnings == ()
    # the relative MDE alone also counts: 3.13 > 3, and the interval contains 0
    low_power = measure(tables, min_control=4, max_relative_mde=3.0)
    assert low_power.verdict == "inconclusive"
    assert [w.values["reason"] for w in low_power.warnings] == ["power"]


def test_scope_promoted_counts_only_promoted_lines(tables):
    m = measure(tables, scope="promoted", promoted_skus=["S-9"], promoted_lines=["Сыры"])
    # promoted: T1 S-9 100, T5 SYR-1 100 (not its M-1 200), C1 SYR-1 100
    assert (m.target.converters, m.target.revenue) == (2, 200.0)
    assert (m.control.converters, m.control.revenue) == (1, 100.0)
    assert m.conversion.absolute == pytest.approx(2 / 6 - 1 / 4)  # 0.083333
    assert m.revenue.absolute == pytest.approx(200 / 6 - 25)  # 8.3333
    # the target's total revenue still counts every purchase
    assert m.target_total_revenue == pytest.approx(600.0)
    only_lines = measure(tables, scope="promoted", promoted_lines=["Сыры"])
    assert (only_lines.target.converters, only_lines.target.revenue) == (1, 100.0)
    only_skus = measure(tables, scope="promoted", promoted_skus=["S-9"])
    assert (only_skus.target.converters, only_skus.control.converters) == (1, 0)
    with pytest.raises(ValueError, match="promoted"):
        measure(tables, scope="promoted")


def test_window_cut_at_as_of(tables):
    m = measure(tables, as_of=dt.date(2026, 3, 15))
    assert m.observed_end == dt.date(2026, 3, 15) and m.end == dt.date(2026, 3, 31)
    assert m.days_observed == 14
    # (03-01, 03-15]: T2 250 (its return on 03-20 is later), T5 300; C1 100
    assert (m.target.converters, m.target.revenue) == (2, 550.0)
    assert (m.control.converters, m.control.revenue) == (1, 100.0)
    w = {w.code: w.values for w in m.warnings}
    assert w["window_open"] == {
        "end": dt.date(2026, 3, 31),
        "as_of": dt.date(2026, 3, 15),
        "days_observed": 14,
        "window_days": 30,
    }
    assert {"code": "window_open", "end": "2026-03-31", "as_of": "2026-03-15",
            "days_observed": 14, "window_days": 30} in m.to_dict()["warnings"]  # fmt: skip
    with pytest.raises(ValueError, match="no day"):
        measure(tables, as_of=dt.date(2026, 3, 1))


def test_explicit_start_moves_the_window(tables):
    m = measure(tables, start=dt.date(2026, 2, 28))
    # (02-28, 03-30]: T3's 500 on 03-01 now counts, T1's 100 on 03-31 does not
    assert m.end == dt.date(2026, 3, 30)
    assert (m.target.converters, m.target.revenue) == (3, 1000.0)


def test_attributed_revenue_larger_than_the_target_total(tables):
    m = measure(tables, campaign_id="c3", as_of=dt.date(2026, 7, 31), metric="revenue")
    # target T7 50, T8 0 -> mean 25; control C5 -300 (a return), C6 0 -> mean -150
    # incremental = (25 - (-150)) * 2 = 350 > the target's total revenue 50
    assert m.incremental_revenue == pytest.approx(350.0)
    assert m.target_total_revenue == pytest.approx(50.0)
    w = {w.code: w.values for w in m.warnings}
    assert w["attributed_exceeds_total"] == {
        "incremental_revenue": pytest.approx(350.0),
        "target_total_revenue": pytest.approx(50.0),
    }
    # no relative figures on a negative control level
    assert m.revenue.relative is None and m.revenue.mde_relative is None
    assert m.verdict == "inconclusive"
    # the ordinary campaign makes no such claim
    assert "attributed_exceeds_total" not in measure(tables).warning_codes


def test_unknown_campaign(tables):
    with pytest.raises(ValueError, match="unknown campaign 'nope'"):
        measure(tables, campaign_id="nope")


def test_bad_arguments(tables):
    with pytest.raises(ValueError, match="metric"):
        measure(tables, metric="clicks")
    with pytest.raises(ValueError, match="scope"):
        measure(tables, scope="some")
    with pytest.raises(ValueError, match="window_days"):
        measure(tables, window_days=0)
    with pytest.raises(TypeError):
        measure(tables, as_of="2026-04-30")


# --- verdicts on a second fixture -------------------------------------------------------------
# 10 target customers, 8 buy 100 each; 10 control customers, 1 buys 100.
# p_t = 0.8, p_c = 0.1, d = 0.7, se = sqrt(0.8*0.2/10 + 0.1*0.9/10) = sqrt(0.025) = 0.158114,
# interval 0.7 +- 1.959964 * 0.158114 = (0.390102, 1.009898): above 0 -> effect.
# Campaign "down" swaps the groups: d = -0.7, interval (-1.009898, -0.390102) -> negative.
# relative MDE on the control rate 0.1:
# 2.801585 * sqrt(0.1*0.9*0.2) / 0.1 = 2.801585 * 0.134164 / 0.1 = 3.758721.


@pytest.fixture
def verdict_tables(load):
    ts = [f"A{i}" for i in range(10)]
    cs = [f"B{i}" for i in range(10)]
    buyers = ts[:8] + cs[:1]
    orders = [line(f"V{c}", c, "2026-05-10", "M-1", 100.0) for c in buyers]
    sends = [send("up", c, "target", "2026-05-01 09:00:00") for c in ts]
    sends += [send("up", c, "control", "2026-05-01 09:00:00") for c in cs]
    sends += [send("down", c, "control", "2026-05-01 09:00:00") for c in ts]
    sends += [send("down", c, "target", "2026-05-01 09:00:00") for c in cs]
    return load("orders", orders), load("products", PRODUCTS), load("sends", sends)


@pytest.mark.parametrize(
    ("campaign", "verdict", "low", "high"),
    [("up", "effect", 0.390102, 1.009898), ("down", "negative", -1.009898, -0.390102)],
)
def test_verdicts(verdict_tables, campaign, verdict, low, high):
    m = measure(
        verdict_tables, campaign_id=campaign, as_of=dt.date(2026, 6, 30),
        min_control=10, max_relative_mde=4.0,
    )  # fmt: skip
    assert (m.conversion.ci_low, m.conversion.ci_high) == (
        pytest.approx(low, abs=1e-6),
        pytest.approx(high, abs=1e-6),
    )
    assert m.verdict == verdict
    assert m.warnings == ()
    if campaign == "up":
        assert m.conversion.mde_relative == pytest.approx(3.758721, abs=1e-5)


def test_a_significant_difference_is_an_effect_even_with_low_power(verdict_tables):
    # relative MDE 3.758721 > 3: the warning says the size is likely overstated, but the
    # interval (0.39, 1.01) excludes 0
    m = measure(
        verdict_tables, campaign_id="up", as_of=dt.date(2026, 6, 30),
        min_control=10, max_relative_mde=3.0,
    )  # fmt: skip
    assert m.verdict == "effect"
    assert [(w.code, w.values["reason"]) for w in m.warnings] == [("control_too_small", "power")]
    # too few control customers: no verdict whatever the interval
    assert measure(verdict_tables, campaign_id="up", as_of=dt.date(2026, 6, 30)).verdict == (
        "inconclusive"
    )


def test_mixed_groups_count_as_target(load):
    orders = load("orders", [line("M", "M1", "2026-05-10", "M-1", 10.0)])
    sends = load(
        "sends",
        [send("mix", "M1", "target", channel="email"), send("mix", "M1", "control", channel="sms")],
    )
    m = measure_campaign(
        orders, None, sends, campaign_id="mix", as_of=dt.date(2026, 6, 30), window_days=90
    )
    assert (m.target.n, m.control.n) == (1, 0)
    assert {"code": "mixed_groups", "customers": 1} in m.to_dict()["warnings"]
    assert m.verdict == "inconclusive"


def test_mde_helpers():
    # 2.801585 * sqrt(0.2 * 0.8 * (1/400 + 1/100)) = 2.801585 * sqrt(0.002) = 0.125291
    assert mde_conversion(0.2, 400, 100) == pytest.approx(0.125291, abs=1e-6)
    # 2.801585 * 50 * sqrt(1/400 + 1/100) = 2.801585 * 50 * 0.1118034 = 15.66134
    assert mde_mean(50.0, 400, 100) == pytest.approx(15.66134, abs=1e-5)
    assert mde_conversion(0.2, 0, 100) is None


def test_to_dict_is_json_ready(tables):
    import json

    data = json.loads(json.dumps(measure(tables).to_dict()))
    assert data["campaign_id"] == "c1" and data["start"] == "2026-03-01"
    assert data["target"]["n"] == 6 and data["conversion"]["absolute"] == pytest.approx(0.25)
    assert data["verdict"] == "inconclusive"
