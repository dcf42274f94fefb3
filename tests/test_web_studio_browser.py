"""The campaign studio in a real browser (Chromium driven by Playwright, the demo workspace served
on loopback): a marketer's brief with a missing answer is refused, completed and checked as it
is typed (the waterfall appears); the author cannot approve their own campaign, a second
marketer does; the export downloads the two lists and is in the audit log; a measured demo
campaign shows its verdict, and the results page the portfolio line.

The tests run in order, each on the campaign the one before left. With ``CXRAY_SHOTS`` set, the
editor with its waterfall, the exported campaign, a measurement and the results page are saved to
``/tmp/shots/``.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from browser_helpers import Server, page_opener, shot
from web_helpers import PASSWORD, serve_demo

pytestmark = pytest.mark.slow

CAMPAIGN = "browser-spring-2026"
BRIEF = {
    "why": "Spring menus change: active HoReCa clients add sauces",
    "target": "Active clients of every segment",
    "expected_effect": "More orders within 30 days; minus: some orders only move earlier",
    "client_benefit": "The new sauces before the season",
}
MISSING = "must_not_receive"


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    served = serve_demo(tmp_path_factory.mktemp("web-studio") / "ws", seed=5)
    served.session.accounts.add_user("marketer2", role="marketer", password=PASSWORD,
                                     actor="test")  # fmt: skip
    with Server(served.app) as server:
        served.url = server.url
        yield served
    served.session.close()


@pytest.fixture
def open_page(browser, site):
    """A function opening a fresh browser (no cookies) signed in as a user."""
    with page_opener(browser, site.url, PASSWORD, accept_downloads=True,
                     viewport={"width": 1400, "height": 1000}) as sign_in:  # fmt: skip
        yield sign_in


def expect(locator):
    """Playwright's waiting assertions (imported here: without Playwright the tests skip)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def state_of(page) -> str:
    return page.locator("h1 span.state").inner_text()


def test_a_brief_with_a_missing_answer_is_refused_then_saved_with_its_waterfall(open_page, site):
    page = open_page("marketer1")
    page.goto("/campaigns")
    page.click("text=New campaign")
    page.wait_for_url(re.compile(r"/campaigns/new$"))
    page.fill("input[name=id]", CAMPAIGN)
    page.fill("input[name=name]", "Spring sauces")
    page.fill("input[name=start]", "2026-11-20")
    for field, text in BRIEF.items():
        page.fill(f"textarea[name={field}]", text)
    page.fill("textarea[name=audience]", "active")
    # checked as it is typed: the missing answer is named before saving
    expect(page.locator("#check ul.problems")).to_contain_text(MISSING)
    with page.expect_navigation():
        page.click("#save")
    assert MISSING in page.locator("p.error").inner_text()
    assert page.url.endswith("/campaigns/new")  # refused: nothing saved, the form kept
    assert page.locator("textarea[name=why]").input_value() == BRIEF["why"]
    assert not (site.path / "campaigns" / f"{CAMPAIGN}.yaml").exists()

    page.fill("textarea[name=must_not_receive]", "Unsubscribed and dormant contacts")
    expect(page.locator("#check table.waterfall")).to_be_visible()  # the live check: who gets it
    assert page.locator("#check ul.problems").count() == 0
    # the offer's text is linted as it is typed, and never blocks the campaign
    page.fill("textarea[name=message]", "Sauces of the best quality from a wide range")
    expect(page.locator("#check ul.offer")).to_contain_text("stop phrase “best quality”")
    expect(page.locator("#check ul.offer")).to_contain_text("missing specifics: a number")
    shot(page, "studio-editor")
    with page.expect_navigation():
        page.click("#save")
    assert page.url.endswith(f"/campaigns/{CAMPAIGN}?done=saved")
    assert state_of(page) == "draft"
    rows = page.locator("#check table.waterfall tr")
    assert rows.count() >= 3  # all known customers, the audience rule, the exclusions
    assert "all known customers" in rows.first.inner_text()
    assert (site.path / "campaigns" / f"{CAMPAIGN}.yaml").is_file()


def test_the_author_cannot_approve_and_a_second_marketer_does(open_page, site):
    page = open_page("marketer1")
    page.goto(f"/campaigns/{CAMPAIGN}")
    with page.expect_navigation():
        page.click("#submit")
    assert state_of(page) == "awaiting approval"
    assert page.locator("#approve").count() == 0  # no button for the author...
    assert "another marketer" in page.locator("section.status").inner_text()
    csrf = page.locator("input[name=csrf]").first.input_value()
    answer = page.request.post(f"/campaigns/{CAMPAIGN}/approve", form={"csrf": csrf})
    assert answer.status == 403  # ...and the server refuses the form sent anyway
    assert "wrote or submitted this campaign" in answer.text()

    page = open_page("marketer2")
    page.goto(f"/campaigns/{CAMPAIGN}")
    page.fill("form[action$='/approve'] input[name=comment]", "Checked the exclusions")
    with page.expect_navigation():
        page.click("#approve")
    assert state_of(page) == "approved"
    assert "Approved by marketer2" in page.locator("section.status").inner_text()


def test_the_export_downloads_two_lists_and_is_audited(open_page, site):
    page = open_page("marketer1")
    page.goto(f"/campaigns/{CAMPAIGN}")
    with page.expect_navigation():
        page.click("#export")
    assert state_of(page) == "exported"
    status = page.locator("section.status").inner_text()
    target_n, control_n = map(int, re.search(r"(\d+) to send, (\d+) held out", status).groups())
    shot(page, "studio-exported")
    lists = {}
    for group, label in (("target", "Target list (CSV)"), ("control", "Control list (CSV)")):
        with page.expect_download() as download:
            page.click(f"text={label}")
        path = download.value.path()
        lists[group] = list(csv.DictReader(io.StringIO(open(path, encoding="utf-8").read())))
        assert download.value.suggested_filename == f"{CAMPAIGN}-{group}.csv"
    assert len(lists["target"]) == target_n and len(lists["control"]) == control_n
    assert target_n > 0
    assert {r["group"] for r in lists["target"]} == {"target"}
    assert not {r["customer_id"] for r in lists["target"]} & {
        r["customer_id"] for r in lists["control"]
    }

    page = open_page("admin1")
    for action, expected in (("campaign_export", 1), ("export_downloaded", 2)):
        page.goto(f"/audit?action={action}")
        rows = page.locator("table.audit tbody tr")
        mine = [rows.nth(i).inner_text() for i in range(rows.count())]
        mine = [row for row in mine if CAMPAIGN in row and "marketer1" in row]
        assert len(mine) == expected, (action, mine)


def test_a_measured_demo_campaign_shows_its_verdict(open_page):
    page = open_page("marketer2")
    page.goto("/campaigns")
    row = page.locator("table.campaigns tr", has_text="grill-season-2026-06.yaml")
    assert row.locator("span.state").inner_text() == "measured"
    with page.expect_navigation():
        row.locator("a.verdict").click()
    assert page.url.endswith("/campaigns/grill-season-2026-06/measurement")
    # the demo's grill-season mailing was built to work (demo/b2b_food.py): conversion up
    assert "the campaign had an effect" in page.locator(".report").inner_text()
    assert "bought within 30 days" in page.locator("p.say").inner_text()
    assert page.locator(".report table").count() == 1
    shot(page, "studio-measurement")

    page.goto("/campaigns/results")
    assert "Measured against their control groups" in page.locator("p.say").first.inner_text()
    assert page.locator(".portfolio svg").count() == 1
    shot(page, "studio-results")
