"""The one layer every consumer calls: the CLI, the report, the web server, benchmarks and
notebooks.

>>> import cxray
>>> ws = cxray.open("cxray-workspace")                      # doctest: +SKIP
>>> ws.structure(as_of="2026-10-31").to_dict()["key"]       # doctest: +SKIP

:func:`open` reads an existing workspace; :func:`init`, :func:`import_file` and :func:`demo`
create one.
Every method returns a :class:`Result` (``to_dict()``, ``to_pandas()``, ``to_arrow()``,
``warnings``). See docs/python-api.md.

Importing this package is cheap: the engine (Ibis, pandas, SciPy and the analytics) loads when
the first workspace is opened, so ``cxray --help`` and a mistyped command answer at once.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxray.api.dates import DateLike, parse_day
from cxray.api.events import Events
from cxray.demo.dates import DEFAULT_AS_OF as DEMO_AS_OF
from cxray.ingest.schema import TABLES

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.campaigns import CampaignSession
    from cxray.api.initiatives import InitiativeSession
    from cxray.api.results import Notice, Result
    from cxray.api.session import Session

__all__ = [
    "DEMO_AS_OF",
    "SEGMENT_RULES",
    "TABLES",
    "CampaignSession",
    "DateLike",
    "Events",
    "InitiativeSession",
    "Notice",
    "Result",
    "Session",
    "campaign",
    "demo",
    "describe_process",
    "exists",
    "import_file",
    "init",
    "initiative",
    "lint_offer",
    "open",
    "parse_day",
]

# name -> the module that defines it, imported on first use
_LAZY = {
    "CampaignSession": "cxray.api.campaigns",
    "InitiativeSession": "cxray.api.initiatives",
    "Notice": "cxray.api.results",
    "Result": "cxray.api.results",
    "Session": "cxray.api.session",
    "SEGMENT_RULES": "cxray.analytics.rfm",  # the RFM segment map is a definition, not a result
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cxray.api' has no attribute {name!r}")


def open(  # noqa: A001 - cxray.open reads like the built-in on purpose
    path_or_url: str | Path | None = None,
    *,
    backend: str | None = None,
    read_only: bool = True,
    wait: float | None = None,
) -> Session:
    """A session over an existing workspace.

    ``path_or_url``: the workspace folder (default ``$CXRAY_WORKSPACE`` or
    ``./cxray-workspace``), or an Ibis backend URL (``pyspark://``, ``postgres://...``) in
    place of ``backend``. Raises CxrayError ``no_workspace`` when the folder holds no
    workspace, and creates nothing. ``read_only=False`` is needed to import files and to store
    follow-up tasks.

    While another process writes the workspace (an import), it raises CxrayError
    ``workspace_busy`` naming that process; ``wait`` (seconds, default ``$CXRAY_WAIT``, else 0)
    waits for it to finish first.
    """
    from cxray.api.session import Session
    from cxray.workspace import Workspace

    path = path_or_url
    if path is not None and "://" in str(path):
        path, backend = None, str(path_or_url)
    return Session(Workspace(path, backend=backend, read_only=read_only, create=False, wait=wait))


def exists(path: str | Path | None = None, *, backend: str | None = None) -> bool:
    """Whether :func:`open` finds a workspace: a backend URL always counts; a folder counts
    when it holds the workspace's database."""
    from cxray.workspace import holds_workspace

    if backend or (path is not None and "://" in str(path)):
        return True
    return holds_workspace(path)


def describe_process(command: str | None) -> None:
    """Name what this process does (``cxray import``) for the others: while it writes a
    workspace, one that finds the workspace busy names this command, its PID and start time."""
    from cxray.lock import set_command

    set_command(command)


def campaign(source: str | Path | dict[str, Any]) -> CampaignSession:
    """A campaign file (or mapping) checked without a workspace: ``cxray.campaign(f).check()``."""
    from cxray.api.campaigns import CampaignSession

    return CampaignSession(None, source)


def initiative(source: str | Path | dict[str, Any]) -> InitiativeSession:
    """An initiative file (or mapping) checked without a workspace:
    ``cxray.initiative(f).check()``."""
    from cxray.api.initiatives import InitiativeSession

    return InitiativeSession(None, source)


def lint_offer(text: str) -> Result:
    """The offer lint of ``text`` without a workspace (the built-in stop phrases only); see
    :meth:`Session.lint_offer`."""
    from cxray.api.offers import lint

    return lint(text)


def import_file(table: str, file: str | Path, **options: Any) -> Result:
    """Import ``file`` into the canonical ``table``, creating the workspace when missing; see
    :func:`cxray.api.create.import_file` for the options (``workspace``, ``backend``, ``maps``,
    ``sep``, ``encoding``, ``date_format``, ``identical_lines``, ``events``, ``wait``)."""
    from cxray.api.create import import_file as run

    return run(table, file, **options)


def init(
    path: str | Path | None = None, *, backend: str | None = None, wait: float | None = None
) -> Result:
    """Create an empty workspace for your own data (refused where one exists); see
    :func:`cxray.api.create.init`."""
    from cxray.api.create import init as run

    return run(path, backend=backend, wait=wait)


def demo(profile: str = "b2b-food", **options: Any) -> Result:
    """Generate a synthetic company into the workspace, replacing its tables; see
    :func:`cxray.api.create.demo` for the options (``workspace``, ``seed``, ``as_of``, ``out``,
    ``lines``, ``customers``, ``events``, ``wait``)."""
    from cxray.api.create import demo as run

    return run(profile, **options)
