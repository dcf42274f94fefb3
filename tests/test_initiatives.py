"""CX initiatives: the file check, and the difference in differences, money and portfolio of
hand-computed fixtures, on DuckDB and SQLite."""

from __future__ import annotations

import json
import math

import pytest
import yaml
from conftest import d, one_line_error
from typer.testing import CliRunner

import cxray
from cxray.analytics.initiatives import months_between, periods
from cxray.api.initiatives import portfolio
from cxray.api.session import Session
from cxray.cli import app
from cxray.comms.initiative import check_initiative
from cxray.comms.initiative_measure import measure_portfolio
from cxray.errors import CxrayError

Z = 1.959963984540054  # the 97.5% normal quantile
AS_OF = d("2026-12-31")

# --- the files ---------------------------------------------------------------------------------

# satisfaction: NPS answers at the touchpoint "delivery" against those at "support";
# pre = [2025-01-01, 2026-01-01), post = [2026-01-01, 2027-01-01): 12.0 months
SATISFACTION = {
    "id": "delivery-nps",
    "name": "Delivery windows agreed by phone",
    "type": "satisfaction",
    "owner": "CX director",
    "start": "2026-01-01",
    "costs": {"one_off": 100, "monthly": 5},
    "expected_effect": "Fewer late deliveries, a higher NPS after delivery",
    "target": {"metric": "nps", "change": 10},
    "affected": {"touchpoint": "delivery"},
}
# cost: complaints of segment R against the others; pre = [2025-07-01, 2026-07-01),
# post = [2026-07-01, 2027-01-01): 6.0 months, young
COST = {
    "id": "complaint-desk",
    "name": "One desk for complaints",
    "type": "cost",
    "owner": "Head of service",
    "start": "2026-07-01",
    "costs": {"one_off": 60, "monthly": 10},
    "expected_effect": "Fewer repeated complaints",
    "target": {"metric": "complaints", "change": -0.1},
    "affected": {"customers": ['segment == "R"']},
    "value_per_unit": 50,
}
# enabling: the share of revenue on orders of customers of the customers table;
# pre = [2025-10-01, 2026-10-01), post = [2026-10-01, 2027-01-01): 3.0 months, young
ENABLING = {
    "id": "link-orders",
    "name": "Orders linked to customer cards",
    "type": "enabling",
    "owner": "IT",
    "start": "2026-10-01",
    "costs": {"one_off": 40, "monthly": 20},
    "expected_effect": "Revenue per customer becomes known",
    "unlocks": "linked_revenue_share",
}

# --- the data ----------------------------------------------------------------------------------

CUSTOMERS = [
    {"customer_id": c, "segment": s}
    for c, s in [("A1", "W"), ("A2", "W"), ("U1", "W"), ("U2", "W"), ("L", "W"),
                 ("C1", "R"), ("C2", "R"), ("C3", "W"), ("C4", "W"), ("C5", "R")]
]  # fmt: skip
_n = iter(range(1, 1000))


def line(cid: str, date: str, amount: float) -> dict:
    return {"order_id": f"o{next(_n)}", "customer_id": cid, "order_date": d(date),
            "amount": float(amount), "line_no": 1}  # fmt: skip


ORDERS = [
    # satisfaction's base (bought in 2025): A1, A2 (answered at delivery), U1, U2
    line("A1", "2025-03-01", 1200), line("A1", "2026-08-01", 2400),
    line("A2", "2025-03-01", 1200), line("A2", "2026-08-01", 1200),
    line("U1", "2025-03-01", 600), line("U1", "2026-08-01", 600),
    line("U2", "2025-03-01", 600), line("U2", "2026-08-01", 1200),
    # the cost initiative's base (bought in [2025-07-01, 2026-07-01)): C1..C4; C5 buys later
    line("C1", "2026-02-01", 100), line("C2", "2026-02-01", 100),
    line("C3", "2026-02-01", 100), line("C4", "2026-02-01", 100),
    line("C5", "2026-08-01", 100),
    # after the enabling start: C1 (linked) and Z (no customer card)
    line("C1", "2026-11-01", 3000), line("Z", "2026-11-01", 1000),
]  # fmt: skip


