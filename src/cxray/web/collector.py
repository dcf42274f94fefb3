"""``POST /e``: the collector of the events a site's pages send (see the README's "Web
events"). Public -- the site's visitors send to it, with no sign-in and no CSRF token -- so it
checks everything else:

- the request's ``Origin`` must be one of the workspace setting ``web_origins`` (none set: it
  accepts nothing), and only those origins get CORS headers (``OPTIONS /e`` answers a
  preflight);
- a body over 64 KiB is refused by its ``Content-Length`` or, without one, when reading passes
  the limit;
- events per minute per visitor and per client address (settings ``web_rate_visitor`` and
  ``web_rate_address``) are kept by token buckets in memory; a batch over either answers 429
  with ``Retry-After``. The address is never logged or stored: its bucket is found by a keyed
  hash that changes with each start of the server.

An accepted batch is appended to the workspace's journal (:mod:`cxray.api.collector`) and
acknowledged once it is on disk; a thread moves the journal into the ``web_events`` table about
every second, under the web state's session lock. No request waits for the workspace: the
settings are read by that thread too. Nothing here answers 500: an unforeseen failure answers
503 ("retry later") and keeps the batch out of the journal.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from cxray.api.collector import FOLDER, EventJournal, parse, store
from cxray.errors import CxrayError
from cxray.texts import t

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.session import Session
    from cxray.web.state import WebState

MAX_BYTES = 64 * 1024
FLUSH_SECONDS = 1.0
MAX_BUCKETS = 100_000
"""Buckets kept before the full ones (visitors idle for a minute) are forgotten."""
log = logging.getLogger("cxray.web.collector")
router = APIRouter()


@dataclass(frozen=True)
class Limits:
    """The settings the collector answers by: allowed origins and events per minute."""

    origins: frozenset[str] = frozenset()
    per_visitor: int = 600
    per_address: int = 6000


class Buckets:
    """Token buckets by key: each holds up to a minute's events (``rate``) and refills at
    ``rate`` per minute."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._held: dict[Any, tuple[float, float, float]] = {}  # key -> tokens, when, rate

    def take(self, wanted: list[tuple[Any, int]], cost: int) -> float:
        """Take ``cost`` tokens from the bucket of each ``(key, rate)`` (at most a full bucket,
        so a batch larger than a minute's rate still passes a full bucket), from all or none:
        returns 0 when taken, else the seconds until every bucket holds enough."""
        now = self.clock()
        with self._lock:
            levels, wait = [], 0.0
            for key, rate in wanted:
                tokens, when, _ = self._held.get(key, (float(rate), now, rate))
                tokens = min(float(rate), tokens + (now - when) * rate / 60)
                need = min(float(cost), float(rate))
                if tokens < need:
                    wait = max(wait, (need - tokens) * 60 / rate)
                levels.append((key, tokens, need, rate))
            for key, tokens, need, rate in levels:
                self._held[key] = (tokens - need if not wait else tokens, now, rate)
            return wait

    def prune(self) -> None:
        """Forget the buckets that are full again (they hold nothing a new one would not)."""
        now = self.clock()
        with self._lock:
            if len(self._held) > MAX_BUCKETS:
                self._held = {k: v for k, v in self._held.items()
                              if v[0] + (now - v[1]) * v[2] / 60 < v[2]}  # fmt: skip


