"""Feedback scores and say-versus-do, on hand-computed fixtures (DuckDB and SQLite)."""

from __future__ import annotations

import math

import pytest
from conftest import d

from cxray.analytics.feedback import (
    csi_scales,
    invalid_scores,
    nps_interval,
    say_vs_do,
    scores,
    unknown_customers,
)

AS_OF = d("2026-06-30")


def _nps_rows(extra=()):
    # 10 answers: 5 promoters (9, 10), 2 passives (7, 8), 3 detractors (0, 5, 6)
    values = [9, 10, 10, 9, 9, 7, 8, 0, 5, 6]
    rows = [
        {
            "customer_id": f"c{i}",
            "date": "2026-05-10",
            "metric": "nps",
            "score": float(v),
            "survey": "s1",
            "touchpoint": "delivery" if i < 5 else "support",
            "incentivized": False,
        }
        for i, v in enumerate(values)
    ]
    return rows + list(extra)


CUSTOMERS = [{"customer_id": f"c{i}", "segment": "A" if i < 4 else "B"} for i in range(10)]


def test_nps_by_hand(load):
    responses = load("responses", _nps_rows())
    customers = load("customers", CUSTOMERS)
    [row] = [r for r in scores(responses, customers, as_of=AS_OF) if r.metric == "nps"]
    assert (row.promoters, row.passives, row.detractors, row.responses) == (5, 2, 3, 10)
    assert row.value == pytest.approx(20.0)
    # the score interval (tests/test_feedback_intervals.py checks the statistic at its bounds)
    # lies inside the scale, around the Wald interval 20 ± 1.96 * 100 * sqrt(0.076) = 20 ± 54.03
    assert row.ci_low == pytest.approx(nps_interval(5, 2, 3)[1])
    assert row.ci_high == pytest.approx(nps_interval(5, 2, 3)[2])
    assert -100 < row.ci_low < 0 and 40 < row.ci_high < 100
    assert row.small and row.group == "(all)" and not row.incentivized
    assert row.to_dict()["value"] == pytest.approx(20.0)
    assert not scores(responses, customers, as_of=AS_OF, min_responses=10)[0].small


def test_incentivized_excluded_and_reported_apart_and_after_as_of_ignored(load):
    extra = [
        {
            "customer_id": "c1",
            "date": "2026-05-11",
            "metric": "nps",
            "score": 0.0,
            "survey": "s1",
            "incentivized": True,
        },
        {
            "customer_id": "c2",
            "date": "2026-05-11",
            "metric": "nps",
            "score": 10.0,
            "survey": "s1",
            "incentivized": True,
        },
        # after as_of: ignored everywhere
        {
            "customer_id": "c3",
            "date": "2026-07-01",
            "metric": "nps",
            "score": 0.0,
            "survey": "s1",
            "incentivized": False,
        },
    ]
    responses = load("responses", _nps_rows(extra))
    customers = load("customers", CUSTOMERS)
    rows = scores(responses, customers, as_of=AS_OF)
    main = [r for r in rows if not r.incentivized]
    inc = [r for r in rows if r.incentivized]
    assert main[0].responses == 10 and main[0].value == pytest.approx(20.0)
    assert inc[0].responses == 2 and (inc[0].promoters, inc[0].detractors) == (1, 1)
    assert inc[0].value == pytest.approx(0.0)
    rows = scores(responses, customers, as_of=AS_OF, include_incentivized=True)
    # 6 promoters, 2 passives, 4 detractors of 12 -> NPS 100 * 2 / 12
    assert rows[0].responses == 12 and rows[0].value == pytest.approx(100 * 2 / 12)