def answer(cid: str, date: str, score: float, touchpoint: str, metric: str = "nps") -> dict:
    return {"customer_id": cid, "date": d(date), "metric": metric, "score": float(score),
            "survey": touchpoint, "touchpoint": touchpoint}  # fmt: skip


RESPONSES = [
    # delivery, pre: 10, 9, 6, 3 -> P 2, D 2 of 4: NPS 0
    answer("A1", "2025-04-01", 10, "delivery"), answer("A1", "2025-09-01", 9, "delivery"),
    answer("A2", "2025-04-01", 6, "delivery"), answer("A2", "2025-09-01", 3, "delivery"),
    # L answered at delivery but never bought: not a customer of the base
    answer("L", "2025-05-01", 6, "delivery", metric="csi"),
    # delivery, post: 10, 10, 9, 7, 5 -> P 3, D 1 of 5: NPS 40
    answer("A1", "2026-03-01", 10, "delivery"), answer("A1", "2026-09-01", 10, "delivery"),
    answer("A2", "2026-03-01", 9, "delivery"), answer("A2", "2026-09-01", 7, "delivery"),
    answer("L", "2026-09-01", 5, "delivery"),
    # support, pre: 9, 8, 6, 6 -> P 1, D 2 of 4: NPS -25
    answer("U1", "2025-04-01", 9, "support"), answer("U1", "2025-09-01", 8, "support"),
    answer("U2", "2025-04-01", 6, "support"), answer("U2", "2025-09-01", 6, "support"),
    # support, post: 9, 7, 6, 2 -> P 1, D 2 of 4: NPS -25
    answer("U1", "2026-03-01", 9, "support"), answer("U1", "2026-09-01", 7, "support"),
    answer("U2", "2026-03-01", 6, "support"), answer("U2", "2026-09-01", 2, "support"),
    # outside both periods, and a CSI answer: ignored
    answer("A1", "2024-12-31", 0, "delivery"), answer("A2", "2026-05-01", 1, "delivery", "csi"),
]  # fmt: skip


def contact(cid: str, date: str, kind: str = "complaint") -> dict:
    return {"customer_id": cid, "date": d(date), "channel": "phone", "kind": kind,
            "direction": "inbound"}  # fmt: skip


INTERACTIONS = (
    # pre [2025-07-01, 2026-07-01): C1 6, C2 6, C3 3, C4 3; post: C1 1, C2 2, C3 3, C4 0
    [contact("C1", f"2025-{m:02d}-10") for m in range(7, 13)]
    + [contact("C2", f"2026-{m:02d}-10") for m in range(1, 7)]
    + [contact("C3", f"2025-{m:02d}-10") for m in (8, 9, 10)]
    + [contact("C4", f"2026-{m:02d}-10") for m in (2, 3, 4)]
    + [contact("C1", "2026-07-10")]
    + [contact("C2", "2026-08-10"), contact("C2", "2026-12-31")]
    + [contact("C3", f"2026-{m:02d}-10") for m in (9, 10, 11)]
    # ignored: a call, a complaint before the pre period, C5 (not in the base)
    + [
        contact("C1", "2026-08-01", "call"),
        contact("C3", "2025-06-30"),
        contact("C5", "2026-09-01"),
    ]
)


@pytest.fixture
def tables(load):
    return {
        "customers": load("customers", CUSTOMERS),
        "orders": load("orders", ORDERS),
        "responses": load("responses", RESPONSES),
        "interactions": load("interactions", INTERACTIONS),
    }


def by_id(rows):
    return {r["id"]: r for r in rows}


# --- hand-derived expectations -----------------------------------------------------------------

# satisfaction: DiD = (40 - 0) - (-25 - -25) = 40. Cell variances 100^2 (p + d - (p - d)^2) / n:
# delivery pre (.5, .5, 4) 2500; post (.6, .2, 5) 1280; support (.25, .5, 4) 1718.75 twice
SAT_VAR = 2500 + 1280 + 1718.75 + 1718.75  # 7217.5
# money: revenue per customer-month of the base (A1, A2 affected: answered at delivery in pre):
# affected pre (1200 + 1200) / 2 / 12 = 100, post (2400 + 1200) / 2 / 12 = 150;
# unaffected pre (600 + 600) / 2 / 12 = 50, post (600 + 1200) / 2 / 12 = 75: DiD 50 - 25 = 25.
# Variances s^2 / N / 12^2: affected post 720000 / 2 / 144 = 2500, unaffected post 180000 / 2
# / 144 = 625 (the pre cells have none): 3125.
REV_SE = math.sqrt(3125)
SAT_SCALE = 2 * 12 * 0.3  # customers x months x margin: margin 25 x 7.2 = 180
# cost 100 + 5 x 12 = 160; ROI (180 - 160) / 160 = 0.125; 15 a month: ceil(100 / (15 - 5)) = 10

