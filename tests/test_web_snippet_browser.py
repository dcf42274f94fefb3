"""The browser snippet ``/t.js`` in a real browser: a small shop served by this test on its own
loopback port (another origin, allowed through ``web_origins``) includes the snippet with one
``<script>`` tag; Chromium, driven by Playwright, plays 20 visitors, each in its own browser
context, through a list of actions written here (page views, clicks on "В корзину", fast double
clicks, a page left right after a click, links followed, an outbound link, the order form
submitted, a long page scrolled, identify). The rows of ``web_events`` are then compared with
that list: at least 99.9 % of the scripted events are found, none twice. Also: without consent,
or with Do Not Track / Global Privacy Control, nothing is sent (requests counted) and nothing
stored; what is typed in a form is in no request.

Skipped, with the reason, when Playwright or Chromium is missing; a failure instead when
``CXRAY_REQUIRE_BROWSER`` is set.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_helpers import CHROMIUM, TIMEOUT_MS, Server, need_browser

import cxray

pytestmark = pytest.mark.slow

VISITORS = 20
AT_ONCE = 4  # visitors playing side by side
CATALOG = ("cheese", "milk", "butter")
PARTNER = "https://partner.example/offer"  # another host: answered by the browser's route
# what the scripted events look like: the paths written out by hand from the pages below
NAV = "body > header#top > nav.menu > a"
NAV_TEXT = {"/catalog/cheese": "Сыры", "/catalog/milk": "Молоко", "/catalog/butter": "Масло",
            "/order": "Заказ", "/long": "О нас"}  # fmt: skip
OUTBOUND = "body > header#top > nav.menu > a.partner"
BUY = "body > main#content > div#p-{slug}-{k}.card > button.btn.buy"  # clicked on its <span>
TITLE = "body > main#content > div#p-{slug}-{k}.card > h2"  # nothing around it to prefer
FORM = "body > main#content > form.order"
SEND = "body > main#content > form.order > button.send"
FIELDS = "name,email,comment"


# --- the shop -------------------------------------------------------------------------------


def _page(title: str, main: str, snippet: str, early: list[str]) -> str:
    links = " ".join(f'<a href="{path}">{text}</a>' for path, text in NAV_TEXT.items())
    return f"""<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ margin: 0; font: 16px sans-serif }} .card {{ padding: 8px }}
section {{ height: 600px }}</style>
<script>window.cxrayq = window.cxrayq || []; {" ".join(early)}</script>
<script async src="{snippet}"></script></head>
<body><header id="top"><nav class="menu">{links}
<a class="partner" href="{PARTNER}">Партнёр</a></nav></header>
<main id="content">{main}</main></body></html>"""


def _main(path: str) -> str | None:
    if path.startswith("/catalog/") and path.removeprefix("/catalog/") in CATALOG:
        slug = path.removeprefix("/catalog/")
        return "".join(
            f'<div class="card" id="p-{slug}-{k}"><h2>{slug} {k}</h2>'
            f'<button class="buy btn" type="button"><span>В корзину</span></button></div>'
            for k in (1, 2, 3)
        )
    if path == "/order":
        return """<form class="order" method="post" action="/thanks">
