"""The REST API under ``/api/v1``: one endpoint per API method, answering exactly the method's
``to_dict()`` (the CLI's ``--json``), with contact data masked for roles that may not see it.

- Credentials: ``Authorization: Bearer <token>`` (``cxray tokens create``); reading endpoints
  also accept the browser's session cookie. 401 without them, 403 outside the role.
- Lists are paginated: ``limit`` (default :data:`PAGE`, at most :data:`MAX_PAGE`) and
  ``offset`` slice the answer's main list, and ``page`` says ``{key, offset, limit, total}``.
- Errors: ``{"error": {"code": ..., "message": ...}}`` with 400, 401, 403, 404, 409 or 422.

The report endpoints are made from the API methods' own signatures (:data:`READS`), so every
parameter of a method is a query parameter of its endpoint, with the same default.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response

from cxray.api.results import to_json
from cxray.web.access import User, api_access
from cxray.web.customers import card_for, close_followup, reassign_followup, visible_tasks
from cxray.web.masking import mask_payload
from cxray.web.uploads import ImportForm, import_form, run_import

router = APIRouter()
PAGE = 1000
MAX_PAGE = 10000
MAX_OFFSET = 2**31  # beyond any list; a larger one would overflow the database's integers
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]

# endpoint path -> (the session's method, as "name" or "feedback.name"; the answer's main list;
# the permission)
READS: dict[str, tuple[str, str | None, str]] = {
    "status": ("status", "tables", "view"),
    "structure": ("structure", None, "view"),
    "products": ("products", "products", "view"),
    "whitespace": ("whitespace", "opportunities", "view"),
    "rfm": ("rfm", "customers", "view"),
    "cohorts": ("cohorts", "cohorts", "view"),
    "activation": ("activation", None, "view"),
    "loyalty": ("loyalty", None, "view"),
    "leads": ("leads", None, "view"),
    "initiatives": ("initiatives", "initiatives", "view"),
    "clv": ("clv", "customers", "view"),
    "alerts": ("alerts", "alerts", "view"),
    "contacts/health": ("contacts_health", "contacts", "view"),
    "feedback/scores": ("feedback.scores", None, "view"),
    "feedback/saydo": ("feedback.saydo", None, "view"),
    "feedback/themes": ("feedback.themes", None, "view"),
    "settings": ("settings", None, "import"),
}
SKIPPED = ("progress", "campaigns")  # parameters that are no query parameter


def answer(payload: Any, user: User, list_key: str | None = None, *, limit: int = PAGE,
           offset: int = 0) -> Response:  # fmt: skip
    """The JSON answer: ``payload`` masked for ``user``'s role, its ``list_key`` paginated."""
    if list_key is not None and isinstance(payload, dict) and list_key in payload:
        rows = payload[list_key] or []
        payload = {**payload, list_key: rows[offset : offset + limit],
                   "page": {"key": list_key, "offset": offset, "limit": limit,
                            "total": len(rows)}}  # fmt: skip
    if not user.can("pii"):
        payload = mask_payload(payload)
    return Response(to_json(payload), media_type="application/json")


def _method(session: Any, dotted: str) -> Callable[..., Any]:
    target = session
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


_SIMPLE = {"str": str, "int": int, "float": float, "bool": bool}


def _query_type(annotation: Any) -> Any | None:
    """The query parameter type of an API parameter's annotation (its text: the api modules
    postpone annotations); None for one that is no query parameter (a path, a callback)."""
    text = str(annotation).replace(" ", "")
    if text.startswith("DateLike"):
        return str | None  # a date as yyyy-mm-dd (or dd.mm.yyyy), as on the command line
    parts = [part for part in text.split("|") if part != "None"]
    if len(parts) == 1 and parts[0] in _SIMPLE:
        return _SIMPLE[parts[0]] | None
    return None


def _read_endpoint(path: str, dotted: str, list_key: str | None, permission: str) -> None:
    from cxray.api.feedback import FeedbackSession
    from cxray.api.session import Session

    owner, _, name = dotted.rpartition(".")
    cls = FeedbackSession if owner == "feedback" else Session
    func = getattr(cls, name)
    params = [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
        inspect.Parameter(
            "user",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[User, api_access(permission)],
        ),  # fmt: skip
    ]
    names = []
    for p in list(inspect.signature(func).parameters.values())[1:]:
        kind = _query_type(p.annotation)
        if p.name in SKIPPED or kind is None:
            continue
        names.append(p.name)
        default = None if p.default is inspect.Parameter.empty else p.default
        params.append(
            inspect.Parameter(
                p.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[kind, Query(ge=1) if p.name == "limit" else Query()],
                default=default,
            )
        )
    if list_key is not None:  # a method's own limit (top rows) also sizes the page
        if "limit" not in names:
            params.append(
                inspect.Parameter(
                    "limit",
                    inspect.Parameter.KEYWORD_ONLY,
                    default=PAGE,
                    annotation=Annotated[int, Query(ge=1, le=MAX_PAGE)],
                )
            )
        params.append(inspect.Parameter("offset", inspect.Parameter.KEYWORD_ONLY, default=0,
                                        annotation=Offset))  # fmt: skip

    def endpoint(request: Request, user: User, **query: Any) -> Response:
        state = request.app.state.web
        options = {k: query[k] for k in names if query.get(k) is not None}
        key = (path, tuple(sorted(options.items())))
        payload = state.kept(key, lambda s: _method(s, dotted)(**options).to_dict())
        page = {
            "limit": min(query.get("limit") or PAGE, MAX_PAGE),
            "offset": query.get("offset", 0),
        }
        return answer(payload, user, list_key, **page)

    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    endpoint.__name__ = path.replace("/", "_")
    endpoint.__doc__ = inspect.getdoc(func)
    router.add_api_route(f"/{path}", endpoint, methods=["GET"], name=endpoint.__name__,
                         tags=["reports"])  # fmt: skip


