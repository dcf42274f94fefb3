"""The loyalty programme on hand-computed data, on DuckDB and SQLite: penetration, rewards, the
reward rate by tier and spend band, and the matched difference in differences."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from conftest import d
from typer.testing import CliRunner

import cxray
from cxray.analytics import loyalty as ly
from cxray.analytics import loyalty_effect as le
from cxray.analytics.purchases import order_days
from cxray.cli import app

_order_no = iter(range(1, 10_000))


def line(cid: str, date: str, amount: float) -> dict:
    return {"order_id": f"o{next(_order_no)}", "customer_id": cid, "order_date": d(date),
            "amount": float(amount), "line_no": 1}  # fmt: skip


def pre(cid: str, each: float) -> list[dict]:
    """Two purchase days in the pre period of a July 2025 join (2024-07-01 .. 2025-06-30): the
    first order 2024-08-01 (tenure 334 days at 2025-07-01: band < 365) and 2025-06-15
    (recency 16 days: band <= 30; also in the retention pre window 2025-01-01 .. 2025-06-30).
    Frequency 2: band "2"."""
    return [line(cid, "2024-08-01", each), line(cid, "2025-06-15", each)]


AS_OF = d("2026-06-30")  # window 6 months: evaluated members joined on or before 2025-12-30
# Members joining in July 2025: post window 2025-07-01 .. 2025-12-31 (J + 6 months excluded);
# candidates in July: a pre-period purchase (2024-07-01 .. 2025-06-30) and never joined before
# 2025-08-01 (no member by the end of July).
ORDERS = [
    # m1 (segment A, member 2025-07-01): pre 60 + 60 = 120; post 90 + 90 = 180
    # revenue change 180 / 6 - 120 / 12 = 30 - 10 = 20; retention 1 - 1 = 0
    *pre("m1", 60),
    line("m1", "2025-08-10", 90),
    line("m1", "2025-10-10", 90),
    # m2 (segment B, member 2025-07-01): pre 120 + 120 = 240; post 300 and a return -60 on
    # another day (not a purchase day) = 240: change 40 - 20 = 20; retention 1 - 1 = 0
    *pre("m2", 120),
    line("m2", "2025-09-01", 300),
    line("m2", "2025-11-01", -60),
    # m6 (segment C, member 2025-07-01): pre 100 + 100 = 200, nothing after: change
    # 0 - 200 / 12 = -16.667, retention 0 - 1 = -1. No candidate in segment C: unmatched
    *pre("m6", 100),
    # c1 (A, never a member): pre 50 + 50 = 100; post 60: change 10 - 8.333 = 1.667; ret 0
    *pre("c1", 50),
    line("c1", "2025-09-10", 60),
    # c2 (A): pre 70 + 70 = 140; nothing after: change -11.667; retention 0 - 1 = -1
    *pre("c2", 70),
    # c3 (B): pre 115 + 115 = 230; post 66: change 11 - 19.167 = -8.167; retention 0
    *pre("c3", 115),
    line("c3", "2025-08-01", 66),
    # c5 (A): joined 2026-01-15, after July: a candidate, with its post-window purchase (600 on
    # 09-05): pre 120, change 100 - 10 = 90; retention 1 - 1 = 0
    *pre("c5", 60),
    line("c5", "2025-09-05", 600),
    # m3: joined 2026-03-01 (too recent); m4 (A): joined 2025-07-10, left 2025-10-01 (before
    # 2026-01-10: left early), and no candidate either (joined before 2025-08-01) though its
    # history is m1's; m5: joined 2025-07-20 with no order before (without history);
    # c4: no pre-period purchase (no candidate)
    line("m3", "2026-04-01", 50),
    *pre("m4", 60),
    line("m4", "2025-08-15", 40),
    line("m5", "2025-08-01", 100),
    line("c4", "2025-08-01", 30),
]
# Monetary bands: quartiles of the evaluated members' pre revenue (120, 200, 240): cuts 160,
# 200, 220. m1 120, c1 100, c2 140, c5 120 -> band 1; m2 240, c3 230 -> band 4; m6 200 -> 3.
# Strata: A = {m1; c1, c2, c5}, B = {m2; c3}, C = {m6; none}: 3 evaluated, 2 matched.
# Revenue: A: 20 - (5/3 - 35/3 + 90) / 3 = 20 - 80/3 = -6.667; B: 20 - (-8.167) = 28.167.
# DiD = (-6.667 + 28.167) / 2 = 10.75 (each stratum weighs n_s / N = 1 / 2).
# Variance. Controls A: deviations from 80/3: -25, -115/3, 190/3; squares 625 + 13225/9 +
# 36100/9 = 54950/9; variance 27475/9 = 3052.78. Member A (alone): both groups around their own
# means, (0 + 54950/9) / (4 - 2) = 3052.78. Stratum B holds 2 customers: pooled within strata.
# Members: 2 rows - 2 strata = 0 degrees of freedom -> their overall variance, var(20, 20) = 0;
# controls: (54950/9 + 0) / (4 - 2) = 3052.78.
# SE^2 = 1/4 (3052.78 + 3052.78 / 3) + 1/4 (0 + 3052.78) = 3052.78 x 7/12 = 1780.79; SE 42.2.
# Retention: A: 0 - (0 - 1 + 0) / 3 = 1/3; B: 0 - 0 = 0; DiD 1/6. Controls A: var(0, -1, 0)
# = 1/3 (squares 2/3); member A (2/3) / 2 = 1/3; B: members 0, controls pooled (2/3) / 2 = 1/3:
# SE^2 = 1/4 (1/3 + 1/9) + 1/4 (0 + 1/3) = 1/9 + 1/12 = 7/36.
# Retained evaluated members: m1, m2 = 2; would have come back anyway 2 - 1/6 x 3 = 1.5
# (share 1.5 / 2 = 0.75).
REV_DID = (20 - 80 / 3 + 20 - (11 - 230 / 12)) / 2
REV_SE = math.sqrt(27475 / 9 * 7 / 12)

MEMBERS = [
    {"customer_id": "m1", "joined_at": d("2025-07-01"), "tier": "gold"},
    {"customer_id": "m2", "joined_at": d("2025-07-01"), "tier": "silver"},
    {"customer_id": "m6", "joined_at": d("2025-07-01")},
    {"customer_id": "m3", "joined_at": d("2026-03-01")},
    {"customer_id": "m4", "joined_at": d("2025-07-10"), "left_at": d("2025-10-01")},
    {"customer_id": "m5", "joined_at": d("2025-07-20"), "tier": "silver"},
    {"customer_id": "c5", "joined_at": d("2026-01-15"), "tier": "gold"},
]
CUSTOMERS = [
    {"customer_id": c, "segment": s}
    for c, s in (("m1", "A"), ("m2", "B"), ("m6", "C"), ("c1", "A"), ("c2", "A"), ("c3", "B"))
    + (("c5", "A"), ("m4", "A"))
]


def reward(cid: str, date: str, kind: str, points: float, value: float | None = None) -> dict:
    return {"customer_id": cid, "date": d(date), "kind": kind, "points": float(points),
            "value": value, "order_id": f"r{next(_order_no)}"}  # fmt: skip


REWARDS = [
    reward("m1", "2025-08-10", "accrual", 18),  # value = points = 18
    reward("m1", "2025-10-10", "redemption", 10, 5.0),
    reward("m2", "2025-09-01", "accrual", 30, 30.0),
    reward("c5", "2025-09-05", "accrual", 60, 60.0),
    reward("c5", "2026-02-01", "redemption", 40, 40.0),
    reward("m4", "2025-08-15", "accrual", 4),  # a former member's: counted in the totals
    reward("m1", "2025-06-01", "accrual", 100),  # before the year (2025-06-30, 2026-06-30]
]
# The year (2025-06-30, 2026-06-30]: active (a purchase day in it): m1, m2, m3, m4, m5, c1, c3,
# c4, c5 = 9. Members at as_of: m1, m2, m3, m5, m6, c5 = 6 (m4 left); active: all but m6 = 5.
# Penetration 5 / 9. Revenue: m1 180 + m2 240 + m3 50 + m4 40 + m5 100 + c1 60 + c3 66 + c4 30
# + c5 600 = 1366; members' 180 + 240 + 50 + 100 + 600 = 1170.
# Rewards of the year: 6 rows; accrued 18 + 30 + 60 + 4 = 112 points and value; redeemed 10 +
# 40 = 50 points, 5 + 40 = 45 value. Cost share 45 / 1170; accrual share 112 / 1170;
# redemption 50 / 112; breakage 62 / 112.


@pytest.fixture
def tables(load):
    return {
        "orders": load("orders", ORDERS),
        "customers": load("customers", CUSTOMERS),
        "loyalty_members": load("loyalty_members", MEMBERS),
        "loyalty_rewards": load("loyalty_rewards", REWARDS),
    }


def effect_frame(tables, window_months: int = 6) -> pd.DataFrame:
    days = order_days(tables["orders"], returns=False)
    listed = tables["loyalty_members"].to_pyarrow().to_pylist()
    ma, mo, counts = le.anchors(listed, as_of=AS_OF, window_months=window_months)
    rows = le.effect_summaries(days, tables["customers"], ma, mo, as_of=AS_OF).to_pandas()
    joined = {r["customer_id"]: r["joined_at"] for r in listed}
    return le.changes(rows, joined, window_months=window_months), counts


def test_penetration_and_rewards(tables):
    days = order_days(tables["orders"], returns=False)
    counts = ly.penetration(days, tables["loyalty_members"], as_of=AS_OF).to_pyarrow()
    totals = ly.reward_totals(tables["loyalty_rewards"], as_of=AS_OF).to_pyarrow()
    got = ly.loyalty_figures(counts.to_pylist()[0], totals.to_pylist()[0])
    assert (got["members"], got["active_customers"], got["active_members"]) == (6, 9, 5)
    assert got["penetration"] == pytest.approx(5 / 9)
    assert got["revenue"] == pytest.approx(1366)
    assert got["member_revenue"] == pytest.approx(1170)
    assert got["member_revenue_share"] == pytest.approx(1170 / 1366)
    assert got["reward_rows"] == 6
    assert (got["accrued_points"], got["accrued_value"]) == (112, 112)
    assert (got["redeemed_points"], got["redeemed_value"]) == (50, 45)
    assert got["reward_cost_share"] == pytest.approx(45 / 1170)
    assert got["accrual_share"] == pytest.approx(112 / 1170)
    assert got["redemption_rate"] == pytest.approx(50 / 112)
    assert got["breakage"] == pytest.approx(62 / 112)


def test_reward_rate_by_tier_and_band(tables):
    days = order_days(tables["orders"], returns=False)
    rows = ly.member_rows(
        days, tables["loyalty_members"], tables["loyalty_rewards"], as_of=AS_OF
    ).to_pandas()
    by_tier, by_band = ly.by_group(rows)
    # gold: m1 (180, accrued 18), c5 (600, 60); silver: m2 (240, 30), m5 (100, 0);
    # no tier: m3 (50, 0), m6 (0, 0). From the lowest tier: mean revenue 25, 170, 390
    assert [(r["tier"], r["members"], r["revenue"], r["accrued_value"]) for r in by_tier] == [
        (None, 2, 50, 0), ("silver", 2, 340, 30), ("gold", 2, 780, 78),
    ]  # fmt: skip
    assert [r["reward_rate"] for r in by_tier] == pytest.approx([0, 30 / 340, 0.1])
    # members ranked by revenue: m6 0, m3 50, m5 100, m1 180, m2 240, c5 600; band = rank x 4
    # // 6 + 1: 1, 1, 2, 3, 3, 4
    assert [(r["band"], r["members"], r["revenue"]) for r in by_band] == [
        (1, 2, 50), (2, 1, 100), (3, 2, 420), (4, 1, 600),
    ]  # fmt: skip
    assert [r["reward_rate"] for r in by_band] == pytest.approx([0, 0, 48 / 420, 0.1])
    assert (by_band[2]["min_revenue"], by_band[2]["max_revenue"]) == (180, 240)


def test_matched_did(tables):
    frame, counts = effect_frame(tables)
    assert counts == {"members": 7, "too_recent": 2, "left_early": 1}
    # m5 has no history: 3 evaluated members; candidates c1, c2, c3, c5 (m4 joined in July)
    assert sorted(frame.loc[frame.member, "customer_id"]) == ["m1", "m2", "m6"]
    assert sorted(frame.loc[~frame.member, "customer_id"]) == ["c1", "c2", "c3", "c5"]
    by_id = frame.set_index("customer_id")
    assert by_id.loc["m2", "revenue_change"] == pytest.approx(20)
    assert by_id.loc["c3", "revenue_change"] == pytest.approx(11 - 230 / 12)
    assert by_id.loc["m6", "retention_change"] == -1
    assert (by_id.loc["m1", "recency"], by_id.loc["m1", "tenure"]) == (16, 334)
    got = le.matched_did(frame)
    assert (got["evaluated"], got["matched"], got["unmatched"]) == (3, 2, 1)
    assert (got["controls"], got["strata"]) == (4, 2)
    assert got["revenue_did"] == pytest.approx(REV_DID)
    assert got["revenue_se"] == pytest.approx(REV_SE)
    assert got["revenue_low"] == pytest.approx(REV_DID - 1.959964 * REV_SE)
    assert got["retention_did"] == pytest.approx(1 / 6)
    assert got["retention_se"] == pytest.approx(math.sqrt(7 / 36))
    assert got["retained"] == 2
    assert got["would_have_come_back"] == pytest.approx(1.5)
    assert got["would_have_come_back_share"] == pytest.approx(0.75)
    # naive: members' mean change (20 + 20 - 16.667) / 3 = 7.778 minus the candidates'
    # (1.667 - 11.667 - 8.167 + 90) / 4 = 17.958
    naive = (40 - 200 / 12) / 3 - (10 - 100 / 12 - 140 / 12 + 11 - 230 / 12 + 90) / 4
    assert got["naive_revenue_diff"] == pytest.approx(naive)
    # balance after matching: recency, frequency, tenure equal; monetary: members 120, 240
    # (mean 180, variance 3600); controls c1 100, c2 140, c5 120 weigh 1/3, c3 230 weighs 1
    # (mean (120 + 230) / 2 = 175, variance (1/3 (75^2 + 35^2 + 55^2) + 55^2) / 2 = 9475/3):
    # 5 / sqrt((3600 + 9475/3) / 2)
    smd = {b["feature"]: b["smd_after"] for b in got["balance"]}
    assert smd == pytest.approx(
        {"recency": 0, "frequency": 0, "monetary": 5 / math.sqrt((3600 + 9475 / 3) / 2),
         "tenure": 0}
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# the API and the CLI on an imported workspace (DuckDB)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("loyalty")
    for name, rows in (("orders", ORDERS), ("customers", CUSTOMERS),
                       ("loyalty_members", MEMBERS), ("loyalty_rewards", REWARDS)):  # fmt: skip
        pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False)
        cxray.import_file(name, folder / f"{name}.csv", workspace=folder / "ws")
    return folder / "ws"


def run(workspace, *args: str):
    return CliRunner().invoke(app, ["--workspace", str(workspace), "loyalty", *args])


def test_cli_json(workspace):
    result = run(workspace, "--as-of", "2026-06-30", "--json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert (got["as_of"], got["window_months"]) == ("2026-06-30", 6)
    pen, effect = got["penetration"], got["effect"]
    assert (pen["members"], pen["active_customers"], pen["active_members"]) == (6, 9, 5)
    assert pen["reward_cost_share"] == pytest.approx(45 / 1170)
    assert pen["breakage"] == pytest.approx(62 / 112)
    assert (effect["members"], effect["too_recent"], effect["left_early"]) == (7, 2, 1)
    assert (effect["evaluated"], effect["matched"], effect["without_history"]) == (3, 2, 1)
    assert effect["revenue_did"] == pytest.approx(REV_DID)
    assert effect["retention_did"] == pytest.approx(1 / 6)
    assert effect["would_have_come_back"] == pytest.approx(1.5)
    assert [r["tier"] for r in got["by_tier"]] == [None, "silver", "gold"]
    assert [r["band"] for r in got["by_band"]] == [1, 2, 3, 4]
    assert [b["feature"] for b in got["balance"]] == ["recency", "frequency", "monetary", "tenure"]
    # 2 matched members: fewer than 30
    assert got["warnings"] == [
        {"code": "loyalty_few_matches", "params": {"matched": 2, "evaluated": 3}}
    ]


def test_cli_tables_and_sentence(workspace):
    result = run(workspace, "--as-of", "2026-06-30")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "active members │ 5" in out
    assert "│ 55.6%" in out  # penetration 5 / 9
    assert "reward cost: redeemed / members' revenue │ 3.85%" in out  # 45 / 1170
    assert "breakage (points not redeemed) │ 55.4%" in out  # 62 / 112
    assert "gold │ 2 │ 780.00 │ 78.00 │ 10.00%" in out
    assert "3: 180.00 – 240.00 │ 2 │ 420.00 │ 48.00 │ 11.43%" in out  # 48 / 420
    # 10.75 +- 1.96 x 42.199 = [-71.96; +93.46]
    assert "+10.75 [-71.96; +93.46]" in out
    assert "the 2 matched members brought +10.75 of revenue per month" in out
    assert "About 2 of the 2 members who came back (75%)" in out
    assert "Only 2 of 3 members evaluated" in " ".join(result.stderr.split())


def test_bad_window(workspace):
    result = run(workspace, "--window-months", "0")
    assert result.exit_code == 1
    assert "--window-months" in result.stderr


def test_imbalance_warned(load):
    # one member and two controls in one stratum (first order 2024-08-01, 2 purchase days, 20
    # in revenue), with different recency inside the band <= 30 days: the member 1 day, the
    # controls 20 and 30 (weights 1/2 each): controls' mean 25, variance 25; member 1,
    # variance 0: SMD = (1 - 25) / sqrt((0 + 25) / 2) = -24 / sqrt(12.5) = -6.79
    orders = [line(c, "2024-08-01", 10) for c in "mxy"]
    orders += [line("m", "2025-06-30", 10), line("x", "2025-06-11", 10),
               line("y", "2025-06-01", 10)]  # fmt: skip
    members = [{"customer_id": "m", "joined_at": d("2025-07-01")}]
    with cxray.api.Session.from_tables(
        {"orders": load("orders", orders), "loyalty_members": load("loyalty_members", members)}
    ) as ws:
        got = ws.loyalty("2026-06-30").to_dict()
    smd = {b["feature"]: b["smd_after"] for b in got["balance"]}
    assert smd["recency"] == pytest.approx(-24 / math.sqrt(12.5))
    codes = {w["code"]: w["params"] for w in got["warnings"]}
    assert codes["loyalty_imbalance"] == {"features": "recency"}
    assert "loyalty_no_rewards" in codes


def test_empty_workspace(load):
    with cxray.api.Session.from_tables({"orders": load("orders", ORDERS)}) as ws:
        got = ws.loyalty("2026-06-30").to_dict()
    assert got["penetration"]["members"] == 0 and got["penetration"]["penetration"] == 0
    assert got["effect"]["evaluated"] == 0 and got["effect"]["revenue_did"] is None
    assert got["by_tier"] == [] and got["by_band"] == []
    assert [w["code"] for w in got["warnings"]] == ["loyalty_no_members"]


def test_report_section(workspace):
    from cxray.report.html import render_sections
    from cxray.report.xlsx import report_sheets

    with cxray.open(workspace) as ws:
        data = ws.report("2026-06-30").value
    assert data.loyalty["effect"]["revenue_did"] == pytest.approx(REV_DID)
    html = render_sections(data, "loyalty", lang="en")
    assert "id='loyalty'" in html
    assert "55.6%" in html and "+10.75 [-71.96; +93.46]" in html  # as in the CLI
    assert "Reward rate by tier" in html and "Only 2 of 3 members" in html
    assert "Программа лояльности" in render_sections(data, "loyalty", lang="ru")
    sheets = report_sheets(data)
    figures = {r["figure"]: r["value"] for r in sheets["loyalty"]}
    assert figures["penetration"] == pytest.approx(5 / 9)
    assert figures["revenue_low"] == pytest.approx(REV_DID - 1.959964 * REV_SE)
    assert [r["tier"] for r in sheets["loyalty_by_tier"]] == [None, "silver", "gold"]


def test_report_without_members(tmp_path):
    from cxray.report.html import render_sections
    from cxray.report.xlsx import report_sheets

    pd.DataFrame(ORDERS).to_csv(tmp_path / "orders.csv", index=False)
    cxray.import_file("orders", tmp_path / "orders.csv", workspace=tmp_path / "ws")
    with cxray.open(tmp_path / "ws") as ws:
        data = ws.report("2026-06-30").value
    html = render_sections(data, "loyalty", lang="en")
    assert "id='loyalty'" in html and "No loyalty members on 2026-06-30" in html
    assert "<table" not in html
    assert "loyalty" not in report_sheets(data)


def test_members_too_recent_to_evaluate(workspace):
    # as of 2025-12-31 every member joined less than 6 months before (the latest join allowed
    # is 2025-06-30): nobody is evaluated, and the effect is missing with a warning
    with cxray.open(workspace) as ws:
        got = ws.loyalty("2025-12-31").to_dict()
    assert got["penetration"]["members"] == 4  # m1, m2, m5, m6 (m4 left on 2025-10-01)
    assert (got["effect"]["too_recent"], got["effect"]["evaluated"]) == (5, 0)
    assert got["effect"]["revenue_did"] is None
    assert got["warnings"][0] == {
        "code": "loyalty_few_matches",
        "params": {"matched": 0, "evaluated": 0},
    }