# cost: complaints per customer-month of the base C1..C4 (C1, C2 of segment R):
# affected pre (6 + 6) / 2 / 12 = 0.5, post (1 + 2) / 2 / 6 = 0.25; unaffected pre (3 + 3) / 2
# / 12 = 0.25, post (3 + 0) / 2 / 6 = 0.25: DiD -0.25. Variances: affected post 0.5 / 2 / 36,
# unaffected post 4.5 / 2 / 36: 10 / 144.
COST_SE = math.sqrt(10 / 144)
COST_SCALE = 2 * 6 * 50  # avoided 0.25 x 2 x 6 = 3 complaints x 50 = 150
# cost 60 + 10 x 6 = 120; ROI (150 - 120) / 120 = 0.25; 25 a month: ceil(60 / (25 - 10)) = 4


def test_months_and_periods():
    assert months_between(d("2026-01-01"), d("2027-01-01")) == 12.0
    assert months_between(d("2026-07-01"), d("2026-10-16")) == pytest.approx(3 + 15 / 31)
    span = periods(d("2026-07-01"), None, AS_OF)
    assert span["pre"] == (d("2025-07-01"), d("2026-07-01"))
    assert span["post"] == (d("2026-07-01"), d("2027-01-01"))
    assert (span["months"], span["young"], span["started"]) == (6.0, True, True)
    assert periods(d("2026-01-01"), None, AS_OF)["young"] is False
    # an end before as_of closes the post period
    assert periods(d("2026-01-01"), d("2026-03-31"), AS_OF)["months"] == 3.0
    assert periods(d("2027-02-01"), None, AS_OF)["started"] is False


def test_satisfaction_on_a_touchpoint(tables):
    rows, _ = measure_portfolio([check_initiative(SATISFACTION)], tables, as_of=AS_OF)
    (row,) = rows
    cells = {(c["affected"], c["period"]): (c["n"], c["value"]) for c in row["cells"]}
    assert cells[(True, "pre")] == (4, pytest.approx(0.0))
    assert cells[(True, "post")] == (5, pytest.approx(40.0))
    assert cells[(False, "pre")] == (4, pytest.approx(-25.0))
    assert cells[(False, "post")] == (4, pytest.approx(-25.0))
    assert row["did"] == pytest.approx(40.0)
    assert row["did_low"] == pytest.approx(40 - Z * math.sqrt(SAT_VAR))
    assert row["did_high"] == pytest.approx(40 + Z * math.sqrt(SAT_VAR))
    assert row["months"] == 12.0 and row["young"] is False
    assert row["customers"] == 2  # A1, A2; L never bought
    assert row["revenue_did"] == pytest.approx(25.0)
    assert row["margin"] == pytest.approx(180.0)
    assert row["margin_low"] == pytest.approx((25 - Z * REV_SE) * SAT_SCALE)
    assert row["margin_high"] == pytest.approx((25 + Z * REV_SE) * SAT_SCALE)
    assert row["cost"] == pytest.approx(160.0)
    assert row["roi"] == pytest.approx(0.125)
    assert row["payback_month"] == 10


