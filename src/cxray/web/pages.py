"""The pages of the web workspace: sign-in, the overview, one page per report, search, the
customer card, the follow-up queue, imports and the audit log. Each page parses its query,
calls the API through the server's state and renders a template; forms carry the session's
CSRF token."""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from cxray.api import TABLES
from cxray.errors import CxrayError
from cxray.report.charts import numbers_in
from cxray.texts import LANGS, t
from cxray.web.access import User, check_csrf, page_access
from cxray.web.customers import card_for
from cxray.web.render import render_page
from cxray.web.signin import COOKIE, LIFETIME
from cxray.web.uploads import ImportForm, import_form, run_import

router = APIRouter(include_in_schema=False)
SIGNIN_CSRF = "cxray_signin"  # the sign-in form's own token (double submit: cookie and field)
REPORT_PAGES = ("structure", "products", "whitespace", "rfm", "cohorts", "activation", "loyalty",
                "leads", "initiatives", "clv", "alerts", "feedback")  # fmt: skip

Viewer = Annotated[User, page_access("view")]


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


# --- signing in and out -----------------------------------------------------------------------


@router.get("/signin")
def signin_page(request: Request, next: str | None = None) -> Response:
    return _signin_form(request, next)


def _signin_form(
    request: Request, next: str | None, status: int = 200, key: str | None = None, **params: Any
) -> Response:
    """The sign-in form (with ``key``'s message after a refused attempt) and a fresh token
    for it, in a cookie and a hidden field."""
    token = secrets.token_urlsafe(24)
    message = t(key, lang=request.app.state.web.lang, **params) if key else None
    response = render_page(request, None, "signin.html", status_code=status,
                           next=_safe_next(next), csrf=token, message=message)  # fmt: skip
    response.set_cookie(SIGNIN_CSRF, token, httponly=True, samesite="strict",
                        secure=_secure(request), max_age=3600)  # fmt: skip
    return response


@router.post("/signin")
def signin(
    request: Request,
    login: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    state = request.app.state.web
    sent = request.cookies.get(SIGNIN_CSRF) or ""
    if not csrf or not secrets.compare_digest(sent, csrf):
        return _signin_form(request, next, 403, "web_bad_csrf")
    address = f"address:{request.client.host if request.client else '?'}"
    who = f"login:{login.strip().lower()}"
    wait = state.brake.wait(who, address)
    if wait > 0:
        return _signin_form(request, next, 429, "web_signin_wait", seconds=int(wait) + 1)
    check = state.run(lambda s: s.accounts.verify_password(login, password))
    if not check.ok:
        state.brake.failed(who, address)
        code = "web_signin_locked" if check.refused == "locked" else "web_signin_refused"
        return _signin_form(request, next, 401, code)
    state.brake.succeeded(who, address)
    user = check.user
    lang = user.get("lang") or state.lang
    session_id, _ = state.sessions.start(user["login"], user["role"], user.get("name"), lang)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, session_id, httponly=True, samesite="lax", secure=_secure(request),
                        max_age=int(LIFETIME.total_seconds()))  # fmt: skip
    response.delete_cookie(SIGNIN_CSRF)
    return response


