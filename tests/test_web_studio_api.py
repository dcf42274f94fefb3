"""The campaign studio over the REST API, through the app as a client calls it: who may do what
(the roles' permissions and the studio's own rules agree), the workflow from a saved draft to
an approved, exported and downloaded campaign, the re-approval when the audience moved, and
errors as JSON with a code (never a 500).

The workspace, written out here (``served`` fixture):

- customers C01..C20 named "Firm 01".."Firm 20", each with one contact (``P01``.., e-mail
  ``c01@example.com``..) and an e-mail opt-in dated 2026-01-05, and one order of 100 on
  2026-02-01 + (i - 1) days, so the studio's day (the latest order) is 2026-02-20;
- the global control share is 0, so the final audience of a campaign without rules is all 20;
- users with a token each: root (admin), anna and boris (marketers), vera (analyst), gleb
  (manager), dina (viewer).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

import pandas as pd
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from web_helpers import error_of

from cxray import accounts as acc
from cxray.api.session import Session
from cxray.workspace import Workspace

API = "/api/v1"
PASSWORD = "correct-horse-7"
IDS = [f"C{i:02d}" for i in range(1, 21)]
USERS = {"root": "admin", "anna": "marketer", "boris": "marketer", "vera": "analyst",
         "gleb": "manager", "dina": "viewer"}  # fmt: skip
HEADER = ["customer_id", "name", "contact_id", "contact_name", "address", "group"]

CAMPAIGN = {
    "id": "spring-2026",
    "name": "Spring",
    "channel": "email",
    "start": "2026-03-10",
    "brief": {
        "why": "Buyers wait for the spring range",
        "target": "Every customer with an e-mail opt-in",
        "must_not_receive": "Those who opted out",
        "expected_effect": "Revenue up 5%",
        "measure": {"metric": "revenue", "window_days": 30},
        "client_benefit": "Hears of the new range first",
    },
    "holdout": 0.2,
}
NAME = "spring-2026"


def control_ids(campaign_id: str, holdout: float) -> list[str]:
    """The control group as the holdout rule states it, computed here: a customer is control
    when the first 8 bytes of SHA-256("<campaign id>:<customer id>"), as a big-endian number
    over 2**64, are below the holdout share."""
    found = []
    for cid in IDS:
        digest = hashlib.sha256(f"{campaign_id}:{cid}".encode()).digest()
        if int.from_bytes(digest[:8], "big") / 2**64 < holdout:
            found.append(cid)
    return found


CONTROL = control_ids("spring-2026", 0.2)
TARGET = [c for c in IDS if c not in CONTROL]


@pytest.fixture
def served(tmp_path, monkeypatch):
    """The app over the workspace of the module notes, and a token header per user."""
    from cxray.web import create_app

    # argon2id with small parameters: the same algorithm, in milliseconds
    monkeypatch.setattr(acc, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    session = Session(Workspace(tmp_path / "ws", create=True))
    ws = session.workspace
    numbers = [c[1:] for c in IDS]
    ws.write("customers", pd.DataFrame({"customer_id": IDS,
                                        "name": [f"Firm {n}" for n in numbers]}))  # fmt: skip
    contacts = {"customer_id": IDS, "contact_id": [f"P{n}" for n in numbers],
                "contact_name": [f"Person {n}" for n in numbers],
                "email": [f"c{n}@example.com" for n in numbers]}  # fmt: skip
    ws.write("contacts", pd.DataFrame(contacts))
    consents = {"customer_id": IDS, "channel": "email", "status": "opt_in",
                "date": dt.date(2026, 1, 5)}  # fmt: skip
    ws.write("consents", pd.DataFrame(consents))
    days = [dt.date(2026, 2, 1) + dt.timedelta(days=i) for i in range(20)]
    ws.write("orders", pd.DataFrame({"order_id": [f"O{c}" for c in IDS], "customer_id": IDS,
                                     "order_date": days, "amount": 100.0}))  # fmt: skip
    ws.set_setting("global_control_share", "0")
    headers = {}
    for login, role in USERS.items():
        session.accounts.add_user(login, role=role, password=PASSWORD, actor="test")
        token = session.accounts.create_token(login, actor="test").to_dict()["token"]
        headers[login] = {"Authorization": f"Bearer {token}"}
    with session:
        yield TestClient(create_app(session)), headers, session


def call(served, login, method, path, headers=None, **kwargs):
    client, tokens, _ = served
    headers = {**tokens[login], **(headers or {})}
    return client.request(method, f"{API}{path}", headers=headers, **kwargs)


def ok(response) -> dict:
    assert response.status_code == 200, response.text[:400]
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def approved(served, campaign=CAMPAIGN) -> str:
    """Saved and submitted by anna, approved by boris; the campaign's name."""
    name = ok(call(served, "anna", "POST", "/campaigns", json=campaign))["name"]
    ok(call(served, "anna", "POST", f"/campaigns/{name}/submit", json={"comment": "ready"}))
    ok(call(served, "boris", "POST", f"/campaigns/{name}/approve", json={"comment": "fine"}))
    return name


