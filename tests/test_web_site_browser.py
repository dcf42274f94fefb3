"""The Website page and a customer card's website part in a real browser (Chromium driven by
Playwright against ``uvicorn``), on the small workspace of :mod:`test_web_site`: an analyst
defines an action through the form, picks a funnel and sees its chart; the card lists the
customer's web sessions. Skipped as :mod:`browser_helpers` says; with ``CXRAY_SHOTS`` set,
screenshots ``web`` and ``card-web`` are saved to ``/tmp/shots/``."""

from __future__ import annotations

import pytest
from browser_helpers import Server, page_opener, shot
from test_web_site import _workspace
from web_helpers import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    from cxray.web import create_app

    session, _ = _workspace(tmp_path_factory.mktemp("web-site-browser"))
    session.web.add_action("view cheese", url="/catalog/cheese", by="test")
    session.web.add_action("order", selector="form#order", event="submit", by="test")
    with Server(create_app(session)) as server:
        yield server.url
    session.close()


def test_an_analyst_defines_an_action_and_reads_its_funnel(browser, site):
    with page_opener(browser, site, PASSWORD) as sign_in:
        page = sign_in("analyst1")
        page.locator("nav.side a[href='/web']").click()
        page.wait_for_url(f"{site}/web")
        assert page.locator("h1").first.inner_text() == "Website"
        form = page.locator("form#define")
        form.locator("input[name=name]").fill("cart")
        form.locator("input[name=selector]").fill("button.buy")
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"{site}/web")
        row = page.locator("tr[data-action='cart']")
        assert row.count() == 1
        # cart: e4, e8 and e11 of the fixture, by v1 and v2
        assert row.locator("td").nth(2).inner_text() == "3"

        funnel = page.locator("section#funnel form")
        for i, name in enumerate(("view cheese", "cart", "order")):
            funnel.locator("select[name=steps]").nth(i).select_option(name)
        funnel.locator("button").click()
        chart = page.locator("section#funnel svg")
        chart.wait_for()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 40
        people = page.locator("table.funnel tbody tr td:nth-child(2)").all_inner_texts()
        assert people == ["2", "2", "1"]  # C1 and v2 view and cart; C1 alone orders
        shot(page, "web")


def test_a_card_shows_the_customers_web_sessions(browser, site):
    with page_opener(browser, site, PASSWORD) as sign_in:
        page = sign_in("viewer1")
        page.goto("/customers/C1")
        part = page.locator("section#website")
        assert part.is_visible()
        rows = part.locator("table.web-sessions tbody tr")
        assert rows.count() == 2
        assert "/ → /cart" in rows.nth(1).inner_text()
        shot(page, "card-web")