def test_grouping(load):
    responses = load("responses", _nps_rows())
    customers = load("customers", CUSTOMERS)
    by_seg = {r.group: r for r in scores(responses, customers, as_of=AS_OF, by="segment")}
    # A: c0..c3 = 9, 10, 10, 9 -> NPS 100; B: c4..c9 = 9, 7, 8, 0, 5, 6 -> (1 - 3) / 6
    assert set(by_seg) == {"(all)", "A", "B"}
    assert by_seg["A"].value == pytest.approx(100.0)
    assert by_seg["B"].value == pytest.approx(-100 * 2 / 6)
    assert by_seg["(all)"].value == pytest.approx(20.0)
    by_tp = {r.group: r for r in scores(responses, customers, as_of=AS_OF, by="touchpoint")}
    # delivery: 9, 10, 10, 9, 9 -> 100; support: 7, 8, 0, 5, 6 -> -60
    assert by_tp["delivery"].value == pytest.approx(100.0)
    assert by_tp["support"].value == pytest.approx(-60.0)
    # delivery: 5 promoters of 5 -> the interval does not collapse: its low end is
    # 100 * (5 - 1.96²) / (5 + 1.96²) = 100 * 1.1584 / 8.8416 = 13.10
    assert by_tp["delivery"].ci_low == pytest.approx(100 * 1.1584 / 8.8416)
    assert by_tp["delivery"].ci_high == pytest.approx(100.0)
    by_month = {r.group: r for r in scores(responses, customers, as_of=AS_OF, by="month")}
    assert set(by_month) == {"(all)", "2026-05"}
    by_survey = {r.group for r in scores(responses, customers, as_of=AS_OF, by="survey")}
    assert by_survey == {"(all)", "s1"}
    with pytest.raises(ValueError):
        scores(responses, customers, as_of=AS_OF, by="region")


def test_csi_ces_means_and_scale_interval(load):
    rows = [
        {"customer_id": "c1", "date": "2026-05-01", "metric": "csi", "score": 4.0, "survey": "q"},
        {"customer_id": "c2", "date": "2026-05-01", "metric": "csi", "score": 5.0, "survey": "q"},
        {"customer_id": "c3", "date": "2026-05-01", "metric": "csi", "score": 3.0, "survey": "q"},
        {"customer_id": "c4", "date": "2026-05-01", "metric": "csi", "score": 4.0, "survey": "q"},
        {"customer_id": "c1", "date": "2026-05-01", "metric": "ces", "score": 2.0, "survey": "e"},
        {"customer_id": "c2", "date": "2026-05-01", "metric": "ces", "score": 6.0, "survey": "e"},
        # invalid: CSI 6 on the 1-5 survey q would make q a 10 survey, so use an override
    ]
    responses = load("responses", rows)
    customers = load("customers", CUSTOMERS)
    out = {r.metric: r for r in scores(responses, customers, as_of=AS_OF)}
    csi = out["csi"]
    # 1.96² / 2 = 1.9208 answers added at 1 and at 5: n' = 7.8416, sum' = 16 + 1.9208 * 6 =
    # 27.5248, mean' = 3.51010; sum of squares' = 66 + 1.9208 * 26 = 115.9408,
    # var' = 115.9408 / 7.8416 - 3.51010² = 2.46455; half = 1.96 * sqrt(2.46455 / 7.8416) = 1.09881
    assert csi.value == pytest.approx(4.0) and csi.scale == 5
    assert csi.ci_low == pytest.approx(3.51010 - 1.09881, abs=1e-4)
    assert csi.ci_high == pytest.approx(3.51010 + 1.09881, abs=1e-4)
    ces = out["ces"]
    # 2 and 6 on 1-7 (the t interval was 4 ± 25.41): n' = 5.8416, mean' = (8 + 1.9208 * 8) /
    # 5.8416 = 4, var' = (40 + 1.9208 * 50) / 5.8416 - 16 = 7.28814, half = 1.96 *
    # sqrt(7.28814 / 5.8416) = 2.18927
    assert ces.value == pytest.approx(4.0) and ces.scale == 7
    assert ces.ci_low == pytest.approx(4 - 2.18927, abs=1e-4)
    assert ces.ci_high == pytest.approx(4 + 2.18927, abs=1e-4)
    assert ces.promoters is None


