"""``cxray campaign list | history | portfolio``: the campaign studio on the command line, over
``session.studio``, with the figures of a small workspace worked out by hand.

The workspace (``workspace`` fixture):

- campaign ``spring`` (file ``campaigns/spring.yaml``, start 2026-03-01, revenue over 14
  days, so its window is 2026-03-02..2026-03-15), sent before the studio: the sends table
  holds A1, A2 (target) and B1, B2 (control), all sent on 2026-03-01;
- orders in the window: A1 100 on 03-05, A2 300 on 03-10, B2 100 on 03-12 (B1 buys nothing);
  Z1 (in no group) 50 on 03-30, so the data's day is 2026-03-30 and the window has ended;
- every customer has an e-mail opt-in; the global control share is 0;
- campaign ``autumn``: saved by anna (a marketer) through the studio, then submitted with the
  comment "please check".

Hand-worked figures of ``spring``: target revenue per customer (100 + 300) / 2 = 200, control
(0 + 100) / 2 = 50, so the incremental revenue is 2 x (200 - 50) = 300. Sample standard
deviations: target sqrt(2 x 100^2 / 1) = sqrt(20000), control sqrt(2 x 50^2 / 1) = sqrt(5000);
the standard error of the sum is 2 x sqrt(20000 / 2 + 5000 / 2) = 2 x sqrt(12500) = 223.6068, so
the 95% interval is 300 +- 1.959964 x 223.6068 = 300 +- 438.2637: -138.26 to 738.26. Attributed:
the target's revenue, 400. Sales from the day after the start to the window's end: 100 + 300 +
100 = 500; shares 300 / 500 = 60% and 400 / 500 = 80%.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest
import yaml
from argon2 import PasswordHasher
from typer.testing import CliRunner

from cxray import accounts as acc
from cxray.api.session import Session
from cxray.cli import app
from cxray.workspace import Workspace

BRIEF = {
    "why": "Buyers wait for the spring range",
    "target": "Every customer with an e-mail opt-in",
    "must_not_receive": "Those who opted out",
    "expected_effect": "Revenue up 5%",
    "measure": {"metric": "revenue", "window_days": 14},
    "client_benefit": "Hears of the new range first",
}
SPRING = {"id": "spring", "name": "Spring", "channel": "email", "start": "2026-03-01",
          "brief": BRIEF, "holdout": 0.5}  # fmt: skip
AUTUMN = {**SPRING, "id": "autumn", "name": "Autumn", "start": "2026-09-01"}
IDS = ["A1", "A2", "B1", "B2", "Z1"]


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setattr(acc, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    folder = tmp_path / "ws"
    session = Session(Workspace(folder, create=True))
    ws = session.workspace
    ws.write("customers", pd.DataFrame({"customer_id": IDS}))
    consents = {"customer_id": IDS, "channel": "email", "status": "opt_in",
                "date": dt.date(2026, 1, 5)}  # fmt: skip
    ws.write("consents", pd.DataFrame(consents))
    orders = [("O1", "A1", "2026-03-05", 100.0), ("O2", "A2", "2026-03-10", 300.0),
              ("O3", "B2", "2026-03-12", 100.0), ("O4", "Z1", "2026-03-30", 50.0)]  # fmt: skip
    frame = pd.DataFrame(orders, columns=["order_id", "customer_id", "order_date", "amount"])
    frame["order_date"] = pd.to_datetime(frame["order_date"]).dt.date
    ws.write("orders", frame)
    sends = pd.DataFrame({"campaign_id": "spring", "customer_id": ["A1", "A2", "B1", "B2"],
                          "sent_at": pd.Timestamp("2026-03-01"),
                          "group": ["target", "target", "control", "control"]})  # fmt: skip
    ws.write("sends", sends)
    ws.set_setting("global_control_share", "0")
    (folder / "campaigns").mkdir()
    (folder / "campaigns" / "spring.yaml").write_text(yaml.safe_dump(SPRING), encoding="utf-8")
    session.accounts.add_user("anna", role="marketer", password="correct-horse-7", actor="t")
    session._changed()
    session.studio.save(AUTUMN, actor="anna")
    session.studio.submit("autumn", actor="anna", comment="please check")
    session.close()
    return folder


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    """A terminal wide enough that no table cell wraps."""
    from cxray.terminal import console

    monkeypatch.setattr(console, "_width", 250)


def run(folder, *args: str, lang: str = "en"):
    result = CliRunner().invoke(app, ["-w", str(folder), "--lang", lang, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_list_shows_each_campaign_with_its_state(workspace):
    rows = json.loads(run(workspace, "campaign", "list", "--json"))["campaigns"]
    assert [(r["name"], r["state"], r["channel"], r["start"], r["audience"]) for r in rows] == [
        ("autumn", "submitted", "email", "2026-09-01", 5),  # every customer has an opt-in
        ("spring", "measured", "email", "2026-03-01", 4),  # its two groups
    ]  # fmt: skip
    # two control customers, far fewer than the 100 a conclusion needs
    assert rows[1]["verdict"] == "inconclusive" and rows[0]["verdict"] is None
    text = run(workspace, "campaign", "list")
    assert "awaiting approval" in text and "measured" in text
    assert "too small to tell" in text
    russian = run(workspace, "campaign", "list", lang="ru")
    assert "на согласовании" in russian and "измерена" in russian


def test_history_lists_who_did_what_with_the_diff_of_each_save(workspace):
    events = json.loads(run(workspace, "campaign", "history", "autumn", "--json"))["history"]
    assert [(e["actor"], e["action"], e["state"], e["comment"]) for e in events] == [
        ("anna", "save", "draft", None),
        ("anna", "submit", "submitted", "please check"),
    ]
    assert "+id: autumn" in events[0]["diff"]  # a new file: every line added
    text = run(workspace, "campaign", "history", "autumn")
    for part in ("anna", "saved", "submitted for approval", "please check", "+id: autumn"):
        assert part in text, part
    assert json.loads(run(workspace, "campaign", "history", "spring", "--json"))["history"] == []
    missing = CliRunner().invoke(app, ["-w", str(workspace), "campaign", "history", "nope"])
    assert missing.exit_code == 1 and "nope" in missing.stderr


def test_portfolio_sums_the_measured_campaigns(workspace):
    p = json.loads(run(workspace, "campaign", "portfolio", "--json"))
    half = 1.959964 * 2 * math.sqrt(12500)
    assert p["measured"] == 1
    assert p["incremental_revenue"] == pytest.approx(300)
    assert p["incremental_ci_low"] == pytest.approx(300 - half, abs=1e-3)
    assert p["incremental_ci_high"] == pytest.approx(300 + half, abs=1e-3)
    assert (p["attributed_revenue"], p["sales"]) == (pytest.approx(400), pytest.approx(500))
    assert p["incremental_share"] == pytest.approx(0.6)
    assert p["attributed_share"] == pytest.approx(0.8)
    assert [(c["name"], c["included"]) for c in p["campaigns"]] == [("spring", True)]
    text = run(workspace, "campaign", "portfolio")
    for part in ("measured campaigns", "300.00", "-138.26 to 738.26", "400.00", "500.00",
                 "60.0%", "80.0%", "spring"):  # fmt: skip
        assert part in text, part
    russian = run(workspace, "campaign", "portfolio", lang="ru")
    assert "от -138,26 до 738,26" in russian and "60,0" in russian


def test_portfolio_without_a_measured_campaign_says_so(workspace):
    p = json.loads(run(workspace, "campaign", "portfolio", "--as-of", "2026-03-10", "--json"))
    assert (p["measured"], p["campaigns"], p["incremental_revenue"]) == (0, [], None)
    text = run(workspace, "campaign", "portfolio", "--as-of", "2026-03-10")
    assert "No campaign has been measured yet" in text
