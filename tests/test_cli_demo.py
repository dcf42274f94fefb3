"""End to end from the CLI: the demo company, its structure and the report."""

from __future__ import annotations

import json
import re
from html import escape

import openpyxl
import pytest
from typer.testing import CliRunner

from cxray.cli import app
from cxray.texts import t

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    ws = tmp_path_factory.mktemp("demo") / "ws"
    out = tmp_path_factory.mktemp("csv")
    result = runner.invoke(app, ["-w", str(ws), "demo", "--seed", "42", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return ws, out


def invoke(ws, *args):
    result = runner.invoke(app, ["-w", str(ws), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_structure_json_has_the_audit_shape(demo_ws):
    ws, _ = demo_ws
    data = json.loads(invoke(ws, "structure", "--as-of", "2026-10-31", "--json"))
    for key in (
        "as_of",
        "known",
        "reachable",
        "active",
        "regular",
        "key",
        "key_regular",
        "key_revenue_share",
    ):
        assert key in data
    assert data["as_of"] == "2026-10-31"
    assert data["known"] >= 15_000
    assert 540 <= data["reachable"] <= 660
    assert 225 <= data["active"] <= 275
    assert 90 <= data["regular"] <= 110
    assert 16 <= data["key"] <= 20
    assert data["key_revenue_share"] >= 0.70
    # the funnel narrows at every stage
    assert data["known"] >= data["active"] >= data["regular"] >= data["key_regular"]
    # Pareto: the key count is the customers needed for 70%
    seventy = next(p for p in data["pareto"] if p["revenue_share"] == 0.7)
    assert seventy["customers"] == data["key"]
    cells = data["abc_xyz"]["customers"]
    assert len(cells) == 9
    # every customer with revenue in the last 12 months is in exactly one cell
    assert 0 < sum(c["n"] for c in cells) <= data["active"]
    assert abs(sum(c["revenue_share"] for c in cells) - 1.0) < 1e-9


def test_structure_options_change_the_definitions(demo_ws):
    ws, _ = demo_ws
    base = json.loads(invoke(ws, "structure", "--as-of", "2026-10-31", "--json"))
    wider = json.loads(
        invoke(
            ws,
            "structure",
            "--as-of",
            "2026-10-31",
            "--json",
            "--key-share",
            "0.9",
            "--min-orders-per-year",
            "1",
        )
    )
    assert wider["key"] > base["key"]
    assert wider["regular"] >= base["regular"]
    assert wider["params"]["key_share"] == 0.9


def test_structure_rejects_impossible_parameters(demo_ws):
    ws, _ = demo_ws
    result = runner.invoke(app, ["-w", str(ws), "structure", "--key-share", "1.5"])
    assert result.exit_code == 1
    assert "key_share" in result.output


def test_structure_as_of_defaults_to_latest_order_and_accepts_russian_dates(demo_ws):
    ws, _ = demo_ws
    iso = json.loads(invoke(ws, "structure", "--as-of", "2026-10-31", "--json"))
    ru = json.loads(invoke(ws, "structure", "--as-of", "31.10.2026", "--json"))
    default = json.loads(invoke(ws, "structure", "--json"))
    # (float sums may differ in the last bits between runs: DuckDB aggregates in parallel)
    for key in ("as_of", "known", "reachable", "active", "regular", "key", "pareto"):
        assert iso[key] == ru[key], key
    assert [c["n"] for c in iso["abc_xyz"]["skus"]] == [c["n"] for c in ru["abc_xyz"]["skus"]]
    assert default["as_of"] <= "2026-10-31"


def test_demo_csv_files_import_back_to_the_same_structure(demo_ws, tmp_path):
    ws, out = demo_ws
    other = tmp_path / "ws2"
    for table in ("customers", "contacts", "products", "orders", "interactions"):
        invoke(other, "import", table, str(out / f"{table}.csv"))
    a = json.loads(invoke(ws, "structure", "--as-of", "2026-10-31", "--json"))
    b = json.loads(invoke(other, "structure", "--as-of", "2026-10-31", "--json"))
    for key in ("known", "reachable", "active", "regular", "key", "key_regular"):
        assert a[key] == b[key], key
    assert abs(a["key_revenue_share"] - b["key_revenue_share"]) < 1e-9


def test_the_demo_workspace_refuses_imports_and_says_how_to_start_a_real_one(demo_ws, tmp_path):
    ws, out = demo_ws
    before = invoke(ws, "status", "--json")

    result = runner.invoke(app, ["import", "orders", str(out / "orders.csv"), "-w", str(ws)])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"error: {ws} holds the demo company, and your data must not mix with it: start a real "
        "workspace with `cxray init DIR`, then import into it with `cxray --workspace DIR "
        "import ...` (or `cxray import ... --workspace DIR`)"
    )
    assert invoke(ws, "status", "--json") == before


def test_status_after_demo(demo_ws):
    ws, _ = demo_ws
    rows = {r["table"]: r for r in json.loads(invoke(ws, "status", "--json"))["tables"]}
    assert rows["orders"]["rows"] > 100_000
    assert rows["orders"]["date_to"] <= "2026-10-31"
    assert rows["customers"]["rows"] >= 15_000


def test_russian_texts(demo_ws):
    ws, _ = demo_ws
    text = invoke(ws, "--lang", "ru", "structure", "--as-of", "2026-10-31")
    assert "ключевые" in text and "известные" in text


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_report_html_and_xlsx_from_the_cli(demo_ws, tmp_path, lang):
    ws, _ = demo_ws
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    invoke(
        ws,
        "report",
        "--as-of",
        "2026-10-31",
        "--out",
        str(html),
        "--xlsx",
        str(xlsx),
        "--lang",
        lang,
    )
    text = html.read_text(encoding="utf-8")
    known = {"en": "15,513", "ru": "15\u202f513"}[lang]  # known customers
    assert text.startswith("<!DOCTYPE html>") and known in text
    assert xlsx.stat().st_size > 10_000
    # changes of shares in percentage points: the measured campaigns' conversion uplift and
    # the say / do table; axis ticks of revenue in thousands or millions
    points = {"en": r"\d pp<", "ru": r"\d\u00a0п\.\u00a0п\.<"}
    ticks = {"en": r">\d+(\.\d)?[kM]<", "ru": r">\d+(,\d)?\u00a0(тыс\.|млн)<"}
    other = "ru" if lang == "en" else "en"
    for anchor in ("communications", "voice"):
        part = re.search(rf"<section id='{anchor}'>.*?</section>", text, re.S).group(0)
        assert re.search(points[lang], part) and not re.search(points[other], part), anchor
    assert re.search(ticks[lang], text) and not re.search(ticks[other], text)
    overdue = [t(f"col_{c}", lang=lang) for c in ("task", "metric", "score", "owner", "due")]
    for header in overdue:  # the table of overdue follow-up tasks
        assert f"'>{escape(header)}</th>" in text, header
    assert lang == "en" or not re.search(r"'>(task|metric|score|owner|due)</th>", text)
    cells = [
        str(c.value)
        for sheet in openpyxl.load_workbook(xlsx, read_only=True).worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert not [c for c in cells if re.search(r"\d ?(pp|[kM])$", c)] or lang == "en"


def test_products_whitespace_rfm_json(demo_ws):
    ws, _ = demo_ws
    biggest = "select customer_id from orders group by 1 order by sum(amount) desc limit 1"
    top = json.loads(invoke(ws, "sql", biggest, "--json"))["rows"][0]["customer_id"]
    args = ["products", "--as-of", "2026-10-31", "--by", "line", "--customer", top, "--json"]
    printed = json.loads(invoke(ws, *args))
    assert printed["as_of"] == "2026-10-31" and printed["warnings"] == []
    rows = printed["products"]
    assert rows and {
        "customer_id",
        "key",
        "month",
        "revenue",
        "quantity",
        "mom_change",
        "mom_pct",
        "yoy_change",
        "yoy_pct",
    } <= set(rows[0])
    months = sorted({r["month"] for r in rows})
    assert months[-1] == "2026-10"
    # every key has every month from the first order to the as-of month
    keys = {r["key"] for r in rows}
    assert len(rows) == len(keys) * len(months)
    opps = json.loads(invoke(ws, "whitespace", "--as-of", "2026-10-31", "--json"))["opportunities"]
    assert opps and {"customer_id", "product_line", "peer_share", "potential"} <= set(opps[0])
    assert [o["potential"] for o in opps] == sorted((o["potential"] for o in opps), reverse=True)
    assert all(o["peer_share"] >= 0.3 for o in opps)
    scores = json.loads(invoke(ws, "rfm", "--as-of", "2026-10-31", "--json"))
    assert sum(s["customers"] for s in scores["segments"]) == len(scores["customers"])


def test_cohorts_json_and_bad_options(demo_ws):
    ws, _ = demo_ws
    data = json.loads(
        invoke(ws, "cohorts", "--as-of", "2026-10-31", "--period", "quarter", "--json")
    )
    assert data["cohorts"] and data["activation"]
    first = [r for r in data["cohorts"] if r["period_index"] == 0]
    assert all(r["retention"] == 1.0 for r in first)
    total = [r for r in data["activation"] if r["cohort"] == "all" and r["k"] == 1][0]
    assert total["customers_k"] == sum(r["cohort_size"] for r in first)
    bad = runner.invoke(app, ["-w", str(ws), "cohorts", "--period", "week"])
    assert bad.exit_code == 1 and "period" in bad.output


def test_clv_holdout_and_impossible_parameters(demo_ws):
    ws, _ = demo_ws
    data = json.loads(
        invoke(
            ws, "clv", "--calibration-end", "2025-10-31", "--holdout-end", "2026-10-31", "--json"
        )
    )
    bg = data["params"]["bg_nbd"]
    assert all(bg[k] > 0 for k in ("r", "alpha", "a", "b")) and bg["log_likelihood"] < 0
    assert [v["bucket"] for v in data["validation"]] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    customers = data["customers"]
    assert all(0 <= c["p_alive"] <= 1 for c in customers)
    # the holdout totals add up the buckets
    assert data["holdout_totals"]["actual"] == sum(v["actual_total"] for v in data["validation"])
    for args, word in (
        (["--calibration-end", "2010-01-01"], "first order"),
        (["--horizon", "0"], "horizon"),
        (["--holdout-end", "2020-01-01", "--calibration-end", "2025-01-01"], "holdout"),
    ):
        result = runner.invoke(app, ["-w", str(ws), "clv", *args])
        assert result.exit_code == 1, args
        assert word in result.output.lower(), (args, result.output)


def test_alerts_json_explains_each_alert(demo_ws):
    ws, _ = demo_ws
    data = json.loads(invoke(ws, "alerts", "--as-of", "2026-10-31", "--json"))
    kinds = {a["kind"] for a in data["alerts"]}
    assert kinds == {"p_alive", "drift", "portal_activity_fell"}
    for a in data["alerts"]:
        if a["kind"] == "drift":
            assert a["key"] or a["regular"]
            assert a["change_pct"] < -0.3 and a["lines"]
        elif a["kind"] == "portal_activity_fell":
            assert a["key"] or a["regular"]
            assert a["sessions_mean"] >= 2 and a["sessions_recent"] <= a["sessions_mean"] / 2
        else:
            assert a["p_alive"] < 0.5
    text = invoke(ws, "--lang", "ru", "alerts", "--as-of", "2026-10-31")
    assert "сильнее всего упали" in text and "сессий на сайте" in text


def test_campaign_commands_on_the_demo(demo_ws, tmp_path):
    ws, out = demo_ws
    folder = out / "campaigns"
    assert sorted(p.name for p in folder.glob("*.yaml")) == [
        "autumn-catalogue-2026-09.yaml",
        "cheese-new-year-2026-11.yaml",
        "grill-season-2026-06.yaml",
    ]
    for path in folder.glob("*.yaml"):
        invoke(ws, "campaign", "check", str(path))
    future = str(folder / "cheese-new-year-2026-11.yaml")
    plan = json.loads(invoke(ws, "campaign", "plan", future, "--as-of", "2026-10-31", "--json"))
    assert plan["candidates"] >= 15_000
    for step in plan["steps"]:
        assert step["before"] - step["removed"] == step["after"]
    assert plan["final"] == plan["steps"][-1]["after"] == plan["target"] + plan["control"]
    exported = json.loads(
        invoke(
            ws,
            "campaign",
            "export",
            future,
            "--as-of",
            "2026-10-31",
            "--out",
            str(tmp_path / "lists"),
            "--json",
        )
    )
    assert exported["export"]["target_rows"] == plan["target"]
    assert exported["export"]["control_rows"] == plan["control"]
    verdicts = {}
    for name in ("grill-season-2026-06", "autumn-catalogue-2026-09"):
        m = json.loads(
            invoke(
                ws,
                "campaign",
                "measure",
                str(folder / f"{name}.yaml"),
                "--as-of",
                "2026-10-31",
                "--json",
            )
        )
        verdicts[name] = m["verdict"]
    assert verdicts == {
        "grill-season-2026-06": "effect",
        "autumn-catalogue-2026-09": "no_effect_detected",
    }


def test_an_incomplete_brief_is_refused_naming_what_is_missing(demo_ws, tmp_path):
    ws, out = demo_ws
    text = (out / "campaigns" / "grill-season-2026-06.yaml").read_text(encoding="utf-8")
    lines = [
        ln for ln in text.splitlines() if not ln.strip().startswith(("why:", "client_benefit:"))
    ]
    bad = tmp_path / "bad.yaml"
    bad.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["-w", str(ws), "campaign", "check", str(bad)])
    assert result.exit_code == 1
    assert "why" in result.output and "client_benefit" in result.output


def test_contacts_health_and_the_report_communications(demo_ws, tmp_path):
    ws, _ = demo_ws
    health = json.loads(invoke(ws, "contacts", "health", "--as-of", "2026-10-31", "--json"))
    states = {c["state"] for c in health["contacts"]}
    assert {"healthy", "dormant", "at_risk", "unsubscribed"} <= states
    html = tmp_path / "r.html"
    invoke(ws, "report", "--as-of", "2026-10-31", "--out", str(html))
    text = html.read_text(encoding="utf-8")
    assert "id='communications'" in text and "grill-season-2026-06" in text
    assert "cheese-new-year-2026-11" in text


def test_feedback_commands_on_the_demo(demo_ws):
    ws, _ = demo_ws
    data = json.loads(invoke(ws, "feedback", "scores", "--as-of", "2026-10-31", "--json"))
    nps = [r for r in data["scores"] if r["metric"] == "nps" and not r["incentivized"]][0]
    n = nps["promoters"] + nps["passives"] + nps["detractors"]
    assert n == nps["responses"]
    assert nps["value"] == pytest.approx(100 * (nps["promoters"] - nps["detractors"]) / n)
    assert nps["ci_low"] < nps["value"] < nps["ci_high"]
    # answers given for a reward are reported apart
    assert any(r["incentivized"] for r in data["scores"])
    by = json.loads(invoke(ws, "feedback", "scores", "--by", "touchpoint", "--json"))
    assert len({r["group"] for r in by["scores"]}) > 1
    say = json.loads(invoke(ws, "feedback", "saydo", "--as-of", "2026-10-31", "--json"))
    assert {g["group"] for g in say["groups"]} >= {"promoter", "passive", "detractor"}
    themes = json.loads(invoke(ws, "feedback", "themes", "--as-of", "2026-10-31", "--json"))
    assert themes["detractor"] and themes["promoter"]
    bad = runner.invoke(app, ["-w", str(ws), "feedback", "scores", "--by", "weekday"])
    assert bad.exit_code == 1


def test_followups_list_and_close(demo_ws):
    ws, _ = demo_ws
    data = json.loads(invoke(ws, "followups", "list", "--as-of", "2026-10-31", "--json"))
    s = data["summary"]
    assert s["total"] == s["open"] + s["closed"] > 0
    assert data["new"] == 0  # the demo already tracks its answers' tasks
    open_task = next(t for t in data["tasks"] if t["status"] == "open")
    invoke(
        ws,
        "followups",
        "close",
        open_task["task_id"],
        "--resolution",
        "called back",
        "--date",
        "2026-10-31",
    )
    again = runner.invoke(
        app,
        [
            "-w",
            str(ws),
            "followups",
            "close",
            open_task["task_id"],
            "--resolution",
            "x",
            "--date",
            "2026-10-31",
        ],
    )
    assert again.exit_code == 1
    after = json.loads(invoke(ws, "followups", "list", "--as-of", "2026-10-31", "--json"))
    assert after["summary"]["closed"] == s["closed"] + 1
