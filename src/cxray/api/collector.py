"""The journal of the web events collector: batches a site's pages sent, kept on disk the
moment they are accepted, and moved into the ``web_events`` table later.

A request must neither wait for the workspace (another request may hold it for a long report)
nor lose what it acknowledged, even when the server is killed. So :meth:`EventJournal.write`
appends the batch's rows as one line to a segment file in ``<workspace>/web-events/`` (one
``os.write`` of the whole line under a lock, the file opened for appending): once it returns,
the rows outlive the process. :meth:`EventJournal.flush`, run every second or so by the server,
closes the segment being written and moves every closed segment into the table through
:func:`store` (which keeps each ``event_id`` once, so a segment flushed twice -- the server killed
between the table's commit and the file's removal -- changes nothing), then deletes it. A last
line cut short by a kill is skipped: its batch was never acknowledged.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxray.ingest.web_batch import journal_line, journal_rows, parse_batch, rows_table

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.session import Session

FOLDER = "web-events"
"""The journal's folder inside the workspace folder."""
SUFFIX = ".jsonl"
MAX_FLUSH_ROWS = 200_000
"""The most rows one flush moves into the table at once (a long backlog goes in steps)."""


class Batch:
    """A checked batch: its visitor, how many events it holds and its journal line."""

    __slots__ = ("events", "line", "visitor_id")

    def __init__(self, rows: list[dict[str, Any]], visitor_id: str, line: bytes) -> None:
        self.events, self.visitor_id, self.line = len(rows), visitor_id, line


def parse(body: bytes) -> Batch:
    """The checked batch of a request body (CxrayError ``bad_batch``), received now."""
    rows = parse_batch(body, received_at=time.time_ns() // 1_000_000)
    return Batch(rows, rows[0]["visitor_id"] if rows else "", journal_line(rows))


def store(session: Session, rows: list[dict[str, Any]]) -> int:
    """Add journal rows to the ``web_events`` table (each ``event_id`` once; one transaction);
    returns the rows added."""
    added = session._writable().add_web_events(rows_table(rows))
    if added:
        session._tables = None  # the table may be new: list the tables again
    return added


class EventJournal:
    """The append-only segments of ``folder`` (see the module's text)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._current: str | None = None
        self._numbers = itertools.count()

    def write(self, batch: Batch) -> None:
        """Append the batch's line to the open segment (opening one when none is): when this
        returns, the batch is on disk (OSError when it could not be written)."""
        if not batch.events:
            return
        with self._lock:
            if self._fd is None:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                name = f"{time.time_ns():020d}-{os.getpid()}-{next(self._numbers):06d}{SUFFIX}"
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND
                self._fd = os.open(self.folder / name, flags, 0o600)
                self._current = name
            view = memoryview(batch.line)
            while view:  # a regular file takes the whole line in one write
                view = view[os.write(self._fd, view) :]

    def close(self) -> None:
        """Close the segment being written (the next write opens a new one)."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = self._current = None

    def closed_segments(self) -> list[Path]:
        """The segments no write goes to any more, oldest first, after closing the open one."""
        with self._lock:
            self._close()
            if not self.folder.is_dir():
                return []
            return sorted(self.folder.glob(f"*{SUFFIX}"))

    def flush(self, write: Callable[[list[dict[str, Any]]], int]) -> tuple[int, int]:
        """Move every closed segment into the table with ``write`` (journal rows -> rows added,
        e.g. ``lambda rows: store(session, rows)``), deleting each segment once its rows are in.
        Returns (rows read, rows added). When ``write`` raises, the segments not yet written
        stay for the next flush."""
        read = added = 0
        segments = self.closed_segments()
        while segments:
            rows: list[dict[str, Any]] = []
            taken: list[Path] = []
            while segments and (not taken or len(rows) < MAX_FLUSH_ROWS):
                path = segments.pop(0)
                rows.extend(journal_rows(path.read_bytes()))
                taken.append(path)
            if rows:
                added += write(rows)
                read += len(rows)
            for path in taken:
                path.unlink(missing_ok=True)
        return read, added