for _path, (_dotted, _key, _permission) in READS.items():
    _read_endpoint(_path, _dotted, _key, _permission)


# --- customers ---------------------------------------------------------------------------


@router.get("/search", tags=["customers"])
def search(
    request: Request, user: Annotated[User, api_access("view")], q: str = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> Response:  # fmt: skip
    """Customers whose id starts with ``q`` or whose name holds it."""
    payload = request.app.state.web.run(lambda s: s.search(q, limit=limit).to_dict())
    return answer(payload, user)


@router.get("/customers/{customer_id}", tags=["customers"])
def customer(
    request: Request, customer_id: str, user: Annotated[User, api_access("view")],
    as_of: str | None = None,
) -> Response:  # fmt: skip
    """The customer card; contact data unmasked for roles that may see it (audited)."""
    card = card_for(request.app.state.web, user, customer_id, as_of, via="api")
    return Response(to_json(card), media_type="application/json")


# --- follow-up tasks ---------------------------------------------------------------------


@router.get("/followups", tags=["followups"])
def followups(
    request: Request, user: Annotated[User, api_access("tasks")], status: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = PAGE,
    offset: Offset = 0,
) -> Response:  # fmt: skip
    """The follow-up tasks the user works (``status``: open, closed or overdue), with the
    summary of every task."""
    state = request.app.state.web
    day = state.tasks_day()
    payload = state.kept(("followups_payload", day),
                         lambda s: s.followups(day, sync=False).to_dict())  # fmt: skip
    if status not in (None, "open", "closed", "overdue"):
        from cxray.errors import CxrayError

        raise CxrayError("bad_parameter", detail="status must be open, closed or overdue")
    tasks = visible_tasks(state, user, status)
    return answer({**payload, "tasks": tasks}, user, "tasks", limit=limit, offset=offset)


@router.post("/followups/{task_id}/close", tags=["followups"])
def close_task(
    request: Request, task_id: str, user: Annotated[User, api_access("tasks")],
    resolution: Annotated[str, Body(embed=True)],
) -> Response:  # fmt: skip
    """Close a task with what was done."""
    return answer(close_followup(request.app.state.web, user, task_id, resolution), user)


@router.post("/followups/{task_id}/reassign", tags=["followups"])
def reassign_task(
    request: Request, task_id: str, user: Annotated[User, api_access("tasks")],
    owner: Annotated[str, Body(embed=True)],
) -> Response:  # fmt: skip
    """Give a task to another owner."""
    return answer(reassign_followup(request.app.state.web, user, task_id, owner), user)


# --- SQL and imports ---------------------------------------------------------------------


@router.post("/sql", tags=["data"])
def sql(
    request: Request, user: Annotated[User, api_access("sql")],
    query: Annotated[str, Body(embed=True)],
) -> Response:  # fmt: skip
    """A read-only SQL query over the workspace's tables (one statement, a time limit)."""
    state = request.app.state.web
    payload = state.run(lambda s: s.sql(query).to_dict())
    state.run(lambda s: s.accounts.record("sql_run", actor=user.actor,
                                          details={"rows": len(payload["rows"])}))  # fmt: skip
    return answer(payload, user)


@router.post("/imports", tags=["data"])
def import_file(
    request: Request,
    user: Annotated[User, api_access("import")],
    form: Annotated[ImportForm, Depends(import_form)],
) -> Response:
    """Import a file into a canonical table (``maps``: ``source=column`` per line)."""
    return answer(run_import(request.app.state.web, user, form), user)


# --- users, tokens and the audit log -----------------------------------------------------


@router.get("/audit", tags=["admin"])
def audit(
    request: Request, user: Annotated[User, api_access("audit")], action: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Offset = 0,
) -> Response:  # fmt: skip
    """The audit log, newest first."""
    payload = request.app.state.web.run(
        lambda s: s.accounts.audit(action=action, limit=limit, offset=offset).to_dict()
    )
    return answer(payload, user)


@router.get("/users", tags=["admin"])
def users(request: Request, user: Annotated[User, api_access("users")]) -> Response:
    """Every user (never a password hash)."""
    return answer(request.app.state.web.run(lambda s: s.accounts.users().to_dict()), user)


@router.get("/tokens", tags=["admin"])
def tokens(request: Request, user: Annotated[User, api_access("users")]) -> Response:
    """Every API token (never a token nor its hash)."""
    return answer(request.app.state.web.run(lambda s: s.accounts.tokens().to_dict()), user)
