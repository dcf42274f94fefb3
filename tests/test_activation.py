"""The activation budget on hand-computed data, on DuckDB and SQLite."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import d
from typer.testing import CliRunner

import cxray
from cxray.analytics.activation_budget import (
    activation_budget,
    activation_steps,
    check_options,
)
from cxray.cli import app

_order_no = iter(range(1, 10_000))


def line(cid: str, date: str, amount: float) -> dict:
    return {
        "order_id": f"o{next(_order_no)}",
        "customer_id": cid,
        "order_date": d(date),
        "amount": float(amount),
        "line_no": 1,
    }


AS_OF = d("2026-06-30")
MONTHS = 6  # acquisition after 2025-12-30
WINDOW = 30  # order 1 on or before 2026-05-31; orders 2 and 3 within 30 days of order 1

ORDERS = [
    # a: new. Orders 01-10 (100), 01-20 (180: 10 days), 02-01 (22 days after order 1, 12 after 2)
    line("a", "2026-01-10", 100),
    line("a", "2026-01-20", 180),
    line("a", "2026-02-01", 50),
    # b: new. 02-01 (200), 02-21 (220: 20 days); order 3 on 03-15 is 42 days after order 1
    line("b", "2026-02-01", 200),
    line("b", "2026-02-21", 220),
    line("b", "2026-03-15", 30),
    # c: new. 03-01 (60); order 2 on 05-01 is 61 days later: not within the window
    line("c", "2026-03-01", 60),
    line("c", "2026-05-01", 60),
    # e: acquired 04-01 by a zero-value line (no purchase day); order 1 04-05 (40),
    # order 2 04-15 (160: 10 days), order 3 04-25 (20 days after order 1, 10 after order 2)
    line("e", "2026-04-01", 0),
    line("e", "2026-04-05", 40),
    line("e", "2026-04-15", 160),
    line("e", "2026-04-25", 20),
    # i: new, order 1 exactly on the last day allowed (2026-05-31), no order 2
    line("i", "2026-05-31", 80),
    # k: new. 03-10 (90); 03-24 a sale 300 and a return -20 (net 280: 14 days); 07-02 after as_of
    line("k", "2026-03-10", 90),
    line("k", "2026-03-24", 300),
    line("k", "2026-03-24", -20),
    line("k", "2026-07-02", 999),
    # f: order 1 on 06-01, too recent to have had 30 days: not new
    line("f", "2026-06-01", 500),
    line("f", "2026-06-05", 500),
    # g: acquired 2025-11-01, before the 6 months: not new
    line("g", "2025-11-01", 100),
    line("g", "2026-01-05", 100),
    # j: acquired exactly 6 months before as_of (2025-12-30): not after it, not new
    line("j", "2025-12-30", 70),
    line("j", "2026-01-02", 70),
    # h: a sale and its full return on 02-10 (net 0): no purchase day, not new
    line("h", "2026-02-10", 50),
    line("h", "2026-02-10", -50),
]

# New customers: a, b, c, e, i, k = 6.
# Order 2 within 30 days: a (10), b (20), e (10), k (14) = 4 -> rate 4/6.
# Order 3 within 30 days of order 1: a (22), e (20) = 2 -> rate 2/6.
# Median days 1->2: 10, 10, 14, 20 -> (10 + 14) / 2 = 12. Median days 2->3: 12, 10 -> 11.
# First-order value (mean): (100 + 200 + 60 + 40 + 80 + 90) / 6 = 570 / 6 = 95.
# Second-order value (mean): (180 + 220 + 160 + 280) / 4 = 840 / 4 = 210.


@pytest.fixture
def orders(load):
    return load("orders", ORDERS)


def steps_of(orders, **options) -> list[dict]:
    options = {"as_of": AS_OF, "months": MONTHS, "window_days": WINDOW, **options}
    return activation_steps(orders, **options).to_pyarrow().to_pylist()


def test_steps(orders):
    one, two = steps_of(orders)
    assert one == {
        "k": 1,
        "customers_k": 6,
        "customers_next": 4,
        "median_days": 12.0,
        "mean_value": pytest.approx(95.0),
    }
    assert two == {
        "k": 2,
        "customers_k": 4,
        "customers_next": 2,
        "median_days": 11.0,
        "mean_value": pytest.approx(210.0),
    }


def test_budget(orders):
    got = activation_budget(steps_of(orders), margin=0.3, message_cost=10)
    assert got["new_customers"] == 6
    assert got["order2_customers"] == 4
    assert got["order3_customers"] == 2
    assert got["order2_rate"] == pytest.approx(4 / 6)
    assert got["order3_rate"] == pytest.approx(2 / 6)
    assert got["median_days_1_2"] == 12.0
    assert got["median_days_2_3"] == 11.0
    assert got["first_order_value"] == pytest.approx(95.0)
    # 95 x 0.3 = 28.5 per new customer; 28.5 / 2 = 14.25 per message; 28.5 / 10 -> 2 messages
    assert got["first_order_margin"] == pytest.approx(28.5)
    assert got["budget_per_customer"] == pytest.approx(28.5)
    assert got["budget_per_message"] == pytest.approx(14.25)
    assert got["messages"] == 2
    # order 2 margin 210 x 0.3 = 63; break-even rise 28.5 / 63 = 0.452381 (45.2 points);
    # 4/6 + 0.452381 = 1.119048 > 1: not reachable
    assert got["second_order_value"] == pytest.approx(210.0)
    assert got["second_order_margin"] == pytest.approx(63.0)
    assert got["breakeven_rise"] == pytest.approx(28.5 / 63)
    assert got["breakeven_rate"] == pytest.approx(4 / 6 + 28.5 / 63)
    assert got["breakeven_reachable"] is False


def test_longer_window_and_no_message_cost(orders):
    # window 60 days: order 1 on or before 2026-05-01, so i (05-31) is no longer new: a, b, c,
    # e, k = 5. Order 2 within 60: a, b, e, k (c's is 61 days) = 4. Order 3 within 60 of
    # order 1: a (22), b (42), e (20) = 3; days 2->3: 12, 22, 10 -> median 12.
    # First-order value (100 + 200 + 60 + 40 + 90) / 5 = 98; x 0.5 = 49; second 210 x 0.5 = 105;
    # rise 49 / 105 = 0.466667; rate 4/5 + 0.466667 = 1.266667
    got = activation_budget(steps_of(orders, window_days=60), margin=0.5)
    assert (got["new_customers"], got["order2_customers"], got["order3_customers"]) == (5, 4, 3)
    assert got["median_days_2_3"] == 12.0
    assert got["budget_per_customer"] == pytest.approx(49.0)
    assert got["messages"] is None
    assert got["breakeven_rise"] == pytest.approx(49 / 105)
    assert got["breakeven_rate"] == pytest.approx(0.8 + 49 / 105)


def test_reachable_break_even(load):
    # x: 100 then 300 (10 days); y: 100, no order 2. Rate 1/2; first value 100, second 300;
    # margin 0.3: 30 / 90 = 1/3; break-even rate 1/2 + 1/3 = 5/6 <= 1: reachable
    orders = load(
        "orders",
        [line("x", "2026-03-01", 100), line("x", "2026-03-11", 300), line("y", "2026-03-02", 100)],
    )
    got = activation_budget(steps_of(orders), margin=0.3)
    assert got["breakeven_rate"] == pytest.approx(5 / 6)
    assert got["breakeven_reachable"] is True


def test_too_short_data(load):
    # one customer whose order 1 is 10 days before as_of: no new customer yet
    orders = load("orders", [line("z", "2026-06-20", 100)])
    one, two = steps_of(orders)
    assert (one["customers_k"], one["customers_next"], two["customers_k"]) == (0, 0, 0)
    assert one["median_days"] is None and one["mean_value"] is None
    got = activation_budget([one, two], margin=0.3, message_cost=10)
    assert got["new_customers"] == 0
    assert got["order2_rate"] is None
    assert got["budget_per_customer"] is None
    assert got["messages"] is None
    assert got["breakeven_rise"] is None


@pytest.mark.parametrize(
    "options",
    [
        {"margin": 0, "message_cost": None, "months": 24, "window_days": 90},
        {"margin": 1.5, "message_cost": None, "months": 24, "window_days": 90},
        {"margin": 0.3, "message_cost": 0, "months": 24, "window_days": 90},
        {"margin": 0.3, "message_cost": None, "months": 0, "window_days": 90},
        {"margin": 0.3, "message_cost": None, "months": 24, "window_days": 2.5},
    ],
)
def test_bad_options(options):
    with pytest.raises(ValueError):
        check_options(**options)


# ---------------------------------------------------------------------------------------------
# the API and the CLI on an imported workspace (DuckDB)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("activation")
    path = folder / "orders.csv"
    pd.DataFrame(ORDERS).to_csv(path, index=False)
    cxray.import_file("orders", path, workspace=folder / "ws")
    return folder / "ws"


def run(workspace, *args: str):
    return CliRunner().invoke(app, ["--workspace", str(workspace), "activation", *args])


OPTIONS = ("--as-of", "2026-06-30", "--months", "6", "--window-days", "30")


def test_cli_json(workspace):
    result = run(workspace, *OPTIONS, "--margin", "0.3", "--message-cost", "10", "--json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert got["as_of"] == "2026-06-30"
    assert (got["margin"], got["message_cost"], got["months"], got["window_days"]) == (
        0.3, 10.0, 6, 30,
    )  # fmt: skip
    # the figures of test_budget
    assert (got["new_customers"], got["order2_customers"], got["order3_customers"]) == (6, 4, 2)
    assert (got["median_days_1_2"], got["median_days_2_3"]) == (12.0, 11.0)
    assert got["budget_per_customer"] == pytest.approx(28.5)
    assert got["messages"] == 2
    assert got["breakeven_rise"] == pytest.approx(28.5 / 63)
    assert got["breakeven_reachable"] is False
    assert got["warnings"] == []


def test_cli_table_and_sentence(workspace):
    result = run(workspace, *OPTIONS, "--message-cost", "10")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "new customers │ 6" in out
    assert "66.7%" in out  # order 2 rate 4/6
    assert "28.50" in out  # budget per new customer
    assert "14.25" in out  # per message
    # rise 28.5 / 63 = 45.2 points, from 66.7% to 111.9%: out of reach
    assert "rises by 45.2 percentage points, from 66.7% to 111.9%" in out
    assert "break-even rise of the order 2 rate │ +45.2 pp" in out  # a rise, in points
    assert "above 100%" in out


def test_cli_too_short_data_warns(workspace):
    # order 1 at least 400 days before 2026-06-30 and acquired in the last 6 months: nobody
    result = run(workspace, *OPTIONS[:4], "--window-days", "400")
    assert result.exit_code == 0, result.output
    assert "No new customers" in result.stderr
    with cxray.open(workspace) as ws:
        got = ws.activation("2026-06-30", months=6, window_days=400).to_dict()
    assert got["new_customers"] == 0 and got["budget_per_customer"] is None
    assert [w["code"] for w in got["warnings"]] == ["activation_no_new_customers"]


def test_no_second_order_within_window(workspace):
    # window 3 days: order 1 on or before 06-27, so f (06-01, 500) is new too: 7 customers; none
    # made order 2 within 3 days (the shortest gap is f's, 4 days). First-order value
    # (570 + 500) / 7 = 152.857; x 0.3 = 45.857 per new customer, but no break-even rate
    with cxray.open(workspace) as ws:
        got = ws.activation("2026-06-30", months=6, window_days=3).to_dict()
    assert (got["new_customers"], got["order2_customers"]) == (7, 0)
    assert got["order2_rate"] == 0.0
    assert got["budget_per_customer"] == pytest.approx(1070 / 7 * 0.3)
    assert got["breakeven_rise"] is None and got["breakeven_rate"] is None
    assert [w["code"] for w in got["warnings"]] == ["activation_no_second_orders"]


def test_report_section(workspace):
    # the report at its defaults (24 months, 90 days, margin 0.3) as of 2026-06-30: order 1 on or
    # before 2026-04-01 and acquired after 2024-06-30: a, b, c, k, and g and j (acquired
    # 2025-11-01 and 2025-12-30); e's order 1 is 04-05. Order 2 within 90 days: a (10),
    # b (20), c (61), k (14), g (65), j (3) = 6 of 6 -> 100%. First-order value
    # (100 + 200 + 60 + 90 + 100 + 70) / 6 = 620 / 6 = 103.33; budget 31.00
    from cxray.report.html import render_sections
    from cxray.report.xlsx import report_sheets

    with cxray.open(workspace) as ws:
        data = ws.report("2026-06-30").value
    assert data.budget["new_customers"] == 6 and data.budget["order2_rate"] == 1.0
    html = render_sections(data, "activation", lang="en")
    assert "id='activation-budget'" in html
    assert "103.33" in html and "31.00" in html and "100.0%" in html
    assert "Бюджет активации" in render_sections(data, "activation", lang="ru")
    sheet = {r["figure"]: r["value"] for r in report_sheets(data)["activation_budget"]}
    assert sheet["margin"] == 0.3 and sheet["new_customers"] == 6
    assert sheet["first_order_margin"] == pytest.approx(31.0)
