"""Browser sessions of the web workspace, and the brake on guessing passwords.

- A session is a random id in an HttpOnly, SameSite=Lax cookie; the server keeps only its
  SHA-256, with the user, a CSRF token for the forms, and two expiries: idle
  (:data:`IDLE`) and absolute (:data:`LIFETIME`). Signing out or a server restart ends it.
- Failed sign-ins slow the next attempt for the same login and for the same address: after
  the n-th failure in a row, attempts are refused for ``2 ** (n - 1)`` seconds (at most
  :data:`MAX_DELAY`), without checking the password. The account itself is locked after
  :data:`cxray.accounts.MAX_FAILURES` failures (by the accounts module).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

COOKIE = "cxray_session"
IDLE = dt.timedelta(hours=2)
LIFETIME = dt.timedelta(hours=12)
MAX_DELAY = 60.0  # seconds


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass
class WebSession:
    """One signed-in browser."""

    login: str
    role: str
    name: str | None
    lang: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    started: dt.datetime = field(default_factory=_now)
    seen: dt.datetime = field(default_factory=_now)

    def expired(self, now: dt.datetime) -> bool:
        return now - self.seen > IDLE or now - self.started > LIFETIME


class Sessions:
    """The signed-in browsers of one server, by the SHA-256 of their cookie."""

    def __init__(self, clock: Callable[[], dt.datetime] = _now) -> None:
        self._clock = clock
        self._by_key: dict[str, WebSession] = {}
        self._lock = threading.Lock()

    def start(self, login: str, role: str, name: str | None, lang: str) -> tuple[str, WebSession]:
        """A new session: its cookie value (shown once, to the browser) and the session."""
        session_id = secrets.token_urlsafe(32)
        now = self._clock()
        web = WebSession(login, role, name, lang, started=now, seen=now)
        with self._lock:
            self._by_key[_key(session_id)] = web
        return session_id, web

    def get(self, session_id: str | None) -> WebSession | None:
        """The live session of a cookie value (its idle time restarts), else None."""
        if not session_id:
            return None
        now = self._clock()
        with self._lock:
            web = self._by_key.get(_key(session_id))
            if web is None:
                return None
            if web.expired(now):
                del self._by_key[_key(session_id)]
                return None
            web.seen = now
            return web

    def end(self, session_id: str | None) -> WebSession | None:
        """End the session of a cookie value; the session it was, if any."""
        with self._lock:
            return self._by_key.pop(_key(session_id or ""), None)

    def end_user(self, login: str) -> None:
        """End every session of ``login`` (disabled, role or password changed)."""
        with self._lock:
            for key in [k for k, s in self._by_key.items() if s.login == login]:
                del self._by_key[key]


class Brake:
    """Failed sign-ins in a row per login and per address, and how long the next attempt
    waits."""

    def __init__(self, clock: Callable[[], dt.datetime] = _now) -> None:
        self._clock = clock
        self._failures: dict[str, tuple[int, dt.datetime]] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> float:
        """Seconds until any of ``keys`` may try again (0: now)."""
        now = self._clock()
        longest = 0.0
        with self._lock:
            for key in keys:
                if key in self._failures:
                    count, last = self._failures[key]
                    delay = min(2.0 ** (count - 1), MAX_DELAY)
                    longest = max(longest, delay - (now - last).total_seconds())
        return max(longest, 0.0)

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                count = self._failures.get(key, (0, now))[0]
                self._failures[key] = (count + 1, now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