<label>Имя <input name="name"></label> <label>E-mail <input name="email" type="email"></label>
<textarea name="comment"></textarea> <button type="submit" class="send">Оформить</button></form>"""
    if path == "/long":
        return "".join(f"<section><h2>Раздел {k}</h2></section>" for k in range(14))
    if path == "/thanks":
        return "<p>Спасибо за заказ</p>"
    return None


class Shop:
    """The shop's pages on a free loopback port; ``?consent=1`` / ``?customer=C`` put calls in
    the page's pre-load queue (``window.cxrayq``) before the snippet has loaded; ``?server=``
    names the workspace server whose snippet the page loads (``main`` by default)."""

    def __init__(self) -> None:
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.answer()

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.answer()

            def answer(self) -> None:
                url = urlsplit(self.path)
                main = _main(url.path)
                if main is None:
                    self.send_error(404)
                    return
                query = parse_qs(url.query)
                early = []
                if "customer" in query:
                    early.append(f"cxrayq.push(['identify', '{query['customer'][0]}']);")
                if "consent" in query:
                    early.append("cxrayq.push(['consent', true]);")
                snippet = shop.snippets[query.get("server", ["main"])[0]]
                body = _page(url.path, main, snippet, early).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # the snippet's address by workspace server (``?server=``), known once each runs
        self.snippets: dict[str, str] = {}
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Shop:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the servers ----------------------------------------------------------------------------


class Served:
    """The workspace server (snippet and collector) and the shop; every request the browsers
    sent to the collector, with its body."""

    def __init__(self, app, app_url: str, shop: Shop) -> None:
        self.app = app
        self.url = app_url
        self.shop = shop
        self.sent: list[str] = []  # the bodies of the requests to /e
        self._lock = threading.Lock()

    async def context(self, browser, init_script: str | None = None):
        context = await browser.new_context(locale="ru-RU",
                                            viewport={"width": 1280, "height": 720})  # fmt: skip
        if init_script:
            await context.add_init_script(init_script)
        context.set_default_timeout(TIMEOUT_MS)

        async def partner(route) -> None:
            await route.fulfill(status=200, content_type="text/html", body="<p>partner</p>")

        await context.route("https://partner.example/**", partner)
        context.on("request", self._seen)
        return context

    def _seen(self, request) -> None:
        if request.url == f"{self.url}/e" and request.method == "POST":
            with self._lock:
                self.sent.append(request.post_data or "")

    def requests(self) -> int:
        with self._lock:
            return len(self.sent)


class Browser:
    """Chromium driven by Playwright's async API on an event loop of its own thread, so that
    several visitors play side by side; :meth:`run` waits for a coroutine there."""

    def __init__(self) -> None:
        from playwright.async_api import async_playwright

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.playwright = self.run(async_playwright().start())
        launched = self.playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        self.chromium = self.run(launched)

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def close(self) -> None:
        self.run(self.chromium.close())
        self.run(self.playwright.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser():
    need_browser()
    chromium = Browser()
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def served(browser, tmp_path_factory):
    from cxray.web import create_app

    folder = tmp_path_factory.mktemp("web-snippet") / "ws"
    cxray.init(folder)
    session = cxray.open(folder, read_only=False)
    with Shop() as shop:
        session.set_setting("web_origins", shop.url)
        app = create_app(session)
        with Server(app) as server:
            shop.snippets["main"] = f"{server.url}/t.js"
            yield Served(app, server.url, shop)
    session.close()


@pytest.fixture(scope="module")
def implied(served, tmp_path_factory):
    """A second workspace server, with ``web_consent=implied`` and ``web_dnt=ignore``, whose
    snippet the shop's pages load with ``?server=implied``."""
    from cxray.web import create_app

    folder = tmp_path_factory.mktemp("web-snippet-implied") / "ws"
    cxray.init(folder)
    session = cxray.open(folder, read_only=False)
    session.set_setting("web_origins", served.shop.url)
    session.set_setting("web_consent", "implied")
    session.set_setting("web_dnt", "ignore")
    app = create_app(session)
    with Server(app) as server:
        served.shop.snippets["implied"] = f"{server.url}/t.js"
        yield Served(app, server.url, served.shop)
    session.close()


def web_events(served: Served) -> list[dict]:
    """The rows of ``web_events`` once the collector's journal is written into the table."""
    served.app.state.collector.tick()
    table = served.app.state.web.run(lambda s: s.tables()["web_events"].to_pyarrow())
    return table.to_pylist()


# --- the visitors ---------------------------------------------------------------------------


