"""Shared set-up of the web workspace tests: a demo workspace served by the app over a writable
session, one user (and API token) per role, the app's routes with their full paths, and
signing in through the real form."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import cxray

PASSWORD = "correct horse battery"  # 10 characters or more
ROLE_NAMES = ("viewer", "manager", "marketer", "analyst", "admin")
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Served:
    """A demo workspace served by the app: the session, the app, each role's user and token."""

    path: Any
    session: Any
    app: Any
    manager_name: str
    tokens: dict[str, str] = field(default_factory=dict)

    def login(self, role: str) -> str:
        return f"{role}1"

    def bearer(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def most_frequent_manager(session: Any) -> str:
    """The ``account_manager`` holding the most customers (counted here, not by the app)."""
    names = session.tables()["customers"].account_manager.to_pandas()
    counts = Counter(name for name in names if isinstance(name, str) and name)
    return counts.most_common(1)[0][0]


def serve_demo(folder: Any, seed: int, copy_to: Any = None) -> Served:
    """Generate the demo company into ``folder`` (and copy it to ``copy_to``, for commands
    run beside the server), add a user and a token per role (the manager named after the
    busiest account manager) and build the app over a writable session."""
    from cxray.web import create_app

    cxray.demo(workspace=folder, seed=seed)
    if copy_to is not None:
        shutil.copytree(folder, copy_to)
    session = cxray.open(folder, read_only=False)
    manager = most_frequent_manager(session)
    names = {"manager": manager}
    served = Served(folder, session, None, manager)
    for role in ROLE_NAMES:
        login = served.login(role)
        session.accounts.add_user(login, role=role, password=PASSWORD, name=names.get(role),
                                  actor="test")  # fmt: skip
        created = session.accounts.create_token(login, actor="test").to_dict()
        served.tokens[role] = created["token"]
    served.app = create_app(session)
    return served


def app_routes(app: Any) -> list[tuple[str, Any]]:
    """Every route of ``app`` with its full path, routers included under their prefix."""
    found = []

    def walk(routes: Any, prefix: str) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                context = getattr(route, "include_context", None)
                walk(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
            else:
                found.append((prefix + getattr(route, "path", ""), route))

    walk(app.routes, "")
    return found


def declared_permissions(route: Any) -> list[str]:
    """The permissions declared by the dependencies of ``route`` (any depth)."""
    from cxray.web.access import PERMISSION_ATTR

    found: list[str] = []

    def walk(dependant: Any) -> None:
        for sub in dependant.dependencies:
            if hasattr(sub.call, PERMISSION_ATTR):
                found.append(getattr(sub.call, PERMISSION_ATTR))
            walk(sub)

    if getattr(route, "dependant", None) is not None:
        walk(route.dependant)
    return found


def error_of(response: Any, status: int) -> str:
    """The code of a JSON error answer, once its status is ``status`` and it has a message."""
    assert response.status_code == status, response.text[:400]
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] and error["message"]
    return error["code"]


def csrf_of(html: str) -> str:
    """The first CSRF field of a page."""
    found = _CSRF.search(html)
    assert found, "no csrf field on the page"
    return found.group(1)


def sign_in(client: Any, login: str, password: str = PASSWORD, next_: str = "/") -> Any:
    """Sign in through the form: GET /signin (its token in a cookie and a field), POST it."""
    form = client.get("/signin")
    assert form.status_code == 200
    data = {"login": login, "password": password, "csrf": csrf_of(form.text), "next": next_}
    return client.post("/signin", data=data, follow_redirects=False)