def test_cost_initiative_and_its_rules(tables):
    rows, _ = measure_portfolio([check_initiative(COST)], tables, as_of=AS_OF)
    (row,) = rows
    cells = {(c["affected"], c["period"]): (c["customers"], c["value"]) for c in row["cells"]}
    assert cells == {
        (True, "pre"): (2, pytest.approx(0.5)),
        (True, "post"): (2, pytest.approx(0.25)),
        (False, "pre"): (2, pytest.approx(0.25)),
        (False, "post"): (2, pytest.approx(0.25)),
    }
    assert row["did"] == pytest.approx(-0.25)
    assert row["did_low"] == pytest.approx(-0.25 - Z * COST_SE)
    assert row["did_high"] == pytest.approx(-0.25 + Z * COST_SE)
    assert row["margin"] == pytest.approx(150.0)
    # fewer complaints are money: the interval's ends swap sides
    assert row["margin_low"] == pytest.approx((0.25 - Z * COST_SE) * COST_SCALE)
    assert row["margin_high"] == pytest.approx((0.25 + Z * COST_SE) * COST_SCALE)
    assert (row["cost"], row["roi"], row["payback_month"]) == (120.0, pytest.approx(0.25), 4)
    assert row["months"] == 6.0 and row["young"] is True


def test_enabling_before_and_after(tables):
    rows, _ = measure_portfolio([check_initiative(ENABLING)], tables, as_of=AS_OF)
    (row,) = rows
    # pre: every order of [2025-10-01, 2026-10-01) is linked (5,800); post: 3,000 of 4,000
    assert (row["before"], row["after"]) == (pytest.approx(1.0), pytest.approx(0.75))
    assert row["change"] == pytest.approx(-0.25)
    assert row["margin"] is None and row["roi"] is None
    assert row["cost"] == pytest.approx(40 + 20 * 3)


def test_portfolio_totals_and_young_warnings(tables):
    files = [check_initiative(x) for x in (SATISFACTION, COST, ENABLING)]
    rows, line = measure_portfolio(files, tables, as_of=AS_OF)
    assert line["initiatives"] == 3
    assert line["total_cost"] == pytest.approx(160 + 120 + 100)
    assert line["total_effect"] == pytest.approx(180 + 150)
    se = math.sqrt((REV_SE * SAT_SCALE) ** 2 + (COST_SE * COST_SCALE) ** 2)
    assert line["total_effect_low"] == pytest.approx(330 - Z * se)
    assert line["total_effect_high"] == pytest.approx(330 + Z * se)
    # the last 12 months are [2026-01-01, 2026-12-31]: every initiative lies inside them
    assert line["margin_12m"] == pytest.approx(330.0)
    assert line["cost_12m"] == pytest.approx(380.0)
    assert line["roi_12m"] == pytest.approx(-50 / 380)
    assert line["young"] == ["complaint-desk", "link-orders"]


def test_api_warnings_and_payload(tables, tmp_path):
    paths = []
    for spec in (SATISFACTION, COST, ENABLING, {**COST, "id": "later", "start": "2027-03-01"}):
        path = tmp_path / f"{spec['id']}.yaml"
        path.write_text(yaml.safe_dump(spec), encoding="utf-8")
        paths.append(path)
    result = portfolio(Session.from_tables(tables), AS_OF, files=paths)
    codes = [(w.code, w.params.get("id")) for w in result.warnings]
    assert codes == [
        ("initiative_young", "complaint-desk"),
        ("initiative_young", "link-orders"),
        ("initiative_not_started", "later"),
    ]
    payload = json.loads(result.to_json())
    assert payload["portfolio"]["total_cost"] == pytest.approx(380.0)  # not started: no cost
    assert by_id(payload["initiatives"])["later"]["did"] is None
    assert by_id(payload["initiatives"])["delivery-nps"]["did"] == pytest.approx(40.0)


def test_margin_scales_the_money(tables):
    rows, _ = measure_portfolio([check_initiative(SATISFACTION)], tables, as_of=AS_OF, margin=0.5)
    assert rows[0]["margin"] == pytest.approx(25 * 2 * 12 * 0.5)


# --- the file check ---------------------------------------------------------------------------


