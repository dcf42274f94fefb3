"""The web events collector ``POST /e``: what it accepts and refuses (origin, size, format, rate),
the journal it keeps and its flush into ``web_events`` (each event once), the leftovers of an
earlier run, and a server killed with SIGKILL mid-load losing no acknowledged event."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import cxray
from cxray.api.collector import FOLDER
from cxray.cli import app as cli_app
from cxray.web import create_app
from cxray.web.collector import Buckets

SITE = "https://shop.example"
HEADERS = {"Origin": SITE, "Content-Type": "text/plain;charset=UTF-8"}
NEW_YEAR = 1_767_225_600_000  # 2026-01-01 00:00:00 UTC in epoch milliseconds


def event(event_id: str, **fields) -> dict:
    return {"event_id": event_id, "ts": NEW_YEAR, "type": "pageview",
            "url": "https://shop.example/catalog?x=1", **fields}  # fmt: skip


def batch(*events: dict, visitor: str = "v_1") -> bytes:
    return json.dumps({"v": 1, "visitor_id": visitor, "events": list(events)}).encode()


@pytest.fixture
def served(folder):
    session = cxray.open(folder, read_only=False)
    session.set_setting("web_origins", f"{SITE}, http://127.0.0.1:9000")
    app = create_app(session)
    yield app
    session.close()


@pytest.fixture
def client(served):
    return TestClient(served)


def stored(app, *, flush: bool = True) -> list[dict]:
    """The web_events rows, by event_id, after a flush (unless ``flush`` is False)."""
    if flush:
        app.state.collector.tick()
    table = app.state.web.run(lambda s: s.tables()["web_events"].to_pyarrow())
    return sorted(table.to_pylist(), key=lambda r: r["event_id"])


def refused(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    return error


def test_a_batch_is_accepted_and_after_a_flush_is_in_the_table_with_its_columns(served, client):
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    click = event("e_2", ts=NEW_YEAR + 1500, type="click", tag="BUTTON", text="В корзину " * 30,
                  classes="btn buy", css_path="body > main#content > button.btn.buy",
                  viewport_w=1280, viewport_h=720, referrer="", href=None)  # fmt: skip
    submit = event("e_3", type="submit", tag="form", fields=["name", "email"],
                   url="https://shop.example/" + "x" * 3000)  # fmt: skip
    scroll = event("e_1", type="scroll", scroll_depth=75, unknown_field="ignored")
    answer = client.post("/e", content=batch(click, submit, scroll), headers=HEADERS)
    assert answer.status_code == 200 and answer.json() == {"accepted": 3}
    assert answer.headers["access-control-allow-origin"] == SITE
    # journaled, not yet in the table: the flush moves it
    assert stored(served, flush=False) == []
    assert list((served.state.web.session.path / FOLDER).glob("*.jsonl"))
    generation = served.state.web.web_generation
    rows = stored(served)
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert served.state.web.web_generation == generation + 1  # a flush that wrote rows
    assert not list((served.state.web.session.path / FOLDER).glob("*.jsonl"))
    assert [r["event_id"] for r in rows] == ["e_1", "e_2", "e_3"]
    scroll_row, click_row, submit_row = rows
    assert click_row["ts"] == dt.datetime(2026, 1, 1, 0, 0, 1, 500_000)
    assert click_row["visitor_id"] == "v_1" and click_row["type"] == "click"
    assert click_row["tag"] == "button"  # lower case
    assert click_row["text"] == ("В корзину " * 20)  # cut to 200 characters
    assert click_row["classes"] == "btn buy"
    assert click_row["css_path"] == "body > main#content > button.btn.buy"
    assert (click_row["viewport_w"], click_row["viewport_h"]) == (1280, 720)
    assert click_row["referrer"] is None and click_row["href"] is None  # empty = none
    assert click_row["url"] == "https://shop.example/catalog?x=1"
    assert submit_row["fields"] == "name,email"
    assert submit_row["url"] == ("https://shop.example/" + "x" * 3000)[:2048]
    assert scroll_row["scroll_depth"] == 75 and scroll_row["customer_id"] is None
    assert scroll_row["ts"] == dt.datetime(2026, 1, 1)
    for row in rows:
        assert before - dt.timedelta(seconds=1) <= row["received_at"] <= after
    assert stored(served) == rows  # a flush with nothing new changes nothing
    assert served.state.web.web_generation == generation + 1


def test_an_event_sent_twice_is_kept_once(served, client):
    first = batch(event("e_1"), event("e_2"))
    assert client.post("/e", content=first, headers=HEADERS).json() == {"accepted": 2}
    assert len(stored(served)) == 2
    # the same batch again (a retry after a lost answer), and a batch repeating one event
    assert client.post("/e", content=first, headers=HEADERS).status_code == 200
    again = batch(event("e_2"), event("e_3"), event("e_3"))
    assert client.post("/e", content=again, headers=HEADERS).json() == {"accepted": 3}
    assert [r["event_id"] for r in stored(served)] == ["e_1", "e_2", "e_3"]


def test_identify_events_and_later_ones_keep_the_customer(served, client):
    events = [event("e_1"), event("e_2", type="identify", customer_id="C42"),
              event("e_3", type="click", customer_id="C42")]  # fmt: skip
    assert client.post("/e", content=batch(*events), headers=HEADERS).status_code == 200
    assert [r["customer_id"] for r in stored(served)] == [None, "C42", "C42"]


def test_an_origin_that_is_missing_or_not_allowed_is_refused(served, client):
    body = batch(event("e_1"))
    refused(client.post("/e", content=body), 403, "origin_not_allowed")
    other = {**HEADERS, "Origin": "https://evil.example"}
    answer = client.post("/e", content=body, headers=other)
    assert "https://evil.example" in refused(answer, 403, "origin_not_allowed")["message"]
    assert "access-control-allow-origin" not in answer.headers
    refused(client.options("/e", headers=other), 403, "origin_not_allowed")
    # a port is part of the origin
    port = {**HEADERS, "Origin": "http://127.0.0.1:9001"}
    refused(client.post("/e", content=body, headers=port), 403, "origin_not_allowed")
    assert client.post("/e", content=body, headers={**HEADERS, "Origin": "http://127.0.0.1:9000"}
                       ).status_code == 200  # fmt: skip
    assert stored(served)[0]["event_id"] == "e_1"


def test_without_web_origins_the_collector_accepts_nothing_and_says_so(served, client):
    served.state.web.run(lambda s: s.set_setting("web_origins", ""))
    served.state.collector.tick()  # the flusher reads the settings again
    error = refused(client.post("/e", content=batch(event("e_1")), headers=HEADERS), 403,
                    "origin_not_allowed")  # fmt: skip
    assert "web_origins" in error["message"]


def test_cors_for_an_allowed_origin_beside_the_security_headers(client):
    answer = client.options("/e", headers={"Origin": SITE, "Access-Control-Request-Method":
                                           "POST"})  # fmt: skip
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == SITE
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert answer.headers["access-control-allow-headers"] == "Content-Type"
    posted = client.post("/e", content=batch(event("e_1")),
                         headers={**HEADERS, "Content-Type": "application/json"})  # fmt: skip
    assert posted.status_code == 200
    assert posted.headers["access-control-allow-origin"] == SITE
    assert posted.headers["vary"] == "Origin"
    assert posted.headers["x-content-type-options"] == "nosniff"  # the app's headers stay


def test_a_visitor_over_its_rate_waits(served, client):
    served.state.web.run(lambda s: s.set_setting("web_rate_visitor", "4"))
    served.state.collector.tick()
    four = batch(*(event(f"e_{i}") for i in range(4)))
    assert client.post("/e", content=four, headers=HEADERS).status_code == 200
    answer = client.post("/e", content=batch(event("e_9")), headers=HEADERS)
    refused(answer, 429, "rate_limited")
    # one event of a bucket refilled at 4 a minute: 15 s (a few ms have refilled meanwhile)
    assert answer.headers["retry-after"] == "15"
    assert answer.headers["access-control-allow-origin"] == SITE  # the snippet reads it
    # another visitor of the same address is not held back by the first one's rate
    other = batch(event("e_10"), visitor="v_2")
    assert client.post("/e", content=other, headers=HEADERS).status_code == 200
    assert [r["event_id"] for r in stored(served)] == ["e_0", "e_1", "e_10", "e_2", "e_3"]


def test_an_address_over_its_rate_waits(served, client):
    served.state.web.run(lambda s: s.set_setting("web_rate_address", "6"))
    served.state.collector.tick()
    for visitor in ("v_1", "v_2"):
        body = batch(event(f"{visitor}_a"), event(f"{visitor}_b"), event(f"{visitor}_c"),
                     visitor=visitor)  # fmt: skip
        assert client.post("/e", content=body, headers=HEADERS).status_code == 200
    answer = client.post("/e", content=batch(event("e_x"), visitor="v_3"), headers=HEADERS)
    refused(answer, 429, "rate_limited")
    assert answer.headers["retry-after"] == "10"  # one event at 6 a minute
    assert len(stored(served)) == 6


def test_token_buckets_refill_with_time():
    now = [100.0]
    buckets = Buckets(lambda: now[0])
    assert buckets.take([("v", 60), ("a", 120)], 60) == 0  # a full minute of "v"
    assert buckets.take([("v", 60), ("a", 120)], 2) == pytest.approx(2.0)  # 1 a second
    now[0] += 1.5  # 1.5 tokens back in "v"; "a" was not charged for the refusal
    assert buckets.take([("v", 60)], 2) == pytest.approx(0.5)
    now[0] += 0.5
    assert buckets.take([("v", 60), ("a", 120)], 2) == 0
    assert buckets.take([("a", 120)], 58) == 0  # 120 - 60 - 2 = 58 left (refill ignored: 2 s)
    assert buckets.take([("a", 120)], 10) > 0
    assert buckets.take([("big", 5)], 50) == 0  # a batch larger than a minute's rate passes
    assert buckets.take([("big", 5)], 1) == pytest.approx(12.0)


def test_a_batch_too_large_is_refused_before_it_is_read(served, client):
    large = batch(event("e_1", text="x" * (70 * 1024)))
    refused(client.post("/e", content=large, headers=HEADERS), 413, "batch_too_large")

    def chunks():  # no Content-Length: refused once reading passes 64 KiB
        yield large[: 40 * 1024]
        yield large[40 * 1024 :]

    refused(client.post("/e", content=chunks(), headers=HEADERS), 413, "batch_too_large")
    assert stored(served) == []


@pytest.mark.parametrize(
    ("body", "event_index", "field"),
    [
        (b"{not json", None, "body"),
        (b"\xff\xfe", None, "body"),
        (b"[1, 2]", None, "body"),
        (json.dumps({"v": 2, "visitor_id": "v_1", "events": []}).encode(), None, "v"),
        (batch(event("e_1"), visitor="v 1"), None, "visitor_id"),
        (batch(*(event(f"e_{i}") for i in range(51))), None, "events"),
        (batch(event("e_1"), event("e/2")), 1, "event_id"),
        (batch(event("e_1"), event("e_" + "x" * 63)), 1, "event_id"),
        (batch(event("e_1", ts="2026-01-01")), 0, "ts"),
        (batch(event("e_1", ts=1.5e12)), 0, "ts"),
        (batch(event("e_1", ts=True)), 0, "ts"),
        (batch(event("e_1"), event("e_2", type="hover")), 1, "type"),
        (batch(event("e_1", url="")), 0, "url"),
        (batch(event("e_1", text=5)), 0, "text"),
        (batch(event("e_1", fields="name,email")), 0, "fields"),
        (batch(event("e_1", scroll_depth=101)), 0, "scroll_depth"),
        (batch(event("e_1", viewport_w=-1)), 0, "viewport_w"),
        (batch(event("e_1", type="identify")), 0, "customer_id"),
        (b'{"v":1,"visitor_id":"v_1","events":[{"event_id":"e_1","ts":1,"type":"click",'
         b'"url":"https://shop.example/","text":"\\ud800"}]}', 0, "text"),
        (batch("pageview"), 0, "-"),
    ],
)  # fmt: skip
def test_a_bad_batch_is_refused_naming_the_event_and_field(served, client, body, event_index,
                                                            field):  # fmt: skip
    error = refused(client.post("/e", content=body, headers=HEADERS), 400, "bad_batch")
    assert (error["event"], error["field"]) == (event_index, field)
    where = field if event_index is None else f"events[{event_index}].{field}"
    assert where in error["message"]
    assert stored(served) == []


def test_a_good_batch_at_the_limits_is_accepted(served, client):
    events = [event(f"e_{i}_" + "x" * (61 - len(str(i)))) for i in range(50)]
    assert all(len(e["event_id"]) == 64 for e in events)
    answer = client.post("/e", content=batch(*events, visitor="v" * 64), headers=HEADERS)
    assert answer.json() == {"accepted": 50}
    assert client.post("/e", content=batch(), headers=HEADERS).json() == {"accepted": 0}
    assert len(stored(served)) == 50


def test_leftover_segments_are_flushed_on_start_a_cut_last_line_skipped(folder):
    journal = folder / FOLDER
    journal.mkdir()
    row = {"visitor_id": "v_1", "ts": NEW_YEAR, "type": "pageview", "url": "https://s/",
           "received_at": NEW_YEAR + 5}  # fmt: skip
    line = lambda *ids: json.dumps([{**row, "event_id": i} for i in ids]) + "\n"  # noqa: E731
    (journal / "00000000000000000001-1-000000.jsonl").write_text(line("a", "b") + line("c"))
    # the server was killed while writing the second line of this one: its batch was never
    # acknowledged, so it is skipped; and "c" again (journaled twice) is kept once
    cut = line("c", "d") + line("e", "f")[:-20]
    (journal / "00000000000000000002-1-000000.jsonl").write_text(cut)
    session = cxray.open(folder, read_only=False)
    try:
        app = create_app(session)
        with TestClient(app):  # the server's start: its flusher's first round
            for _ in range(200):
                if app.state.web.web_generation:
                    break
                time.sleep(0.1)
            ids = app.state.web.run(lambda s: s.sql("SELECT event_id FROM web_events"))
            assert sorted(ids.column("event_id").to_pylist()) == ["a", "b", "c", "d"]
            assert not list(journal.glob("*.jsonl"))
            assert app.state.web.web_generation == 1
    finally:
        session.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder, port: int) -> subprocess.Popen:
    env = {**os.environ, "CXRAY_LANG": "en"}
    server = subprocess.Popen(
        [sys.executable, "-m", "cxray", "-w", str(folder), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    for _ in range(300):  # up to 30 s for the server to answer
        try:
            if httpx.get(f"http://127.0.0.1:{port}/signin", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    pytest.fail("the server did not answer: " + (server.stdout.read() or ""))


def test_a_server_killed_mid_load_loses_no_acknowledged_event(folder):
    runner = CliRunner()
    added = runner.invoke(cli_app, ["-w", str(folder), "users", "add", "anna", "--role", "admin",
                                    "--password-stdin"], input="correct-horse-7\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    with cxray.open(folder, read_only=False) as session:
        session.set_setting("web_origins", SITE)
        session.set_setting("web_rate_visitor", "10000000")
        session.set_setting("web_rate_address", "10000000")
    port = free_port()
    server = start_server(folder, port)
    acknowledged: list[str] = []
    sent = [0]
    stop = threading.Event()

    def send(worker: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            n = 0
            while not stop.is_set():
                ids = [f"w{worker}_{n}_{i}" for i in range(20)]
                n += 1
                sent[0] += 1
                try:
                    answer = http.post("/e", content=batch(*(event(i) for i in ids),
                                       visitor=f"v_{worker}"), headers=HEADERS)  # fmt: skip
                except httpx.HTTPError:
                    continue  # the server is gone: not acknowledged
                if answer.status_code == 200:
                    acknowledged.extend(ids)

    threads = [threading.Thread(target=send, args=(w,)) for w in range(3)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        # load for a while, through at least one flush (about every second)
        while len(acknowledged) < 3000 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.2)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        if server.poll() is None:
            server.kill()
    assert len(acknowledged) >= 1000, server.stdout.read()
    assert list((folder / FOLDER).glob("*.jsonl"))  # the kill left a journal to flush
    # started again (in this process: a second server would take as long to start as the
    # first), it moves what the killed one journaled into the table first
    with cxray.open(folder, read_only=False) as session:
        app = create_app(session)
        with TestClient(app):  # its flusher's first round runs in its thread
            for _ in range(300):
                if app.state.web.web_generation:
                    break
                time.sleep(0.1)
            found = app.state.web.run(lambda s: s.sql("SELECT event_id FROM web_events"))
        held = found.column("event_id").to_pylist()
    assert len(held) == len(set(held))  # each event once
    missing = set(acknowledged) - set(held)
    assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged events lost"


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_the_table_write_keeps_each_event_once_on_each_engine(tmp_path, engine):
    from cxray.ingest.web_batch import rows_table
    from cxray.workspace import Workspace

    backend = f"sqlite:///{tmp_path / 'web.db'}" if engine == "sqlite" else None
    row = {"visitor_id": "v_1", "ts": NEW_YEAR, "type": "pageview", "url": "https://s/"}
    rows = lambda *pairs: rows_table([{**row, "event_id": i, "received_at": NEW_YEAR + at}  # noqa: E731
                                      for i, at in pairs])  # fmt: skip
    with Workspace(tmp_path / "ws", backend=backend, create=True) as ws:
        # "b" twice in one batch: the first received is kept
        assert ws.add_web_events(rows(("a", 5), ("b", 9), ("b", 7))) == 2
        assert ws.add_web_events(rows(("a", 1), ("c", 3))) == 1  # "a" is held already
        assert ws.add_web_events(rows()) == 0
        held = ws.table("web_events").order_by("event_id").to_pyarrow().to_pylist()
    assert [(r["event_id"], r["received_at"]) for r in held] == [
        ("a", dt.datetime(2026, 1, 1, 0, 0, 0, 5000)),
        ("b", dt.datetime(2026, 1, 1, 0, 0, 0, 7000)),
        ("c", dt.datetime(2026, 1, 1, 0, 0, 0, 3000)),
    ]


def test_a_batch_that_cannot_be_kept_answers_retry_later_never_500(served, client, monkeypatch):
    def full_disk(batch):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(served.state.collector.journal, "write", full_disk)
    answer = client.post("/e", content=batch(event("e_1")), headers=HEADERS)
    refused(answer, 503, "collector_unavailable")  # 5xx: the snippet keeps it and retries
    assert stored(served) == []


def test_the_lifespan_runs_the_flusher_and_stops_it_with_a_last_flush(served):
    with TestClient(served) as client:
        collector = served.state.collector
        assert collector._thread is not None and collector._thread.is_alive()
        assert client.post("/e", content=batch(event("e_1")), headers=HEADERS).status_code == 200
        for _ in range(200):  # the thread flushes about every second (up to 20 s here)
            if served.state.web.web_generation:
                break
            time.sleep(0.1)
        assert served.state.web.web_generation == 1
        assert client.post("/e", content=batch(event("e_2")), headers=HEADERS).status_code == 200
    assert collector._thread is None  # stopped, and what was journaled is in the table
    assert [r["event_id"] for r in stored(served, flush=False)] == ["e_1", "e_2"]