def opt_out(served, customer_id: str) -> None:
    """The customer opts out of e-mail on 2026-02-10 (after the opt-in, before the day)."""
    _, _, session = served
    consent = {"customer_id": [customer_id], "channel": ["email"], "status": ["opt_out"],
               "date": [dt.date(2026, 2, 10)]}  # fmt: skip
    session.workspace.write("consents", pd.DataFrame(consent))
    session._changed()


def audit(served, action: str) -> list[dict]:
    return ok(call(served, "root", "GET", "/audit", params={"action": action}))["entries"]


# every studio endpoint, with a body where it takes one
ENDPOINTS = [
    ("GET", "/campaigns", None),
    ("GET", "/campaigns/portfolio", None),
    ("POST", "/campaigns/preview", CAMPAIGN),
    ("POST", "/campaigns", CAMPAIGN),
    ("GET", f"/campaigns/{NAME}", None),
    ("PUT", f"/campaigns/{NAME}", CAMPAIGN),
    ("POST", f"/campaigns/{NAME}/submit", {"comment": "x"}),
    ("POST", f"/campaigns/{NAME}/approve", {"comment": "x"}),
    ("POST", f"/campaigns/{NAME}/reject", {"comment": "x"}),
    ("POST", f"/campaigns/{NAME}/export", None),
    ("GET", f"/campaigns/{NAME}/download/target", None),
    ("GET", f"/campaigns/{NAME}/history", None),
    ("GET", f"/campaigns/{NAME}/measurement", None),
]


def test_viewers_and_managers_are_refused_every_studio_endpoint(served):
    ok(call(served, "anna", "POST", "/campaigns", json=CAMPAIGN))
    ok(call(served, "anna", "POST", f"/campaigns/{NAME}/submit", json={}))
    for login in ("dina", "gleb"):
        for method, path, body in ENDPOINTS:
            response = call(served, login, method, path, json=body)
            assert error_of(response, 403) == "forbidden", (login, method, path)
    # an analyst edits and exports but does not approve nor reject
    for verb in ("approve", "reject"):
        response = call(served, "vera", "POST", f"/campaigns/{NAME}/{verb}", json={"comment": "x"})
        assert error_of(response, 403) == "forbidden", verb
    assert ok(call(served, "vera", "GET", f"/campaigns/{NAME}"))["state"] == "submitted"
    # nothing of the refused calls was recorded
    history = ok(call(served, "anna", "GET", f"/campaigns/{NAME}/history"))["history"]
    assert [(e["actor"], e["action"]) for e in history] == [("anna", "save"), ("anna", "submit")]