def refused(spec: dict) -> str:
    with pytest.raises(CxrayError) as err:
        check_initiative(spec, "i.yaml")
    return err.value.key


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"owner": None, "costs": None}, "initiative_incomplete"),
        ({"type": "marketing"}, "initiative_bad_type"),
        ({"end": "2025-12-31"}, "initiative_end_before_start"),
        ({"affected": {"touchpoint": "delivery", "customers": ["active"]}},
         "initiative_touchpoint_and_rules"),
        ({"affected": {}}, "initiative_incomplete"),
        ({"target": {"metric": "complaints"}}, "initiative_bad_metric"),
        ({"target": {"metric": "nps", "change": -5}}, "initiative_wrong_direction"),
        ({"target": {"metric": "ces", "change": 1}}, "initiative_wrong_direction"),
        ({"value_per_unit": 10}, "initiative_value_not_cost"),
        ({"unlocks": "linked_revenue_share"}, "initiative_unlocks_not_enabling"),
        ({"costs": {"one_off": -1}}, "initiative_bad_amount"),
        ({"costs": {}}, "campaign_missing_field"),
        ({"colour": "red"}, "campaign_unknown_keys"),
        ({"target": {"metric": "nps", "kind": "call"}}, "initiative_kind_not_contacts"),
    ],
)  # fmt: skip
def test_satisfaction_refusals(change, code):
    assert refused({**SATISFACTION, **change}) == code


TOUCHPOINT = {"touchpoint": "delivery"}
BOTH_WAYS = {"customers": ["active", "not active"]}


@pytest.mark.parametrize(
    ("spec", "code"),
    [
        ({k: v for k, v in COST.items() if k != "value_per_unit"}, "initiative_cost_value"),
        ({**COST, "affected": TOUCHPOINT}, "initiative_touchpoint_not_satisfaction"),
        ({**COST, "target": {"metric": "contacts", "change": 0.3}}, "initiative_wrong_direction"),
        ({**COST, "affected": BOTH_WAYS}, "campaign_rules_contradict"),
        ({k: v for k, v in ENABLING.items() if k != "unlocks"}, "initiative_enabling_unlocks"),
        ({**ENABLING, "affected": {"customers": ["active"]}}, "initiative_enabling_affected"),
        ({**ENABLING, "target": {"metric": "nps"}}, "initiative_bad_metric"),
        ({**ENABLING, "unlocks": "ltv"}, "initiative_bad_metric"),
        ([1, 2], "initiative_not_mapping"),
    ],
)  # fmt: skip
def test_other_refusals(spec, code):
    assert refused(spec) == code


def test_incomplete_lists_every_missing_field():
    spec = {"type": "cost", "start": "2026-01-01"}
    with pytest.raises(CxrayError) as err:
        check_initiative(spec, "i.yaml")
    assert err.value.params["fields"] == "id, name, owner, costs, expected_effect, target, affected"


def test_a_checked_file_and_its_dict():
    found = cxray.initiative(COST).check()
    assert found.ok is True
    assert found.initiative["costs"] == {"one_off": 60.0, "monthly": 10.0}
    assert found.initiative["affected"] == {"customers": ['segment == "R"']}
    assert found.initiative["target"] == {"metric": "complaints", "change": -0.1, "kind": None}


