"""Coverage and fit warnings: the data span against every window a figure needs, degenerate CLV
fits, why a section is empty, and the default as-of of each command (cxray.analytics.coverage,
the Session methods, the CLI and the report)."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest
from conftest import d
from typer.testing import CliRunner

import cxray
from cxray.analytics.coverage import (
    MAX_HOLDOUT_ERROR,
    MIN_CALIBRATION_WEEKS,
    MIN_REPEAT_BUYERS,
    Span,
    covers,
    fit_shortfalls,
    window_shortfalls,
)
from cxray.cli import app
from cxray.errors import CxrayError
from cxray.phrases import notice_text
from cxray.workspace import Workspace

runner = CliRunner()

FIRST, LAST = d("2010-12-01"), d("2011-01-25")
# 2010-12-01 .. 2011-01-25 inclusive: 31 December days + 25 January days = 56 days = 8 weeks.
# Whole months covered: add_months(2011-01-25, -1) = 2010-12-25 is on or after the day before
# the first order (2010-11-30), so 1 month; add_months(.., -2) = 2010-11-25 is before it: not 2.
SPAN_8_WEEKS = {"first": FIRST, "last": LAST, "days": 56, "weeks": 8, "months": 1}


def one_off_orders() -> list[dict]:
    """20 customers buying once, one a day from 2010-12-01; the last order is 2011-01-25."""
    rows = [
        {"order_id": f"a{i}", "customer_id": f"c{i:02d}", "order_date": FIRST + dt.timedelta(i),
         "amount": 10.0, "sku": "s1"}
        for i in range(20)
    ]  # fmt: skip
    rows.append(
        {"order_id": "z", "customer_id": "c00", "order_date": LAST, "amount": -1.0, "sku": "s1"}
    )  # a return on the last day: the span ends there, and c00 still has no repeat purchase
    return rows


def eight_week_orders() -> list[dict]:
    """The one-off buyers, five of whom (c00..c04) buy again at the very end of the data."""
    rows = [r for r in one_off_orders() if r["order_id"] != "z"]
    rows += [
        {"order_id": f"b{i}", "customer_id": f"c{i:02d}", "order_date": LAST - dt.timedelta(i),
         "amount": 12.0, "sku": "s1"}
        for i in range(5)
    ]  # fmt: skip
    return rows


def workspace_with(tmp_path, name: str, **tables: list[dict]):
    folder = tmp_path / name
    with Workspace(folder, create=True) as ws:
        for table, rows in tables.items():
            ws.write(table, pd.DataFrame(rows))
    return folder


def codes(result) -> list[str]:
    return [w.code for w in result.warnings]


# --- the rule --------------------------------------------------------------------------------


def test_a_window_is_covered_when_it_holds_no_day_before_the_data():
    # a whole calendar year: the window (2024-12-31, 2025-12-31] starts the day before the first
    assert covers(Span(d("2025-01-01"), d("2025-12-31")), 12)
    assert not covers(Span(d("2025-01-02"), d("2025-12-31")), 12)
    assert Span(FIRST, LAST).to_params() == SPAN_8_WEEKS
    assert not covers(Span(None, None), 1)


def test_window_shortfalls_name_what_each_figure_needs():
    found = window_shortfalls(Span(FIRST, LAST), regular=0, yoy=0, active=24, xyz=6)
    assert [(s.code, s.params["need"]) for s in found] == [
        ("coverage_regular", 12),
        ("coverage_yoy", 13),
        ("coverage_active", 24),
        ("coverage_xyz", 6),
    ]
    assert window_shortfalls(Span(None, None), regular=0) == []


# --- eight weeks of data ---------------------------------------------------------------------


@pytest.fixture
def short_ws(tmp_path):
    return workspace_with(tmp_path, "short", orders=eight_week_orders())


def test_eight_weeks_warn_on_every_window_with_parameters(short_ws):
    with cxray.open(short_ws) as ws:
        shape = ws.structure()
        assert shape.as_of == LAST  # the latest order date
        assert [(w.code, w.params) for w in shape.warnings] == [
            ("coverage_regular", {"need": 12, **SPAN_8_WEEKS}),
            ("coverage_active", {"need": 24, **SPAN_8_WEEKS}),
            ("coverage_xyz", {"need": 12, **SPAN_8_WEEKS}),
        ]
        # a window the user set is the one checked
        assert [w.params["need"] for w in ws.structure(active_window=36).warnings][1] == 36
        assert [(w.code, w.params["need"]) for w in ws.products().warnings] == [
            ("coverage_yoy", 13)
        ]
        assert codes(ws.rfm(window=12)) == ["coverage_active"]
        clv = ws.clv()
    # 5 repeat buyers by construction (c00..c04), fewer than MIN_REPEAT_BUYERS
    assert codes(clv)[:2] == ["coverage_clv", "clv_few_repeaters"]
    assert clv.warnings[0].params == {"need": MIN_CALIBRATION_WEEKS, **SPAN_8_WEEKS}
    assert clv.warnings[1].params == {"repeaters": 5, "need": MIN_REPEAT_BUYERS}
    text = notice_text(shape.warnings[0])
    assert "8 weeks" in text and "2010-12-01" in text and "12 months" in text


def test_a_fit_on_repeaters_still_buying_at_the_end_is_flagged_degenerate(short_ws):
    # Every repeat buyer bought again in the last 5 days: nobody has been seen to drop out, so
    # the likelihood runs away to parameters without meaning (BG/NBD has no interior optimum).
    with cxray.open(short_ws) as ws:
        clv = ws.clv()
    found = {w.code: w.params for w in clv.warnings}
    assert "clv_degenerate" in found
    params = clv.value.params["bg_nbd"]
    odd = found["clv_degenerate"]["parameters"]
    assert odd  # the parameters it names are those out of range, as fitted
    for name in odd:
        assert not 1e-4 <= params[name] <= 1e4 or abs(math.log(params[name])) > 29


def test_json_carries_as_of_and_warning_codes_never_text(short_ws):
    out = runner.invoke(app, ["-w", str(short_ws), "structure", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["as_of"] == "2011-01-25"
    assert payload["warnings"][0] == {
        "code": "coverage_regular",
        "params": {"need": 12, "first": "2010-12-01", "last": "2011-01-25", "days": 56,
                   "weeks": 8, "months": 1},
    }  # fmt: skip
    clv = json.loads(runner.invoke(app, ["-w", str(short_ws), "clv", "--json"]).stdout)
    assert clv["as_of"] == "2011-01-25"
    assert {"coverage_clv", "clv_few_repeaters"} <= {w["code"] for w in clv["warnings"]}


def test_the_cli_prints_the_as_of_line_and_the_warnings(short_ws):
    out = runner.invoke(app, ["-w", str(short_ws), "structure"])
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[0] == "As of 2011-01-25"
    assert "Regular clients need 12 months of orders; the data covers 8 weeks" in out.stderr


def test_a_long_enough_span_warns_about_nothing(tmp_path):
    # customer L buys on the 10th of every month from 2023-01 to 2025-12 (36 months): the
    # 24-month window (2023-12-10, 2025-12-10] and YoY's 13 months lie inside the data
    rows = [
        {"order_id": f"L{y}{m}", "customer_id": "L", "order_date": dt.date(y, m, 10),
         "amount": 100.0, "sku": "s1"}
        for y in (2023, 2024, 2025)
        for m in range(1, 13)
    ]  # fmt: skip
    rows.append({"order_id": "M", "customer_id": "M", "order_date": d("2025-06-01"),
                 "amount": 5.0, "sku": "s2"})  # fmt: skip
    folder = workspace_with(tmp_path, "long", orders=rows)
    with cxray.open(folder) as ws:
        assert ws.structure().warnings == []
        assert ws.products().warnings == []
        assert ws.rfm().warnings == []
        assert codes(ws.whitespace()) == ["whitespace_needs_lines"]  # no product lines known


# --- the CLV fit -----------------------------------------------------------------------------

SANE_GG = {"p": 6.25, "q": 3.74, "v": 15.44, "repeat_customers": 1000, "converged": True}


def test_fit_checks_on_published_and_absurd_parameters():
    # CDNOW as published by Fader, Hardie & Lee (2005): r 0.243, alpha 4.414, a 0.793, b 2.426
    sane = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "converged": True}
    assert fit_shortfalls({"bg_nbd": sane, "gamma_gamma": SANE_GG}, None) == []
    # the 8-week retailer of the issue: a = 1.7e-07, b = 12,627 (P(alive) 100% for everyone)
    absurd = {**sane, "a": 1.7e-07, "b": 12_627.0}
    found = fit_shortfalls({"bg_nbd": absurd, "gamma_gamma": SANE_GG}, None)
    assert [(s.code, s.params["parameters"]) for s in found] == [("clv_degenerate", ["a", "b"])]
    # at the optimiser's bound: log(alpha) = 29.5 > 29
    bound = {**sane, "alpha": math.exp(29.5)}
    found = fit_shortfalls({"bg_nbd": bound, "gamma_gamma": SANE_GG}, None)
    assert found[0].params["parameters"] == ["alpha"]
    # q <= 1: no finite mean spend
    found = fit_shortfalls({"bg_nbd": sane, "gamma_gamma": {**SANE_GG, "q": 0.9}}, None)
    assert [s.code for s in found] == ["clv_spend_unbounded"]


def test_a_holdout_error_above_the_limit_is_flagged():
    fit = {"bg_nbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "converged": True},
           "gamma_gamma": SANE_GG}  # fmt: skip
    # 140 predicted against 100 made: +40% > MAX_HOLDOUT_ERROR (25%)
    found = fit_shortfalls(fit, {"actual": 100.0, "predicted": 140.0})
    assert [(s.code, round(s.params["error"], 9)) for s in found] == [("clv_holdout_error", 0.4)]
    assert MAX_HOLDOUT_ERROR < 0.4
    # 110 against 100: +10%, within the limit
    assert fit_shortfalls(fit, {"actual": 100.0, "predicted": 110.0}) == []


# --- why a section is empty -----------------------------------------------------------------


def test_empty_alerts_say_why(tmp_path):
    folder = workspace_with(tmp_path, "oneoff", orders=one_off_orders())
    with cxray.open(folder) as ws:
        found = ws.alerts()
        # nobody bought twice: no CLV fit, so no P(alive) alerts; drift compares the last 3
        # months with a year earlier, which 8 weeks of data do not hold
        assert found.value == []
        assert codes(found) == [
            "alerts_without_clv",
            "coverage_regular",
            "coverage_clv",
            "alerts_empty_no_year_ago",
            "alerts_empty_no_p_alive",
        ]
        assert found.warnings[3].params == {"recent_months": 3, **SPAN_8_WEEKS}
        # three years later nobody is active, now or a year before: nobody to watch
        later = ws.alerts("2014-06-01")
        assert codes(later)[-1] == "alerts_empty_no_watched"
    out = runner.invoke(app, ["-w", str(folder), "alerts"])
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines() == [
        "As of 2011-01-25",
        "No drift alerts: they compare the last 3 months with a year earlier, and the data "
        "covers 8 weeks (2010-12-01 to 2011-01-25).",
        "No P(alive) alerts: the CLV models are missing or not reliable here.",
    ]


# --- default as-of ----------------------------------------------------------------------------


def test_feedback_defaults_to_the_last_answer_and_says_why_it_is_empty(tmp_path):
    orders = [{"order_id": "o1", "customer_id": "A", "order_date": d("2026-03-31"),
               "amount": 10.0}]  # fmt: skip
    # every answer is later than the last order
    answers = [
        {"customer_id": "A", "date": d("2026-04-05"), "metric": "nps", "score": 9.0,
         "survey": "s"},
        {"customer_id": "A", "date": d("2026-04-20"), "metric": "nps", "score": 3.0,
         "survey": "s2"},
    ]  # fmt: skip
    folder = workspace_with(tmp_path, "fb", orders=orders, responses=answers)
    with cxray.open(folder) as ws:
        scored = ws.feedback.scores()
        assert scored.as_of == d("2026-04-20")
        assert scored.scores and scored.warnings == []
        empty = ws.feedback.scores(as_of="2026-03-31")
        assert empty.scores == []
        assert [(w.code, w.params) for w in empty.warnings] == [
            ("feedback_empty_range",
             {"as_of": d("2026-03-31"), "first": d("2026-04-05"), "last": d("2026-04-20")}),
        ]  # fmt: skip
        assert ws.feedback.themes().as_of == d("2026-04-20")
        # say versus do reads answers and orders: the latest date of either
        assert ws.feedback.saydo().as_of == d("2026-04-20")
        # the campaigns read orders and sends
        assert ws.resolve_as_of(None, reads=("orders", "sends")) == d("2026-03-31")
    out = runner.invoke(app, ["-w", str(folder), "feedback", "scores", "--as-of", "2026-03-31"])
    assert "No answers up to 2026-03-31: the answers run from 2026-04-05 to 2026-04-20." in (
        out.stderr
    )


def test_contacts_and_followups_default_to_their_own_table_and_print_it(tmp_path):
    orders = [{"order_id": "o1", "customer_id": "A", "order_date": d("2026-03-31"),
               "amount": 10.0}]  # fmt: skip
    sends = [{"campaign_id": "k", "customer_id": "A", "channel": "email",
              "sent_at": dt.datetime(2026, 2, 14, 9, 30)}]  # fmt: skip
    answers = [{"customer_id": "A", "date": d("2026-04-20"), "metric": "nps", "score": 3.0,
                "survey": "s"}]  # fmt: skip
    folder = workspace_with(tmp_path, "own", orders=orders, sends=sends, responses=answers)
    with cxray.open(folder) as ws:
        assert ws.contacts_health().as_of == d("2026-02-14")  # the latest send
    with cxray.open(folder, read_only=False) as ws:
        assert ws.followups().as_of == d("2026-04-20")  # the latest answer
    for argv, day in (
        (["contacts", "health"], "2026-02-14"),
        (["followups", "list"], "2026-04-20"),
        (["feedback", "scores"], "2026-04-20"),
        (["feedback", "themes"], "2026-04-20"),
        (["feedback", "saydo"], "2026-04-20"),
        (["products"], "2026-03-31"),
    ):
        out = runner.invoke(app, ["-w", str(folder), *argv])
        assert out.exit_code == 0, (argv, out.output)
        assert out.stdout.splitlines()[0] == f"As of {day}", argv
        printed = json.loads(runner.invoke(app, ["-w", str(folder), *argv, "--json"]).stdout)
        assert printed["as_of"] == day and isinstance(printed["warnings"], list), argv
    # without sends or answers, the latest order
    bare = workspace_with(tmp_path, "bare", orders=orders)
    with cxray.open(bare) as ws:
        assert ws.contacts_health().as_of == d("2026-03-31")


def test_an_empty_table_asks_for_as_of(tmp_path):
    folder = workspace_with(tmp_path, "noanswers", orders=[
        {"order_id": "o1", "customer_id": "A", "order_date": d("2026-03-31"), "amount": 10.0}
    ])  # fmt: skip
    with cxray.open(folder) as ws, pytest.raises(CxrayError) as err:
        ws.feedback.scores()
    assert err.value.key == "as_of_required"


def test_the_report_shows_the_warnings_and_why_alerts_are_empty(tmp_path):
    from cxray.report.html import render_html

    folder = workspace_with(tmp_path, "report", orders=one_off_orders())
    with cxray.open(folder) as ws:
        xray = ws.report()
    assert xray.as_of == LAST
    assert [w["code"] for w in xray.to_dict()["warnings"]][:3] == [
        "coverage_regular",
        "coverage_active",
        "coverage_xyz",
    ]
    html = render_html(xray.value)
    head, alerts = html.split("id='warnings'")[1], html.split("id='alerts'")[1]
    assert "Regular clients need 12 months of orders; the data covers 8 weeks" in head
    assert "No drift alerts: they compare the last 3 months" in alerts.split("</section>")[0]
    assert "As of 2011-01-25" in html  # the report's date, in its subtitle


def test_the_report_says_why_its_feedback_scores_are_empty(tmp_path):
    from cxray.report.html import render_html

    orders = [{"order_id": "o1", "customer_id": "A", "order_date": d("2026-03-31"),
               "amount": 10.0}]  # fmt: skip
    answers = [{"customer_id": "A", "date": d("2026-04-05"), "metric": "nps", "score": 9.0,
                "survey": "s"}]  # fmt: skip
    folder = workspace_with(tmp_path, "fbreport", orders=orders, responses=answers)
    with cxray.open(folder) as ws:
        xray = ws.report()  # as of the last order: every answer is later
    voice = html_section(render_html(xray.value), "voice")
    assert "No answers up to 2026-03-31: the answers run from 2026-04-05 to 2026-04-05." in voice


def html_section(html: str, anchor: str) -> str:
    return html.split(f"<section id='{anchor}'>")[1].split("</section>")[0]


# --- a CLV fit not to trust ------------------------------------------------------------------


def lasting_orders() -> list[dict]:
    """120 customers over 78 weeks from 2024-01-01, drawn from a BG/NBD process (purchase rates
    Gamma(0.8, 1/4) a week, drop-out after a purchase Beta(1, 4), spend Gamma(4, 10)): a span,
    repeaters and drop-outs enough for a fit with interior parameters."""
    import numpy as np

    rng = np.random.default_rng(7)
    rows = []
    for c in range(120):
        rate, drop = rng.gamma(0.8, 1 / 4.0), rng.beta(1.0, 4.0)
        week, n = float(c % 26), 0
        while week < 78:
            rows.append(
                {"order_id": f"o{c}-{n}", "customer_id": f"c{c:03d}",
                 "order_date": d("2024-01-01") + dt.timedelta(days=int(week * 7)),
                 "amount": float(round(rng.gamma(4, 10), 2)), "sku": "s1"}
            )  # fmt: skip
            n += 1
            if rng.random() < drop:
                break
            week += rng.exponential(1 / rate)
    return rows


def clv_section(html: str) -> str:
    return html.split("id='clv'")[1].split("</section>")[0]


def test_a_fit_not_to_trust_hides_the_per_customer_figures(short_ws, tmp_path):
    from cxray.report.html import render_html
    from cxray.report.xlsx import write_xlsx

    with cxray.open(short_ws) as ws:
        clv, xray = ws.clv(), ws.report()
    # 8 weeks, 5 repeaters, a runaway fit: each of these alone says "do not read per customer"
    assert {"coverage_clv", "clv_few_repeaters", "clv_degenerate"} <= set(codes(clv))
    assert clv.to_dict()["fit_trusted"] is False
    assert xray.to_dict()["clv_trusted"] is False
    english = clv_section(render_html(xray.value, lang="en"))
    assert "The CLV and P(alive) of each customer are not shown" in english
    assert "Most valuable customers" not in english and "P(alive) of the key" not in english
    assert "r = " in english or "BG/NBD" in english  # the fit's parameters stay
    assert "Regular clients" not in english  # only the CLV warnings in the section
    few = next(w for w in clv.warnings if w.code == "clv_few_repeaters")
    assert notice_text(few, "en") in english
    russian = clv_section(render_html(xray.value, lang="ru"))
    assert "CLV и вероятность активности по клиентам не показаны" in russian
    write_xlsx(xray.value, tmp_path / "x.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert "clv" not in book.sheetnames or book["clv"].max_row <= 1
    out = runner.invoke(app, ["-w", str(short_ws), "clv"])
    assert out.exit_code == 0, out.output
    assert "Unreliable: the warnings say this fit cannot be trusted" in out.stdout
    assert "(unreliable)" in out.stdout
    assert notice_text(few, "en") in out.stderr
    printed = json.loads(runner.invoke(app, ["-w", str(short_ws), "clv", "--json"]).stdout)
    assert printed["fit_trusted"] is False and printed["customers"]


def test_a_sound_fit_shows_the_per_customer_figures(tmp_path):
    from cxray.report.html import render_html

    folder = workspace_with(tmp_path, "lasting", orders=lasting_orders())
    with cxray.open(folder) as ws:
        clv, xray = ws.clv(), ws.report()
    bg = clv.value.params["bg_nbd"]
    # the generator's drop-out Beta(1, 4) and rate shape 0.8 are found roughly, inside bounds
    assert 0.3 < bg["r"] < 1.5 and 0.5 < bg["a"] < 3 and 2 < bg["b"] < 12
    assert codes(clv) == [] and clv.to_dict()["fit_trusted"] is True
    assert xray.to_dict()["clv_trusted"] is True
    section = clv_section(render_html(xray.value, lang="en"))
    assert "Most valuable customers" in section and "not shown" not in section
    out = runner.invoke(app, ["-w", str(folder), "clv"])
    assert out.exit_code == 0 and "nreliable" not in out.stdout
