"""The website page ``/web``: the actions defined over captured web events with their counts, a
form to define one and to remove one (``define_actions``; CSRF), a funnel of chosen actions
with its chart, and the most frequent paths; the snippet's tag when nothing was captured."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from cxray.api.web import DEFAULT_DAYS, EVENT_TYPES, MAX_FUNNEL_STEPS
from cxray.errors import CxrayError
from cxray.phrases import web_action_rows, web_funnel_rows, web_path_rows
from cxray.report.charts import numbers_in
from cxray.report.html import web_funnel_chart
from cxray.web import site
from cxray.web.access import User, check_csrf, page_access
from cxray.web.render import render_page
from cxray.web.rest_site import MAX_DAYS

router = APIRouter(include_in_schema=False)
Viewer = Annotated[User, page_access("view")]
Definer = Annotated[User, page_access("define_actions")]
Days = Annotated[int, Query(ge=1, le=MAX_DAYS)]
FormText = Annotated[str, Form()]


@router.get("/web")
def site_page(
    request: Request, user: Viewer, as_of: str | None = None, days: Days = DEFAULT_DAYS,
    steps: Annotated[list[str] | None, Query()] = None,
    within: Annotated[int, Query(ge=1, le=MAX_DAYS)] = 7,
    start: str | None = None, pages: Annotated[int, Query(ge=1, le=10)] = 3,
) -> Response:  # fmt: skip
    return _site(request, user, as_of=as_of or None, days=days, steps=site.split_steps(steps),
                 within=within, start=start or None, pages=pages)  # fmt: skip


def _site(request: Request, user: User, *, status: int = 200, error: str | None = None,
          form: dict[str, str] | None = None, as_of: str | None = None, days: int = DEFAULT_DAYS,
          steps: list[str] | None = None, within: int = 7, start: str | None = None,
          pages: int = 3) -> Response:  # fmt: skip
    state = request.app.state.web
    found = site.actions_answer(state, as_of, days=days)
    paths = site.paths_answer(state, as_of, start=start, steps=pages, top=20, days=days)
    codes = {w["code"] for w in found["warnings"]}
    funnel, funnel_error = None, None
    if steps and len(steps) >= 2:
        try:
            funnel = site.funnel_answer(state, steps, as_of, within=within, days=days)
        except CxrayError as err:  # an unknown action or too many steps: said by the form
            funnel_error = err.message(user.lang)
    with numbers_in(user.lang):
        shown = {
            "action_rows": list(zip(web_action_rows(found, user.lang), found["actions"],
                                    strict=True)),
            "funnel_rows": web_funnel_rows(funnel, user.lang) if funnel else [],
            "funnel_chart": web_funnel_chart(funnel, user.lang) if funnel else "",
            "path_rows": web_path_rows(paths, user.lang),
        }  # fmt: skip
    chosen = (steps or [])[:MAX_FUNNEL_STEPS]
    context: dict[str, Any] = dict(
        found=found, paths=paths, funnel=funnel, funnel_error=funnel_error,
        no_events="web_events_none" in codes, no_actions="web_actions_none" in codes,
        event_types=EVENT_TYPES, chosen=chosen + [""] * (MAX_FUNNEL_STEPS - len(chosen)),
        as_of=as_of or "", days=days, within=within, start=start or "", pages=pages,
        error=error, form=form or {}, can_define=user.can("define_actions"),
        snippet_url=str(request.base_url).rstrip("/") + "/t.js",
        json_url="/api/v1/web/actions",
    )  # fmt: skip
    return render_page(request, user, "web.html", status_code=status, **context, **shown)


@router.post("/web/actions")
def site_define(
    request: Request, user: Definer, name: FormText = "", url: FormText = "",
    selector: FormText = "", text: FormText = "", event: FormText = "", csrf: FormText = "",
) -> Response:  # fmt: skip
    check_csrf(user, csrf)
    rule = {"url": url, "selector": selector, "text": text, "event": event}
    try:
        site.define_action(request.app.state.web, user, name, rule)
    except CxrayError as err:  # shown above the form, which keeps what was typed
        return _site(request, user, status=400, error=err.message(user.lang),
                     form={"name": name, **rule})  # fmt: skip
    return RedirectResponse("/web", status_code=303)


@router.post("/web/actions/{name}/remove")
def site_remove(request: Request, name: str, user: Definer, csrf: FormText = "") -> Response:
    check_csrf(user, csrf)
    site.remove_action(request.app.state.web, user, name)
    return RedirectResponse("/web", status_code=303)