class Visitor:
    """One scripted visitor: plays actions in a browser page and writes down, for each, the
    events the snippet should send: (type, path, css_path, text, scroll depth, fields,
    customer)."""

    def __init__(self, served: Served, page, number: int) -> None:
        self.served, self.page, self.number = served, page, number
        self.path = ""
        self.customer: str | None = None
        self.expected: list[tuple] = []

    def expect(self, kind: str, path: str, css: str | None = None, text: str | None = None,
               depth: int | None = None, fields: str | None = None) -> None:  # fmt: skip
        self.expected.append((kind, path, css, text, depth, fields, self.customer))

    async def _loaded(self, path: str) -> None:
        # the page's load event comes after its async scripts have run: the snippet's too
        await self.page.wait_for_url(f"{self.served.shop.url}{path}*", wait_until="load")
        self.path = path

    async def start(self, path: str, consent: str | None) -> None:
        """The first page; consent given through the pre-load queue ("early") or by a call
        once the snippet has loaded ("call": the page view is captured then), or not at all."""
        await self.page.goto(f"{self.served.shop.url}{path}" + ("?consent=1" if consent == "early"
                                                          else ""))  # fmt: skip
        await self._loaded(path)
        if consent == "call":
            await self.page.evaluate("cxray.consent(true)")
        self.expect("pageview", path)

    async def goto(self, path: str, customer: str | None = None) -> None:
        query = f"?customer={customer}" if customer else ""
        await self.page.goto(f"{self.served.shop.url}{path}{query}")
        await self._loaded(path)
        self.expect("pageview", path)
        if customer:
            self.identified(customer)

    def identified(self, customer: str) -> None:
        if customer != self.customer:  # the same customer again sends nothing
            self.customer = customer
            self.expect("identify", self.path)

    async def identify(self, customer: str) -> None:
        await self.page.evaluate(f"cxray.identify('{customer}')")
        self.identified(customer)

    async def buy(self, k: int, *, double: bool = False) -> None:
        slug = self.path.removeprefix("/catalog/")
        selector = f"#p-{slug}-{k} button.buy"
        if double:
            await self.page.dblclick(selector)
        else:
            await self.page.click(selector)
        for _ in range(2 if double else 1):
            self.expect("click", self.path, BUY.format(slug=slug, k=k), "В корзину")

    async def title(self, k: int) -> None:
        """A click on a card's title: the element itself, having nothing meaningful around."""
        slug = self.path.removeprefix("/catalog/")
        await self.page.click(f"#p-{slug}-{k} h2")
        self.expect("click", self.path, TITLE.format(slug=slug, k=k), f"{slug} {k}")

    async def follow(self, path: str) -> None:
        """A click on a menu link: the click, then the next page's view."""
        await self.page.click(f"nav.menu a[href='{path}']")
        self.expect("click", self.path, NAV, NAV_TEXT[path])
        await self._loaded(path)
        self.expect("pageview", path)

    async def outbound(self, back: str) -> None:
        await self.page.click("nav.menu a.partner")
        self.expect("outbound", self.path, OUTBOUND, "Партнёр")
        await self.page.wait_for_url(PARTNER)
        await self.goto(back)

    async def order(self) -> None:
        """The order form filled and sent: the button's click, the submit (field names only)
        and the thank-you page."""
        await self.follow("/order")
        await self.page.fill("input[name=name]", f"Покупатель {self.number} тайна")
        await self.page.fill("input[name=email]", f"secret{self.number}@mail.test")
        await self.page.fill("textarea[name=comment]", f"позвонить {self.number}-7731")
        await self.page.click("button.send")
        self.expect("click", self.path, SEND, "Оформить")
        self.expect("submit", self.path, FORM, None, fields=FIELDS)
        await self._loaded("/thanks")
        self.expect("pageview", "/thanks")

    async def scroll(self) -> None:
        """The long page scrolled to a third, then to its end: one event per depth."""
        for share in (0.3, 1.0):
            await self.page.evaluate(f"window.scrollTo(0, document.documentElement.scrollHeight * "
                               f"{share})")  # fmt: skip
            # the scroll event is handled on the next frames (a reader does not leave at once)
            await self.page.evaluate("new Promise(r => requestAnimationFrame(() => "
                               "requestAnimationFrame(r)))")  # fmt: skip
        for depth in (25, 50, 75, 100):
            self.expect("scroll", "/long", depth=depth)

    async def visitor_id(self) -> str:
        return await self.page.evaluate("localStorage.getItem('cxray_visitor')")

    async def drained(self) -> None:
        """Wait until the snippet's queue is empty: everything sent and answered."""
        await self.page.wait_for_function("() => !localStorage.getItem('cxray_queue')")