@router.post("/signout")
def signout(request: Request, user: Viewer, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(user, csrf)
    state = request.app.state.web
    state.sessions.end(user.session_id)
    state.run(lambda s: s.accounts.record("signed_out", actor=user.actor))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.post("/language")
def language(
    request: Request, user: Viewer, lang: Annotated[str, Form()], csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:  # fmt: skip
    check_csrf(user, csrf)
    if lang not in LANGS:
        raise CxrayError("bad_parameter", detail=f"lang must be one of {', '.join(LANGS)}")
    state = request.app.state.web
    state.run(lambda s: s.accounts.set_language(user.login, lang, actor=user.actor))
    web = state.sessions.get(user.session_id)
    if web is not None:
        web.lang = lang
    return RedirectResponse(_safe_next(next), status_code=303)


# --- the overview and the report pages ----------------------------------------------------------


def report_data(request: Request, as_of: str | None, segment_by: str | None) -> Any:
    """The report's data for the filters, kept until the data changes."""
    state = request.app.state.web
    day, segment = state.report_key(as_of, segment_by)
    return state.kept(("report", day, segment, state.report_files()),
                      lambda s: s.report(day, segment_by=segment).value)  # fmt: skip


def _segment_columns(request: Request) -> list[str]:
    state = request.app.state.web
    not_segments = ("customer_id", "name", "first_contact_date")
    return state.kept(("segment_columns",), lambda s: [
        c for c in s.tables()["customers"].columns if c not in not_segments])  # fmt: skip


def _report_page(request: Request, user: User, page: str, as_of: str | None,
                 segment_by: str | None, **extra: Any) -> Response:  # fmt: skip
    from cxray.report.html import render_sections

    try:
        data = report_data(request, as_of, segment_by)
    except CxrayError as err:
        if err.key != "as_of_required":
            raise
        return render_page(request, user, "no_data.html", page=page)  # nothing imported yet
    # the sections as HTML, kept too: the overview's alerts alone are ~1.5 MB at 1M lines
    state = request.app.state.web
    key = ("page", page, data.as_of, segment_by or None, user.lang, state.report_files())
    body = state.kept(key, lambda s: render_sections(data, page, lang=user.lang))
    return render_page(
        request, user, "report_page.html", page=page, body=body, as_of=data.as_of,
        segment_by=segment_by or "", segment_columns=_segment_columns(request),
        json_url=f"/api/v1/{page}" if page != "overview" else "/api/v1/status", **extra,
    )  # fmt: skip


@router.get("/")
def overview(
    request: Request, user: Viewer, as_of: str | None = None, segment_by: str | None = None
) -> Response:
    state = request.app.state.web
    tasks = None
    if user.can("tasks"):
        day = state.tasks_day()
        tasks = state.kept(("followup_summary", day),
                           lambda s: s.followups(day, sync=False).summary)  # fmt: skip
    return _report_page(request, user, "overview", as_of, segment_by, tasks=tasks)


def _make_report_route(page: str) -> None:
    def route(
        request: Request, user: Viewer, as_of: str | None = None, segment_by: str | None = None
    ) -> Response:
        return _report_page(request, user, page, as_of, segment_by)

    route.__name__ = f"page_{page}"
    router.add_api_route(f"/{page}", route, methods=["GET"])


for _page in REPORT_PAGES:
    _make_report_route(_page)


# --- search and the customer card ----------------------------------------------------------


@router.get("/search")
def search(request: Request, user: Viewer, q: str = "") -> Response:
    found = request.app.state.web.kept(("search", q), lambda s: s.search(q, limit=50).to_dict())
    rows = found["customers"]
    if len(rows) == 1 and rows[0]["customer_id"] == q.strip():
        return RedirectResponse(f"/customers/{q.strip()}", status_code=303)
    return render_page(request, user, "search.html", q=q, customers=rows)


@router.get("/customers/{customer_id}")
def customer(
    request: Request, customer_id: str, user: Viewer, as_of: str | None = None
) -> Response:
    from cxray.web.cardview import lines_table, revenue_chart

    card = card_for(request.app.state.web, user, customer_id, as_of)
    with numbers_in(user.lang):
        charts = {"revenue_chart": revenue_chart(card["products"], user.lang),
                  "lines_table": lines_table(card["products"], user.lang)}  # fmt: skip
    return render_page(request, user, "customer.html", card=card, **charts,
                       json_url=f"/api/v1/customers/{quote(customer_id)}")  # fmt: skip


# --- follow-up queue ---------------------------------------------------------------------


@router.get("/followups")
def followups(
    request: Request, user: Annotated[User, page_access("tasks")], show: str = "open"
) -> Response:
    from cxray.web.customers import visible_tasks

    tasks = visible_tasks(request.app.state.web, user)
    open_ = [task for task in tasks if task["status"] == "open"]
    lists = {
        "open": open_,
        "mine": [task for task in open_ if task.get("owner") == user.name],
        "overdue": [task for task in open_ if task["overdue"]],
    }
    show = show if show in lists else "open"
    counts = {name: len(rows) for name, rows in lists.items()}
    return render_page(request, user, "followups.html", tasks=lists[show], show=show,
                       counts=counts, csrf=user.csrf)  # fmt: skip


@router.post("/followups/{task_id}/close")
def close_task(
    request: Request, task_id: str, user: Annotated[User, page_access("tasks")],
    resolution: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    from cxray.web.customers import close_followup

    check_csrf(user, csrf)
    close_followup(request.app.state.web, user, task_id, resolution)
    return RedirectResponse("/followups", status_code=303)


@router.post("/followups/{task_id}/reassign")
def reassign_task(
    request: Request, task_id: str, user: Annotated[User, page_access("tasks")],
    owner: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    from cxray.web.customers import reassign_followup

    check_csrf(user, csrf)
    reassign_followup(request.app.state.web, user, task_id, owner)
    return RedirectResponse("/followups", status_code=303)


# --- imports and the audit log -------------------------------------------------------------


@router.get("/imports")
def imports_page(request: Request, user: Annotated[User, page_access("import")]) -> Response:
    return render_page(request, user, "imports.html", tables=TABLES, result=None, chosen=None)


@router.post("/imports")
def import_upload(
    request: Request,
    user: Annotated[User, page_access("import")],
    form: Annotated[ImportForm, Depends(import_form)],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(user, csrf)
    try:
        result = run_import(request.app.state.web, user, form)
    except CxrayError as err:  # shown above the form, which keeps what was chosen
        message = err.message(user.lang)
        return render_page(request, user, "imports.html", status_code=400, tables=TABLES,
                           result=None, error=message, chosen=form.table)  # fmt: skip
    return render_page(request, user, "imports.html", tables=TABLES, result=result,
                       chosen=form.table)  # fmt: skip


@router.get("/audit")
def audit_page(
    request: Request, user: Annotated[User, page_access("audit")], page: int = 1,
    action: str | None = None,
) -> Response:  # fmt: skip
    per_page = 50
    page = min(max(page, 1), 10**7)  # past every log; far more overflows the database
    log = request.app.state.web.run(
        lambda s: s.accounts.audit(
            action=action or None, limit=per_page, offset=(page - 1) * per_page
        ).to_dict()
    )
    pages = max((log["total"] + per_page - 1) // per_page, 1)
    return render_page(request, user, "audit.html", log=log, page=page, pages=pages,
                       action=action or "")  # fmt: skip
