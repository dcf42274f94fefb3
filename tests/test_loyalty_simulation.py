"""The loyalty effect's 95% intervals on simulated data with a known effect.

Customers buy at their own rate (purchases per month) and spend per purchase. Those who bought
more often in the 12 months before the join day join more often (selection on past frequency),
so a member's pre-period revenue is high partly by chance and falls back afterwards: a naive
member against non-member comparison is biased downwards, and matching on the pre-period bands
is needed. Members spend ``spend_lift`` more per purchase in the post window, and a member who
would not have bought in it buys once with probability ``comeback``. A tenth of the non-members
who buy in the window join during it (after the join month), and spend more from then on: they
stay controls, so their gain pulls the estimate slightly towards zero.

The true effect of a draw is the expected change caused by membership, per evaluated member
(given each member's rate ``lam`` and spend ``m``): revenue per month ``lam x m x spend_lift +
comeback x P(no purchase) x m x (1 + spend_lift) / 6``, retention ``comeback x P(no purchase)``
with P(no purchase) = exp(-6 lam).

Most draws run on per-customer figures, as :func:`cxray.analytics.loyalty_effect.matched_did`
takes them; a few are written out as orders and run through the whole API on DuckDB, which must
find the same figures.
"""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pandas as pd
import pytest

from cxray.analytics import loyalty_effect as le
from cxray.api.session import Session
from cxray.ingest.schema import TABLES

DRAWS = 240
CUSTOMERS = 4000
WINDOW = 6
JOIN = dt.date(2025, 7, 1)  # everyone joins (or is a candidate) on the first day of July 2025
PRE_DAYS = 365  # 2024-07-01 .. 2025-06-30
RET_DAYS = 181  # 2025-01-01 .. 2025-06-30: the retention pre window
POST_DAYS = 184  # 2025-07-01 .. 2025-12-31
AS_OF = dt.date(2026, 1, 31)  # joins on or before 2025-07-31 have a full post window
# (spend lift, comeback) by draw: a third of the draws have no effect at all
EFFECTS = [(0.0, 0.0), (0.1, 0.2), (0.25, 0.4)]
LATE_JOIN = 0.1  # the non-members buying in the window who join during it


def draw(rng: np.random.Generator, n: int, spend_lift: float, comeback: float) -> pd.DataFrame:
    """Per-customer figures of one draw (customers with a pre-period purchase day only), the
    columns of :func:`cxray.analytics.loyalty_effect.changes` plus ``lam``, ``m``, ``pre_days``
    and ``post_days`` (purchase days) and the two true effects of each member."""
    lam = rng.gamma(1.5, 0.5, n)  # purchases per month
    m = rng.lognormal(3.5, 0.5, n)  # spend per purchase (the mean of a customer's receipts:
    # each figure below is m times a noise of mean 1, lognormal(-0.045, 0.3))
    frequency = np.minimum(rng.poisson(12 * lam), 60)
    keep = frequency > 0
    lam, m, frequency = lam[keep], m[keep], frequency[keep]
    n = len(lam)
    member = rng.random(n) < 1 / (1 + np.exp(-(-4.5 + 0.3 * frequency)))
    # the latest pre-period purchase day: the last of `frequency` days in 365
    recency = 1 + np.floor(PRE_DAYS * rng.beta(1, frequency)).astype(int)
    recency = np.minimum(recency, PRE_DAYS - (frequency - 1))
    monetary = np.round(frequency * m * rng.lognormal(-0.045, 0.3, n), 2)
    post = np.minimum(rng.poisson(WINDOW * lam), POST_DAYS)
    lift = np.where(member, 1 + spend_lift, 1.0)
    came = member & (post == 0) & (rng.random(n) < comeback)
    post = post + came
    per_day = m * rng.lognormal(-0.045, 0.3, n) * lift
    post_revenue = np.round(post * np.where(came, m * lift, per_day), 2)
    # late joiners: from day `late` of the window (after July) they spend more too
    late = np.where(~member & (post > 0) & (rng.random(n) < LATE_JOIN),
                    rng.integers(31, POST_DAYS, n), -1)  # fmt: skip
    gain = np.where(late >= 0, spend_lift * (1 - late / POST_DAYS), 0.0)
    post_revenue = np.round(post_revenue * (1 + gain), 2)
    retained = (post > 0).astype(float)
    no_purchase = np.exp(-WINDOW * lam)
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "member": member,
            "month": JOIN,
            "segment": rng.choice(["retail", "horeca"], n),
            "recency": recency.astype(float),
            "frequency": frequency.astype(float),
            "monetary": monetary,
            "tenure": rng.integers(PRE_DAYS + 1, 1500, n).astype(float),
            "revenue_change": post_revenue / WINDOW - monetary / 12,
            "retention_change": retained - (recency <= RET_DAYS),
            "retained": retained,
            "lam": lam,
            "m": m,
            "post_days": post,
            "post_revenue": post_revenue,
            "late": late,
            "true_revenue": lam * m * spend_lift + comeback * no_purchase * m * lift / WINDOW,
            "true_retention": comeback * no_purchase,
        }
    )


def estimate(frame: pd.DataFrame) -> dict:
    """The estimate of a draw, with the true effects over the matched members."""
    rows = frame.drop(columns=["lam", "m", "post_days", "post_revenue", "late"])
    got = le.matched_did(rows)
    members = frame[frame.member & le.matched_rows(rows)]
    got["true_revenue"] = members.true_revenue.mean()
    got["true_retention"] = members.true_retention.mean()
    return got