async def play(visitor: Visitor, rng: random.Random) -> None:
    """A visitor's session: a first page, then the actions below in a random order (an
    outbound link for every other visitor), identified on the way for half of them."""
    await visitor.start(f"/catalog/{rng.choice(CATALOG)}", ("early", "call")[visitor.number % 2])
    customer = f"C{visitor.number:04d}"
    # links are followed on the way: to the order form, the long page and back to the catalogue
    actions = ["buy", "double", "leave", "order", "scroll"]
    actions += ["outbound"] if visitor.number % 2 else []
    rng.shuffle(actions)
    for step, action in enumerate(actions):
        if not visitor.path.startswith("/catalog/"):
            await visitor.follow(f"/catalog/{rng.choice(CATALOG)}")
        if step == 2 and visitor.number % 4 == 1:  # identified by a call on the page
            await visitor.identify(customer)
            await visitor.identify(customer)  # twice: one identify event
        if step == 3 and visitor.number % 4 == 3:  # identified through the pre-load queue
            await visitor.goto(f"/catalog/{rng.choice(CATALOG)}", customer=customer)
        if action == "buy":
            await visitor.title(rng.randint(1, 3))
            await visitor.buy(rng.randint(1, 3))
        elif action == "double":
            await visitor.buy(rng.randint(1, 3), double=True)
        elif action == "leave":  # a click, and the page left at once
            await visitor.buy(rng.randint(1, 3))
            await visitor.goto(f"/catalog/{rng.choice(CATALOG)}")
        elif action == "outbound":
            await visitor.outbound(f"/catalog/{rng.choice(CATALOG)}")
        elif action == "order":
            await visitor.order()
        else:
            await visitor.follow("/long")
            await visitor.scroll()


async def visit(browser: Browser, served: Served, number: int, turns: asyncio.Semaphore):
    """One visitor played in a browser context of its own: (visitor id, expected events)."""
    async with turns:
        context = await served.context(browser.chromium)
        try:
            visitor = Visitor(served, await context.new_page(), number)
            await play(visitor, random.Random(number))
            await visitor.drained()
            return await visitor.visitor_id(), visitor.expected
        finally:
            await context.close()


@pytest.fixture(scope="module")
def visited(browser, served):
    """The 20 visitors played, a few at a time; their expected events by visitor id."""

    async def everyone():
        turns = asyncio.Semaphore(AT_ONCE)
        return await asyncio.gather(*(visit(browser, served, n, turns) for n in range(VISITORS)))

    return dict(browser.run(everyone()))


def test_the_snippet_captures_the_scripted_actions_once_each(served, visited):
    rows = web_events(served)
    assert len(set(visited)) == VISITORS and all(visited)
    found: Counter = Counter()
    for row in rows:
        path = urlsplit(row["url"]).path
        fields = row["fields"]
        key = (row["type"], path, row["css_path"], row["text"], row["scroll_depth"], fields,
               row["customer_id"])  # fmt: skip
        if row["type"] in ("pageview", "scroll", "identify"):
            key = (row["type"], path, None, None, row["scroll_depth"], None, row["customer_id"])
        found[(row["visitor_id"], *key)] += 1
    scripted = Counter((v, *e) for v, events in visited.items() for e in events)
    captured = sum(min(n, found[k]) for k, n in scripted.items())
    extra = sum(n - scripted.get(k, 0) for k, n in found.items() if n > scripted.get(k, 0))
    total = sum(scripted.values())
    print(f"\nweb snippet: {captured} of {total} scripted events captured "
          f"({100 * captured / total:.2f} %), {extra} extra or duplicated rows")  # fmt: skip
    assert total > VISITORS * 15  # the script is not empty
    assert captured / total >= 0.999, [k for k, n in scripted.items() if found[k] < n][:5]
    assert extra == 0, [k for k, n in found.items() if n > scripted.get(k, 0)][:5]
    assert len({row["event_id"] for row in rows}) == len(rows)


