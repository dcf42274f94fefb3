"""The ``retail`` demo's points programme: who joins, and the true effect the generator documents.

One chunk of 20,000 customers (seed 42, the first customers of the default demo) is written twice,
with the programme's effect and with it switched off (``loyalty_effect=0``): the extra purchases
have random streams of their own, so the two data sets differ only by them, and the in-sample
truth in the terms of the loyalty estimand (post window of 6 calendar months from the join day,
evaluated members joined by as_of - 6 months, not left in the window, with a purchase day in the
12 months before joining) is computed here with pandas, independently of ``retail.true_effect``.
"""

from __future__ import annotations

import math

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cxray.demo import DEFAULT_AS_OF, retail
from cxray.ingest.schema import TABLES

CUSTOMERS = 20_000
WINDOW = 6  # months


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    out = tmp_path_factory.mktemp("loyalty")
    on = retail.write(out / "on", seed=42, customers=CUSTOMERS)
    off = retail.write(out / "off", seed=42, customers=CUSTOMERS, loyalty_effect=0)
    read = {name: pq.read_table(path).to_pandas() for name, path in on.items()}
    read_off = {name: pq.read_table(path).to_pandas() for name, path in off.items()}
    return out, read, read_off


def _day(values) -> pd.Series:
    return pd.to_datetime(pd.Series(values)).reset_index(drop=True)


def _purchase_days(orders: pd.DataFrame) -> pd.DataFrame:
    # a purchase day: the customer's lines of the day net above zero
    daily = orders.groupby(["customer_id", "order_date"], as_index=False)["amount"].sum()
    daily = daily[daily["amount"] > 0].copy()
    daily["day"] = pd.to_datetime(daily["order_date"])
    return daily


def _windows(frames) -> pd.DataFrame:
    """Per member: join day, post-window end, pre-period start, and whether it is evaluated."""
    m = frames["loyalty_members"].copy()
    m["joined"] = _day(m["joined_at"])
    m["left"] = _day(m["left_at"])
    m["end"] = m["joined"].apply(lambda d: d + pd.DateOffset(months=WINDOW))
    m["pre"] = m["joined"].apply(lambda d: d - pd.DateOffset(months=12))
    cutoff = pd.Timestamp(DEFAULT_AS_OF) - pd.DateOffset(months=WINDOW)
    days = _purchase_days(frames["orders"]).merge(m[["customer_id", "pre", "joined"]])
    before = days[(days["day"] >= days["pre"]) & (days["day"] < days["joined"])]
    m["history"] = m["customer_id"].isin(before["customer_id"])
    m["evaluated"] = (
        (m["joined"] <= cutoff) & (m["left"].isna() | (m["left"] >= m["end"])) & m["history"]
    )
    return m


def _post(frames, m: pd.DataFrame) -> pd.DataFrame:
    """Per evaluated member: revenue and whether it purchased in its post window."""
    e = m[m["evaluated"]]
    o = frames["orders"].merge(e[["customer_id", "joined", "end"]])
    day = pd.to_datetime(o["order_date"])
    o = o[(day >= o["joined"]) & (day < o["end"])]
    revenue = o.groupby("customer_id")["amount"].sum().reindex(e["customer_id"], fill_value=0)
    days = _purchase_days(o)
    retained = e["customer_id"].isin(days["customer_id"]).to_numpy()
    return pd.DataFrame({"revenue": revenue.to_numpy(), "retained": retained}, index=revenue.index)


def test_switching_the_effect_off_changes_only_the_extra_purchases(both):
    _, on, off = both
    prefix = retail.LOYALTY_ORDER_PREFIX
    assert not off["orders"]["order_id"].str.startswith(prefix).any()
    ordinary = on["orders"][~on["orders"]["order_id"].str.startswith(prefix)]
    pd.testing.assert_frame_equal(ordinary.reset_index(drop=True), off["orders"])
    # the same members join on the same days; only the tiers that the extra spend lifts differ
    cols = ["customer_id", "joined_at", "card_id", "left_at"]
    pd.testing.assert_frame_equal(on["loyalty_members"][cols], off["loyalty_members"][cols])
    rest = [c for c in on["customers"].columns if c != "loyalty_tier"]
    pd.testing.assert_frame_equal(on["customers"][rest], off["customers"][rest])
    for name in set(TABLES) - {"orders", "loyalty_members", "customers", "loyalty_rewards"}:
        pd.testing.assert_frame_equal(on[name], off[name], obj=name)
    # without the effect fewer rewards (no points on the extra receipts)
    assert len(off["loyalty_rewards"]) < len(on["loyalty_rewards"])


def test_in_sample_truth_is_the_difference_with_and_without_the_effect(both):
    out, on, off = both
    m = _windows(on)
    pd.testing.assert_frame_equal(m, _windows(off).assign(tier=m["tier"]))  # same evaluation
    with_, without = _post(on, m), _post(off, m)
    n = len(with_)
    assert n >= 500
    revenue = (with_["revenue"] - without["revenue"]).sum() / (n * WINDOW)
    retention = (with_["retained"].sum() - without["retained"].sum()) / n
    truth = retail.true_effect(out / "on")
    assert truth["evaluated"] == n
    assert truth["members"] == len(m)
    assert truth["members_without_history"] == int(
        (m["joined"] <= pd.Timestamp("2026-04-30"))
        .where(m["left"].isna() | (m["left"] >= m["end"]), False)
        .where(~m["history"], False)
        .sum()
    )
    assert truth["revenue_per_month"] == pytest.approx(revenue, rel=1e-9)
    assert truth["retention"] == pytest.approx(retention, abs=1e-12)
    assert truth["retained"] == with_["retained"].sum()
    assert truth["retained_without"] == without["retained"].sum()
    nothing = retail.true_effect(out / "off")
    assert nothing["revenue_per_month"] == nothing["retention"] == 0
    assert nothing["evaluated"] == n


