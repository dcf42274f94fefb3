"""Who is asking and whether they may: the signed-in user of a request, from the session cookie
(pages) or a Bearer token (the REST API), checked against :mod:`cxray.web.roles` on every page
and endpoint.

Every route declares its permission with :func:`page_access` or :func:`api_access`; the
declaration is kept on the route (:data:`PERMISSION_ATTR`) so a test can go through every route
and every role.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request

from cxray.web import roles
from cxray.web.signin import COOKIE

PERMISSION_ATTR = "cxray_permission"


@dataclass(frozen=True)
class User:
    """The signed-in user of a request."""

    login: str
    role: str
    name: str | None
    lang: str
    csrf: str | None  # the session's form token; None for an API token
    session_id: str | None = None

    def can(self, permission: str) -> bool:
        return roles.can(self.role, permission)

    @property
    def actor(self) -> str:
        return self.login


class NotSignedIn(Exception):
    """No valid session or token: pages go to the sign-in page, the API answers 401 with
    ``code``."""

    def __init__(self, code: str = "not_signed_in") -> None:
        self.code = code


class Forbidden(Exception):
    """Signed in, but the role does not allow it: 403."""

    def __init__(self, permission: str) -> None:
        self.permission = permission


class BadCsrf(Exception):
    """A form without the session's CSRF token: 403."""


def cookie_user(request: Request) -> User | None:
    state = request.app.state.web
    session_id = request.cookies.get(COOKIE)
    web = state.sessions.get(session_id)
    if web is None:
        return None
    return User(web.login, web.role, web.name, web.lang, web.csrf, session_id)


def token_user(request: Request) -> User | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    state = request.app.state.web
    check = state.run(lambda s: s.accounts.verify_token(token.strip()))
    if not check.ok:
        raise NotSignedIn(f"token_{check.refused}")
    user = check.user
    return User(user["login"], user["role"], user.get("name"), state.lang, None)


def _access(permission: str, find: Callable[[Request], User | None]) -> Any:
    """The dependency returning the user ``find`` gives, when they hold ``permission``
    (NotSignedIn without one, Forbidden outside the role); declared on the route."""
    roles.GRANTS[permission]  # a typo fails at import, not at the first request

    def dependency(request: Request) -> User:
        user = find(request)
        if user is None:
            raise NotSignedIn()
        if not user.can(permission):
            raise Forbidden(permission)
        return user

    setattr(dependency, PERMISSION_ATTR, permission)
    return Depends(dependency)


def _api_user(request: Request) -> User | None:
    """The user of the Bearer token, or, for reading, of the session cookie (a page's JSON
    twin opens in the browser)."""
    user = token_user(request)
    if user is None and request.method == "GET":
        user = cookie_user(request)
    return user


def page_access(permission: str) -> Any:
    """The dependency of a page: the signed-in user holding ``permission``."""
    return _access(permission, cookie_user)


def api_access(permission: str) -> Any:
    """The dependency of an endpoint: the user of the Bearer token (or, for reading, of the
    session cookie) holding ``permission``."""
    return _access(permission, _api_user)


def check_csrf(user: User, sent: str | None) -> None:
    """Refuse a form whose token is not the session's (BadCsrf)."""
    if user.csrf is None or not sent or not secrets.compare_digest(user.csrf, sent):
        raise BadCsrf()
