"""Campaigns over the REST API: the campaign files of the workspace's ``campaigns/`` folder,
each checked, planned or measured as ``cxray campaign check|plan|measure`` does, and its target
or control list downloaded as CSV (contact data leaving the server: audited)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from cxray.api.report import campaign_files
from cxray.errors import CxrayError
from cxray.web.access import User, api_access
from cxray.web.rest import answer

router = APIRouter(tags=["campaigns"])
Marketer = Annotated[User, api_access("campaigns")]


def _files(request: Request) -> dict[str, Path]:
    folder = request.app.state.web.session.path
    return {p.stem: p for p in campaign_files(folder / "campaigns" if folder else None)}


def _file(request: Request, name: str) -> Path:
    found = _files(request).get(name)
    if found is None:
        raise CxrayError("campaign_not_found", file=name)
    return found


@router.get("/campaigns")
def campaigns(request: Request, user: Marketer) -> Response:
    """The campaign files of the workspace (``name``: the file's stem, used in the other
    endpoints), each with its check: ``ok`` and the campaign, or the error's code."""
    rows: list[dict[str, Any]] = []
    for name, path in _files(request).items():
        try:
            checked = request.app.state.web.run(lambda s, p=path: s.campaign(p).check().to_dict())
            rows.append({"name": name, **checked})
        except CxrayError as err:
            rows.append({"name": name, "ok": False, "error": err.key})
    return answer({"campaigns": rows}, user)


def _campaign_endpoint(step: str) -> None:
    def endpoint(request: Request, name: str, user: Marketer, as_of: str | None = None) -> Response:
        path = _file(request, name)
        options = {} if step == "check" else {"as_of": as_of}
        key = ("campaign", step, name, as_of)
        payload = request.app.state.web.kept(
            key, lambda s: getattr(s.campaign(path), step)(**options).to_dict()
        )
        return answer(payload, user)

    endpoint.__name__ = f"campaign_{step}"
    endpoint.__doc__ = f"``cxray campaign {step}`` of the campaign file ``name``."
    router.add_api_route(f"/campaigns/{{name}}/{step}", endpoint, methods=["GET"])


for _step in ("check", "plan", "measure"):
    _campaign_endpoint(_step)


@router.get("/campaigns/{name}/export")
def export(
    request: Request, name: str, user: Annotated[User, api_access("export")],
    group: Annotated[str, Query(pattern="^(target|control)$")] = "target",
    as_of: str | None = None,
) -> Response:  # fmt: skip
    """The campaign's target (or control) list as CSV, as ``cxray campaign export`` writes it;
    audited as ``export_downloaded``."""
    path = _file(request, name)
    state = request.app.state.web
    folder = Path(tempfile.mkdtemp(prefix="cxray-export-"))
    try:
        result = state.run(lambda s: s.campaign(path).export(folder, as_of, force=True))
        written = result.value.export
        chosen = written.target_path if group == "target" else written.control_path
        body = chosen.read_bytes()
        rows = written.target_rows if group == "target" else written.control_rows
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    state.run(lambda s: s.accounts.record(
        "export_downloaded", actor=user.actor, target=name,
        details={"group": group, "rows": rows}))  # fmt: skip
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{chosen.name}"'})  # fmt: skip