def test_invalid_scores_listed_and_ignored(load):
    extra = [
        {"customer_id": "x1", "date": "2026-05-12", "metric": "nps", "score": 11.0, "survey": "s1"},
        {"customer_id": "x2", "date": "2026-05-12", "metric": "nps", "score": 3.5, "survey": "s1"},
        {"customer_id": "x3", "date": "2026-05-12", "metric": "csi", "score": 6.0, "survey": "q"},
        {"customer_id": "x4", "date": "2026-05-12", "metric": "csi", "score": 4.0, "survey": "q"},
        {"customer_id": "x5", "date": "2026-05-12", "metric": "ces", "score": 0.0, "survey": "e"},
        {"customer_id": "x6", "date": "2026-05-12", "metric": "csi", "score": 9.0, "survey": "t"},
    ]
    responses = load("responses", _nps_rows(extra))
    customers = load("customers", CUSTOMERS)
    # survey q inferred as 10 (a 6), t as 10; override q to 5
    assert csi_scales(responses) == {"q": 10, "t": 10}
    assert csi_scales(responses, {"q": 5}) == {"q": 5, "t": 10}
    bad = invalid_scores(responses, {"q": 5}).to_pandas()
    problems = dict(zip(bad.customer_id, bad.problem, strict=True))
    assert problems == {
        "x1": "out of range 0-10",
        "x2": "not a whole number",
        "x3": "out of range 1-5",
        "x5": "out of range 1-7",
    }
    rows = scores(responses, customers, as_of=AS_OF, csi_scale={"q": 5})
    nps = rows[0]
    assert nps.metric == "nps" and nps.responses == 10 and nps.ignored == 2
    assert nps.value == pytest.approx(20.0)
    csi = {r.scale: r for r in rows if r.metric == "csi"}
    assert csi[5].responses == 1 and csi[5].ignored == 1 and csi[5].value == pytest.approx(4.0)
    assert csi[10].responses == 1 and csi[10].value == pytest.approx(9.0)
    ces = [r for r in rows if r.metric == "ces"][0]
    assert ces.responses == 0 and ces.ignored == 1 and ces.value is None
    with pytest.raises(ValueError):
        csi_scales(responses, {"q": 7})


def test_nps_interval_edge():
    assert all(math.isnan(x) for x in nps_interval(0, 0, 0))


def test_unknown_customers(load):
    responses = load(
        "responses",
        _nps_rows(
            [
                {"customer_id": "zz", "date": "2026-05-12", "metric": "nps", "score": 9.0},
            ]
        ),
    )
    customers = load("customers", CUSTOMERS[:9])
    orders = load(
        "orders",
        [
            {
                "order_id": "o",
                "customer_id": "c9",
                "order_date": "2026-01-01",
                "amount": 1.0,
                "line_no": 1,
            }
        ],
    )
    out = unknown_customers(responses, customers, orders).to_pandas()
    assert list(out.customer_id) == ["zz"] and list(out.answers) == [1]


def _say_fixture(load):
    # as_of 2026-06-30, months 6 -> answers up to 2025-12-31 qualify
    responses = load(
        "responses",
        [
            # p1: promoter, bought before, nothing after -> promoter_stopped
            {"customer_id": "p1", "date": "2025-10-15", "metric": "nps", "score": 10.0},
            # p2: promoter, earlier answer superseded by latest (9)
            {"customer_id": "p2", "date": "2025-06-01", "metric": "nps", "score": 3.0},
            {"customer_id": "p2", "date": "2025-10-15", "metric": "nps", "score": 9.0},
            # d1: detractor growing
            {"customer_id": "d1", "date": "2025-11-30", "metric": "nps", "score": 2.0},
            # d2: detractor shrinking
            {"customer_id": "d2", "date": "2025-11-30", "metric": "nps", "score": 6.0},
            # m1: passive
            {"customer_id": "m1", "date": "2025-10-15", "metric": "nps", "score": 8.0},
            # answered too late for an after window: not a respondent, but counts in segments
            {"customer_id": "late", "date": "2026-03-01", "metric": "nps", "score": 0.0},
            # incentivized: ignored
            {
                "customer_id": "m1",
                "date": "2025-12-01",
                "metric": "nps",
                "score": 0.0,
                "incentivized": True,
            },
            # unknown customer
            {"customer_id": "ghost", "date": "2025-10-15", "metric": "nps", "score": 10.0},
        ],
    )
    o = []

    def order(cid, date, amount):
        o.append(
            {
                "order_id": f"{cid}-{date}",
                "customer_id": cid,
                "order_date": date,
                "amount": amount,
                "line_no": 1,
            }
        )

    # p1: before window (2025-04-15, 2025-10-15]: 100 on two dates; after: none
    order("p1", "2025-05-01", 60.0)
    order("p1", "2025-10-15", 40.0)  # the answer day counts as before
    # p2: before 200 (one date, two lines), after 300 on two dates (2025-10-15, 2026-04-15]
    o.append(
        {
            "order_id": "p2a",
            "customer_id": "p2",
            "order_date": "2025-09-01",
            "amount": 150.0,
            "line_no": 1,
        }
    )
    o.append(
        {
            "order_id": "p2a",
            "customer_id": "p2",
            "order_date": "2025-09-01",
            "amount": 50.0,
            "line_no": 2,
        }
    )
    order("p2", "2025-12-01", 100.0)
    order("p2", "2026-04-15", 200.0)
    order("p2", "2026-04-16", 999.0)  # outside the after window
    # d1: before 50, after 500 (window (2025-11-30, 2026-05-30])
    order("d1", "2025-07-01", 50.0)
    order("d1", "2026-05-30", 500.0)
    # d2: before 400, after 100
    order("d2", "2025-08-01", 400.0)
    order("d2", "2026-01-10", 100.0)
    # m1: nothing before, 70 after
    order("m1", "2026-01-01", 70.0)
    # a big key client that did not answer
    order("big", "2026-01-01", 10000.0)
    order("big", "2025-02-01", 10000.0)
    orders = load("orders", o)
    customers = load(
        "customers", [{"customer_id": c} for c in ["p1", "p2", "d1", "d2", "m1", "late", "big"]]
    )
    contacts = load("contacts", [{"customer_id": "p1", "contact_id": "x"}])
    interactions = load("interactions", [{"customer_id": "p1", "date": "2026-01-01"}])
    return responses, orders, customers, contacts, interactions


