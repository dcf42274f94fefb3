"""The ways a workspace comes to exist: importing a file into it, generating the demo, or
:func:`init` (an empty one). A demo workspace is marked as one, and imports into it are refused.

Both create the workspace folder when it is missing; a first import that fails leaves no folder
behind. Long steps report through ``events`` (see :class:`Events`): a shell shows them as lines
and progress bars in the user's language.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path
from typing import Any

from cxray.api.dates import parse_day
from cxray.api.events import Events
from cxray.api.outputs import output_folder
from cxray.api.results import Result
from cxray.api.session import Session
from cxray.errors import CxrayError
from cxray.ingest.read import progress_unit
from cxray.ingest.schema import TABLES
from cxray.workspace import META, Workspace, default_path, holds_workspace, masked_url


def import_file(
    table: str,
    file: Path | str,
    *,
    workspace: Path | str | None = None,
    backend: str | None = None,
    maps: list[str] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    date_format: str | None = None,
    identical_lines: str = "keep",
    events: Events | None = None,
    wait: float | None = None,
) -> Result:
    """Import ``file`` into the canonical ``table`` of the workspace folder ``workspace``
    (default ``./cxray-workspace``; created when missing) or of the ``backend`` URL.

    ``date_format`` (strftime syntax, e.g. ``"%m/%d/%Y %H:%M"``) reads every date column of the
    file; ``identical_lines="reject"`` rejects identical lines of one order in a file without
    line numbers (by default they are kept as separate lines). ``wait``: seconds to wait while
    another process writes the workspace (see :func:`cxray.open`).

    A file that cannot be read raises CxrayError and changes nothing; when it was the first
    import, no workspace is left behind (except when every row was rejected: the rejects file
    it names is kept). A workspace the demo filled refuses imports (``import_into_demo``).
    ``maps`` may also name related columns (``"Country=customers.region"``), see
    :mod:`cxray.ingest.related`.
    """
    if table not in TABLES:
        raise CxrayError("unknown_table", table=table, known=", ".join(TABLES))
    events = events or Events()
    folder = Path(workspace) if workspace is not None else default_path()
    fresh = backend is None and not folder.exists()
    try:
        with (
            Session(Workspace(folder, backend=backend, create=True, wait=wait)) as session,
            events.bar("import_progress", unit=progress_unit(file), file=Path(file).name) as update,
        ):
            return session.import_file(
                table, file, maps=maps, sep=sep, encoding=encoding, date_format=date_format,
                identical_lines=identical_lines, progress=update,
            )  # fmt: skip
    except CxrayError as err:
        if fresh and err.key != "all_rows_rejected":
            shutil.rmtree(folder, ignore_errors=True)
        raise


def init(
    path: Path | str | None = None, *, backend: str | None = None, wait: float | None = None
) -> Result:
    """Create an empty workspace for your own data in the folder ``path`` (default
    ``./cxray-workspace``), or on the ``backend`` URL. Refuses (CxrayError
    ``workspace_exists``, nothing changed) a folder or backend that already holds a workspace,
    the demo's included."""
    folder = Path(path) if path is not None else default_path()
    where = backend or str(folder)
    if backend is None and holds_workspace(folder):
        raise CxrayError("workspace_exists", path=where)
    with Workspace(folder, backend=backend, create=True, wait=wait) as ws:
        if backend is not None and any(ws.has(name) for name in (*TABLES, META)):
            raise CxrayError("workspace_exists", path=where)
        ws.set_meta("kind", "real")
    return Result("init", {"path": str(folder), "backend": backend, "kind": "real"})


def _csv_name(table: str) -> str:
    return f"{table}.csv"


def _demo_files(streamed: bool, campaigns: list[Path]) -> list[str]:
    """The files the demo writes into its ``out`` folder: one per canonical table (Parquet when
    streamed, as :func:`cxray.demo.retail.write` names them; else CSV, plus the campaign
    files in ``campaigns/``)."""
    if streamed:
        from cxray.demo.retail import parquet_name

        return [*map(parquet_name, TABLES)]
    from cxray.demo import initiative_files

    return [
        *map(_csv_name, TABLES),
        *(f"campaigns/{path.name}" for path in campaigns),
        *(f"initiatives/{path.name}" for path in initiative_files()),
    ]


def _demo_web(ws: Workspace) -> None:
    """The b2b demo's web settings (the product lines' pages, the funnel when the workspace
    has that setting) and its actions over the site's events."""
    from cxray.demo.b2b_food import WEB_ACTIONS, WEB_FUNNEL, WEB_LINE_PAGES
    from cxray.workspace import SETTINGS

    ws.set_setting("web_line_pages", WEB_LINE_PAGES)
    web = Session(ws).web
    for name, rule in WEB_ACTIONS:
        web.add_action(name, **rule, by="demo")
    if "web_funnel" in SETTINGS:
        ws.set_setting("web_funnel", WEB_FUNNEL)


