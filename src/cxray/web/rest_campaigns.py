"""Campaigns over the REST API: the campaign studio (``session.studio``) -- the campaign files
of the workspace's ``campaigns/`` folder with their states, previewed, saved, submitted,
approved or rejected by a second person, exported and measured -- and each file checked,
planned or measured as ``cxray campaign check|plan|measure`` does.

Every answer is the API result's ``to_dict()``. Writes go through the server's one request at a
time and drop its kept answers. An exported list downloaded as CSV is contact data leaving the
server: audited as ``export_downloaded``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response

from cxray.api.report import campaign_files
from cxray.api.studio import REAPPROVE_ABOVE
from cxray.errors import CxrayError
from cxray.web.access import User, api_access
from cxray.web.rest import answer

router = APIRouter(tags=["campaigns"])
Marketer = Annotated[User, api_access("campaigns")]
Approver = Annotated[User, api_access("approve_campaigns")]
Exporter = Annotated[User, api_access("export")]
Mapping = Annotated[dict[str, Any], Body(description="The campaign, in the file's shape.")]
Comment = Annotated[str | None, Body(embed=True)]


def _files(request: Request) -> dict[str, Path]:
    folder = request.app.state.web.session.path
    return {p.stem: p for p in campaign_files(folder / "campaigns" if folder else None)}


def _file(request: Request, name: str) -> Path:
    found = _files(request).get(name)
    if found is None:
        raise CxrayError("campaign_not_found", file=name)
    return found


def _write(request: Request, method: str, *args: Any, **options: Any) -> Any:
    """The answer of the studio's ``method`` that writes (one request at a time); the server's
    kept answers are dropped after it."""
    state = request.app.state.web
    try:
        return state.run(lambda s: getattr(s.studio, method)(*args, **options).to_dict())
    finally:
        state.changed()  # a refused export still records that the audience changed


# --- the campaign studio (``portfolio`` and ``preview`` before ``{name}``) ------------------


@router.get("/campaigns")
def campaigns(request: Request, user: Marketer, as_of: str | None = None) -> Response:
    """Every campaign file (``name``: the file's stem, used in the other endpoints) with its
    state, channel, start, audience and, once measured, its verdict; a file that fails its
    check shows ``ok`` false and the error's code."""
    state = request.app.state.web
    payload = state.studio_kept(("campaigns", as_of), lambda s: s.studio.campaigns(as_of))
    payload = payload.to_dict()
    return answer(payload, user)


@router.get("/campaigns/portfolio")
def portfolio(request: Request, user: Marketer, as_of: str | None = None) -> Response:
    """Every measured campaign summed: incremental revenue with its 95% interval against the
    revenue the campaigns' attribution claims, both also as shares of all sales."""
    state = request.app.state.web
    payload = state.studio_kept(("portfolio", as_of), lambda s: s.studio.portfolio(as_of))
    payload = payload.to_dict()
    return answer(payload, user)


@router.post("/campaigns/preview")
def preview(
    request: Request, user: Marketer, campaign: Mapping, as_of: str | None = None
) -> Response:
    """Check a campaign not saved yet (the body: the campaign mapping) and, when it passes,
    its plan at ``as_of``; nothing is written."""
    payload = request.app.state.web.run(lambda s: s.studio.preview(campaign, as_of).to_dict())
    return answer(payload, user)


@router.post("/campaigns")
def create(
    request: Request, user: Marketer, campaign: Mapping, as_of: str | None = None
) -> Response:
    """Save a new campaign file named after the campaign's id (409 ``campaign_exists`` when
    there is one); the campaign must pass its check and plan against the data."""
    payload = _write(request, "save", campaign, actor=user.actor, as_of=as_of)
    return answer(payload, user)


@router.get("/campaigns/{name}")
def campaign(request: Request, name: str, user: Marketer, as_of: str | None = None) -> Response:
    """One campaign: its file's text, the checked campaign, its state, its history, the latest
    approval and export, and ``can``: the actions the signed-in user may take now."""
    payload = request.app.state.web.run(
        lambda s: s.studio.campaign(name, actor=user.actor, as_of=as_of).to_dict()
    )
    return answer(payload, user)


@router.put("/campaigns/{name}")
def save(
    request: Request, name: str, user: Marketer, campaign: Mapping, as_of: str | None = None
) -> Response:
    """Save the campaign (the body) to the file ``name``; a submitted or approved campaign
    goes back to draft, an exported one is not changed (409 ``campaign_locked``)."""
    payload = _write(request, "save", campaign, actor=user.actor, name=name, as_of=as_of)
    return answer(payload, user)


@router.post("/campaigns/{name}/submit")
def submit(request: Request, name: str, user: Marketer, comment: Comment = None) -> Response:
    """Ask for a second person's approval."""
    payload = _write(request, "submit", name, actor=user.actor, comment=comment)
    return answer(payload, user)


@router.post("/campaigns/{name}/approve")
def approve(
    request: Request, name: str, user: Approver, comment: Comment = None,
    as_of: str | None = None,
) -> Response:  # fmt: skip
    """Approve a submitted campaign (not one's own: 403 ``campaign_own_approval``); the plan
    at this moment is recorded."""
    payload = _write(request, "approve", name, actor=user.actor, comment=comment, as_of=as_of)
    return answer(payload, user)


@router.post("/campaigns/{name}/reject")
def reject(request: Request, name: str, user: Approver, comment: Comment = None) -> Response:
    """Send a submitted campaign back to its author with a comment (required)."""
    payload = _write(request, "reject", name, actor=user.actor, comment=comment or "")
    return answer(payload, user)


@router.post("/campaigns/{name}/export")
def export(
    request: Request, name: str, user: Exporter, as_of: str | None = None,
    reapprove_above: Annotated[float, Query(ge=0, lt=1)] = REAPPROVE_ABOVE,
) -> Response:  # fmt: skip
    """Export an approved campaign: its target and control lists written on the server and
    its planned sends recorded. An audience changed since the approval by more than
    ``reapprove_above`` (a share) sends it back for approval (409
    ``campaign_reapproval_needed``)."""
    payload = _write(request, "export", name, actor=user.actor, as_of=as_of,
                     reapprove_above=reapprove_above)  # fmt: skip
    return answer(payload, user)


@router.get("/campaigns/{name}/download/{group}")
def download(
    request: Request, name: str, group: Literal["target", "control"], user: Exporter
) -> Response:
    """The target or control list of the campaign's latest export as CSV (404
    ``campaign_not_exported`` before one); audited as ``export_downloaded``."""
    state = request.app.state.web
    path = state.run(lambda s: s.studio.download(name, group))
    body = path.read_bytes()
    rows = sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8-sig")))) - 1
    state.run(lambda s: s.accounts.record(
        "export_downloaded", actor=user.actor, target=name,
        details={"group": group, "rows": rows}))  # fmt: skip
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{path.name}"'})  # fmt: skip


@router.get("/campaigns/{name}/history")
def history(request: Request, name: str, user: Marketer) -> Response:
    """Every event of the campaign, oldest first: who, when, what, with the diff of each
    save."""
    payload = request.app.state.web.run(lambda s: s.studio.history(name).to_dict())
    return answer(payload, user)


@router.get("/campaigns/{name}/measurement")
def measurement(request: Request, name: str, user: Marketer, as_of: str | None = None) -> Response:
    """The campaign's uplift table (as ``cxray campaign measure``) with ``window_ended``."""
    state = request.app.state.web
    found = state.studio_kept(("measurement", name, as_of),
                              lambda s: s.studio.measurement(name, as_of))  # fmt: skip
    payload = found.to_dict()
    return answer(payload, user)


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
