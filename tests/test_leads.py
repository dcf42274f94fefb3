"""Leads: the funnel, SLA, CPL, CAC and payback on hand-computed data, on DuckDB and SQLite."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import d
from typer.testing import CliRunner

import cxray
from cxray.analytics.intervals import newcombe_difference, wilson
from cxray.analytics.leads import check_options, payback_rows, quantile
from cxray.api.session import Session
from cxray.cli import app
from cxray.errors import Reject

AS_OF = d("2026-03-31")  # leads created before 2026-04-01 00:00; SLA 24 hours; margin 0.3


def lead(lead_id, created, channel, owner, status, first=None, customer=None, reason=None):
    return {
        "lead_id": lead_id, "created_at": created, "channel": channel, "owner": owner,
        "status": status, "first_contact_at": first, "customer_id": customer,
        "lost_reason": reason,
    }  # fmt: skip


LEADS = [
    # web
    lead("L1", "2026-01-05 10:00", "web", "anna", "won", "2026-01-05 12:00", "c1"),  # 2 h
    lead("L2", "2026-01-10 09:00", "web", "anna", "qualified", "2026-01-11 09:00"),  # 24 h: ok
    lead("L3", "2026-01-20 08:00", "web", "boris", "lost", "2026-01-22 08:00", reason="price"),
    # L3: 48 h -> breach. L4: nobody owns it, never contacted, created long ago -> breach
    lead("L4", "2026-02-03 10:00", "web", "", "lost"),
    lead("L5", "2026-02-10 10:00", "web", " boris ", "contacted", "2026-02-10 16:00"),  # 6 h
    # L6: created 4 hours before the end of 2026-03-31, not contacted: not yet due, no breach
    lead("L6", "2026-03-31 20:00", "web", None, "new"),
    # referral
    lead("L7", "2026-01-15 10:00", "referral", "anna", "won", None, "c2"),  # contacted, no time
    lead("L8", "2026-02-20 10:00", "referral", "boris", "won", "2026-02-20 11:00", "c3"),  # 1 h
    lead("L9", "2026-03-01 10:00", "referral", None, "lost", "2026-03-04 10:00", reason="price"),
    # L9: 72 h -> breach. calls:
    lead("L10", "2026-01-07 10:00", "calls", None, "lost", reason="no need"),  # breach
    lead("L11", "2026-03-15 10:00", "calls", "anna", "won", "2026-03-15 22:00"),  # 12 h, no id
    # L13: contact recorded before the lead was created: contacted, but no hours, no breach
    lead("L13", "2026-02-25 10:00", "calls", "boris", "contacted", "2026-02-25 09:00"),
    # L12: created after as_of: ignored
    lead("L12", "2026-04-02 10:00", "web", "anna", "new"),
]
# In scope: 12 leads. Contacted: L1 L2 L3 L5 L7 L8 L9 L11 L13 = 9; qualified: L1 L2 L7 L8 L11
# = 5; won: L1 L7 L8 L11 = 4; lost: L3 L4 L9 L10 = 4; unowned: L4 L6 L9 L10 = 4; breaches:
# L3 L4 L9 L10 = 4; not yet due: L6 = 1. Won customers: c1 c2 c3 + L11 (won, no id) = 4.
# Rates: contact 9/12 = 0.75, qualify 5/9, win 4/5 = 0.8, lead to won 4/12.
# Wilson 95% (scipy.stats.binomtest(k, n).proportion_ci(method="wilson"), independently):
# 9/12 -> [0.467695, 0.911058]; 5/9 -> [0.266651, 0.811221]; 4/5 -> [0.375535, 0.963776];
# 4/12 -> [0.138120, 0.609378].
# Hours to first contact: L1 2, L2 24, L3 48, L5 6, L8 1, L9 72, L11 12 -> sorted
# 1 2 6 12 24 48 72: median 12; p90 at position 0.9 x 6 = 5.4: 48 + 0.4 x (72 - 48) = 57.6.
#
# By channel: web L1-L6: 6 leads, contacted 4, qualified 2, won 1, lost 2, unowned 2, breaches
# 2, not due 1; hours 2 6 24 48: median 15, p90 at 2.7: 24 + 0.7 x 24 = 40.8.
# calls L10 L11 L13: 3 leads, contacted 2, qualified 1, won 1 (no id: 1 won customer), lost 1,
# unowned 1, breaches 1; hours 12 -> median = p90 = 12.
# referral L7-L9: 3 leads, contacted 3, qualified 2, won 2, lost 1, unowned 1, breaches 1;
# hours 1 72: median 36.5, p90 at 0.9: 1 + 0.9 x 71 = 64.9.
#
# Owned vs unowned: owned 8 leads, 4 won (0.5); unowned 4 leads, 0 won (0). Gap 0.5; Newcombe
# from the Wilson ends 4/8 [0.215216, 0.784784] and 0/4 [0, 0.489891]:
# low = 0.5 - sqrt(0.284784^2 + 0.489891^2) = -0.066652; high = 0.5 + sqrt(0.284784^2 + 0) =
# 0.784784.
# Lost reasons: price 2 (0.5), no need 1 (0.25), unknown (L4, none given) 1 (0.25).


def cost(month, channel, amount, campaign=None):
    return {"month": d(month), "channel": channel, "cost": float(amount), "campaign": campaign}


COSTS = [
    cost("2026-01-01", "web", 300),
    cost("2026-02-01", "web", 200, "winter"),  # two campaigns in February: 200 + 100
    cost("2026-02-15", "web", 100, "feb"),
    cost("2026-03-01", "web", 100),
    cost("2026-04-01", "web", 999),  # after the month of as_of: ignored
    cost("2026-01-01", "calls", 200),
    cost("2026-03-01", "calls", 200),
    cost("2026-01-01", "referral", 300),
    cost("2026-02-01", "expo", 1000),  # offline: costs, no leads recorded
]
# Per channel: expo 1000, 0 leads -> CPL None, CAC None; web 700 / 6 leads = CPL 116.67,
# 700 / 1 won = CAC 700; calls 400 / 3 = 133.33, CAC 400 / 1 = 400; referral 300 / 3 = 100,
# CAC 300 / 2 = 150.
# Per channel and month (leads by the month they were created):
# calls 2026-01 200, 1 lead (L10), 0 won -> CPL 200, CAC None; 2026-02 0, 1 (L13) -> 0, None;
# 2026-03 200, 1 (L11), 1 won -> 200, 200. expo 2026-02 1000, 0 -> None, None.
# referral 2026-01 300, 1 (L7), 1 won -> 300, 300; 2026-02 0, 1, 1 -> 0, 0; 2026-03 0, 1, 0.
# web 2026-01 300, 3 (L1-L3), 1 -> 100, 300; 2026-02 300, 2 (L4 L5), 0 -> 150, None;
# 2026-03 100, 1 (L6) -> 100, None.

_order_no = iter(range(1, 10_000))


def line(cid: str, date: str, amount: float) -> dict:
    return {"order_id": f"o{next(_order_no)}", "customer_id": cid, "order_date": d(date),
            "amount": float(amount), "line_no": 1}  # fmt: skip


ORDERS = [
    line("c1", "2026-01-20", 1000),  # web: month 0 (January) margin 300
    line("c1", "2026-02-10", 1000),  # month 1: 300
    line("c1", "2026-03-05", 500),  # month 2: 150
    line("c1", "2026-04-05", 5000),  # after as_of
    line("c2", "2026-01-25", 100),  # referral: month 0: 30
    line("c2", "2026-03-10", 200),  # month 2: 60
    line("c3", "2026-03-01", 100),  # referral, first order in March: month 0: 30
    line("z", "2026-01-02", 50),  # no lead
]
# Payback (margin 0.3), as of March:
# web: c1, months 0 1 2 observed: 300, 600, 750 per customer; CAC 700 reached in month 2 ->
# 3 months; margin so far 750; 3 months observed.
# referral: c2 (from January) and c3 (from March). Month 0: both observed, (30 + 30) / 2 = 30;
# month 1: only c2 observed (c3's month 1 is April), 0 -> 30; month 2: only c2, 60 -> 90 < CAC
# 150: not paid back yet. Margin so far (30 + 60 + 30) / 2 = 60; 3 months observed.
# calls: its won customer has no id: no payback customers.
# expo: no won customers.


@pytest.fixture
def session(load):
    tables = {"leads": load("leads", LEADS), "channel_costs": load("channel_costs", COSTS),
              "orders": load("orders", ORDERS)}  # fmt: skip
    return Session.from_tables(tables)


def test_funnel_total_and_hours(session):
    got = session.leads(AS_OF).to_dict()
    total = got["total"]
    assert {k: total[k] for k in ("leads", "contacted", "qualified", "won", "lost")} == {
        "leads": 12, "contacted": 9, "qualified": 5, "won": 4, "lost": 4,
    }  # fmt: skip
    assert (total["unowned"], total["breaches"], total["not_due"]) == (4, 4, 1)
    assert total["won_customers"] == 4
    assert total["contact_rate"] == 0.75 and total["win_rate"] == 0.8
    assert total["qualify_rate"] == pytest.approx(5 / 9)
    assert total["lead_to_won_rate"] == pytest.approx(1 / 3)
    assert (total["contact_low"], total["contact_high"]) == pytest.approx((0.467695, 0.911058),
                                                                          abs=1e-6)  # fmt: skip
    assert (total["qualify_low"], total["qualify_high"]) == pytest.approx((0.266651, 0.811221),
                                                                          abs=1e-6)  # fmt: skip
    assert (total["win_low"], total["win_high"]) == pytest.approx((0.375535, 0.963776), abs=1e-6)
    assert (total["lead_to_won_low"], total["lead_to_won_high"]) == pytest.approx(
        (0.138120, 0.609378), abs=1e-6
    )
    assert total["median_hours"] == pytest.approx(12.0)
    assert total["p90_hours"] == pytest.approx(57.6)


def test_funnel_by_channel(session):
    rows = session.leads(AS_OF).to_dict()["funnel"]
    keys = ("group", "leads", "contacted", "qualified", "won", "lost", "unowned", "breaches",
            "not_due", "won_customers")  # fmt: skip
    assert [tuple(r[k] for k in keys) for r in rows] == [
        ("web", 6, 4, 2, 1, 2, 2, 2, 1, 1),
        ("calls", 3, 2, 1, 1, 1, 1, 1, 0, 1),
        ("referral", 3, 3, 2, 2, 1, 1, 1, 0, 2),
    ]
    web, calls, referral = rows
    assert (web["median_hours"], web["p90_hours"]) == pytest.approx((15.0, 40.8))
    assert (calls["median_hours"], calls["p90_hours"]) == pytest.approx((12.0, 12.0))
    assert (referral["median_hours"], referral["p90_hours"]) == pytest.approx((36.5, 64.9))
    assert web["contact_rate"] == pytest.approx(4 / 6)
    # Wilson 4/6 [0.299993, 0.903229] (scipy, as above)
    assert (web["contact_low"], web["contact_high"]) == pytest.approx((0.299993, 0.903229),
                                                                      abs=1e-6)  # fmt: skip


def test_funnel_by_owner_and_month(session):
    owners = {r["group"]: r for r in session.leads(AS_OF, by="owner").to_dict()["funnel"]}
    # anna L1 L2 L7 L11 (4 leads, 3 won); boris L3 L5 (" boris " stripped) L8 L13 (4, 1 won);
    # nobody L4 L6 L9 L10 (4, 0 won)
    assert {k: (r["leads"], r["won"]) for k, r in owners.items()} == {
        "anna": (4, 3), "boris": (4, 1), None: (4, 0),
    }  # fmt: skip
    months = session.leads(AS_OF, by="month").to_dict()["funnel"]
    # January L1 L2 L3 L7 L10 = 5 (2 won); February L4 L5 L8 L13 = 4 (1); March L6 L9 L11 = 3 (1)
    assert [(r["group"], r["leads"], r["won"]) for r in months] == [
        ("2026-01", 5, 2), ("2026-02", 4, 1), ("2026-03", 3, 1),
    ]  # fmt: skip


def test_sla_hours_option(session):
    # SLA 48 hours: L3 (48 h) is no breach any more; L9 (72 h), L4 and L10 still are; L6 not due
    total = session.leads(AS_OF, sla_hours=48).to_dict()["total"]
    assert (total["breaches"], total["not_due"]) == (3, 1)


def test_costs_cpl_cac(session):
    got = session.leads(AS_OF).to_dict()
    rows = [(r["channel"], r["cost"], r["leads"], r["won_customers"]) for r in got["costs"]]
    assert rows == [("expo", 1000.0, 0, 0), ("web", 700.0, 6, 1), ("calls", 400.0, 3, 1),
                    ("referral", 300.0, 3, 2)]  # fmt: skip
    ratios = {r["channel"]: (r["cpl"], r["cac"]) for r in got["costs"]}
    assert ratios["expo"] == (None, None)
    assert ratios["web"] == pytest.approx((700 / 6, 700.0))
    assert ratios["calls"] == pytest.approx((400 / 3, 400.0))
    assert ratios["referral"] == pytest.approx((100.0, 150.0))
    monthly = [(r["channel"], r["month"], r["cost"], r["leads"], r["won_customers"], r["cpl"],
                r["cac"]) for r in got["costs_by_month"]]  # fmt: skip
    assert monthly == [
        ("calls", "2026-01", 200.0, 1, 0, 200.0, None),
        ("calls", "2026-02", 0.0, 1, 0, 0.0, None),
        ("calls", "2026-03", 200.0, 1, 1, 200.0, 200.0),
        ("expo", "2026-02", 1000.0, 0, 0, None, None),
        ("referral", "2026-01", 300.0, 1, 1, 300.0, 300.0),
        ("referral", "2026-02", 0.0, 1, 1, 0.0, 0.0),
        ("referral", "2026-03", 0.0, 1, 0, 0.0, None),
        ("web", "2026-01", 300.0, 3, 1, 100.0, 300.0),
        ("web", "2026-02", 300.0, 2, 0, 150.0, None),
        ("web", "2026-03", 100.0, 1, 0, 100.0, None),
    ]


def test_payback_owner_gap_and_lost_reasons(session):
    result = session.leads(AS_OF)
    got = result.to_dict()
    pay = {r["channel"]: r for r in got["payback"]}
    assert pay["web"]["payback_months"] == 3
    assert pay["web"]["margin_per_customer"] == pytest.approx(750.0)
    assert (pay["web"]["customers_with_orders"], pay["web"]["months_observed"]) == (1, 3)
    assert pay["referral"]["payback_months"] is None  # 90 < 150: not yet
    assert pay["referral"]["margin_per_customer"] == pytest.approx(60.0)
    assert (pay["referral"]["customers_with_orders"], pay["referral"]["months_observed"]) == (2, 3)
    assert pay["calls"]["customers_with_orders"] == 0 and pay["calls"]["payback_months"] is None
    assert pay["expo"]["won_customers"] == 0 and pay["expo"]["cac"] is None
    gap = got["owner_gap"]
    assert (gap["owned_leads"], gap["owned_won"], gap["unowned_leads"], gap["unowned_won"]) == (
        8, 4, 4, 0,
    )  # fmt: skip
    assert (gap["gap"], gap["gap_low"], gap["gap_high"]) == pytest.approx(
        (0.5, -0.066652, 0.784784), abs=1e-6
    )
    assert [(r["reason"], r["leads"], r["share"]) for r in got["lost_reasons"]] == [
        ("price", 2, 0.5), ("no need", 1, 0.25), ("unknown", 1, 0.25),
    ]  # fmt: skip
    codes = [w["code"] for w in got["warnings"]]
    assert "leads_few" in codes and "leads_none" not in codes and "leads_no_costs" not in codes
    assert json.loads(result.to_json())["costs"][0]["cpl"] is None  # JSON null, never inf


def test_payback_with_clv():
    # web: c1's CLV 900 against CAC 700; referral: c2 100, c3 200 -> mean 150 against CAC 150
    channels = [{"channel": "web", "won_customers": 1, "cac": 700.0},
                {"channel": "referral", "won_customers": 2, "cac": 150.0}]  # fmt: skip
    months = [
        {"channel": "web", "customer_id": "c1", "start": 24312, "k": 0, "net": 1000.0},
        {"channel": "referral", "customer_id": "c2", "start": 24312, "k": 0, "net": 100.0},
        {"channel": "referral", "customer_id": "c3", "start": 24314, "k": 0, "net": 100.0},
    ]
    rows = payback_rows(channels, months, as_of=AS_OF, margin=0.3,
                        clv={"c1": 900.0, "c2": 100.0, "c3": 200.0})  # fmt: skip
    web, referral = rows
    assert web["clv_per_customer"] == 900.0 and web["clv_to_cac"] == pytest.approx(900 / 700)
    assert referral["clv_per_customer"] == 150.0 and referral["clv_to_cac"] == 1.0
    # web: month index 24312 is 2026-01 (2026 x 12 + 0); only month 0 has margin: 300 < 700
    assert web["payback_months"] is None and web["months_observed"] == 3


def test_intervals_and_quantile():
    # Wilson 0/4 [0, 0.489891]: centre (0 + 3.841459 / 8) / (1 + 3.841459 / 4) = 0.244945,
    # half 1.959964 / 1.960365 x sqrt(3.841459 / 64) = 0.244945 -> [0, 0.489891]
    assert wilson(0, 4) == pytest.approx((0.0, 0.489891), abs=1e-6)
    assert wilson(0, 0) == (None, None)
    assert newcombe_difference(1, 2, 0, 0) == (None, None, None)
    assert quantile([], 0.5) is None and quantile([3.0, 1.0], 0.5) == 2.0


@pytest.mark.parametrize(
    "options", [("day", 24, 0.3), ("channel", 0, 0.3), ("channel", 24, 1.5), ("owner", 24, True)]
)
def test_bad_options(options):
    with pytest.raises(ValueError):
        check_options(*options)


# ---------------------------------------------------------------------------------------------
# the API and the CLI on an imported workspace (DuckDB)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("leads")
    for name, rows in (("leads", LEADS), ("channel_costs", COSTS), ("orders", ORDERS)):
        pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False)
        cxray.import_file(name, folder / f"{name}.csv", workspace=folder / "ws")
    return folder / "ws"


def run(workspace, *args: str):
    return CliRunner().invoke(app, ["--workspace", str(workspace), "leads", *args])


def test_cli_json(workspace):
    result = run(workspace, "--as-of", "2026-03-31", "--json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert (got["as_of"], got["by"], got["sla_hours"], got["margin"]) == (
        "2026-03-31", "channel", 24.0, 0.3,
    )  # fmt: skip
    # the figures of the tests above (L4's empty owner is null once imported: still unowned)
    assert (got["total"]["leads"], got["total"]["won"], got["total"]["breaches"]) == (12, 4, 4)
    assert got["total"]["unowned"] == 4
    assert {r["channel"]: r["cac"] for r in got["costs"]}["web"] == 700.0
    assert {r["channel"]: r["payback_months"] for r in got["payback"]}["web"] == 3


def test_cli_default_as_of_and_text(workspace):
    # as_of defaults to the latest day of the leads and orders, 2026-04-05: L12 (04-02) counts
    # too (13 leads)
    with cxray.open(workspace) as ws:
        assert ws.leads().to_dict()["total"]["leads"] == 13
    result = run(workspace, "--as-of", "2026-03-31", "--by", "month")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "2026-01" in out and "33.3%" in out  # 4 of 12 leads won
    assert "web │ 700 │ 6 │ 1 │ 117 │ 700 │" in out  # cost, leads, won, CPL 116.67, CAC
    assert "a gap of +50.0 pp (95% interval -6.7 pp to +78.5 pp)" in out  # owned vs unowned
    assert "not yet" in out  # referral's payback


def test_no_leads(tmp_path):
    pd.DataFrame(ORDERS).to_csv(tmp_path / "orders.csv", index=False)
    cxray.import_file("orders", tmp_path / "orders.csv", workspace=tmp_path / "ws")
    result = run(tmp_path / "ws", "--json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert got["as_of"] == "2026-04-05"  # the latest order, without leads
    assert got["total"]["leads"] == 0 and got["funnel"] == [] and got["costs"] == []
    assert [w["code"] for w in got["warnings"]] == ["leads_none", "leads_no_costs"]
    text = run(tmp_path / "ws")
    assert text.exit_code == 0, text.output
    assert "No leads" in text.stderr


def test_import_rejects_a_bad_status(tmp_path):
    rows = [lead("A", "2026-01-05 10:00", "web", "anna", "won"),
            lead("B", "2026-01-06 10:00", "web", "anna", "maybe")]  # fmt: skip
    pd.DataFrame(rows).to_csv(tmp_path / "leads.csv", index=False)
    result = cxray.import_file("leads", tmp_path / "leads.csv", workspace=tmp_path / "ws")
    assert (result.new, result.rejected) == (1, 1)
    assert result.first_rejects == [Reject(3, "bad_choice", "status", "maybe")]


def test_report_section(workspace, tmp_path):
    # the report at the default options as of 2026-03-31: the figures of the tests above
    import openpyxl

    from cxray.report.html import render_sections
    from cxray.report.xlsx import report_sheets, write_xlsx

    with cxray.open(workspace) as ws:
        data = ws.report("2026-03-31").value
    assert data.leads["total"]["leads"] == 12
    html = render_sections(data, "leads", lang="en")
    assert "id='leads'" in html
    assert "33.3% [13.8–60.9]" in html  # all leads: 4 of 12 won, Wilson interval
    assert "1,000" in html and "700" in html and "not yet" in html
    assert "Лиды и CAC" in render_sections(data, "leads", lang="ru")
    sheets = report_sheets(data)
    assert [r["cac"] for r in sheets["leads_costs"]] == [None, 700.0, 400.0, 150.0]
    assert sheets["leads_funnel"][-1]["leads"] == 12  # all leads last
    book = openpyxl.load_workbook(write_xlsx(data, tmp_path / "r.xlsx", lang="ru"))
    assert "Воронка лидов" in book.sheetnames


def test_report_without_leads(tmp_path):
    from cxray.report.html import render_sections

    pd.DataFrame(ORDERS).to_csv(tmp_path / "orders.csv", index=False)
    cxray.import_file("orders", tmp_path / "orders.csv", workspace=tmp_path / "ws")
    with cxray.open(tmp_path / "ws") as ws:
        data = ws.report("2026-03-31").value
    html = render_sections(data, "leads", lang="en")
    assert "id='leads'" in html and "No leads up to 2026-03-31" in html
    assert "<table" not in html


def test_cli_bad_by(workspace):
    from conftest import one_line_error

    result = run(workspace, "--by", "day")
    assert "by must be one of channel, owner, month" in one_line_error(result)