def test_identify_stamps_the_later_events(served, visited):
    rows = web_events(served)
    for number in range(VISITORS):
        if number % 4 not in (1, 3):
            continue
        customer = f"C{number:04d}"
        (visitor,) = {r["visitor_id"] for r in rows if r["customer_id"] == customer}
        mine = [r for r in rows if r["visitor_id"] == visitor]
        (identify,) = [r for r in mine if r["type"] == "identify"]  # once, though called twice
        assert identify["customer_id"] == customer
        # later events carry the customer; earlier ones are not rewritten (events of the same
        # millisecond as the identify event may be either)
        assert all(r["customer_id"] == customer for r in mine if r["ts"] > identify["ts"])
        assert all(r["customer_id"] is None for r in mine if r["ts"] < identify["ts"])
        assert sum(r["customer_id"] is None for r in mine) >= 1
        assert sum(r["customer_id"] == customer for r in mine) >= 3


def test_what_is_typed_in_a_form_is_never_sent(served, visited):
    assert served.sent and any('"fields"' in body and "email" in body for body in served.sent)
    for number in range(VISITORS):
        for typed in (f"Покупатель {number} тайна", f"secret{number}@mail.test",
                      f"{number}-7731"):  # fmt: skip
            assert not any(typed in body for body in served.sent), typed


def _nothing_sent(browser, served, consent: str | None, init_script: str | None = None) -> None:
    """A visitor who acts on the shop's pages: no request reaches the collector and nothing of
    the snippet's is stored."""
    before = served.requests()

    async def act() -> list[str]:
        context = await served.context(browser.chromium, init_script)
        try:
            visitor = Visitor(served, await context.new_page(), 99)
            await visitor.start("/catalog/milk", consent)
            await visitor.identify("C9999")
            await visitor.buy(1)
            await visitor.follow("/long")
            await visitor.scroll()
            await visitor.order()
            await visitor.page.wait_for_timeout(1000)  # longer than the snippet waits to send
            return await visitor.page.evaluate("Object.keys(localStorage)")
        finally:
            await context.close()

    stored = browser.run(act())
    assert served.requests() == before
    assert not [key for key in stored if key.startswith("cxray")]


def test_without_consent_nothing_is_sent_or_stored(browser, served):
    _nothing_sent(browser, served, None)


# a browser whose user asks not to be tracked: Do Not Track, or Global Privacy Control
DNT = "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})"
GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"


@pytest.mark.parametrize(("signal", "consent"), [(DNT, "early"), (GPC, "call")],
                         ids=["dnt", "gpc"])  # fmt: skip
def test_do_not_track_sends_nothing_even_with_consent(browser, served, signal, consent):
    _nothing_sent(browser, served, consent, init_script=signal)


def _rows_of(served: Served, visitor_id: str) -> Counter:
    return Counter((r["type"], urlsplit(r["url"]).path, r["css_path"])
                   for r in web_events(served) if r["visitor_id"] == visitor_id)  # fmt: skip


def _answering(served: Served, answers: list[tuple[int, dict]]):
    """A route for the collector's address answering the first requests with ``answers``
    (status, headers), then letting them through; the statuses it answered are listed."""
    answered: list[int] = []

    async def route(route) -> None:
        if route.request.method != "POST" or not answers:
            await route.continue_()
            return
        status, headers = answers.pop(0)
        answered.append(status)
        cors = {"Access-Control-Allow-Origin": served.shop.url}
        await route.fulfill(status=status, headers={**cors, **headers},
                            content_type="application/json", body='{"error": {}}')  # fmt: skip

    return route, answered


def test_a_batch_refused_for_now_is_sent_again_until_accepted(browser, served):
    route, answered = _answering(served, [(503, {}), (429, {"Retry-After": "1"})])

    async def act() -> str:
        context = await served.context(browser.chromium)
        try:
            await context.route(f"{served.url}/e", route)
            visitor = Visitor(served, await context.new_page(), 101)
            await visitor.start("/catalog/cheese", "early")
            await visitor.buy(2)
            await visitor.drained()  # only an answer of 200 empties the queue
            return await visitor.visitor_id()
        finally:
            await context.close()

    visitor = browser.run(act())
    assert answered == [503, 429]
    assert _rows_of(served, visitor) == {
        ("pageview", "/catalog/cheese", None): 1,
        ("click", "/catalog/cheese", BUY.format(slug="cheese", k=2)): 1,
    }