def test_save_approve_by_a_second_marketer_export_and_download(served):
    assert len(TARGET) + len(CONTROL) == 20 and CONTROL and TARGET  # the draw splits both ways
    preview = ok(call(served, "anna", "POST", "/campaigns/preview", json=CAMPAIGN))
    assert preview["ok"] is True and preview["errors"] == []
    assert not (served[2].path / "campaigns").exists()  # a preview writes nothing
    saved = ok(call(served, "anna", "POST", "/campaigns", json=CAMPAIGN))
    assert (saved["name"], saved["changed"], saved["state"]) == (NAME, True, "draft")
    assert (saved["plan"]["final"], saved["plan"]["target"], saved["plan"]["control"]) == (
        20, len(TARGET), len(CONTROL))  # fmt: skip
    again = call(served, "anna", "POST", "/campaigns", json=CAMPAIGN)
    assert error_of(again, 409) == "campaign_exists"

    ok(call(served, "anna", "POST", f"/campaigns/{NAME}/submit", json={"comment": "ready"}))
    own = call(served, "anna", "POST", f"/campaigns/{NAME}/approve", json={})
    assert error_of(own, 403) == "campaign_own_approval"
    early = call(served, "anna", "POST", f"/campaigns/{NAME}/export")
    assert error_of(early, 409) == "campaign_bad_transition"
    mine = ok(call(served, "boris", "GET", f"/campaigns/{NAME}"))
    assert mine["state"] == "submitted"
    assert mine["can"] == {"save": True, "submit": False, "approve": True, "reject": True,
                           "export": False}  # fmt: skip
    approval = ok(call(served, "boris", "POST", f"/campaigns/{NAME}/approve",
                       json={"comment": "fine"}))  # fmt: skip
    assert (approval["actor"], approval["action"], approval["state"]) == (
        "boris", "approve", "approved")  # fmt: skip
    assert approval["comment"] == "fine" and approval["details"]["final"] == 20
    assert error_of(call(served, "anna", "GET", f"/campaigns/{NAME}/download/target"),
                    404) == "campaign_not_exported"  # fmt: skip

    exported = ok(call(served, "anna", "POST", f"/campaigns/{NAME}/export"))
    assert (exported["action"], exported["state"]) == ("export", "exported")
    details = exported["details"]
    assert (details["final"], details["target"], details["control"]) == (
        20, len(TARGET), len(CONTROL))  # fmt: skip
    assert details["sends_new"] == 20 and details["sent_at"] == "2026-03-10"

    for group, ids in (("target", TARGET), ("control", CONTROL)):
        response = call(served, "anna", "GET", f"/campaigns/{NAME}/download/{group}")
        assert response.status_code == 200, response.text[:300]
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == HEADER
        assert [r[0] for r in rows[1:]] == ids
        first = rows[1]
        n = first[0][1:]
        assert first == [first[0], f"Firm {n}", f"P{n}", f"Person {n}", f"c{n}@example.com",
                         group]  # fmt: skip
    downloads = audit(served, "export_downloaded")
    assert sorted((e["target"], e["actor"], e["details"]["group"], e["details"]["rows"])
                  for e in downloads) == [(NAME, "anna", "control", len(CONTROL)),
                                          (NAME, "anna", "target", len(TARGET))]  # fmt: skip
    exports = audit(served, "campaign_export")
    assert [(e["target"], e["actor"]) for e in exports] == [(NAME, "anna")]

    # sent: locked against edits, listed as exported with its audience
    edited = {**CAMPAIGN, "name": "Spring, edited"}
    assert error_of(call(served, "anna", "PUT", f"/campaigns/{NAME}", json=edited),
                    409) == "campaign_locked"  # fmt: skip
    listed = ok(call(served, "vera", "GET", "/campaigns"))["campaigns"]
    assert [(r["name"], r["state"], r["channel"], r["start"], r["audience"]) for r in listed] == [
        (NAME, "exported", "email", "2026-03-10", 20)]  # fmt: skip
    history = ok(call(served, "vera", "GET", f"/campaigns/{NAME}/history"))["history"]
    assert [(e["actor"], e["action"]) for e in history] == [
        ("anna", "save"), ("anna", "submit"), ("boris", "approve"), ("anna", "export")]  # fmt: skip
    # the window (30 days from 2026-03-10) is far beyond the data: nothing measured yet
    portfolio = ok(call(served, "vera", "GET", "/campaigns/portfolio"))
    assert (portfolio["measured"], portfolio["campaigns"]) == (0, [])


def test_a_saved_draft_goes_back_to_draft_and_shows_its_diff(served):
    name = approved(served)
    edited = {**CAMPAIGN, "name": "Spring, edited"}
    saved = ok(call(served, "anna", "PUT", f"/campaigns/{name}", json=edited))
    assert (saved["changed"], saved["state"]) == (True, "draft")  # the approval no longer holds
    history = ok(call(served, "anna", "GET", f"/campaigns/{name}/history"))["history"]
    assert "+name: Spring, edited" in history[-1]["diff"]
    assert "-name: Spring" in history[-1]["diff"]
    # a rejection needs its comment; the author cannot reject their own campaign
    ok(call(served, "anna", "POST", f"/campaigns/{name}/submit", json={}))
    assert error_of(call(served, "boris", "POST", f"/campaigns/{name}/reject", json={}),
                    400) == "campaign_comment_required"  # fmt: skip
    assert error_of(call(served, "anna", "POST", f"/campaigns/{name}/reject",
                         json={"comment": "no"}), 403) == "campaign_own_approval"  # fmt: skip
    rejected = ok(call(served, "root", "POST", f"/campaigns/{name}/reject",
                       json={"comment": "not this month"}))  # fmt: skip
    assert (rejected["state"], rejected["comment"]) == ("rejected", "not this month")