class Collector:
    """The collector of one server: its journal, its limits and the thread that flushes."""

    def __init__(self, state: WebState, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.state = state
        self.journal = EventJournal(state.session.path / FOLDER)
        self.buckets = Buckets(clock)
        self._secret = secrets.token_bytes(16)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # read now, before the server starts: a request must never wait for the session,
        # which the server's warm-up (or a long report) may hold; the flusher reads them again
        self.limits: Limits = state.run(_limits)

    # --- the flusher ----------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread that flushes what an earlier run left in the journal, then flushes
        about every second. The server listens meanwhile: the first flush waits for the
        session while the server's warm-up holds it."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="cxray-collector", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and flush what is left (the server is stopping)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.tick()

    def _loop(self) -> None:
        self.tick()  # what an earlier run journaled goes in first
        while not self._stop.wait(FLUSH_SECONDS):
            self.tick()

    def tick(self) -> int:
        """Read the settings again and move the closed journal into the table (under the
        session lock); returns the rows added. A failure is logged and the journal kept."""
        try:
            added = self.state.run(self._flush)
        except Exception:
            log.exception("the web events journal could not be flushed; it is kept")
            return 0
        self.buckets.prune()
        return added

    def _flush(self, session: Session) -> int:
        self.limits = _limits(session)
        _, added = self.journal.flush(lambda rows: store(session, rows))
        if added:
            self.state.web_generation += 1  # pages over web events key their answers by it
        return added

    # --- a request ------------------------------------------------------------------------

    async def answer(self, request: Request) -> Response:
        lang = self.state.lang
        try:
            limits = self.limits
            origin = request.headers.get("origin") or ""
            if origin not in limits.origins:
                text = (t("origin_not_allowed", lang=lang, origin=origin) if limits.origins
                        else t("origins_unset", lang=lang))  # fmt: skip
                return _error(403, "origin_not_allowed", text)
            cors = _cors(origin)
            if request.method == "OPTIONS":
                return Response(status_code=204, headers={**cors, **PREFLIGHT})
            body = await _body(request)
            if body is None:
                text = t("batch_too_large", lang=lang, most=MAX_BYTES)
                return _error(413, "batch_too_large", text, cors)
            address = ("a", self._address(request))
            try:
                batch = parse(body)
            except CxrayError as err:
                self.buckets.take([(address, limits.per_address)], 1)  # junk costs too
                where = {k: err.params.get(k) for k in ("event", "field")}
                return _error(400, "bad_batch", err.message(lang), cors, **where)
            wanted = [(("v", batch.visitor_id), limits.per_visitor),
                      (address, limits.per_address)]  # fmt: skip
            wait = self.buckets.take(wanted, batch.events)
            if wait:
                seconds = max(1, math.ceil(wait))
                text = t("rate_limited", lang=lang, seconds=seconds)
                return _error(429, "rate_limited", text, {**cors, "Retry-After": str(seconds)})
            self.journal.write(batch)
            return JSONResponse({"accepted": batch.events}, headers=cors)
        except Exception:  # a full disk, a client gone: never a 500, and the batch not taken
            log.exception("the collector could not keep a batch")
            return _error(503, "collector_unavailable", t("collector_unavailable", lang=lang))

    def _address(self, request: Request) -> bytes:
        host = request.client.host if request.client is not None else ""
        return hashlib.blake2b(host.encode(), key=self._secret, digest_size=16).digest()


PREFLIGHT = {"Access-Control-Allow-Methods": "POST, OPTIONS",
             "Access-Control-Allow-Headers": "Content-Type",
             "Access-Control-Max-Age": "600"}  # fmt: skip


def _cors(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
            "Access-Control-Expose-Headers": "Retry-After"}  # fmt: skip


def _limits(session: Session) -> Limits:
    values = session.settings().value
    origins = frozenset(o.strip() for o in (values["web_origins"] or "").split(",") if o.strip())
    return Limits(origins, values["web_rate_visitor"], values["web_rate_address"])


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None,
           **extra: Any) -> Response:  # fmt: skip
    """An error answered as every error of the app is (``{"error": {"code", "message"}}``)."""
    error = {"code": code, "message": message, **extra}
    return JSONResponse({"error": error}, status_code=status, headers=headers)


async def _body(request: Request) -> bytes | None:
    """The request's body, or None when it is larger than :data:`MAX_BYTES` (by its
    Content-Length, else once reading passes the limit)."""
    with contextlib.suppress(ValueError):
        if int(request.headers.get("content-length", "0")) > MAX_BYTES:
            return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BYTES:
            return None
    return bytes(body)


@router.post("/e", include_in_schema=False)
async def collect(request: Request) -> Response:
    """Accept a batch of web events (see the module's text)."""
    return await request.app.state.collector.answer(request)


@router.options("/e", include_in_schema=False)
async def preflight(request: Request) -> Response:
    """The CORS preflight of an allowed origin."""
    return await request.app.state.collector.answer(request)
