"""Who may do what in the web workspace: every route of the app called by every role and
without credentials, against a table of permissions written here (not read from the app);
contact data masked by role; API tokens revoked or of a disabled user refused and never
logged; the sign-in brake and lock, the session cookie and signing out."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient
from web_helpers import (
    PASSWORD,
    ROLE_NAMES,
    app_routes,
    csrf_of,
    declared_permissions,
    serve_demo,
    sign_in,
)

pytestmark = pytest.mark.slow

API = "/api/v1"
REPORTS = ("status", "structure", "products", "whitespace", "rfm", "cohorts", "activation",
           "loyalty", "leads", "initiatives", "clv", "alerts", "contacts/health",
           "feedback/scores", "feedback/saydo", "feedback/themes")  # fmt: skip
REPORT_PAGES = ("structure", "products", "whitespace", "rfm", "cohorts", "activation", "loyalty",
                "leads", "initiatives", "clv", "alerts", "feedback")  # fmt: skip

# What each role holds, as the issue states it: viewer: the analytics, contact data masked;
# manager: + the card and the tasks of their own customers; marketer: campaigns, exports and
# contact data, and approving the campaigns of other marketers; analyst: everything but users,
# the audit log and approving campaigns, with SQL, imports and the website's actions (data
# rules); admin: everything.
ROLE_PERMISSIONS = {
    "viewer": {"view"},
    "manager": {"view", "own_customers", "tasks"},
    "marketer": {"view", "pii", "campaigns", "approve_campaigns", "export"},
    "analyst": {
        "view",
        "pii",
        "tasks",
        "all_tasks",
        "campaigns",
        "export",
        "import",
        "sql",
        "define_actions",
    },
    # "own_customers" is the manager's narrow grant; an admin sees every card through "pii"
    "admin": {
        "view",
        "pii",
        "tasks",
        "all_tasks",
        "campaigns",
        "approve_campaigns",
        "export",
        "import",
        "sql",
        "define_actions",
        "audit",
        "users",
    },
}

# (method, path) -> the permission the route needs, and the status of a call inside the role
# with the inputs :func:`call` sends (200; 303 where the page answers with a redirect; 400 / 422
# where a required input is left out on purpose, so nothing changes)
API_ROUTES: dict[tuple[str, str], tuple[str, int]] = {
    **{("GET", f"{API}/{name}"): ("view", 200) for name in REPORTS},
    ("GET", f"{API}/settings"): ("import", 200),
    ("GET", f"{API}/search"): ("view", 200),
    ("GET", f"{API}/customers/{{customer_id}}"): ("view", 200),
    ("GET", f"{API}/followups"): ("tasks", 200),
    ("POST", f"{API}/followups/{{task_id}}/close"): ("tasks", 422),  # no body
    ("POST", f"{API}/followups/{{task_id}}/reassign"): ("tasks", 422),
    ("POST", f"{API}/sql"): ("sql", 422),
    ("POST", f"{API}/imports"): ("import", 422),
    ("GET", f"{API}/campaigns"): ("campaigns", 200),
    **{("GET", f"{API}/campaigns/{{name}}/{s}"): ("campaigns", 200) for s in ("check", "plan")},
    ("GET", f"{API}/campaigns/{{name}}/measure"): ("campaigns", 200),
    # the campaign studio; the demo's campaign has been sent (exported): no action moves it
    ("GET", f"{API}/campaigns/portfolio"): ("campaigns", 200),
    ("POST", f"{API}/campaigns/preview"): ("campaigns", 422),  # no body
    ("POST", f"{API}/campaigns"): ("campaigns", 422),
    ("GET", f"{API}/campaigns/{{name}}"): ("campaigns", 200),
    ("PUT", f"{API}/campaigns/{{name}}"): ("campaigns", 422),
    ("GET", f"{API}/campaigns/{{name}}/history"): ("campaigns", 200),
    ("GET", f"{API}/campaigns/{{name}}/measurement"): ("campaigns", 200),
    ("POST", f"{API}/campaigns/{{name}}/submit"): ("campaigns", 409),  # sent already
    ("POST", f"{API}/campaigns/{{name}}/approve"): ("approve_campaigns", 409),
    ("POST", f"{API}/campaigns/{{name}}/reject"): ("approve_campaigns", 400),  # no comment
    ("POST", f"{API}/campaigns/{{name}}/export"): ("export", 409),
    ("GET", f"{API}/campaigns/{{name}}/download/{{group}}"): ("export", 422),  # no such group
    # the website: no action of that name to remove; a funnel needs its steps
    ("GET", f"{API}/web/actions"): ("view", 200),
    ("POST", f"{API}/web/actions"): ("define_actions", 422),  # no body
    ("DELETE", f"{API}/web/actions/{{name}}"): ("define_actions", 404),
    ("GET", f"{API}/web/funnel"): ("view", 422),
    ("GET", f"{API}/web/paths"): ("view", 200),
    ("GET", f"{API}/audit"): ("audit", 200),
    ("GET", f"{API}/users"): ("users", 200),
    ("GET", f"{API}/tokens"): ("users", 200),
}
PAGE_ROUTES: dict[tuple[str, str], tuple[str, int]] = {
    ("GET", "/"): ("view", 200),
    **{("GET", f"/{page}"): ("view", 200) for page in REPORT_PAGES},
    ("GET", "/search"): ("view", 200),
    ("GET", "/customers/{customer_id}"): ("view", 200),
    ("POST", "/language"): ("view", 303),
    ("POST", "/signout"): ("view", 303),
    ("GET", "/followups"): ("tasks", 200),
    ("POST", "/followups/{task_id}/close"): ("tasks", 400),  # empty resolution
    ("POST", "/followups/{task_id}/reassign"): ("tasks", 400),  # empty owner
    ("GET", "/imports"): ("import", 200),
    ("POST", "/imports"): ("import", 422),  # no file
    ("GET", "/audit"): ("audit", 200),
    ("GET", "/web"): ("view", 200),
    ("POST", "/web/actions"): ("define_actions", 400),  # no name: the form says so
    ("POST", "/web/actions/{name}/remove"): ("define_actions", 404),  # no such action
    # the campaign studio's pages; the demo's campaign has been sent: no action moves it, and a
    # form without fields is refused by the brief's check
    ("GET", "/campaigns"): ("campaigns", 200),
    ("GET", "/campaigns/new"): ("campaigns", 200),
    ("POST", "/campaigns/new"): ("campaigns", 400),
    ("POST", "/campaigns/preview"): ("campaigns", 200),
    ("GET", "/campaigns/results"): ("campaigns", 200),
    ("GET", "/campaigns/{name}"): ("campaigns", 200),
    ("POST", "/campaigns/{name}"): ("campaigns", 400),
    ("POST", "/campaigns/{name}/submit"): ("campaigns", 409),
    ("POST", "/campaigns/{name}/approve"): ("approve_campaigns", 409),
    ("POST", "/campaigns/{name}/reject"): ("approve_campaigns", 400),  # no comment
    ("POST", "/campaigns/{name}/export"): ("export", 409),
    ("GET", "/campaigns/{name}/measurement"): ("campaigns", 200),
}
# routes anyone may open: signing in, the packaged assets, the API's description and the
# browser snippet a site's pages load, and the collector of their events (it checks the origin)
OPEN = {"/signin", "/static", f"{API}/openapi.json", f"{API}/docs", "/docs/oauth2-redirect",
        "/t.js", "/e"}  # fmt: skip


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    served = serve_demo(tmp_path_factory.mktemp("web-roles") / "ws", seed=11)
    yield served
    served.session.close()


@pytest.fixture(scope="module")
def targets(served):
    """A customer of the manager and a task of theirs, and a customer of somebody else."""
    session, name = served.session, served.manager_name
    customers = session.tables()["customers"].to_pandas()
    own = customers[customers.account_manager == name].customer_id.sort_values().tolist()
    other = customers[customers.account_manager != name].customer_id.sort_values().tolist()
    tasks = [t for t in session.followups(sync=False).to_dict()["tasks"] if t["owner"] == name]
    assert own and other and tasks, "the demo gives the manager customers and tasks"
    campaign = "grill-season-2026-06"  # one of the demo's campaign files, run in June 2026
    assert (served.path / "campaigns" / f"{campaign}.yaml").is_file()
    return {"own": own[0], "other": other[0], "task": tasks[0]["task_id"], "name": campaign}


@pytest.fixture(scope="module")
def browsers(served):
    """A signed-in browser per role, and one without a session."""
    clients = {None: TestClient(served.app)}
    for role in ROLE_NAMES:
        client = TestClient(served.app)
        assert sign_in(client, served.login(role)).status_code == 303
        clients[role] = client
    return clients


def csrf(client) -> str:
    return csrf_of(client.get("/search").text)


def test_every_route_declares_the_permission_of_the_table(served):
    seen = set()
    for path, route in app_routes(served.app):
        if any(path == p or path.startswith(p + "/") for p in OPEN):
            continue
        for method in sorted(getattr(route, "methods", None) or ()):
            if method == "HEAD":
                continue
            key = (method, path)
            seen.add(key)
            table = API_ROUTES if path.startswith(API) else PAGE_ROUTES
            assert key in table, f"{key} is in no table of this test"
            assert declared_permissions(route) == [table[key][0]], key
    assert seen == set(API_ROUTES) | set(PAGE_ROUTES)


def test_the_roles_hold_the_permissions_of_the_table():
    from cxray.web import roles

    for role, held in ROLE_PERMISSIONS.items():
        for permission in roles.GRANTS:
            assert roles.can(role, permission) == (permission in held), (role, permission)
    assert set(roles.GRANTS) == set().union(*ROLE_PERMISSIONS.values())


def _fill(path: str, targets: dict) -> str:
    for name, value in (("customer_id", targets["own"]), ("task_id", targets["task"]),
                        ("name", targets["name"])):  # fmt: skip
        path = path.replace(f"{{{name}}}", value)
    return path


def call_api(client, method: str, path: str, headers: dict, targets: dict):
    url = _fill(path, targets)
    params = {"q": "C1"} if path.endswith("/search") else None
    return client.request(method, url, headers=headers, params=params)


@pytest.mark.parametrize("role", [None, *ROLE_NAMES])
def test_every_api_route_answers_each_role_as_the_table_says(served, targets, role):
    client = TestClient(served.app)
    headers = served.bearer(role) if role else {}
    for (method, path), (permission, inside) in API_ROUTES.items():
        response = call_api(client, method, path, headers, targets)
        where = (role, method, path, response.status_code, response.text[:300])
        assert "json" in response.headers["content-type"], where
        if role is None:
            assert response.status_code == 401, where
            assert response.json()["error"]["code"] == "not_signed_in", where
        elif permission not in ROLE_PERMISSIONS[role]:
            assert response.status_code == 403, where
            assert response.json()["error"]["code"] == "forbidden", where
        else:
            assert response.status_code == inside, where


def call_page(client, method: str, path: str, targets: dict, token: str | None):
    url = _fill(path, targets)
    if method == "GET":
        return client.get(url, follow_redirects=False)
    data = {"csrf": token or ""}
    if path == "/language":
        data |= {"lang": "en", "next": "/search"}
    elif path.endswith(("/close", "/reassign")):
        data |= {"resolution": "", "owner": ""}
    return client.post(url, data=data, follow_redirects=False)


@pytest.mark.parametrize("role", [None, *ROLE_NAMES])
def test_every_page_answers_each_role_as_the_table_says(served, targets, browsers, role):
    client = browsers[role]
    token = csrf(client) if role else None
    # /signout last: it ends the browser's session
    for (method, path), (permission, inside) in sorted(
        PAGE_ROUTES.items(), key=lambda item: item[0][1] == "/signout"
    ):
        response = call_page(client, method, path, targets, token)
        where = (role, method, path, response.status_code, response.text[:300])
        if role is None:
            assert response.status_code == 303, where
            assert response.headers["location"].startswith("/signin?next="), where
        elif permission not in ROLE_PERMISSIONS[role]:
            assert response.status_code == 403, where
        else:
            assert response.status_code == inside, where
            if inside == 303:
                expected = "/signin" if path == "/signout" else "/search"
                assert response.headers["location"] == expected, where


# --- contact data masked by role -----------------------------------------------------------


def _masked_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[0]}***@{domain}"


def _contacts_with_both(served, customer_ids):
    """The first customer of ``customer_ids`` with a contact holding an e-mail and a phone."""
    contacts = served.session.tables()["contacts"].to_pandas()
    both = contacts[contacts.email.notna() & contacts.phone.notna()]
    for customer in customer_ids:
        if customer in set(both.customer_id):
            return customer
    raise AssertionError("no customer with an e-mail and a phone")


def _pii_views(served) -> int:
    return served.session.accounts.audit(action="pii_viewed", limit=1).to_dict()["total"]


def test_viewer_sees_contacts_masked_and_admin_unmasked_and_audited(served):
    customers = served.session.tables()["customers"].customer_id.to_pandas().sort_values()
    customer = _contacts_with_both(served, customers.tolist())
    client = TestClient(served.app)
    truth = served.session.customer(customer).to_dict()["contacts"]
    truth = [c for c in truth if c.get("email") and c.get("phone")]

    before = _pii_views(served)
    viewer = client.get(f"{API}/customers/{customer}", headers=served.bearer("viewer")).json()
    assert _pii_views(served) == before
    assert viewer["masked"] is True
    shown = {c["contact_id"]: c for c in viewer["contacts"]}
    for contact in truth:
        seen = shown[contact["contact_id"]]
        assert seen["email"] == _masked_email(contact["email"])
        digits = re.sub(r"\D", "", contact["phone"])
        masked_digits = re.sub(r"\D", "", seen["phone"])
        # only the country code (1-3 digits before the first space) and the last 4 digits stay
        code = re.match(r"\s*\+(\d{1,3})\s", contact["phone"])
        assert masked_digits == (code.group(1) if code else "") + digits[-4:], seen["phone"]
        assert "***" in seen["phone"]

    admin = client.get(f"{API}/customers/{customer}", headers=served.bearer("admin")).json()
    assert admin["masked"] is False
    assert [c for c in admin["contacts"] if c.get("email") and c.get("phone")] == json.loads(
        json.dumps(truth, default=str)
    )
    assert _pii_views(served) == before + 1
    entry = served.session.accounts.audit(action="pii_viewed", limit=1).to_dict()["entries"][0]
    assert (entry["actor"], entry["target"]) == (served.login("admin"), customer)


def test_manager_sees_own_customers_unmasked_with_tasks_and_others_masked(served):
    session, name = served.session, served.manager_name
    customers = session.tables()["customers"].to_pandas().sort_values("customer_id")
    own = _contacts_with_both(served, customers[customers.account_manager == name].customer_id)
    other = _contacts_with_both(served, customers[customers.account_manager != name].customer_id)
    client = TestClient(served.app)
    headers = served.bearer("manager")

    mine = client.get(f"{API}/customers/{own}", headers=headers).json()
    theirs = client.get(f"{API}/customers/{other}", headers=headers).json()

    assert (mine["own"], mine["masked"]) == (True, False)
    assert (theirs["own"], theirs["masked"]) == (False, True)
    assert mine["followups"] is not None
    assert theirs["followups"] is None
    true_own = session.customer(own).to_dict()["contacts"]
    assert {c["email"] for c in mine["contacts"] if c.get("email")} == {
        c["email"] for c in true_own if c.get("email")
    }
    true_other = session.customer(other).to_dict()["contacts"]
    assert {c["email"] for c in theirs["contacts"] if c.get("email")} == {
        _masked_email(c["email"]) for c in true_other if c.get("email")
    }


# --- API tokens ----------------------------------------------------------------------------


def test_revoked_and_disabled_tokens_are_refused_and_no_token_is_logged(served):
    accounts = served.session.accounts
    client = TestClient(served.app)
    created = accounts.create_token(served.login("viewer"), actor="test").to_dict()
    token, token_id = created["token"], created["token_info"]["token_id"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/status", headers=bearer).status_code == 200
    accounts.revoke_token(token_id, actor="test")
    refused = client.get(f"{API}/status", headers=bearer)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_revoked"

    accounts.add_user("leaver", role="analyst", password=PASSWORD, actor="test")
    leaver = accounts.create_token("leaver", actor="test").to_dict()["token"]
    bearer = {"Authorization": f"Bearer {leaver}"}
    assert client.get(f"{API}/status", headers=bearer).status_code == 200
    accounts.disable_user("leaver", actor="test")
    refused = client.get(f"{API}/status", headers=bearer)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_disabled"

    unknown = client.get(f"{API}/status", headers={"Authorization": "Bearer nonsense"})
    assert unknown.status_code == 401

    log = accounts.audit(limit=100000).to_dict()
    assert log["total"] == len(log["entries"]) > 0
    text = json.dumps(log["entries"], default=str)
    for secret in [token, leaver, "nonsense", PASSWORD, *served.tokens.values()]:
        assert secret not in text


# --- signing in and out --------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def braked(served):
    """A fresh app over the same session (its own brake and browser sessions) whose brake
    reads a clock the test moves."""
    from cxray.web import create_app
    from cxray.web.signin import Brake

    app = create_app(served.session)
    clock = Clock()
    app.state.web.brake = Brake(clock=clock)
    return app, clock


def test_a_wrong_password_brakes_the_next_attempt_and_five_lock_the_account(served, braked):
    from cxray.texts import t

    app, clock = braked
    served.session.accounts.add_user("guessed", role="viewer", password=PASSWORD, actor="test")
    client = TestClient(app)

    assert sign_in(client, "guessed", "wrong password!").status_code == 401
    again = sign_in(client, "guessed", PASSWORD)  # at once: refused unchecked
    assert again.status_code == 429
    assert "cxray_session" not in again.cookies
    clock.advance(1.5)  # the first failure waits 1 s
    for _ in range(4):  # failures 2 to 5; each waits 2, 4, 8 s before the next
        assert sign_in(client, "guessed", "wrong password!").status_code == 401
        clock.advance(61)
    locked = sign_in(client, "guessed", PASSWORD)
    assert locked.status_code == 401
    assert t("web_signin_locked", lang="en") in locked.text
    assert "cxray_session" not in locked.cookies


def test_the_session_cookie_is_httponly_and_lax_and_signing_out_ends_it(served):
    client = TestClient(served.app)
    signed = sign_in(client, served.login("viewer"), next_="/search")
    assert signed.status_code == 303
    assert signed.headers["location"] == "/search"
    cookie = [h for h in signed.headers.get_list("set-cookie") if h.startswith("cxray_session=")]
    assert len(cookie) == 1
    attributes = {part.strip().split("=")[0].lower() for part in cookie[0].split(";")}
    assert {"httponly", "samesite", "max-age"} <= attributes
    assert re.search(r";\s*samesite=lax", cookie[0], re.I)
    value = signed.cookies["cxray_session"]

    refused = client.post("/signout", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/search", follow_redirects=False).status_code == 200  # still signed in

    token = csrf(client)
    out = client.post("/signout", data={"csrf": token}, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/signin")

    stale = TestClient(served.app)
    stale.cookies.set("cxray_session", value)
    gone = stale.get("/search", follow_redirects=False)
    assert gone.status_code == 303
    assert gone.headers["location"].startswith("/signin")


def test_pages_answer_bad_input_with_an_error_page_never_a_500(served):
    admin = TestClient(served.app)  # a 500 would raise here
    assert sign_in(admin, served.login("admin")).status_code == 303
    token = csrf(admin)
    for url, status in (("/customers/NOBODY-1", 404), ("/rfm?as_of=2026-13-45", 400),
                        ("/no/such/page", 404), ("/structure?segment_by=nope", 400),
                        ("/search?q=%00", 422), ("/audit?page=99999999999999999999", 200),
                        ("/audit?page=-5", 200)):  # fmt: skip
        response = admin.get(url, follow_redirects=False)
        assert response.status_code == status, url
        assert response.headers["content-type"].startswith("text/html"), url
    posts = (("/language", {"lang": "ru"}, 403), ("/language", {"lang": "xx", "csrf": token}, 400),
             ("/followups/FU-none/close", {"resolution": "done", "csrf": token}, 404))  # fmt: skip
    for url, data, status in posts:
        assert admin.post(url, data=data, follow_redirects=False).status_code == status, url


def test_the_browser_session_reads_the_api_but_never_writes_through_it(served):
    """A page's JSON twin opens in the browser; a change through the API needs a token, so a
    forged cross-site form cannot ride on the session cookie."""
    admin, viewer = TestClient(served.app), TestClient(served.app)
    assert sign_in(admin, served.login("admin")).status_code == 303
    assert sign_in(viewer, served.login("viewer")).status_code == 303
    assert admin.get(f"{API}/status").status_code == 200
    assert viewer.get(f"{API}/audit").status_code == 403
    refused = admin.post(f"{API}/sql", json={"query": "SELECT 1 AS n"})
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_signed_in"
    assert admin.post(f"{API}/sql", json={"query": "SELECT 1 AS n"},
                      headers=served.bearer("admin")).json()["rows"] == [{"n": 1}]  # fmt: skip
