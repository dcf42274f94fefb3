"""``cxray serve``: refused without an admin, loopback by default, and while it runs every other
command says the workspace is busy and names the server's address. Plus the pieces of sign-in
that need a clock: session expiry and the brake on failed attempts; and PII masking."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import one_line_error
from typer.testing import CliRunner

from cxray.cli import app
from cxray.web import signin
from cxray.web.masking import mask_email, mask_name, mask_payload, mask_phone
from cxray.web.serve import is_loopback, server_url

PASSWORD = "correct-horse-7"


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_refuses_to_start_without_an_admin(folder):
    line = one_line_error(cli("-w", str(folder), "serve", "--port", str(free_port())))
    assert "cxray users add LOGIN --role admin" in line
    # a viewer is not enough, nor a disabled admin
    assert cli("-w", str(folder), "users", "add", "vera", "--role", "viewer", "--password-stdin",
               input=PASSWORD + "\n").exit_code == 0  # fmt: skip
    assert cli("-w", str(folder), "users", "add", "anna", "--role", "admin", "--password-stdin",
               input=PASSWORD + "\n").exit_code == 0  # fmt: skip
    assert cli("-w", str(folder), "users", "disable", "anna").exit_code == 0
    line = one_line_error(cli("-w", str(folder), "serve", "--port", str(free_port())))
    assert "--role admin" in line


def test_while_serving_other_commands_name_the_server(folder):
    assert cli("-w", str(folder), "users", "add", "anna", "--role", "admin", "--password-stdin",
               input=PASSWORD + "\n").exit_code == 0  # fmt: skip
    port = free_port()
    env = {**os.environ, "CXRAY_LANG": "en"}
    server = subprocess.Popen(
        [sys.executable, "-m", "cxray", "-w", str(folder), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):  # up to 30 s for the server to answer
            try:
                with urllib.request.urlopen(url + "/signin", timeout=1) as page:
                    assert page.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer: " + (server.stdout.read() or ""))
        line = one_line_error(cli("-w", str(folder), "status"))
        assert f"cxray serve at {url}" in line and str(server.pid) in line
        # unauthenticated API answers 401 JSON
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url + "/api/v1/status", timeout=5)
        assert err.value.code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert cli("-w", str(folder), "status").exit_code == 0  # free again once it stops


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
     ("0.0.0.0", False), ("192.168.1.5", False), ("::", False), ("example.com", False)],
)  # fmt: skip
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_server_url_brackets_ipv6():
    assert server_url("::1", 8000) == "http://[::1]:8000"
    assert server_url("127.0.0.1", 80) == "http://127.0.0.1:80"


# --- sessions and the brake ------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def test_a_session_expires_when_idle_and_after_its_lifetime():
    clock = Clock()
    store = signin.Sessions(clock)
    cookie, _ = store.start("anna", "admin", "Anna", "en")
    clock.advance(hours=1, minutes=59)
    assert store.get(cookie).login == "anna"  # seen again: idle time restarts
    clock.advance(hours=1, minutes=59)
    assert store.get(cookie) is not None
    clock.advance(hours=2, minutes=1)  # idle for over 2 hours
    assert store.get(cookie) is None
    cookie, _ = store.start("anna", "admin", "Anna", "en")
    for _ in range(12):  # active all along, but 12 hours is the most a session lives
        clock.advance(hours=1, seconds=1)
        seen = store.get(cookie)
    assert seen is None


def test_sessions_end_and_keep_only_a_hash_of_the_cookie():
    store = signin.Sessions()
    cookie, _ = store.start("anna", "admin", None, "en")
    assert cookie not in str(store._by_key)  # the server keeps its SHA-256 only
    assert store.end(cookie).login == "anna"
    assert store.get(cookie) is None and store.get(None) is None and store.get("forged") is None
    one, _ = store.start("vera", "viewer", None, "en")
    two, _ = store.start("vera", "viewer", None, "ru")
    store.end_user("vera")
    assert store.get(one) is None and store.get(two) is None


def test_the_brake_doubles_the_wait_after_each_failure_and_forgets_on_success():
    clock = Clock()
    brake = signin.Brake(clock)
    assert brake.wait("login:anna") == 0
    waits = []
    for _ in range(8):
        brake.failed("login:anna", "address:1.2.3.4")
        waits.append(brake.wait("login:anna"))
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]  # 2 ** (n - 1) s, at most 60 s
    clock.advance(seconds=59)
    assert brake.wait("login:anna") == pytest.approx(1)
    assert brake.wait("login:bob", "address:1.2.3.4") == pytest.approx(1)  # same address
    clock.advance(seconds=1)
    assert brake.wait("login:anna") == 0
    brake.failed("login:anna")
    brake.succeeded("login:anna")
    assert brake.wait("login:anna") == 0


# --- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "masked"),
    [("ivan.petrov@example.com", "i***@example.com"), ("a@b.ru", "a***@b.ru"),
     ("  Olga@Firma.RU ", "O***@Firma.RU"), ("no-at-sign", "n***")],
)  # fmt: skip
def test_mask_email(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("+7 912 345-12-34", "+7 *** ***-12-34"), ("+7(912)3451234", "+7 *** ***-12-34"),
     ("8 912 345 12 34", "*** ***-12-34"), ("+375 29 123-45-67", "+375 *** ***-45-67"),
     ("12-34", "***")],
)  # fmt: skip
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_mask_payload_masks_contact_keys_at_any_depth_and_nothing_else():
    card = {
        "customer": {"customer_id": "C1", "name": "ООО Ромашка"},
        "contacts": [{"contact_name": "Иван Петров", "email": "ivan@romashka.ru",
                      "phone": "+7 912 345-12-34", "role": "директор"},
                     {"contact_name": None, "email": "", "phone": None}],
    }  # fmt: skip
    assert mask_payload(card) == {
        "customer": {"customer_id": "C1", "name": "ООО Ромашка"},
        "contacts": [{"contact_name": "И*** П***", "email": "i***@romashka.ru",
                      "phone": "+7 *** ***-12-34", "role": "директор"},
                     {"contact_name": None, "email": "", "phone": None}],
    }  # fmt: skip
    assert mask_name("Анна") == "А***"
    assert card["contacts"][0]["email"] == "ivan@romashka.ru"  # a copy: the answer kept as is


def test_an_empty_workspace_serves_pages_that_point_to_imports(tmp_path):
    import re

    from fastapi.testclient import TestClient

    import cxray
    from cxray.web import create_app

    cxray.init(tmp_path / "empty")
    with cxray.open(tmp_path / "empty", read_only=False) as session:
        session.accounts.add_user("anna", role="admin", password=PASSWORD)
        client = TestClient(create_app(session))
        form = client.get("/signin")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        data = {"login": "anna", "password": PASSWORD, "csrf": token, "next": "/"}
        assert client.post("/signin", data=data).status_code == 200  # followed to the overview
        for path in ("/", "/structure", "/clv", "/followups"):
            page = client.get(path)
            assert page.status_code == 200, path
        assert 'data-code="no_data"' in client.get("/").text
        assert client.get("/api/v1/followups").status_code == 200
