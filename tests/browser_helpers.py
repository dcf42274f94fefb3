"""Shared set-up of the browser tests: headless Chromium (Debian's, driven by Playwright), the
app served by uvicorn on a free loopback port, and screenshots when ``CXRAY_SHOTS`` is set.

The browser tests are skipped, with the reason, when Playwright or Chromium is missing; they
fail instead when ``CXRAY_REQUIRE_BROWSER`` is set (``.ci/run`` sets it)."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CXRAY_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path("/tmp/shots")
TIMEOUT_MS = 60_000  # a page may wait for the report's first computation on a busy machine


def browser_missing() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


def need_browser() -> None:
    """Skip the test when the browser cannot run here, or fail it when
    ``CXRAY_REQUIRE_BROWSER`` is set (``.ci/run`` sets it)."""
    reason = browser_missing()
    if reason and os.environ.get("CXRAY_REQUIRE_BROWSER"):
        pytest.fail(f"CXRAY_REQUIRE_BROWSER is set but {reason}")
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Server:
    """The app served by uvicorn in a thread, on a free loopback port."""

    def __init__(self, app):
        import uvicorn

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))  # the system picks a free port
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive(), "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start in 30 s"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.socket.close()


def shot(page, name: str) -> None:
    """A full-page screenshot in /tmp/shots, when CXRAY_SHOTS is set."""
    if os.environ.get("CXRAY_SHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@contextlib.contextmanager
def page_opener(browser, url: str, password: str, **options):
    """A function opening a fresh browser context (no cookies) signed in as ``login`` through
    the sign-in form (``options``: the context's, e.g. ``viewport``); the contexts close at the
    end."""
    contexts = []

    def sign_in(login: str):
        context = browser.new_context(base_url=url, locale="en-US", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto("/signin")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/")
        return page

    try:
        yield sign_in
    finally:
        for context in contexts:
            context.close()
