"""The web workspace in a real browser: Chromium driven by Playwright against ``uvicorn`` serving
a demo workspace on loopback. Signing in through the form, the overview's charts, search to a
customer card, closing a follow-up task (gone from the queue, present in the audit log), contact
data masked for a viewer and shown to an admin, signing out, and the pages in Russian.

Skipped, with the reason, when Playwright or Chromium is missing; a failure instead when
``CXRAY_REQUIRE_BROWSER`` is set (``.ci/run`` sets it). With ``CXRAY_SHOTS`` set, screenshots of
the overview, a card as its manager and as a viewer, and the follow-up queue are saved to
``/tmp/shots/``.
"""

from __future__ import annotations

import re

import pytest
from browser_helpers import Server, page_opener, shot
from web_helpers import PASSWORD, serve_demo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    """The demo workspace served on loopback, with what the tests look for in it, found here
    from the workspace's tables (not from the pages)."""
    served = serve_demo(tmp_path_factory.mktemp("web-browser") / "ws", seed=11)
    tables = served.session.tables()
    customers = tables["customers"].to_pandas()
    contacts = tables["contacts"].to_pandas()
    with_email = set(contacts.loc[contacts["email"].notna(), "customer_id"])
    managed = customers[customers["account_manager"] == served.manager_name]
    tasks = served.session.followups(sync=False).to_dict()["tasks"]
    lines = tables["orders"].to_pandas()["customer_id"].value_counts()
    # the manager's customer with contact e-mails and the most order lines: a full card
    served.own_card = max(sorted(set(managed["customer_id"]) & with_email),
                          key=lambda c: lines.get(c, 0))  # fmt: skip
    served.other_card = sorted(set(customers["customer_id"]) - set(managed["customer_id"])
                               & with_email)[0]  # fmt: skip
    task = next(t for t in tasks if t["status"] == "open" and t["owner"] == served.manager_name)
    served.own_task, served.own_task_customer = task["task_id"], task["customer_id"]
    named = customers[customers["name"].notna()].sort_values("customer_id").iloc[0]
    served.named_id, served.name = named["customer_id"], named["name"]
    with Server(served.app) as server:
        served.url = server.url
        yield served
    served.session.close()


@pytest.fixture
def open_page(browser, site):
    """A function opening a fresh browser (no cookies) signed in as a role's user."""
    with page_opener(browser, site.url, PASSWORD) as sign_in:
        yield lambda role: sign_in(site.login(role))


def test_signing_in_lands_on_the_overview(open_page, site):
    page = open_page("viewer")
    assert page.url == f"{site.url}/"
    assert page.locator("h1").first.inner_text() == "Overview"
    assert page.locator("nav.side a.current").inner_text() == "Overview"
    assert "viewer1" in page.locator("header .who").inner_text()


def test_the_overview_shows_its_charts(open_page):
    page = open_page("viewer")
    charts = page.locator(".report section svg")
    assert charts.count() >= 1
    for i in range(charts.count()):
        assert charts.nth(i).is_visible()
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 20
    shot(page, "overview")


def test_search_opens_a_customer_card(open_page, site):
    page = open_page("viewer")
    box = page.locator("header form.search input[name=q]")
    box.fill(site.name)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    page.locator(f"a[href='/customers/{site.named_id}']").first.click()
    page.wait_for_url(f"{site.url}/customers/{site.named_id}")
    assert page.locator("h1 small").inner_text() == site.named_id


def test_a_viewer_sees_emails_masked_and_an_admin_unmasked(open_page, site):
    page = open_page("viewer")
    page.goto(f"/customers/{site.own_card}")
    emails = page.locator("table.contacts td.email").all_inner_texts()
    assert any(emails) and all("***@" in e for e in emails if e)
    assert page.locator("p.masked").is_visible()
    shot(page, "card-viewer")

    page = open_page("admin")
    page.goto(f"/customers/{site.own_card}")
    emails = page.locator("table.contacts td.email").all_inner_texts()
    assert any(emails) and not any("***" in e for e in emails)
    assert all("@" in e for e in emails if e)
    assert page.locator("p.masked").count() == 0


def test_a_manager_sees_their_own_customer_unmasked_and_another_masked(open_page, site):
    page = open_page("manager")
    page.goto(f"/customers/{site.own_card}")
    emails = page.locator("table.contacts td.email").all_inner_texts()
    assert any(emails) and not any("***" in e for e in emails)
    shot(page, "card-manager")
    page.goto(f"/customers/{site.other_card}")
    emails = page.locator("table.contacts td.email").all_inner_texts()
    assert any(emails) and all("***@" in e for e in emails if e)


def test_closing_a_follow_up_task(open_page, site):
    page = open_page("manager")
    page.goto("/followups")
    row = page.locator(f"tr[data-task='{site.own_task}']")
    assert row.count() == 1
    shot(page, "followups")
    row.locator("input[name=resolution]").fill("Called back, agreed a discount")
    with page.expect_navigation():  # the form posts, then the queue is shown again
        row.locator("form[action$='/close'] button").click()
    assert page.url == f"{site.url}/followups"
    assert page.locator(f"tr[data-task='{site.own_task}']").count() == 0
    # the customer's card shows it closed, with what was done, and no form to close it again
    page.goto(f"/customers/{site.own_task_customer}")
    row = page.locator(f"tr[data-task='{site.own_task}']")
    assert "Called back, agreed a discount" in row.inner_text()
    assert row.locator("form").count() == 0

    page = open_page("admin")
    page.goto("/audit?action=task_closed")
    rows = page.locator("table.audit tbody tr")
    targets = [rows.nth(i).locator("td").nth(4).inner_text() for i in range(rows.count())]
    assert site.own_task in targets
    actors = [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())]
    assert actors[targets.index(site.own_task)] == site.login("manager")


def test_signing_out_ends_the_session(open_page, site):
    page = open_page("viewer")
    cookies = page.context.cookies()
    page.click("#signout")
    page.wait_for_url(re.compile(r"/signin$"))
    page.go_back()  # the overview again: pages are not cached, so the server is asked
    page.wait_for_url(re.compile(r"/signin"))
    page.goto("/")
    assert page.url.startswith(f"{site.url}/signin")
    # the old cookie, put back, no longer signs anyone in: the server ended the session
    page.context.add_cookies(cookies)
    page.goto("/")
    assert page.url.startswith(f"{site.url}/signin")
    assert page.locator("nav.side").count() == 0


def test_switching_to_russian(open_page):
    page = open_page("marketer")
    try:
        with page.expect_navigation():
            page.get_by_role("button", name="Русский").click()
        nav = page.locator("nav.side").inner_text()
        assert "Обзор" in nav and "Overview" not in nav
        assert page.locator("#signout").inner_text() == "Выйти"
    finally:
        with page.expect_navigation():
            page.get_by_role("button", name="English").click()
    assert page.locator("nav.side a.current").inner_text() == "Overview"
