"""The team's web workspace (``cxray serve``): sign-in, roles, pages rendered on the server
with the report's charts, the customer card, the follow-up queue, imports, the audit log, and
the REST API under ``/api/v1``. It calls the api layer and nothing below it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from fastapi import FastAPI


def create_app(session: Any, **options: Any) -> FastAPI:
    """The app over a writable API session; see :func:`cxray.web.app.create_app`."""
    from cxray.web.app import create_app as make

    return make(session, **options)
