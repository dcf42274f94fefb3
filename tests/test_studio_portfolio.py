"""The campaign studio's portfolio line (session.studio.portfolio; cxray.comms.portfolio)
against figures computed by hand.

Four campaign files dropped into ``campaigns/``, their sends (targets T, controls K ...) in the
sends table, so the studio shows them exported, and measured once their window has ended.
Every campaign measures revenue per customer over all purchases (scope all); a window is
(start, start + window_days].

    campaign  start       days  window           target (revenue in window)   control
    a-winter  2026-01-10  10    (01-10, 01-20]   T1 100, T2 200, T3 300       K1 50, K2 150
    b-winter  2026-01-15  10    (01-15, 01-25]   U1 40, U2 80                 V1 10, V2 30
    d-single  2026-01-12  5     (01-12, 01-17]   Y1 70 (one customer)         Z1 0, Z2 0
    c-feb     2026-01-30  30    (01-30, 03-01]   W1 500, W2 0                 W3 0

a-winter: m_t = 200, s_t^2 = (100^2 + 0 + 100^2) / 2 = 10000; m_c = 100,
          s_c^2 = (50^2 + 50^2) / 1 = 5000;
          I = 3 x (200 - 100) = 300; se^2 = 3^2 x (10000/3 + 5000/2) = 52500; R_t = 600.
b-winter: m_t = 60, s_t^2 = (20^2 + 20^2) / 1 = 800; m_c = 20, s_c^2 = (10^2 + 10^2) / 1 = 200;
          I = 2 x (60 - 20) = 80; se^2 = 2^2 x (800/2 + 200/2) = 2000; R_t = 120.
d-single: a target of one customer has no standard deviation: listed, left out of the sums.
c-feb:    its window ends after the days asked: not measured, not in the portfolio.

Other order lines: X1 1000 on 01-12, X2 -100 on 01-14 (a return), X3 500 on 01-10 (the
earliest send day: out), X4 700 on 01-26 (after the last window day: out), T1 60 on 01-22
(after a-winter's window, inside b-winter's).

As of 2026-02-05 (a-winter, b-winter, d-single measured):
    I = 300 + 80 = 380; se = sqrt(52500 + 2000) = sqrt(54500);
    interval 380 +- 1.959964 x sqrt(54500); A = 600 + 120 = 720;
    sales over (01-10, 01-25] (the included campaigns' windows): 600 + 200 + 120 + 40
    + 1000 - 100 + 60 + 70 (Y1: every order line counts) = 1990.
As of 2026-01-22 (only a-winter's window has ended; b-winter's is open):
    I = 300; interval 300 +- 1.959964 x sqrt(52500); A = 600;
    sales over (01-10, 01-20]: 600 + 200 + U1 40 + V2 30 + 1000 - 100 + Y1 70 = 1840.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml

from cxray.api.session import Session
from cxray.workspace import Workspace

Z = 1.959964

BRIEF = {
    "why": "w",
    "target": "t",
    "must_not_receive": "m",
    "expected_effect": "e",
    "client_benefit": "c",
}
CAMPAIGNS = {  # file stem: (id, start, window days, target, control)
    "a-winter": ("a-winter", "2026-01-10", 10, ["T1", "T2", "T3"], ["K1", "K2"]),
    "b-winter": ("b-winter", "2026-01-15", 10, ["U1", "U2"], ["V1", "V2"]),
    "c-feb": ("c-feb", "2026-01-30", 30, ["W1", "W2"], ["W3"]),
    "d-single": ("d-single", "2026-01-12", 5, ["Y1"], ["Z1", "Z2"]),
}
ORDERS = [  # customer, date, amount
    ("T1", "2026-01-12", 100.0),
    ("T2", "2026-01-15", 200.0),
    ("T3", "2026-01-18", 300.0),
    ("K1", "2026-01-13", 50.0),
    ("K2", "2026-01-19", 150.0),
    ("U1", "2026-01-16", 40.0),
    ("U2", "2026-01-24", 80.0),
    ("V1", "2026-01-22", 10.0),
    ("V2", "2026-01-18", 30.0),
    ("Y1", "2026-01-14", 70.0),
    ("W1", "2026-02-02", 500.0),
    ("X1", "2026-01-12", 1000.0),
    ("X2", "2026-01-14", -100.0),
    ("X3", "2026-01-10", 500.0),
    ("X4", "2026-01-26", 700.0),
    ("T1", "2026-01-22", 60.0),
]


@pytest.fixture
def studio(tmp_path):
    session = Session(Workspace(tmp_path / "ws", create=True))
    ws = session.workspace
    ws.write("orders", pd.DataFrame({
        "order_id": [f"O{i}" for i in range(len(ORDERS))],
        "customer_id": [c for c, _, _ in ORDERS],
        "order_date": pd.to_datetime([day for _, day, _ in ORDERS]).date,
        "amount": [a for _, _, a in ORDERS],
    }))  # fmt: skip
    folder = tmp_path / "ws" / "campaigns"
    folder.mkdir()
    rows = []
    for stem, (cid, start, days, target, control) in CAMPAIGNS.items():
        measure = {"metric": "revenue", "window_days": days}
        campaign = {"id": cid, "channel": "email", "start": start, "holdout": 0.2,
                    "brief": {**BRIEF, "measure": measure}}  # fmt: skip
        (folder / f"{stem}.yaml").write_text(yaml.safe_dump(campaign), encoding="utf-8")
        for group, ids in (("target", target), ("control", control)):
            rows += [{"campaign_id": cid, "customer_id": c, "sent_at": pd.Timestamp(start),
                      "channel": "email", "group": group} for c in ids]  # fmt: skip
    ws.write("sends", pd.DataFrame(rows))
    with session:
        yield session


def states(session, as_of) -> dict[str, str]:
    listed = session.studio.campaigns(as_of).to_dict()["campaigns"]
    return {row["name"]: row["state"] for row in listed}


def test_portfolio_after_every_window_but_one(studio):
    assert states(studio, "2026-02-05") == {
        "a-winter": "measured", "b-winter": "measured", "c-feb": "exported", "d-single": "measured"
    }  # fmt: skip
    listed = studio.studio.campaigns("2026-02-05").to_dict()["campaigns"]
    # the audience of a campaign sent before the studio: its groups; every control here is
    # below 100 customers, so every measured verdict is inconclusive
    assert [(r["name"], r["audience"], r["verdict"]) for r in listed] == [
        ("a-winter", 5, "inconclusive"),
        ("b-winter", 4, "inconclusive"),
        ("c-feb", None, None),
        ("d-single", 3, "inconclusive"),
    ]
    got = studio.studio.portfolio("2026-02-05").to_dict()
    rows = {r["name"]: r for r in got["campaigns"]}
    assert sorted(rows) == ["a-winter", "b-winter", "d-single"]  # c-feb's window is open
    assert rows["a-winter"]["incremental_revenue"] == pytest.approx(300)
    assert rows["a-winter"]["attributed_revenue"] == pytest.approx(600)
    assert rows["b-winter"]["incremental_revenue"] == pytest.approx(80)
    assert rows["b-winter"]["attributed_revenue"] == pytest.approx(120)
    assert [rows[n]["included"] for n in ("a-winter", "b-winter", "d-single")] == [
        True, True, False
    ]  # fmt: skip
    assert got["measured"] == 2
    half = Z * math.sqrt(52500 + 2000)
    assert got["incremental_revenue"] == pytest.approx(380)
    assert got["incremental_ci_low"] == pytest.approx(380 - half)
    assert got["incremental_ci_high"] == pytest.approx(380 + half)
    assert got["attributed_revenue"] == pytest.approx(720)
    assert (got["first_day"], got["last_day"]) == ("2026-01-10", "2026-01-25")
    assert got["sales"] == pytest.approx(1990)
    assert got["attributed_share"] == pytest.approx(720 / 1990)
    assert got["incremental_share"] == pytest.approx(380 / 1990)


def test_portfolio_while_a_window_is_open(studio):
    assert states(studio, "2026-01-22") == {
        "a-winter": "measured", "b-winter": "exported", "c-feb": "exported", "d-single": "measured"
    }  # fmt: skip
    got = studio.studio.portfolio("2026-01-22").to_dict()
    assert [r["name"] for r in got["campaigns"]] == ["a-winter", "d-single"]
    half = Z * math.sqrt(52500)
    assert got["incremental_revenue"] == pytest.approx(300)
    assert (got["incremental_ci_low"], got["incremental_ci_high"]) == (
        pytest.approx(300 - half), pytest.approx(300 + half)
    )  # fmt: skip
    assert got["attributed_revenue"] == pytest.approx(600)
    assert (got["first_day"], got["last_day"]) == ("2026-01-10", "2026-01-20")
    assert got["sales"] == pytest.approx(1840)
    assert got["attributed_share"] == pytest.approx(600 / 1840)
    assert got["incremental_share"] == pytest.approx(300 / 1840)


def test_portfolio_before_any_window_ended(studio):
    assert set(states(studio, "2026-01-15").values()) == {"exported"}
    got = studio.studio.portfolio("2026-01-15").to_dict()
    assert (got["campaigns"], got["measured"], got["incremental_revenue"], got["sales"]) == (
        [], 0, None, None
    )  # fmt: skip


def test_measurement_of_one_campaign(studio):
    done = studio.studio.measurement("a-winter", "2026-02-05").to_dict()
    assert done["window_ended"] is True
    assert done["incremental_revenue"] == pytest.approx(300)
    assert (done["target"]["n"], done["control"]["n"]) == (3, 2)
    assert done["target"]["revenue_sd"] == pytest.approx(100)  # sqrt(10000)
    assert done["control"]["revenue_sd"] == pytest.approx(math.sqrt(5000))
    running = studio.studio.measurement("c-feb", "2026-02-05").to_dict()
    assert running["window_ended"] is False
    assert "window_open" in [w["code"] for w in running["warnings"]]