def demo(
    profile: str = "b2b-food",
    *,
    workspace: Path | str | None = None,
    backend: str | None = None,
    seed: int = 42,
    as_of: dt.date | str | None = None,
    out: Path | str | None = None,
    lines: int | None = None,
    customers: int | None = None,
    events: Events | None = None,
    wait: float | None = None,
    force: bool = False,
) -> Result:
    """Generate a synthetic company into the workspace, replacing its tables.

    ``b2b-food`` is generated in memory (``out``: also write its tables as CSV files there);
    ``retail`` is streamed to Parquet files (``out``, default ``demo-retail/`` in the
    workspace folder) of ``lines`` order lines or ``customers`` card holders and loaded through
    the importer. The demo's campaign files are copied to the workspace's ``campaigns/``
    folder and its initiative files to ``initiatives/`` (and both to ``out``). Same seed, same
    data. A file of these already in ``out`` is refused before anything is generated or
    replaced (CxrayError ``output_exists``) unless ``force``.
    """
    from cxray.demo import (
        DEFAULT_AS_OF,
        PROFILES,
        STREAMED_PROFILES,
        campaign_files,
        close_demo_followups,
        generate,
        initiative_files,
    )

    if profile not in PROFILES and profile not in STREAMED_PROFILES:
        known = ", ".join([*PROFILES, *STREAMED_PROFILES])
        raise CxrayError("unknown_profile", profile=profile, known=known)
    streamed = profile in STREAMED_PROFILES
    if streamed and lines is not None and customers is not None:
        raise CxrayError("demo_lines_or_customers")
    if not streamed and (lines is not None or customers is not None):
        raise CxrayError(
            "demo_size_streamed_only", profile=profile, streamed=", ".join(STREAMED_PROFILES)
        )
    events = events or Events()
    day = parse_day(as_of, "--as-of") or DEFAULT_AS_OF
    if out is not None:
        out = output_folder(out, _demo_files(streamed, campaign_files()), force=force)
    started = time.perf_counter()
    events.status("demo_generating", profile=profile, seed=seed, as_of=day)
    imported: dict[str, Any] = {}
    with Workspace(workspace, backend=backend, create=True, wait=wait) as ws:
        if ws.meta("kind") == "real":  # imported files or `cxray init`: never replace them
            raise CxrayError("demo_over_real", path=masked_url(ws.backend_url or str(ws.path)))
        if streamed:
            folder = out if out is not None else ws.path / f"demo-{profile}"
            with events.bar("demo_writing", unit="bytes", path=folder) as update:
                paths = STREAMED_PROFILES[profile](
                    folder, seed=seed, as_of=day, lines=lines, customers=customers,
                    progress=update,
                )  # fmt: skip
            size = sum(path.stat().st_size for path in paths.values())
            events.note(
                "demo_files_written", n=len(paths), mb=size / 1e6, path=folder,
                seconds=time.perf_counter() - started,
            )  # fmt: skip
            ws.replace_all({})
            session = Session(ws)
            for table, path in paths.items():
                begun = time.perf_counter()
                with events.bar("import_progress", file=path.name) as update:  # Parquet: rows
                    result = session.import_file(table, path, progress=update)
                imported[table] = result.to_dict()
                events.note(
                    "demo_imported", table=table, rows=result.rows_read,
                    rejected=result.rejected, seconds=time.perf_counter() - begun,
                )  # fmt: skip
            frames = {}
        else:
            frames = generate(profile, seed=seed, as_of=day)
            ws.replace_all(frames)
            imported = {name: {"rows_read": len(frame)} for name, frame in frames.items()}
            _demo_web(ws)
        close_demo_followups(ws, as_of=day)
        ws.set_meta("kind", "demo")  # imports into it are refused from now on
        path = ws.path
    events.note("demo_done", path=path, seconds=time.perf_counter() - started)
    # the b2b demo's campaign files go to the workspace (the report reads them) and to --out
    for folder in [] if streamed else [path, *([out] if out is not None else [])]:
        (folder / "campaigns").mkdir(parents=True, exist_ok=True)
        for source in campaign_files():
            shutil.copy(source, folder / "campaigns" / source.name)
        (folder / "initiatives").mkdir(parents=True, exist_ok=True)
        for source in initiative_files():
            shutil.copy(source, folder / "initiatives" / source.name)
    if out is not None and frames:
        for name, frame in frames.items():
            frame.to_csv(out / _csv_name(name), index=False)
        events.note("demo_csv", path=out)
    payload = {"profile": profile, "seed": seed, "as_of": day, "path": str(path),
               "tables": imported}  # fmt: skip
    return Result("demo", payload, as_of=day)
