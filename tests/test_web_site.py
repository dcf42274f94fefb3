"""The website in the web workspace: the REST answers equal the API's ``to_dict()``, defining and
removing an action (page with CSRF, REST with a token) is the analyst's and audited, a viewer is
refused, a bad rule is a JSON error with a code; the customer card's website part and the
report's website section, on a small workspace written here. Every expected figure is worked
out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, csrf_of, error_of, sign_in

import cxray
from cxray.workspace import Workspace

API = "/api/v1"

ORDERS = """order_id,customer_id,order_date,amount,sku
1,C1,2026-10-01,100,m1
2,C1,2026-11-20,150,m1
3,C2,2026-11-25,80,m1
"""
CUSTOMERS = """customer_id,name,segment
C1,Romashka,retail
C2,Ivanov,retail
"""
BUY = "body > main#content > div.card > button.btn.buy"
ORDER = "body > main > form#order.order"
SHOP = "https://shop.example"
# v1 says it is C1 at 10:01 on 1 Dec: all its events are C1's. Its sessions (a gap over 30
# minutes starts a new one): 1 Dec 10:00-10:06 (/, identify, /catalog/cheese, buy, /cart,
# order: 3 page views, 6 events) and 3 Dec 09:00-09:20 (/catalog/cheese, buy). v2 stays
# anonymous: 2 Dec 12:00-12:02 (/, /catalog/cheese, buy) and 12:40 (/cart), 38 minutes later.
EVENTS = [
    ("e1", "v1", "2026-12-01 10:00:00", "pageview", "/", "", "", ""),
    ("e2", "v1", "2026-12-01 10:01:00", "identify", "/", "", "", "C1"),
    ("e3", "v1", "2026-12-01 10:02:00", "pageview", "/catalog/cheese?x=1", "", "", ""),
    ("e4", "v1", "2026-12-01 10:03:00", "click", "/catalog/cheese", BUY, "В корзину", ""),
    ("e5", "v1", "2026-12-01 10:05:00", "pageview", "/cart", "", "", ""),
    ("e6", "v1", "2026-12-01 10:06:00", "submit", "/cart", ORDER, "", ""),
    ("e7", "v1", "2026-12-03 09:00:00", "pageview", "/catalog/cheese", "", "", ""),
    ("e8", "v1", "2026-12-03 09:20:00", "click", "/catalog/cheese", BUY, "В корзину", ""),
    ("e9", "v2", "2026-12-02 12:00:00", "pageview", "/", "", "", ""),
    ("e10", "v2", "2026-12-02 12:01:00", "pageview", "/catalog/cheese", "", "", ""),
    ("e11", "v2", "2026-12-02 12:02:00", "click", "/catalog/cheese", BUY, "в корзину ", ""),
    ("e12", "v2", "2026-12-02 12:40:00", "pageview", "/cart", "", "", ""),
]
ACTIONS = {  # name -> rule
    "view cheese": {"url": "/catalog/cheese"},
    "cart": {"selector": "button.buy", "text": "в корзину"},
    "order": {"selector": "form#order", "event": "submit"},
}
ROLES = ("viewer", "analyst")


def _csv(rows: list[tuple[str, ...]]) -> str:
    head = "event_id,visitor_id,ts,type,url,css_path,text,customer_id\n"
    return head + "".join(",".join([*r[:4], SHOP + r[4], *r[5:]]) + "\n" for r in rows)


def _workspace(root, events: bool = True):
    folder = root / "ws"
    files = {"orders": ORDERS, "customers": CUSTOMERS}
    if events:
        files["web_events"] = _csv(EVENTS)
    with Workspace(folder, create=True) as ws:
        for table, text in files.items():
            (root / f"{table}.csv").write_text(text, encoding="utf-8")
            ws.import_file(table, root / f"{table}.csv")
    session = cxray.open(folder, read_only=False)
    tokens = {}
    for role in ROLES:
        session.accounts.add_user(f"{role}1", role=role, password=PASSWORD, actor="test")
        tokens[role] = session.accounts.create_token(f"{role}1", actor="test").to_dict()["token"]
    return session, tokens


@pytest.fixture
def site(tmp_path):
    from cxray.web import create_app

    session, tokens = _workspace(tmp_path)
    app = create_app(session)
    yield session, app, {r: {"Authorization": f"Bearer {t}"} for r, t in tokens.items()}
    session.close()


def _define_all(session):
    for name, rule in ACTIONS.items():
        session.web.add_action(name, **rule, by="test")


def _json(payload):
    return json.loads(json.dumps(payload, default=lambda v: v.isoformat()))


def _audited(session, action: str) -> list[dict]:
    return session.accounts.audit(action=action, limit=50).to_dict()["entries"]


# --- REST -----------------------------------------------------------------------------------


def test_rest_answers_equal_the_api_and_the_counts_by_hand(site):
    session, app, bearer = site
    _define_all(session)
    client = TestClient(app)
    got = client.get(f"{API}/web/actions", headers=bearer["viewer"]).json()
    assert got == _json(session.web.actions().to_dict())
    counts = {a["name"]: (a["events"], a["visitors"], a["persons"], a["customers"])
              for a in got["actions"]}  # fmt: skip
    # cart: e4, e8 (v1 = C1), e11 (v2; its text trimmed and in another case); view cheese: e3
    # (its query left out), e7, e10; order: e6 only
    assert counts == {"cart": (3, 2, 2, 1), "view cheese": (3, 2, 2, 1), "order": (1, 1, 1, 1)}
    assert got["as_of"] == "2026-12-03"  # the latest event's day

    steps = "view cheese,cart,order"
    got = client.get(f"{API}/web/funnel", params={"steps": steps, "within": 7},
                     headers=bearer["viewer"]).json()  # fmt: skip
    assert got == _json(session.web.funnel(steps.split(","), within_days=7).to_dict())
    # C1 and v2 view and put in the cart a minute later; C1 orders 3 minutes after its cart
    shown = [(s["action"], s["persons"], s["dropped"]) for s in got["steps"]]
    assert shown == [("view cheese", 2, 0), ("cart", 2, 0), ("order", 1, 1)]
    assert got["steps"][1]["median_hours"] == pytest.approx(1 / 60)
    assert got["steps"][2]["median_hours"] == pytest.approx(3 / 60)
    assert got["steps"][2]["of_first"] == pytest.approx(0.5)

    got = client.get(f"{API}/web/paths", params={"steps": 2}, headers=bearer["viewer"]).json()
    assert got == _json(session.web.paths(steps=2).to_dict())
    # 4 sessions, first 2 pages: v1 1 Dec and v2 2 Dec both "/ -> /catalog/cheese"; then
    # "/catalog/cheese" (v1 3 Dec) and "/cart" (v2 12:40)
    assert [(p["pages"], p["sessions"]) for p in got["paths"]] == [
        (["/", "/catalog/cheese"], 2), (["/cart"], 1), (["/catalog/cheese"], 1)]  # fmt: skip
    assert got["paths"][0]["share"] == pytest.approx(0.5)


def test_rest_defines_and_removes_an_action_as_analyst_audited_and_refuses_a_viewer(site):
    session, app, bearer = site
    client = TestClient(app)
    body = {"name": "cart", "selector": "button.buy", "text": "В корзину"}
    refused = client.post(f"{API}/web/actions", json=body, headers=bearer["viewer"])
    assert error_of(refused, 403) == "forbidden"
    assert session.web.defined() == []

    made = client.post(f"{API}/web/actions", json=body, headers=bearer["analyst"])
    assert made.status_code == 200, made.text
    assert [(a["name"], a["events"]) for a in made.json()["actions"]] == [("cart", 3)]
    assert [a.name for a in session.web.defined()] == ["cart"]
    entry = _audited(session, "web_action_defined")[0]
    assert (entry["actor"], entry["target"]) == ("analyst1", "cart")
    assert entry["details"] == {"selector": "button.buy", "text": "В корзину"}

    bad = client.post(f"{API}/web/actions", json={"name": "x", "selector": "div:nth-child(2)"},
                      headers=bearer["analyst"])  # fmt: skip
    assert error_of(bad, 400) == "action_bad_selector"
    empty = client.post(f"{API}/web/actions", json={"name": "x"}, headers=bearer["analyst"])
    assert error_of(empty, 400) == "action_needs_rule"
    assert error_of(client.post(f"{API}/web/actions", json={}, headers=bearer["analyst"]),
                    422) == "bad_request"  # fmt: skip

    gone = client.delete(f"{API}/web/actions/cart", headers=bearer["viewer"])
    assert error_of(gone, 403) == "forbidden"
    gone = client.delete(f"{API}/web/actions/cart", headers=bearer["analyst"])
    assert gone.status_code == 200 and gone.json()["name"] == "cart"
    assert session.web.defined() == []
    assert _audited(session, "web_action_removed")[0]["target"] == "cart"
    missing = client.delete(f"{API}/web/actions/cart", headers=bearer["analyst"])
    assert error_of(missing, 404) == "action_unknown"


def test_rest_bad_inputs_are_json_errors_with_a_code(site):
    session, app, bearer = site
    _define_all(session)
    client = TestClient(app)
    h = bearer["viewer"]
    for url, params, status, code in (
        ("funnel", {"steps": "cart"}, 400, "bad_parameter"),
        ("funnel", {"steps": "cart,nope"}, 404, "action_unknown"),
        ("funnel", {}, 422, "bad_request"),
        ("funnel", {"steps": "cart,order", "within": 0}, 422, "bad_request"),
        ("actions", {"as_of": "2026-13-45"}, 400, None),
        ("actions", {"days": 10**12}, 422, "bad_request"),
        ("paths", {"steps": 11}, 422, "bad_request"),
    ):
        got = error_of(client.get(f"{API}/web/{url}", params=params, headers=h), status)
        assert code is None or got == code, (url, params, got)
    # a NUL character is refused, not stored: the actions still answer afterwards
    for field, code in [
        ("name", "action_bad_name"),
        ("url", "action_bad_character"),
        ("selector", "action_bad_character"),
        ("text", "action_bad_character"),
    ]:
        body = {"name": "n", "url": "/", field: "a\x00b"}
        sent = client.post(f"{API}/web/actions", json=body, headers=bearer["analyst"])
        assert error_of(sent, 400) == code, field
    assert len(client.get(f"{API}/web/actions", headers=h).json()["actions"]) == 3


# --- the page -------------------------------------------------------------------------------


def _browser(app, role: str) -> TestClient:
    client = TestClient(app)
    assert sign_in(client, f"{role}1").status_code == 303
    return client


def test_the_page_defines_and_removes_an_action_with_csrf_for_the_analyst_only(site):
    session, app, _ = site
    analyst, viewer = _browser(app, "analyst"), _browser(app, "viewer")
    page = analyst.get("/web")
    assert page.status_code == 200
    assert 'data-code="web_actions_none"' in page.text and 'action="/web/actions"' in page.text
    form = {"name": "order", "selector": "form#order", "event": "submit"}
    assert analyst.post("/web/actions", data=form, follow_redirects=False).status_code == 403
    assert session.web.defined() == []
    token = csrf_of(page.text)
    done = analyst.post("/web/actions", data={**form, "csrf": token}, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/web")
    assert [a.name for a in session.web.defined()] == ["order"]
    assert _audited(session, "web_action_defined")[0]["actor"] == "analyst1"
    shown = analyst.get("/web").text
    assert 'data-action="order"' in shown

    bad = analyst.post("/web/actions", data={"name": "b", "selector": "a[href]", "csrf": token})
    assert bad.status_code == 400 and 'role="alert"' in bad.text
    assert 'value="a[href]"' in bad.text  # the form keeps what was typed

    seen = viewer.get("/web")
    assert seen.status_code == 200 and 'data-action="order"' in seen.text
    assert 'action="/web/actions"' not in seen.text and "/remove" not in seen.text
    refused = viewer.post("/web/actions", data={**form, "csrf": csrf_of(seen.text)},
                          follow_redirects=False)  # fmt: skip
    assert refused.status_code == 403

    removed = analyst.post("/web/actions/order/remove", data={"csrf": token},
                           follow_redirects=False)  # fmt: skip
    assert removed.status_code == 303 and session.web.defined() == []
    assert _audited(session, "web_action_removed")[0]["target"] == "order"


def test_the_page_shows_the_funnel_chart_and_the_paths(site):
    session, app, _ = site
    _define_all(session)
    client = _browser(app, "viewer")
    page = client.get(
        "/web",
        params=[
            ("steps", "view cheese"),
            ("steps", "cart"),
            ("steps", "order"),
            ("steps", ""),
            ("within", "7"),
        ],
    )
    assert page.status_code == 200
    assert "<svg" in page.text and "/catalog/cheese" in page.text
    assert "1. view cheese" in page.text and "3. order" in page.text
    unknown = client.get("/web", params=[("steps", "cart"), ("steps", "nope")])
    assert unknown.status_code == 200 and 'role="alert"' in unknown.text
    token = csrf_of(page.text)
    client.post("/language", data={"lang": "ru", "csrf": token, "next": "/web"})
    russian = client.get("/web", params=[("steps", "cart"), ("steps", "order")]).text
    assert "<h1>Сайт</h1>" in russian and "Воронка" in russian and "1. cart" in russian


def test_the_page_says_how_to_capture_events_when_there_are_none(tmp_path):
    from cxray.web import create_app

    session, _ = _workspace(tmp_path, events=False)
    try:
        client = _browser(create_app(session), "viewer")
        page = client.get("/web")
        assert page.status_code == 200
        assert 'data-code="web_events_none"' in page.text
        assert "http://testserver/t.js" in page.text and "docs/web-events.md" in page.text
        card = client.get("/customers/C1")
        assert card.status_code == 200 and "No web events captured yet." in card.text
    finally:
        session.close()


# --- the customer card ----------------------------------------------------------------------


def test_the_card_shows_the_customers_web_sessions_and_actions(site):
    session, app, bearer = site
    _define_all(session)
    web = session.web.customer("C1")
    assert (web["as_of"], web["days"], web["total_sessions"]) == (dt.date(2026, 12, 3), 90, 2)
    sessions = [(s["start"], s["end"], s["pageviews"], s["events"], s["entry"], s["exit"])
                for s in web["sessions"]]  # fmt: skip
    assert sessions == [  # latest first
        (dt.datetime(2026, 12, 3, 9), dt.datetime(2026, 12, 3, 9, 20), 1, 2,
         "/catalog/cheese", "/catalog/cheese"),
        (dt.datetime(2026, 12, 1, 10), dt.datetime(2026, 12, 1, 10, 6), 3, 6, "/", "/cart"),
    ]  # fmt: skip
    # by events, then name: cart e4, e8; view cheese e3, e7; order e6
    assert [(a["action"], a["events"], a["last_seen"]) for a in web["actions"]] == [
        ("cart", 2, dt.datetime(2026, 12, 3, 9, 20)),
        ("view cheese", 2, dt.datetime(2026, 12, 3, 9)),
        ("order", 1, dt.datetime(2026, 12, 1, 10, 6)),
    ]
    assert session.web.customer("C2")["sessions"] == []

    client = _browser(app, "viewer")
    card = client.get("/customers/C1").text
    assert 'id="website"' in card and "2026-12-03 09:00" in card and "/ → /cart" in card
    assert "Latest 2 of 2 sessions" in card
    other = client.get("/customers/C2").text
    assert "No web sessions of this customer in the 90 days up to 2026-12-03." in other
    api = TestClient(app).get(f"{API}/customers/C1", headers=bearer["viewer"]).json()
    assert api["web"]["total_sessions"] == 2


# --- the report -----------------------------------------------------------------------------


def test_the_report_has_a_website_section_and_the_funnel_of_the_setting(site, tmp_path):
    from cxray.report.html import render_html
    from cxray.report.xlsx import report_sheets

    session, _, _ = site
    _define_all(session)
    session.set_setting("web_funnel", "view cheese, cart, nope")
    data = session.report(dt.date(2026, 12, 3)).value
    assert data.web["missing"] == ["nope"]
    assert [s["persons"] for s in data.web["funnel"]["steps"]] == [2, 2]
    for lang, title in (("en", "Website"), ("ru", "Сайт")):
        html = render_html(data, lang=lang)
        section = html[html.index("<section id='web'>") :]
        assert f"<h2>{title}</h2>" in section and "<svg" in section and "nope" in section
    sheets = report_sheets(data, "en")
    assert [(r["name"], r["events"]) for r in sheets["web_actions"]] == [
        ("cart", 3), ("order", 1), ("view cheese", 3)]  # fmt: skip
    assert [r["persons"] for r in sheets["web_funnel"]] == [2, 2]


def test_the_report_says_when_no_web_events_were_captured(tmp_path):
    from cxray.report.html import render_html
    from cxray.report.xlsx import report_sheets
    from cxray.texts import t

    session, _ = _workspace(tmp_path, events=False)
    try:
        data = session.report(dt.date(2026, 11, 30)).value
        html = render_html(data, lang="en")
        section = html[html.index("<section id='web'>") :]
        assert t("web_events_none", lang="en").split(":")[0] in section
        assert "web_actions" not in report_sheets(data, "en")
    finally:
        session.close()