@pytest.mark.slow  # ~10 s
def test_coverage_of_the_95_percent_intervals():
    rng = np.random.default_rng(20261203)
    found = []
    for i in range(DRAWS):
        spend_lift, comeback = EFFECTS[i % len(EFFECTS)]
        frame = draw(rng, CUSTOMERS, spend_lift, comeback)
        got = estimate(frame)
        y = frame.revenue_change
        got["naive"] = y[frame.member].mean() - y[~frame.member].mean()
        found.append(got)
    rows = pd.DataFrame(found)
    report = {}
    for name in ("revenue", "retention"):
        truth = rows[f"true_{name}"]
        covered = (rows[f"{name}_low"] <= truth) & (truth <= rows[f"{name}_high"])
        report[name] = (covered.mean(), (rows[f"{name}_did"] - truth).mean())
    naive_bias = (rows.naive - rows.true_revenue).mean()
    matched = (rows.matched / rows.evaluated).mean()
    print(
        f"\n{DRAWS} draws: revenue coverage {report['revenue'][0]:.3f}, mean bias "
        f"{report['revenue'][1]:+.3f} per month (naive comparison {naive_bias:+.3f}; mean true "
        f"effect {rows.true_revenue.mean():.3f}); retention coverage "
        f"{report['retention'][0]:.3f}, mean bias {report['retention'][1]:+.4f}; "
        f"matched share {matched:.3f}, members per draw {rows.evaluated.mean():.0f}"
    )
    assert report["revenue"][0] >= 0.90
    assert report["retention"][0] >= 0.90
    # the naive comparison is biased (members' pre revenue falls back): matching is needed
    assert abs(naive_bias) > 3 * abs(report["revenue"][1])


# ---------------------------------------------------------------------------------------------
# a few draws written out as orders, through the whole API on DuckDB


def _spread(rng: np.random.Generator, count: int, last: int, span: int) -> list[int]:
    """``count`` distinct day offsets before the anchor: ``last`` and count - 1 others in
    (last, span]."""
    others = rng.choice(np.arange(last + 1, span + 1), size=count - 1, replace=False)
    return [last, *others.tolist()]


def orders_of(rng: np.random.Generator, frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The canonical tables that hold exactly the per-customer figures of ``frame``: each
    pre-period (or post-window) amount split evenly over its purchase days, and one earlier
    order that sets the acquisition (tenure)."""
    lines = []
    for row in frame.itertuples():
        cid = row.customer_id
        first = JOIN - dt.timedelta(days=int(row.tenure))
        lines.append((cid, first, 1.0))
        pre_days = _spread(rng, int(row.frequency), int(row.recency), PRE_DAYS)
        for offset in pre_days:
            lines.append((cid, JOIN - dt.timedelta(days=offset), row.monetary / len(pre_days)))
        if row.post_days:
            post = rng.choice(POST_DAYS, size=int(row.post_days), replace=False)
            for offset in post:
                lines.append((cid, JOIN + dt.timedelta(days=int(offset)),
                              row.post_revenue / len(post)))  # fmt: skip
    orders = pd.DataFrame(lines, columns=["customer_id", "order_date", "amount"])
    orders["order_id"] = [f"o{i}" for i in range(len(orders))]
    late = frame[frame.late >= 0]
    late_days = [JOIN + dt.timedelta(days=int(x)) for x in late.late]
    members = pd.concat([
        frame.loc[frame.member, ["customer_id"]].assign(joined_at=JOIN),
        late[["customer_id"]].assign(joined_at=late_days),
    ])  # fmt: skip
    customers = frame[["customer_id", "segment"]]
    return {"orders": orders, "loyalty_members": members, "customers": customers}


def _table(name: str, frame: pd.DataFrame) -> ibis.Table:
    table = TABLES[name]
    for col in table.columns:
        if col.name not in frame.columns:
            frame = frame.assign(**{col.name: None})
    schema = ibis.schema(table.ibis_schema())
    return ibis.memtable(frame[list(schema.names)], schema=schema)


@pytest.mark.parametrize("seed", range(5))
def test_the_api_on_orders_finds_the_same(seed):
    rng = np.random.default_rng(seed)
    spend_lift, comeback = EFFECTS[seed % len(EFFECTS)]
    frame = draw(rng, 300, spend_lift, comeback)
    con = ibis.duckdb.connect()
    tables = {}
    for name, rows in orders_of(rng, frame).items():
        con.create_table(name, _table(name, rows), overwrite=True)
        tables[name] = con.table(name)
    with Session.from_tables(tables) as ws:
        got = ws.loyalty(AS_OF, window_months=WINDOW).to_dict()
    # the candidates of the API are every non-member with a pre-period purchase day: the frame
    want = estimate(frame)
    effect = got["effect"]
    assert (effect["evaluated"], effect["matched"]) == (want["evaluated"], want["matched"])
    for key in ("revenue_did", "revenue_low", "revenue_high", "retention_did", "retention_low"):
        assert effect[key] == pytest.approx(want[key], rel=1e-6, abs=1e-9), key
    assert effect["would_have_come_back"] == pytest.approx(want["would_have_come_back"])