def test_say_vs_do_by_hand(load):
    result = say_vs_do(*_say_fixture(load), as_of=AS_OF, months=6, min_responses=1)
    assert result.answered_until == d("2025-12-30")
    g = {row.group: row for row in result.groups}
    # promoters p1 (100 before / 0 after, 2 / 0 dates), p2 (200 / 300, 1 / 2 dates)
    # ghost is unknown but answered: promoter with no orders
    pro = g["promoter"]
    assert pro.customers == 3
    assert pro.revenue_before == pytest.approx(300 / 3)
    assert pro.revenue_after == pytest.approx(300 / 3)
    assert pro.orders_before == pytest.approx(3 / 3)
    assert pro.orders_after == pytest.approx(2 / 3)
    assert pro.active_before == pytest.approx(2 / 3)
    assert pro.retention_after == pytest.approx(1 / 3)
    # detractors d1 (50 / 500), d2 (400 / 100)
    det = g["detractor"]
    assert det.customers == 2
    assert det.revenue_before == pytest.approx(225.0)
    assert det.revenue_after == pytest.approx(300.0)
    assert det.revenue_change == pytest.approx(75.0)
    assert det.retention_after == pytest.approx(1.0)
    pas = g["passive"]
    assert (pas.customers, pas.revenue_before, pas.revenue_after) == (1, 0.0, 70.0)
    assert pas.active_before == 0.0 and pas.retention_after == 1.0
    assert g["(all)"].customers == 6
    flags = [(f.flag, f.customer_id) for f in result.flags]
    assert flags == [("detractor_growing", "d1"), ("promoter_stopped", "p1")]
    assert result.unknown_customers == ["ghost"]
    seg = {row.group: row for row in result.segments}
    # key at as_of: "big" (10000 of 11... revenue) only -> key customers answered none
    assert seg["key"].responses == 0
    # not key: latest answers p1 10, p2 9, d1 2, d2 6, m1 8, late 0, ghost 10
    # -> P 3, passive 1, D 3 of 7 -> NPS 0
    assert seg["not key"].responses == 7 and seg["not key"].value == pytest.approx(0.0)
    # NPS 0 of 3 / 1 / 3: symmetric interval from the score test (at delta = 0 the Wald
    # half width is 1.96 * 100 * sqrt((6 / 7) / 7) = 68.6; the score interval is narrower here)
    assert seg["not key"].ci_high == pytest.approx(nps_interval(3, 1, 3)[2])
    assert seg["not key"].ci_low == pytest.approx(-seg["not key"].ci_high)
    assert 0 < seg["not key"].ci_high < 1.96 * 100 * math.sqrt((6 / 7) / 7)
    # regular needs 2+ order dates in each 12-month period of the 24-month window; nobody has
    # two dates in (2024-06-30, 2025-06-30] -> no regular customer
    assert seg["regular"].responses == 0 and seg["not regular"].responses == 7
    assert result.to_dict()["flags"][0]["answer_date"] == "2025-11-30"