def test_in_sample_truth_is_the_documented_design_effect(both):
    _, on, off = both
    m = _windows(on)
    e = m[m["evaluated"]].set_index("customer_id")
    n = len(e)
    o = on["orders"]
    extra = o[o["order_id"].str.startswith(retail.LOYALTY_ORDER_PREFIX)].merge(
        e[["joined", "end"]], left_on="customer_id", right_index=True
    )
    day = pd.to_datetime(extra["order_date"])
    extra = extra[(day >= extra["joined"]) & (day < extra["end"])]
    orders = extra.groupby("customer_id")["order_id"].nunique().reindex(e.index, fill_value=0)
    revenue = extra.groupby("customer_id")["amount"].sum().reindex(e.index, fill_value=0)
    r = retail.LOYALTY_EXTRA_DAYS_PER_MONTH
    assert r == 0.25
    # the design value: 0.25 extra purchase days per member-month, each an ordinary basket of
    # 1,076 roubles on average: 269 roubles per member-month
    assert retail.LOYALTY_EXTRA_REVENUE_PER_MONTH == pytest.approx(0.25 * 1_076.0)

    # Extra purchases: K_i ~ Poisson(6r) per member over the 6-month window (r per calendar
    # month, independently), so the mean of K_i / 6 over n members has standard deviation
    # sqrt(6r / n) / 6 (0.0068 for n = 900); within 4 of them
    sd_k = math.sqrt(WINDOW * r / n) / WINDOW
    assert abs(orders.mean() / WINDOW - r) <= 4 * sd_k

    # Revenue: S_i = B_i1 + ... + B_iK_i, the K_i baskets of member i (independent of K_i, mean
    # mu_i). E[S_i] = 6r mu_i, Var(S_i | i) = 6r E[B_i^2] (compound Poisson), and across members
    # Var(S_i) = 6r E[B^2] + (6r)^2 Var(mu_i): the sample variance of the S_i estimates exactly
    # that, so the mean of S_i / 6 has standard deviation sd(S_i) / sqrt(n) / 6 (~10 roubles:
    # E[B^2] ~ 1,076^2 + 800^2, so sd(S_i) ~ sqrt(1.5 x 1.8e6) ~ 1,640). Within 4 of them, plus
    # the ~2% by which the mean basket itself moves between data sets
    sd_s = revenue.std(ddof=1) / math.sqrt(n) / WINDOW
    design = retail.LOYALTY_EXTRA_REVENUE_PER_MONTH
    assert abs(revenue.mean() / WINDOW - design) <= 4 * sd_s + 0.02 * design

    # Retention: a member with no ordinary purchase day in its window is retained by the effect
    # when it makes at least one extra purchase: probability 1 - exp(-6r) = 77.7%
    without = _post(off, m)
    lapsed = int((~without["retained"]).sum())
    p = 1 - math.exp(-WINDOW * r)
    gained = (_post(on, m)["retained"] & ~without["retained"]).sum()
    assert abs(gained / lapsed - p) <= 4 * math.sqrt(p * (1 - p) / lapsed)


def test_frequent_buyers_are_more_likely_to_join(both):
    # selection: among the customers that bought in the year before 2024-10-31, those that join
    # in the following year had more purchase days in that year than those that never join
    _, on, _ = both
    days = _purchase_days(on["orders"])
    cut = pd.Timestamp("2024-10-31")
    before = days[(days["day"] > cut - pd.DateOffset(years=1)) & (days["day"] <= cut)]
    freq = before.groupby("customer_id").size()
    m = on["loyalty_members"]
    joined = _day(m["joined_at"])
    soon = (joined > cut) & (joined <= cut + pd.DateOffset(years=1))
    joiners = freq[freq.index.isin(set(m.loc[soon.to_numpy(), "customer_id"]))]
    others = freq[~freq.index.isin(set(m["customer_id"]))]
    assert len(joiners) >= 100
    assert joiners.mean() > 1.5 * others.mean()


def test_the_effect_multiplier_scales_the_extra_purchases(tmp_path):
    retail.write(tmp_path, seed=3, customers=5_000, loyalty_effect=2.0)
    truth = retail.true_effect(tmp_path)
    # twice the rate: 0.5 extra purchases per member-month; Poisson(3) per member over the
    # window, so sd of the mean per month = sqrt(3 / n) / 6
    n = truth["evaluated"]
    assert n >= 100
    rate = 2 * retail.LOYALTY_EXTRA_DAYS_PER_MONTH
    assert abs(truth["extra_orders_per_month"] - rate) <= 4 * math.sqrt(6 * rate / n) / 6


def test_a_negative_effect_is_refused(tmp_path):
    with pytest.raises(ValueError, match="loyalty_effect"):
        retail.write(tmp_path, customers=10, loyalty_effect=-0.5)
