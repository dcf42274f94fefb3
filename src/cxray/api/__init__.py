"""The one layer every consumer calls: the CLI, the report, the web server, benchmarks and
notebooks.

>>> import cxray
>>> ws = cxray.open("cxray-workspace")                      # doctest: +SKIP
>>> ws.structure(as_of="2026-10-31").to_dict()["key"]       # doctest: +SKIP

:func:`open` reads an existing workspace; :func:`import_file` and :func:`demo` create one.
Every method returns a :class:`Result` (``to_dict()``, ``to_pandas()``, ``to_arrow()``,
``warnings``). See docs/python-api.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cxray.analytics.rfm import SEGMENT_RULES
from cxray.api.campaigns import CampaignSession
from cxray.api.create import Events, demo, import_file
from cxray.api.results import Notice, Result
from cxray.api.session import Session, parse_day
from cxray.demo import DEFAULT_AS_OF as DEMO_AS_OF
from cxray.ingest.schema import TABLES
from cxray.workspace import DB_FILE, Workspace, default_path

__all__ = [
    "DEMO_AS_OF",
    "SEGMENT_RULES",
    "TABLES",
    "CampaignSession",
    "Events",
    "Notice",
    "Result",
    "Session",
    "campaign",
    "demo",
    "exists",
    "import_file",
    "open",
    "parse_day",
]


def open(  # noqa: A001 - cxray.open reads like the built-in on purpose
    path_or_url: str | Path | None = None,
    *,
    backend: str | None = None,
    read_only: bool = True,
) -> Session:
    """A session over an existing workspace.

    ``path_or_url``: the workspace folder (default ``$CXRAY_WORKSPACE`` or
    ``./cxray-workspace``), or an Ibis backend URL (``pyspark://``, ``postgres://...``) in
    place of ``backend``. Raises CxrayError ``no_workspace`` when the folder holds no
    workspace, and creates nothing. ``read_only=False`` is needed to import files and to store
    follow-up tasks.
    """
    path = path_or_url
    if path is not None and "://" in str(path):
        path, backend = None, str(path_or_url)
    return Session(Workspace(path, backend=backend, read_only=read_only, create=False))


def exists(path: str | Path | None = None, *, backend: str | None = None) -> bool:
    """Whether :func:`open` finds a workspace: a backend URL always counts; a folder counts
    when it holds the workspace's database."""
    if backend or (path is not None and "://" in str(path)):
        return True
    folder = Path(path) if path is not None else default_path()
    return (folder / DB_FILE).exists()


def campaign(source: str | Path | dict[str, Any]) -> CampaignSession:
    """A campaign file (or mapping) checked without a workspace: ``cxray.campaign(f).check()``."""
    return CampaignSession(None, source)
