"""The web workspace's application: pages, the REST API under ``/api/v1``, the packaged
assets, and the one way errors are answered (JSON with a code under ``/api``, a page
elsewhere; never a traceback).

``create_app(session)`` serves an open, writable API session; ``cxray serve`` opens it and runs
the app with uvicorn.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from cxray import __version__
from cxray.errors import CxrayError
from cxray.web.access import BadCsrf, Forbidden, NotSignedIn, cookie_user
from cxray.web.render import render_page
from cxray.web.state import WebState
from cxray.web.statuses import status_of

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.session import Session

API = "/api/v1"
log = logging.getLogger("cxray.web")

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
    "Cache-Control": "no-store",  # pages and answers may hold personal data
}


def create_app(session: Session, *, lang: str = "en") -> FastAPI:
    """The app over ``session`` (opened with ``read_only=False``). ``lang``: the pages'
    language for users who have not chosen one."""
    from cxray.web import (
        collector,
        pages,
        rest,
        rest_campaigns,
        rest_site,
        site_pages,
        snippet,
        studio_pages,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.collector.start()  # what an earlier run journaled goes in first, in its thread
        try:
            yield
        finally:
            app.state.collector.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="cxray",
        version=__version__,
        openapi_url=f"{API}/openapi.json",
        docs_url=f"{API}/docs",
        redoc_url=None,
    )
    app.state.web = WebState(session, lang=lang)
    app.state.collector = collector.Collector(app.state.web)
    app.mount("/static", StaticFiles(packages=[("cxray.web", "static")]), name="static")
    app.include_router(pages.router)
    app.include_router(collector.router)
    app.include_router(studio_pages.router)
    app.include_router(site_pages.router)
    app.include_router(snippet.router)
    app.include_router(rest.router, prefix=API)
    app.include_router(rest_campaigns.router, prefix=API)
    app.include_router(rest_site.router, prefix=API)
    _answer_errors(app)

    # one middleware, not two: each layer costs every request (the collector's most of all)
    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        response = _nul_refused(request) or await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def _nul_refused(request: Request) -> Response | None:
    """The answer to a path or query holding a NUL character (no part of any name, and the
    database cannot read it in a literal); None for any other request."""
    found = [where for where, text in (("path", request.url.path),
                                       ("query", unquote(request.url.query)))
             if "\x00" in text]  # fmt: skip
    if not found:
        return None
    from cxray.texts import t

    message = t("web_bad_request", lang=_lang(request), fields=", ".join(found))
    if _is_api(request):
        return error_json(422, "bad_request", message, fields=found)
    return _error(request, 422, "bad_request", message)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API)


def error_json(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def _lang(request: Request) -> str:
    user = cookie_user(request)
    return user.lang if user is not None else request.app.state.web.lang


def _error(request: Request, status: int, code: str, message: str) -> Response:
    if _is_api(request):
        return error_json(status, code, message)
    user = cookie_user(request)
    return render_page(request, user, "error.html", status_code=status, code=code,
                       message=message)  # fmt: skip


def _answer_errors(app: FastAPI) -> None:
    from cxray.texts import t

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if _is_api(request):
            return error_json(401, exc.code, t("web_not_signed_in", lang=_lang(request)))
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        message = t("web_forbidden", lang=_lang(request), permission=exc.permission)
        return _error(request, 403, "forbidden", message)

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, exc: BadCsrf) -> Response:
        return _error(request, 403, "bad_csrf", t("web_bad_csrf", lang=_lang(request)))

    @app.exception_handler(CxrayError)
    async def user_error(request: Request, exc: CxrayError) -> Response:
        status = status_of(exc.key)
        return _error(request, status, exc.key, exc.message(_lang(request)))

    @app.exception_handler(ValueError)
    async def bad_value(request: Request, exc: ValueError) -> Response:
        # an analytic refusing an impossible parameter (abc_a=0 ...): the CLI's exit 1
        message = t("bad_parameter", lang=_lang(request), detail=str(exc))
        return _error(request, 400, "bad_parameter", message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = [".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()]
        message = t("web_bad_request", lang=_lang(request), fields=", ".join(fields))
        if _is_api(request):
            return error_json(422, "bad_request", message, fields=fields)
        return _error(request, 422, "bad_request", message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = "not_found" if exc.status_code == 404 else f"http_{exc.status_code}"
        message = (
            t("web_not_found", lang=_lang(request)) if exc.status_code == 404 else str(exc.detail)
        )
        return _error(request, exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _error(request, 500, "internal_error", t("web_internal_error", lang=_lang(request)))