def test_a_batch_refused_for_good_is_dropped_and_not_sent_again(browser, served):
    route, answered = _answering(served, [(400, {})])

    async def act() -> tuple[str, int]:
        context = await served.context(browser.chromium)
        try:
            await context.route(f"{served.url}/e", route)
            visitor = Visitor(served, await context.new_page(), 102)
            await visitor.start("/catalog/milk", "call")
            await visitor.drained()
            await visitor.page.wait_for_timeout(1500)  # a retry would have come by now
            return await visitor.visitor_id(), len(answered)
        finally:
            await context.close()

    before = served.requests()
    visitor, refused = browser.run(act())
    assert refused == 1 and served.requests() == before + 1  # the one refused, no other
    assert _rows_of(served, visitor) == {}


def test_offline_the_events_wait_and_go_when_back_online(browser, served):
    async def act() -> tuple[str, list]:
        context = await served.context(browser.chromium)
        try:
            visitor = Visitor(served, await context.new_page(), 103)
            await visitor.start("/catalog/butter", "early")
            await visitor.drained()
            await context.set_offline(True)
            await visitor.buy(3, double=True)
            await visitor.page.wait_for_timeout(1500)  # a retry would have come by now
            waiting = await visitor.page.evaluate("JSON.parse(localStorage.cxray_queue)")
            await context.set_offline(False)
            await visitor.drained()
            return await visitor.visitor_id(), waiting
        finally:
            await context.close()

    visitor, waiting = browser.run(act())
    assert [e["type"] for e in waiting] == ["click", "click"]
    assert _rows_of(served, visitor) == {
        ("pageview", "/catalog/butter", None): 1,
        ("click", "/catalog/butter", BUY.format(slug="butter", k=3)): 2,
    }


@pytest.mark.parametrize(("consent", "dnt"), [(None, None), ("implied", "ignore")])
def test_the_snippet_is_served_to_anyone_with_the_settings_written_in(tmp_path, consent, dnt):
    from fastapi.testclient import TestClient

    from cxray.web import create_app

    cxray.init(tmp_path / "ws")
    session = cxray.open(tmp_path / "ws", read_only=False)
    if consent:
        session.set_setting("web_consent", consent)
        session.set_setting("web_dnt", dnt)
    answer = TestClient(create_app(session)).get("/t.js")  # no sign-in
    session.close()
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/javascript")
    assert "max-age=300" in answer.headers["cache-control"]
    written = f'{{"consent": "{consent or "required"}", "dnt": "{dnt or "respect"}"}}'
    assert f"var SETTINGS = {written};" in answer.text


@pytest.mark.parametrize("signal", [None, DNT], ids=["plain", "dnt"])
def test_consent_implied_and_dnt_ignored_capture_until_consent_is_withdrawn(browser, implied,
                                                                            signal):  # fmt: skip
    async def act() -> tuple[str, list[str], list[str]]:
        context = await implied.context(browser.chromium, signal)
        try:
            visitor = Visitor(implied, await context.new_page(), 104)
            await visitor.page.goto(f"{implied.shop.url}/catalog/milk?server=implied")
            await visitor._loaded("/catalog/milk")
            await visitor.buy(1)  # no consent call: implied
            await visitor.drained()
            visitor_id = await visitor.visitor_id()
            before = implied.requests()
            await visitor.page.evaluate("cxray.consent(false)")
            await visitor.buy(2)
            await visitor.page.wait_for_timeout(1000)  # longer than the snippet waits to send
            stored = await visitor.page.evaluate("Object.keys(localStorage)")
            sent = implied.sent[before:]
            return visitor_id, stored, sent
        finally:
            await context.close()

    visitor, stored, sent = browser.run(act())
    assert _rows_of(implied, visitor) == {
        ("pageview", "/catalog/milk", None): 1,
        ("click", "/catalog/milk", BUY.format(slug="milk", k=1)): 1,
    }
    assert sent == []  # withdrawn: nothing more sent, and only the refusal kept
    assert [key for key in stored if key.startswith("cxray")] == ["cxray_consent"]