def test_a_changed_audience_needs_a_fresh_approval(served):
    name = approved(served)
    opt_out(served, "C01")  # after the approval: the audience loses 1 of 20 (5%)
    refused = call(served, "anna", "POST", f"/campaigns/{name}/export",
                   params={"reapprove_above": 0})  # fmt: skip
    assert error_of(refused, 409) == "campaign_reapproval_needed"
    assert ok(call(served, "anna", "GET", f"/campaigns/{name}"))["state"] == "submitted"
    history = ok(call(served, "anna", "GET", f"/campaigns/{name}/history"))["history"]
    change = history[-1]["details"]["change"]
    assert (history[-1]["action"], change["added"], change["removed"]) == (
        "audience_changed", 0, 1)  # fmt: skip
    assert audit(served, "campaign_export") == []
    # approved again at the new audience, the export goes through with 19
    ok(call(served, "boris", "POST", f"/campaigns/{name}/approve", json={}))
    exported = ok(call(served, "anna", "POST", f"/campaigns/{name}/export",
                       params={"reapprove_above": 0}))  # fmt: skip
    assert exported["details"]["final"] == 19
    # a share of 1 or more is no limit
    bad = call(served, "anna", "POST", f"/campaigns/{name}/export",
               params={"reapprove_above": 1})  # fmt: skip
    assert error_of(bad, 422) == "bad_request"


def test_a_change_of_five_percent_is_within_the_default_limit(served):
    name = approved(served)
    opt_out(served, "C01")  # 1 of the 20 approved customers (5%), not above the default 5%
    exported = ok(call(served, "anna", "POST", f"/campaigns/{name}/export"))
    change = exported["details"]["change"]
    assert (change["added"], change["removed"], change["share"]) == (0, 1, 0.05)
    assert exported["details"]["final"] == 19


def test_the_preview_lints_the_offer_text(served):
    body = {**CAMPAIGN, "message": "Лучшие цены и широкий выбор"}
    preview = ok(call(served, "anna", "POST", "/campaigns/preview", json=body))
    assert preview["ok"] is True  # advice, not a refusal
    assert [p["phrase"] for p in preview["offer"]["stop_phrases"]] == ["широкий выбор",
                                                                       "лучшие цены"]  # fmt: skip
    assert preview["offer"]["missing_specifics"] == ["number", "unit", "deadline", "benefit"]
    assert ok(call(served, "anna", "POST", "/campaigns/preview", json=CAMPAIGN))["offer"] is None


def test_bad_bodies_and_unknown_names_are_json_errors(served):
    for body in ([1, 2], "text", 5):
        response = call(served, "anna", "POST", "/campaigns/preview", json=body)
        assert error_of(response, 422) == "bad_request", body
    response = call(served, "anna", "POST", "/campaigns", content=b"{not json",
                    headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 422 and response.json()["error"]["code"] == "bad_request"
    assert error_of(call(served, "anna", "POST", "/campaigns/preview"), 422) == "bad_request"
    # a mapping that is no campaign: the preview lists the problem, the save refuses it
    incomplete = {k: v for k, v in CAMPAIGN.items() if k != "brief"}
    preview = ok(call(served, "anna", "POST", "/campaigns/preview", json=incomplete))
    assert preview["ok"] is False and preview["plan"] is None
    assert [e["code"] for e in preview["errors"]] == ["campaign_brief_incomplete"]
    assert error_of(call(served, "anna", "POST", "/campaigns", json=incomplete),
                    400) == "campaign_brief_incomplete"  # fmt: skip
    for method, path, body in ENDPOINTS[4:]:
        path = path.replace(NAME, "no-such")
        response = call(served, "root", method, path, json=body)
        assert error_of(response, 404) == "campaign_not_found", (method, path)
    assert error_of(call(served, "anna", "GET", "/campaigns/x/download/everyone"),
                    422) == "bad_request"  # fmt: skip