def test_cli_check(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(yaml.safe_dump(ENABLING), encoding="utf-8")
    bad.write_text(yaml.safe_dump({**ENABLING, "end": "2026-09-30"}), encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(app, ["initiative", "check", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "link-orders (enabling) is complete" in ok.stdout
    assert json.loads(runner.invoke(app, ["initiative", "check", str(good), "--json"]).stdout)["ok"]
    error = one_line_error(runner.invoke(app, ["initiative", "check", str(bad)]))
    assert error == f"{bad}: end 2026-09-30 is before start 2026-10-01"


# --- the report's section -------------------------------------------------------------------------


def section(payload: dict, lang: str = "en") -> str:
    from types import SimpleNamespace

    from cxray.report.html import _initiatives, _translator

    data = SimpleNamespace(initiatives=payload, currency=None)
    return _initiatives(data, _translator(data, lang))


def test_report_section(tables, tmp_path):
    path = tmp_path / "delivery.yaml"
    path.write_text(yaml.safe_dump(SATISFACTION), encoding="utf-8")
    html = section(portfolio(Session.from_tables(tables), AS_OF, files=[path]).to_dict())
    assert "<section id='initiatives'>" in html
    assert "+40.0 [" in html and "delivery-nps" in html
    assert "Portfolio: 1 initiatives, cost 160, measured effect +180 [" in html
    # (180 - 160) / 160 = 12.5%, shown without decimals (half to even)
    assert "ROI over the last 12 months 12%" in html
    ru = section(portfolio(Session.from_tables(tables), AS_OF, files=[path]).to_dict(), "ru")
    assert "CX-инициативы" in ru and "+40,0 [" in ru


def test_report_section_without_files_and_with_a_refused_one(tables):
    empty = portfolio(Session.from_tables(tables), AS_OF).to_dict()
    assert [w["code"] for w in empty["warnings"]] == ["initiatives_none"]
    html = section(empty)
    assert (
        "No initiatives: put initiative files (YAML) in the workspace&#x27;s initiatives/" in html
    )
    assert "<table" not in html
    refused = {
        "error": {
            "key": "initiative_bad_type",
            "params": {"file": "x.yaml", "value": "'a'", "known": "b"},
        }
    }
    assert "x.yaml: type &#x27;a&#x27; is unknown" in section(refused)


def test_no_data_warning(tables, tmp_path):
    path = tmp_path / "effort.yaml"
    spec = {**SATISFACTION, "id": "effort", "target": {"metric": "ces", "change": -1}}
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    result = portfolio(Session.from_tables(tables), AS_OF, files=[path])
    assert [(w.code, w.params) for w in result.warnings] == [
        ("initiative_no_data", {"id": "effort", "metric": "ces"})
    ]
    assert result.initiatives[0]["did"] is None and result.initiatives[0]["margin"] is None


def test_cli_initiatives(folder):
    """The workspace holds orders of A (2024-01-01, 10) and B (2024-01-02, 5) and no customers
    table: none of that revenue is linked to a customer card."""
    (folder / "initiatives").mkdir()
    spec = {**ENABLING, "start": "2024-01-01"}
    (folder / "initiatives" / "link.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    runner = CliRunner()
    shown = runner.invoke(app, ["-w", str(folder), "initiatives"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "link-orders" in shown.stdout and "+0.0 pp" not in shown.stdout
    assert "too young to judge: link-orders" in shown.stdout
    assert "Initiative link-orders is observed for 0.1 months" in shown.stderr
    payload = json.loads(runner.invoke(app, ["-w", str(folder), "initiatives", "--json"]).stdout)
    (row,) = payload["initiatives"]
    assert (row["before"], row["after"], row["change"]) == (None, 0.0, None)
    # 2 days of January: 2 / 31 of a month; cost 40 + 20 x 2 / 31
    assert row["months"] == pytest.approx(2 / 31)
    assert payload["portfolio"]["total_cost"] == pytest.approx(40 + 20 * 2 / 31)
    assert payload["as_of"] == "2024-01-02"


# conversion: purchase days of A1 and U1 against A2 and U2 (the base of 2025), start 2026-01-01
CONVERSION = {
    "id": "reorder-reminder",
    "name": "Reorder reminders",
    "type": "conversion",
    "owner": "CRM",
    "start": "2026-01-01",
    "costs": {"monthly": 10},
    "expected_effect": "More orders",
    "target": {"metric": "purchase_days", "change": 0.1},
    "affected": {"customers": ['customer_id in ["A1", "U1"]']},
}


def test_conversion_initiative(tables):
    rows, _ = measure_portfolio([check_initiative(CONVERSION)], tables, as_of=AS_OF)
    (row,) = rows
    # every customer of the base buys on one day before and one day after: 1 / 12 a month each
    assert [c["value"] for c in row["cells"]] == [pytest.approx(1 / 12)] * 4
    assert (row["did"], row["did_low"], row["did_high"]) == (0.0, 0.0, 0.0)
    # revenue per customer-month: A1, U1 (1200 + 600) / 2 / 12 = 75 -> (2400 + 600) / 2 / 12
    # = 125; A2, U2 75 -> (1200 + 1200) / 2 / 12 = 100: DiD 50 - 25 = 25. Variances s^2 / 2 /
    # 144: 180000 -> 625 (A1, U1 pre; A2, U2 pre), 1620000 -> 5625 (A1, U1 post), 0: 6875
    assert row["revenue_did"] == pytest.approx(25.0)
    assert row["margin"] == pytest.approx(25 * 2 * 12 * 0.3)
    assert row["margin_low"] == pytest.approx((25 - Z * math.sqrt(6875)) * 7.2)
    # cost 10 x 12 = 120, ROI (180 - 120) / 120; 15 a month pays the 10 from month 1 on
    assert (row["cost"], row["roi"], row["payback_month"]) == (120.0, pytest.approx(0.5), 1)
