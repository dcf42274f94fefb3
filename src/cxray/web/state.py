"""What one server holds: the workspace's API session, the lock that lets one request use it at
a time, and the answers kept until the data changes.

The server is the workspace's only writer while it runs, so an answer stays true until the
server itself writes (an import, a task changed): :meth:`WebState.changed` then drops every
kept answer.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from cxray.web.signin import Brake, Sessions

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.session import Session

T = TypeVar("T")
KEPT_ANSWERS = 256  # answers kept at most; the least recently used go first


class WebState:
    """The server's API session (writable), its lock, kept answers and signed-in browsers."""

    def __init__(self, session: Session, *, lang: str = "en") -> None:
        self.session = session
        self.lang = lang  # the language of a new user's pages
        self.sessions = Sessions()
        self.brake = Brake()
        self._lock = threading.RLock()  # the API session's: one request at a time
        self._kept_lock = threading.Lock()  # the kept answers': held for a look-up only
        self._kept: dict[Hashable, Any] = {}
        # how many flushes of the web events journal added rows (cxray.web.collector): a page
        # over web events puts it in its kept answer's key, instead of dropping every answer
        self.web_generation = 0

    def run(self, fn: Callable[[Session], T]) -> T:
        """Call ``fn`` with the API session, one request at a time."""
        with self._lock:
            return fn(self.session)

    def kept(self, key: Hashable, fn: Callable[[Session], T]) -> T:
        """The kept answer for ``key``, else ``fn``'s, kept until the data changes. When
        :data:`KEPT_ANSWERS` are kept, the least recently used goes: the report, asked for by
        every report page, is not pushed out by the cards of many customers seen once each.
        A kept answer does not wait for the API session, which another request may hold for
        a long question."""
        found = self._look_up(key)
        if found is not None:
            return found[0]
        with self._lock:
            found = self._look_up(key)  # computed by another request meanwhile
            if found is not None:
                return found[0]
            value = fn(self.session)
            with self._kept_lock:  # stored while the session is held: no write in between
                if len(self._kept) >= KEPT_ANSWERS:
                    del self._kept[next(iter(self._kept))]
                self._kept[key] = value
            return value

    def studio_kept(self, key: Hashable, fn: Callable[[Session], T]) -> T:
        """A kept answer of the campaign studio, for the campaign files as they are on disk
        now: one added, removed or edited by hand shows at once."""
        return self.kept(("studio", key, self._campaign_files()), fn)

    def _campaign_files(self) -> tuple[Any, ...]:
        from cxray.api.report import campaign_files

        folder = self.session.path
        return _stamps(campaign_files(folder / "campaigns" if folder else None))

    def report_files(self) -> tuple[Any, ...]:
        """The campaign and initiative files the report reads, as they are on disk now (name,
        time, size): part of the report's key, so that one added, removed or edited shows."""
        from cxray.api.initiatives import FOLDER, initiative_files

        folder = self.session.path
        return self._campaign_files() + _stamps(
            initiative_files(folder / FOLDER if folder else None)
        )

    def _look_up(self, key: Hashable) -> tuple[Any] | None:
        """``(answer,)`` when ``key`` is kept (now the most recently used), else None."""
        with self._kept_lock:
            if key not in self._kept:
                return None
            self._kept[key] = value = self._kept.pop(key)
            return (value,)

    def warm(self) -> None:
        """Compute the overview's report for the default filters and the customer cards'
        index of the default date (run in the background at start; a failure here shows again
        on the page that needs it)."""
        import contextlib

        with contextlib.suppress(Exception):
            day, _ = self.report_key(None, None)
            # the key of pages.report_data for the default filters
            self.kept(("report", day, None, self.report_files()), lambda s: s.report(day).value)
        with contextlib.suppress(Exception):  # every customer card of the default date
            self.run(lambda s: s.warm_cards())

    def report_key(self, as_of: str | None, segment_by: str | None) -> tuple[Any, str | None]:
        """The report's filters as kept: the analysis date resolved (a date given or the
        default one are the same answer) and the breakdown column, if any."""
        from cxray.api import parse_day

        day = parse_day(as_of or None, "as_of")
        return self.kept(("as_of", day), lambda s: s.resolve_as_of(day)), segment_by or None

    def tasks_day(self) -> dt.date:
        """The day the follow-up tasks are shown as of: today, because a task closed in the
        queue is closed today (the data's own date, that of the latest answer, would show it
        open until newer answers arrive); the data's date when it is later than today."""
        from cxray.errors import CxrayError

        try:
            data_day = self.kept(("tasks_data_day",), lambda s: s.resolve_as_of(
                reads=("responses",), otherwise=("orders",)))  # fmt: skip
        except CxrayError as err:  # nothing dated imported yet
            if err.key != "as_of_required":
                raise
            return dt.date.today()
        return max(dt.date.today(), data_day)

    def open_followups(self) -> None:
        """Open the follow-up tasks of answers that have none yet (at start and after an
        import); nothing to do while the workspace holds no dated rows."""
        from cxray.errors import CxrayError

        try:
            self.run(lambda s: s.followups())
        except CxrayError as err:
            if err.key != "as_of_required":
                raise

    def changed(self) -> None:
        """The server wrote the workspace: forget every kept answer."""
        with self._kept_lock:
            self._kept.clear()


def _stamps(paths: list[Any]) -> tuple[Any, ...]:
    """Each file's name, modification time and size: what changes when it is edited."""
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
