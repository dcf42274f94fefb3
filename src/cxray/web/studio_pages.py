"""The campaign studio's pages: the campaigns with their states, the brief editor (checked as it
is typed, with the audience's waterfall), submission, a second person's approval or rejection,
the export and its downloads, each campaign's measurement and the portfolio line. Every page
calls ``session.studio`` (:mod:`cxray.api.studio`) through the server's state."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cxray.errors import CxrayError
from cxray.phrases import (
    measurement_sentence,
    note_text,
    offer_lines,
    offer_relevance_rows,
    portfolio_sentence,
    step_label,
)
from cxray.report import charts
from cxray.report.html import measurement_html
from cxray.texts import t
from cxray.web.access import User, check_csrf, page_access
from cxray.web.campaign_form import DEFAULTS, campaign_form, form_campaign
from cxray.web.render import render_page
from cxray.web.statuses import status_of

router = APIRouter(include_in_schema=False)
Editor = Annotated[User, page_access("campaigns")]
Approver = Annotated[User, page_access("approve_campaigns")]
Exporter = Annotated[User, page_access("export")]


def _studio(request: Request, fn: Any) -> Any:
    return request.app.state.web.run(lambda s: fn(s.studio))


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items()}


def _checked(request: Request, user: User, campaign: dict[str, Any], name: str | None) -> str:
    """The check panel for ``campaign``: its problems, else its waterfall and split."""
    preview = _studio(request, lambda st: st.preview(campaign, name=name))
    errors = [CxrayError(e["code"], **e["params"]).message(user.lang)
              for e in preview.to_dict()["errors"]]  # fmt: skip
    plan = preview.value
    shown = preview.to_dict()
    offer = offer_lines(shown["offer"], user.lang) if shown["offer"] is not None else []
    relevance = shown["offer_relevance"]
    relevance = offer_relevance_rows(relevance, user.lang) if relevance is not None else None
    warned = [t(code, lang=user.lang) for code in (shown["offer_relevance"] or {}).get(
        "warnings", [])]  # fmt: skip
    steps, notes = [], []
    if plan is not None:
        top = math.log1p(max(plan.candidates, 1))
        steps = [{"label": step_label(step, user.lang), "removed": step.removed,
                  "after": step.after, "off": step.off,
                  "width": 100 * math.log1p(step.after) / top} for step in plan.steps]  # fmt: skip
        notes = [note_text(n, user.lang) for n in plan.notes]
    return render_page(request, user, "campaign_check.html", errors=errors, plan=plan,
                       steps=steps, notes=notes, offer=offer, relevance=relevance,
                       warned=warned).body.decode()  # fmt: skip


def _editor(
    request: Request, user: User, name: str | None, values: dict[str, str], *,
    status: int = 200, error: str | None = None, done: str | None = None,
    campaign: dict[str, Any] | None = None,
) -> HTMLResponse:  # fmt: skip
    detail = None
    if name is not None:
        detail = _studio(request, lambda st: st.campaign(name, actor=user.login)).to_dict()
    check = _checked(request, user, campaign if campaign is not None else form_campaign(values),
                     name)  # fmt: skip
    return render_page(
        request, user, "campaign.html", status_code=status, name=name, values=values,
        detail=detail, check=check, error=error, done=done, csrf=user.csrf,
        quoted=quote(name or ""),
    )  # fmt: skip


@router.get("/campaigns")
def campaigns(request: Request, user: Editor) -> Response:
    state = request.app.state.web
    listed = state.studio_kept(("campaigns", None), lambda s: s.studio.campaigns()).to_dict()
    return render_page(request, user, "campaigns.html", listed=listed)


@router.get("/campaigns/new")
def new_campaign(request: Request, user: Editor) -> Response:
    return _editor(request, user, None, dict(DEFAULTS))


@router.post("/campaigns/new")
async def create_campaign(request: Request, user: Editor) -> Response:
    form = await _form(request)
    check_csrf(user, form.get("csrf"))
    return _save(request, user, None, form)


@router.post("/campaigns/preview")
async def preview(request: Request, user: Editor) -> Response:
    """The check panel for the form as it is typed (the editor's script asks for it)."""
    form = await _form(request)
    check_csrf(user, form.get("csrf"))
    name = form.get("file") or None
    return HTMLResponse(_checked(request, user, form_campaign(form), name))


@router.get("/campaigns/results")
def results(request: Request, user: Editor) -> Response:
    state = request.app.state.web
    found = state.studio_kept(("portfolio", None), lambda s: s.studio.portfolio())
    payload = found.to_dict()
    sentences = []
    for row in payload["campaigns"]:
        m = state.studio_kept(("measurement", row["name"], None),
                              lambda s, n=row["name"]: s.studio.measurement(n)).value  # fmt: skip
        sentences.append((row, measurement_sentence(m, row["name"], user.lang)))
    with charts.numbers_in(user.lang):
        chart = _portfolio_chart(payload, user)
    return render_page(request, user, "campaign_results.html", portfolio=payload,
                       sentence=portfolio_sentence(payload, user.lang), chart=chart,
                       sentences=sentences)  # fmt: skip


def _portfolio_chart(p: dict[str, Any], user: User) -> str:
    if not p.get("measured"):
        return ""
    from cxray.texts import t

    labels = [t(f"web_portfolio_{k}", lang=user.lang) for k in ("sales", "claimed", "added")]
    values = [p["sales"] or 0, p["attributed_revenue"], max(p["incremental_revenue"], 0)]
    low, high = charts.number(p["incremental_ci_low"]), charts.number(p["incremental_ci_high"])
    shown = [charts.number(p["sales"]), charts.number(p["attributed_revenue"]),
             f"{charts.number(p['incremental_revenue'])} [{low}; {high}]"]  # fmt: skip
    return charts.hbar_chart(labels, values, value_labels=shown)


@router.get("/campaigns/{name}")
def campaign(request: Request, name: str, user: Editor, done: str | None = None) -> Response:
    import yaml

    detail = _studio(request, lambda st: st.campaign(name)).to_dict()
    raw = detail["campaign"]
    if raw is None:  # a file that fails its check: its fields as far as they can be read
        try:
            raw = yaml.safe_load(detail["yaml"])
        except yaml.YAMLError:
            raw = None
    done = done if done in ("saved", "unchanged", "submit", "approve", "reject", "export") else None
    error = None if detail["ok"] else CxrayError(**_error_args(detail["error"])).message(user.lang)
    return _editor(request, user, name, campaign_form(raw), error=error, done=done,
                   campaign=raw if isinstance(raw, dict) else {})  # fmt: skip


def _error_args(error: dict[str, Any]) -> dict[str, Any]:
    return {"key": error["code"], **error["params"]}


@router.post("/campaigns/{name}")
async def save_campaign(request: Request, name: str, user: Editor) -> Response:
    form = await _form(request)
    check_csrf(user, form.get("csrf"))
    return _save(request, user, name, form)


def _save(request: Request, user: User, name: str | None, form: dict[str, str]) -> Response:
    mapping = form_campaign(form)
    try:
        saved = _studio(request, lambda st: st.save(mapping, actor=user.login, name=name))
    except CxrayError as err:  # refused: the form keeps what was typed, with the reason
        status = status_of(err.key)
        if err.key == "campaign_not_found":
            raise
        return _editor(request, user, name, form, status=status, error=err.message(user.lang))
    request.app.state.web.changed()
    done = "saved" if saved.to_dict()["changed"] else "unchanged"
    return RedirectResponse(f"/campaigns/{quote(saved.to_dict()['name'])}?done={done}",
                            status_code=303)  # fmt: skip


def _action(request: Request, user: User, name: str, action: str, form: dict[str, str]) -> Response:
    comment = form.get("comment") or None
    calls = {
        "submit": lambda st: st.submit(name, actor=user.login, comment=comment),
        "approve": lambda st: st.approve(name, actor=user.login, comment=comment),
        "reject": lambda st: st.reject(name, actor=user.login, comment=comment or ""),
        "export": lambda st: st.export(name, actor=user.login,
                                       reapprove_above=_share(form.get("reapprove_above"))),
    }  # fmt: skip
    try:
        _studio(request, calls[action])
    except CxrayError as err:
        if err.key == "campaign_not_found":
            raise
        request.app.state.web.changed()  # a refused export may have asked for re-approval
        detail = _studio(request, lambda st: st.campaign(name)).to_dict()
        return _editor(request, user, name, campaign_form(detail["campaign"]),
                       status=status_of(err.key), error=err.message(user.lang),
                       campaign=detail["campaign"] or {})  # fmt: skip
    request.app.state.web.changed()
    return RedirectResponse(f"/campaigns/{quote(name)}?done={action}", status_code=303)


def _share(text: str | None) -> float:
    """``reapprove_above`` from the form: a percentage (default 5)."""
    from cxray.api.studio import REAPPROVE_ABOVE

    try:
        return float((text or "").replace(",", ".")) / 100 if text else REAPPROVE_ABOVE
    except ValueError:
        raise CxrayError("bad_parameter", detail=f"re-approval threshold {text!r}") from None


@router.post("/campaigns/{name}/submit")
async def submit(request: Request, name: str, user: Editor) -> Response:
    return await _posted(request, user, name, "submit")


@router.post("/campaigns/{name}/approve")
async def approve(request: Request, name: str, user: Approver) -> Response:
    return await _posted(request, user, name, "approve")


@router.post("/campaigns/{name}/reject")
async def reject(request: Request, name: str, user: Approver) -> Response:
    return await _posted(request, user, name, "reject")


@router.post("/campaigns/{name}/export")
async def export(request: Request, name: str, user: Exporter) -> Response:
    return await _posted(request, user, name, "export")


async def _posted(request: Request, user: User, name: str, action: str) -> Response:
    form = await _form(request)
    check_csrf(user, form.get("csrf"))
    return _action(request, user, name, action, form)


@router.get("/campaigns/{name}/measurement")
def measurement(request: Request, name: str, user: Editor) -> Response:
    state = request.app.state.web
    try:
        found = state.studio_kept(("measurement", name, None),
                                  lambda s: s.studio.measurement(name))  # fmt: skip
    except ValueError as err:  # no sends of the campaign yet, or its window not begun
        return render_page(request, user, "campaign_measure.html", name=name, body=None,
                           waiting=str(err), payload=None, sentence=None)  # fmt: skip
    m = found.value
    detail = _studio(request, lambda st: st.campaign(name)).to_dict()
    title = (detail["campaign"] or {}).get("name") or name
    return render_page(
        request, user, "campaign_measure.html", name=name, body=measurement_html(m, user.lang),
        payload=found.to_dict(), sentence=measurement_sentence(m, title, user.lang),
        waiting=None, title=title,
    )  # fmt: skip
