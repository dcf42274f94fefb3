"""Where long work reports (an import, the demo): :class:`Events`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

Update = Callable[[int, int | None], None]


class Events:
    """Where long work reports. The default is silent; the CLI prints each ``note`` (a text key
    of :mod:`cxray.texts` and its parameters) and draws each ``bar``."""

    def note(self, key: str, **params: Any) -> None:
        """A line for the user (``key`` and ``params`` are a text of :mod:`cxray.texts`)."""

    def status(self, key: str, **params: Any) -> None:
        """A line about what is starting (shown apart from results, e.g. on stderr)."""

    @contextlib.contextmanager
    def bar(self, key: str, *, unit: str = "rows", **params: Any) -> Iterator[Update]:
        """A progress bar titled by ``key``: yields ``update(done, total)``, counted in ``unit``
        (``"rows"`` or ``"bytes"``; a shell shows the count and its rate per second)."""
        yield lambda done, total: None
